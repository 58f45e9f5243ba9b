export { envPreference, type EnvPreferenceOptions } from './env.ts'
export { sequential, type SequentialOptions } from './sequential.ts'
export { persist, type PersistOptions } from './persist.ts'
