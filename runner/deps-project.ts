/** The project file's layer, as the runner uses it: loaded on demand through `projectLayer()` in deps.ts. */
export { loadProject } from '../project/load.ts'
export { buildExports } from '../project/exports.ts'
export { pickEnvironment, planEnvironment } from '../project/plan.ts'
export { upProject } from '../project/up.ts'
