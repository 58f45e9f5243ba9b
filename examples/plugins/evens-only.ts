/**
 * The README's smallest plugin, as a file: it imports berth by its package name, so the same file
 * loads in the compiled binary (`berth get web --plugin examples/plugins/evens-only.ts`, which
 * resolves `berth` to its own embedded modules), under `bunx` and through the library.
 */
import { definePlugin } from 'berth-ports'

export default definePlugin({ name: 'evens', accept: (port) => port % 2 === 0 || 'odd' })
