import { allocatePort, clearClaims } from '../core/index.ts'
import { getPort as gpp } from 'get-port-please'
import { freeRange } from '../test/helpers/sockets.ts'
import { timeCalls } from './measure.ts'
const base = await freeRange(101)
const warm = Number(process.argv[2] ?? 100)
await timeCalls(warm, () => allocatePort({ basePort: base, maxPort: base + 100, serviceName: 'bench' }), clearClaims)
const a = await timeCalls(200, () => allocatePort({ basePort: base, maxPort: base + 100, serviceName: 'bench' }), clearClaims)
await timeCalls(warm, () => gpp({ port: base, portRange: [base, base + 100], random: false }))
const g = await timeCalls(200, () => gpp({ port: base, portRange: [base, base + 100], random: false }))
console.log(`warm ${warm}: berth ${(a * 1000).toFixed(1)} µs, gpp ${(g * 1000).toFixed(1)} µs, ratio ${(a / g).toFixed(2)}`)
