/**
 * valibot, whole, for plugin files that import it (cli/self-imports.ts). A module of its own so
 * that the bundler builds valibot's namespace object in the chunk that loads plugin files, not in
 * the entry's: there, filling in every one of valibot's exports was a part of every cold `berth get`.
 */
export * from 'valibot'
