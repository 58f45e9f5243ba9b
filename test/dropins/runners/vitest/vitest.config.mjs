// An ESM project's vitest setup: node environment, the drop-ins imported.
export default { test: { environment: 'node', include: ['dropins.check.mjs'], watch: false } }
