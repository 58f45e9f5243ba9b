import { allocatePort, clearClaims, checkPorts } from '../core/index.ts'
import { getPort as gpp } from 'get-port-please'
import { freeRange } from '../test/helpers/sockets.ts'
const base = await freeRange(101)
await checkPorts([base, base + 1], ['::'])
const N = 10000
async function t(f: () => unknown) {
  for (let i = 0; i < 1000; i++) await f()
  const s = performance.now(); for (let i = 0; i < N; i++) await f(); return (performance.now() - s) / N * 1000
}
const ratios: number[] = []
for (let r = 0; r < 8; r++) {
  const a = await t(() => { clearClaims(); return allocatePort({ basePort: base, maxPort: base + 100, serviceName: 'bench' }) })
  const g = await t(() => gpp({ port: base, portRange: [base, base + 100], random: false }))
  ratios.push(a / g)
}
console.log('berth/gpp per round:', ratios.map((x) => x.toFixed(2)).join(' '), ' median', [...ratios].sort()[4]!.toFixed(2))
