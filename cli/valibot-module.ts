/**
 * valibot, whole, for plugin files that import it (cli/self-imports.ts), required rather than
 * imported: the bundler then puts this copy in the chunk that loads plugin files. Imported, it
 * would be the one the core uses, and the whole library with its namespace object would be part
 * of the entry's chunk, evaluated on every cold `berth get`. A plugin's schema reaches berth only
 * through its Standard Schema interface (core/plugin-options.ts), which any copy provides.
 */
export const valibot: typeof import('valibot') = require('valibot')
