/**
 * Project files are input from anyone's checkout: names that collide with object internals are
 * ordinary names, and exports cannot name a variable that changes how a shell or loader runs.
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

function projectWith(config: unknown) {
  const root = tempDir('berth-names')
  writeFileSync(join(root, 'berth.config.json'), JSON.stringify(config))
  const env = { BERTH_STATE_DIR: freshStateDir(), NODE_ENV: '' }
  return { root, run: (args: string[]) => runCommand([binary(), ...args, '--no-persist'], env, root) }
}

describe('names that collide with object internals', () => {
  test('services, pools, groups and exports called constructor, prototype, toString, hasOwnProperty, __proto__ all work', async () => {
    const from = await freeRange(40)
    // Written as text: "__proto__" stays an own key only when the file is parsed, as berth parses it.
    const p = projectWith({})
    writeFileSync(
      join(p.root, 'berth.config.json'),
      `{"pools":{"constructor":"${from}-${from + 9}"},"environments":{"development":{"services":{` +
        `"constructor":{"pool":"constructor","env":"constructor"},"prototype":{"base":${from + 10},"max":${from + 19}},` +
        `"toString":{"base":${from + 20},"max":${from + 29},"instances":2},"hasOwnProperty":{"base":${from + 30},"max":${from + 39}}},` +
        `"exports":{"T":"\${toString.ports}","__proto__":"\${hasOwnProperty.port}","toString":"\${prototype.port}","valueOf":"\${constructor.port}"},` +
        `"groups":{"constructor":{"services":["prototype","hasOwnProperty"],"span":5}}}}}`,
    )
    const ran = await p.run(['up', '--format', 'json'])
    expect(ran.stderr).not.toContain('Ignoring invalid')
    expect(ran.code).toBe(0)
    const out = JSON.parse(ran.stdout)
    expect(out.allocations.map((a: { serviceName: string }) => a.serviceName)).toEqual([
      'constructor',
      'prototype',
      'toString#1',
      'toString#2',
      'hasOwnProperty',
    ])
    expect(Object.entries(out.env)).toEqual([
      ['constructor', String(from)],
      ['T', `${from + 20},${from + 21}`],
      ['__proto__', String(from + 30)],
      ['toString', String(from + 10)],
      ['valueOf', String(from)],
    ])
  })

  test('a template naming an internal that is not a service is an error naming it, not a crash', async () => {
    const from = await freeRange(2)
    const p = projectWith({ environments: { development: { services: { web: { base: from } }, exports: { X: '${toString.ports}' } } } })
    const ran = await p.run(['up'])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain('exports.X refers to "toString", which is not a service of development')
  })
})

describe('exports that would change how a shell or loader runs', () => {
  const denied = [
    'BASH_ENV',
    'ENV',
    'PROMPT_COMMAND',
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'PATH',
    'IFS',
    'PS4',
    'SHELLOPTS',
    'BASHOPTS',
    'NODE_OPTIONS',
    'DYLD_INSERT_LIBRARIES',
    'BERTH_SAFE_DIRECTORIES',
    'bash_env',
  ]

  test('each name is refused with exit 2 naming the key, from exports and from a service env, in every format and with --write', async () => {
    const from = await freeRange(2)
    for (const name of denied) {
      const viaExports = projectWith({
        environments: { development: { services: { web: { base: from } }, exports: { [name]: 'touch /tmp/pwned' } } },
      })
      const viaEnv = projectWith({ environments: { development: { services: { web: { base: from, env: name } } } } })
      for (const [p, key] of [
        [viaExports, `exports.${name}`],
        [viaEnv, 'services.web.env'],
      ] as const) {
        // Every format and --write for two names; the shell format (the one eval runs) for all.
        const all = name === 'BASH_ENV' || name === 'LD_PRELOAD'
        const runs = all
          ? [
              ['up'],
              ['up', '--format', 'shell'],
              ['up', '--format', 'json'],
              ['up', '--format', 'summary'],
              ['up', '--format', 'shell', '--write', 'out.env'],
            ]
          : [['up', '--format', 'shell']]
        for (const args of runs) {
          const ran = await p.run(args)
          expect({ name, args, code: ran.code, stdout: ran.stdout }).toEqual({ name, args, code: 2, stdout: '' })
          expect(ran.stderr).toContain(`environments.development.${key}: ${name} changes how a shell`)
        }
        expect(existsSync(join(p.root, 'out.env'))).toBe(false)
      }
    }
  })

  test('ordinary names still export', async () => {
    const from = await freeRange(2)
    const p = projectWith({
      environments: {
        development: { services: { web: { base: from, env: 'PORT' } }, exports: { NODE_ENV_PORT: '${web.port}', ENVIRONMENT: 'dev' } },
      },
    })
    expect(await p.run(['up', '--format', 'shell'])).toMatchObject({
      code: 0,
      stdout: `export PORT=${from}\nexport NODE_ENV_PORT=${from}\nexport ENVIRONMENT=dev\nexport BERTH_EXPORTS='PORT=${from}@${p.root}'\n`,
    })
  })
})

describe('bounds on a project file', () => {
  test('too many services, too many group trials, or too big a file: exit 2 naming the key and the bound', async () => {
    const services = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`s${i}`, { base: 10000 + i }]))
    const many = await projectWith({ environments: { development: { services } } }).run(['up'])
    expect(many).toMatchObject({ code: 2, stdout: '' })
    expect(many.stderr).toContain('environments.development.services: expected at most 1024 services')
    const members = Array.from({ length: 128 }, (_, i) => `m${i}`)
    const groups = Object.fromEntries([0, 1].map((g) => [`g${g}`, { services: members.slice(g * 64, g * 64 + 64), span: 1000 }]))
    const wide = projectWith({
      environments: { development: { services: Object.fromEntries(members.map((m, i) => [m, { base: 2000 + i * 10 }])), groups } },
    })
    const trials = await wide.run(['up'])
    expect(trials).toMatchObject({ code: 2, stdout: '' })
    expect(trials.stderr).toContain('the groups of development would try 128128 placements (span + 1 times members); at most 65536')
    const big = projectWith({})
    const text = `${JSON.stringify({ environments: { development: { services: { web: { base: 3000 } } } } })}${' '.repeat(1024 * 1024)}`
    writeFileSync(join(big.root, 'berth.config.json'), text)
    const huge = await big.run(['up'])
    expect(huge).toMatchObject({ code: 2, stdout: '' })
    expect(huge.stderr).toContain(`${join(big.root, 'berth.config.json')} is ${text.length} bytes; a project file may have at most 1048576`)
  })
})
