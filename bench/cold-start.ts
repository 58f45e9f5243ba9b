/**
 * Scenario 4 of the benchmark: a cold `berth get` as a process of its own, beside get-port-cli and
 * the floor, a compiled Bun program that only prints a line.
 */
import { join } from 'node:path'
import { freeRange } from '../test/helpers/sockets.ts'
import { timeSpawnsInTurn } from './measure.ts'

/** The three commands' start-up, in turn: ms per process. */
export async function coldStart(root: string) {
  // Below the OS ephemeral range, which berth's exclusion policy skips.
  const port = await freeRange(1)
  const [berth, getPortCli, floor] = timeSpawnsInTurn(60, [
    [join(root, 'dist/berth'), 'get', 'bench', '--base', String(port), '-q', '--no-persist'],
    ['node', join(root, 'node_modules/get-port-cli/cli.js'), String(port)],
    [join(root, 'dist/floor')],
  ])
  return [
    ['berth (dist/berth get --no-persist)', berth!],
    ['get-port-cli (node)', getPortCli!],
    ['floor (compiled bun, prints a line)', floor!],
  ] as Array<[string, number]>
}
