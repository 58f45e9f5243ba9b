// node differential.mjs <package>: calls the original and berth's drop-in with the same odd inputs
// and hosts, one after the other on the same ports, and prints every answer that differs in kind
// (the port, the next one, a random port, a value, or the error's class, code and message) as JSON.
// Deliberate differences are left out: a port held on 127.0.0.1 is busy for host 127.0.0.2 in berth
// (it checks the wildcard that overlaps a host), and portfinder keeps a host name it could not
// resolve, after which every call of the original fails.
import { freeRange, hold } from 'berth-ports/conformance'

const [name] = process.argv.slice(2)
const original = await import(name)
const berth = await import(`berth-ports/${name}`)
const p = await freeRange(12)

async function kind(call) {
  try {
    const answer = await call()
    if (answer === p) return 'the port'
    if (answer === p + 1) return 'the next port'
    if (typeof answer === 'number' && answer > 30000) return 'a random port'
    if (typeof answer === 'number' && answer >= 3000 && answer <= 3100) return 'a port of 3000-3100'
    return `the value ${JSON.stringify(answer)}`
  } catch (error) {
    return `${error?.name} ${error?.code ?? ''}: ${String(error?.message).replaceAll(String(p), 'P')}`
  }
}

const inputs = [
  undefined,
  null,
  0,
  -1,
  p,
  String(p),
  ` ${p} `,
  `${p}abc`,
  `${p}.5`,
  p + 0.5,
  'abc',
  '',
  true,
  false,
  [],
  [p],
  {},
  NaN,
  Infinity,
  65536,
  65535,
  1e21,
  `0x${p.toString(16)}`,
  '1e3',
  -0,
  5n,
]
const hosts = [undefined, '', '127.0.0.1', 'localhost', '::1', '::', '0.0.0.0', 'example.invalid', '192.0.2.1', '2001:db8::1', 'bad host!']
const byInput = {
  'detect-port': [(lib, x) => lib.default(x), (lib, x) => lib.default({ port: x })],
  'get-port-please': [
    (lib, x) => lib.getPort(x),
    (lib, x) => lib.getPort({ port: x }),
    (lib, x) => lib.getPort({ ports: [x] }),
    (lib, x) => lib.checkPort(x),
  ],
  'get-port': [(lib, x) => lib.default({ port: x }), (lib, x) => lib.default({ port: [x] }), (lib, x) => lib.default({ exclude: x })],
  portfinder: [
    (lib, x) => lib.default.getPortPromise({ port: x }),
    (lib, x) => lib.default.getPortPromise({ startPort: x, stopPort: p + 5 }),
    (lib, x) => lib.default.getPortPromise({ port: p, stopPort: x }),
  ],
}[name]
const byHost = {
  'detect-port': [(lib, h) => lib.default({ port: p, hostname: h })],
  'get-port-please': [
    (lib, h) => lib.getPort({ port: p, host: h }),
    (lib, h) => lib.getPort({ port: p, host: h, random: false }),
    (lib, h) => lib.checkPort(p, h),
  ],
  'get-port': [(lib, h) => lib.default({ port: p, host: h })],
  portfinder: [(lib, h) => lib.default.getPortPromise({ port: p, host: h })],
}[name]

const differences = []
async function compare(label, call) {
  original.clearLockedPorts?.()
  berth.clearLockedPorts?.()
  const [theirs, ours] = [await kind(() => call(original)), await kind(() => call(berth))]
  if (theirs !== ours) differences.push({ call: label, original: theirs, berth: ours })
}
for (const [i, call] of byInput.entries()) {
  for (const x of inputs)
    await compare(`input #${i} ${typeof x === 'bigint' ? `${x}n` : (JSON.stringify(x) ?? String(x))}`, (lib) => call(lib, x))
}
for (const busy of [false, true]) {
  const held = busy ? await hold('127.0.0.1', p) : undefined
  for (const [i, call] of byHost.entries()) {
    for (const h of hosts) {
      if (name === 'portfinder' && (h === 'example.invalid' || h === 'bad host!')) continue
      // get-port-please looks a name up once per port, slowly here: its scenarios cover names.
      if (name === 'get-port-please' && (h === 'bad host!' || h === 'example.invalid')) continue
      await compare(`host #${i} ${JSON.stringify(h)}${busy ? ' (port busy)' : ''}`, (lib) => call(lib, h))
    }
  }
  await held?.close()
}
console.log(JSON.stringify(differences))
process.exit(0)
