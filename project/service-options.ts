/**
 * The plugins' options of a project's services, checked by the plugins' own schemas once the
 * plugins are loaded and before any port is allocated: an error names the key path in the file
 * (`environments.development.services.web.options.hash.seed: …, got "x"`), as the file's own
 * schema does.
 */
import { PortError } from '../core/errors.ts'
import { checkPluginOptions, problemLine } from '../core/plugin-options.ts'
import type { PortPlugin } from '../core/types.ts'
import type { Plan } from './plan.ts'

export function checkServiceOptions(plan: Plan, plugins: readonly PortPlugin[], file: string): void {
  const problems: string[] = []
  for (const [name, service] of Object.entries(plan.env.services)) {
    const checked = checkPluginOptions(service.options, plugins)
    if ('problems' in checked) {
      for (const problem of checked.problems)
        problems.push(`  ${problemLine(`environments.${plan.environment}.services.${name}.options`, problem)}`)
    }
  }
  if (problems.length > 0) throw new PortError('E_INVALID_OPTIONS', `${file} is not a valid berth config:\n${problems.join('\n')}`)
}
