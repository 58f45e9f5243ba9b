import type { PortPlugin } from './types.ts'

/** Identity helper for type inference when writing a plugin. */
export const definePlugin = <T extends PortPlugin>(plugin: T): T => plugin
