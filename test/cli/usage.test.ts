/**
 * The CLI's parsing in-process, through run(argv, io): version, help, bad input of every kind,
 * unknown options and missing names, each with its exit code, an empty stdout and a message naming
 * what was typed. The binary's own start-up is covered in binary.test.ts.
 */
import { describe, expect, test } from 'bun:test'
import pkg from '../../package.json' with { type: 'json' }
import { cli, cliWithState } from '../helpers/cli.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

tempDirs()

describe('version and help', () => {
  test("--version prints berth's version from package.json, and nothing about the runtime", async () => {
    for (const args of [['--version'], ['-v'], ['get', 'web', '--version']]) {
      expect(await cli(args)).toMatchObject({ code: 0, stdout: `berth ${pkg.version}\n`, stderr: '' })
    }
  })

  test('--help explains every command and the exit codes, on stdout with exit 0', async () => {
    const help = await cli(['--help'])
    expect(help).toMatchObject({ code: 0, stderr: '' })
    for (const word of [
      'get <service>',
      'check [...ports]',
      'scan <range>',
      'up',
      'port <service>',
      'list',
      'release <service-or-port>',
      'gc',
      'Exit codes:',
    ]) {
      expect(help.stdout).toContain(word)
    }
    expect(help.stdout).toContain('release: no such lease')
    expect((await cli(['get', '--help'])).stdout).toContain('--exclude <list>')
  })

  test('berth alone prints the help and exits 2', async () => {
    const ran = await cli([])
    expect(ran.code).toBe(2)
    expect(ran.stdout).toContain('Exit codes:')
  })

  test('help shows --no-persist without a "(default: true)"', async () => {
    for (const command of ['get', 'up']) {
      const help = (await cli([command, '--help'])).stdout
      expect(help).toContain('--no-persist')
      expect(help).not.toContain('(default: true)')
    }
  })
})

describe('bad input: exit 2, empty stdout, a message naming the value', () => {
  const BAD: Array<[string[], string]> = [
    // Ports given as options: never guessed from garbage.
    [['get', 'web', '--base', 'abc'], '--base must be a whole number from 1 to 65535, got "abc"'],
    [['get', 'web', '--base', '3000abc'], '--base must be a whole number from 1 to 65535, got "3000abc"'],
    [['get', 'web', '--base', '1e3'], '--base must be a whole number from 1 to 65535, got "1e3"'],
    [['get', 'web', '--base', '-1'], '--base must be a whole number from 1 to 65535, got "-1"'],
    [['get', 'web', '--base', '65536'], '--base must be a whole number from 1 to 65535, got "65536"'],
    [['get', 'web', '--base', '0'], '--base must be a whole number from 1 to 65535, got "0"'],
    [['get', 'web', '--base=0x50'], '--base must be a whole number from 1 to 65535, got "0x50"'],
    [['get', 'web', '--base', ''], '--base must be a whole number from 1 to 65535, got ""'],
    [['get', 'web', '--base'], 'option `--base <port>` value is missing'],
    [['get', 'web', '--max', '1e3'], '--max must be a whole number from 1 to 65535, got "1e3"'],
    [['get', 'web', '--max', '65536'], '--max must be a whole number from 1 to 65535, got "65536"'],
    [['get', 'web', '--base', '3100', '--max', '3000'], '--max 3000 is below --base 3100: the range 3100-3000 is reversed'],
    [['get', 'web', '--exclude', '3010-3000'], '--exclude: the range "3010-3000" is reversed'],
    [['get', 'web', '--exclude', 'abc'], '--exclude must be a whole number from 1 to 65535, got "abc"'],
    [['get', 'web', '--exclude', '3000,1e3'], '--exclude must be a whole number from 1 to 65535, got "1e3"'],
    [['get', 'web', '--exclude', '3000-3010-3020'], '--exclude: "3000-3010-3020" is not a port or a range like 3000-3010'],
    [['get', 'web', '--host', 'example.invalid'], 'Invalid host "example.invalid"'],
    [['get', 'web', '--ttl', '5x', '--no-persist'], '--ttl must be a duration such as 90, 30s, 15m, 2h or 7d, got "5x"'],
    [['get', 'web', '--owner', 'abc', '--no-persist'], '--owner must be a process id, got "abc"'],
    [['get', 'web', '--ttl', '1h', '--no-persist'], '--owner and --ttl need persistence: drop --no-persist'],
    [['get', 'web', '--quiet', '--verbose'], '--quiet and --verbose cannot be used together'],
    [['check', 'abc'], 'port must be a whole number from 1 to 65535, got "abc"'],
    [['check', '3000abc'], 'port must be a whole number from 1 to 65535, got "3000abc"'],
    [['check', '1e3'], 'port must be a whole number from 1 to 65535, got "1e3"'],
    [['check', '65536'], 'port must be a whole number from 1 to 65535, got "65536"'],
    [['check', '3000', '0x50'], 'port must be a whole number from 1 to 65535, got "0x50"'],
    [['check', '1', '--host', 'example.invalid'], 'Invalid host "example.invalid"'],
    [['up', '--env', 'staging'], '--env must be "development" or "production" without a berth.config file, got "staging"'],
    [['up', '--format', 'xml'], '--format must be one of summary, env, json, shell, got "xml"'],
    [['up', '--ttl', '5x', '--no-persist'], 'got "5x"'],
    [['release', '65536'], 'release: "65536" is not a port from 1 to 65535'],
    [['release', '0'], 'release: "0" is not a port from 1 to 65535'],
    [['who', 'abc'], 'port must be a whole number from 1 to 65535, got "abc"'],
    [['who', '65536'], 'port must be a whole number from 1 to 65535, got "65536"'],
    [['kill', '1e3'], 'port must be a whole number from 1 to 65535, got "1e3"'],
    [['kill', '3000', '--signal', 'BOGUS'], '--signal "BOGUS" is not one of SIGTERM'],
    [['kill', '3000', '--timeout', '5x'], '--timeout must be a duration such as 90, 30s, 15m, 2h or 7d, got "5x"'],
    // Unknown options and commands, named as typed.
    [['get', 'web', '--bogus'], 'Unknown option `--bogus`'],
    [['get', 'web', '--bogus-flag'], 'Unknown option `--bogus-flag`'],
    [['get', 'web', '--no-bogus-flag'], 'Unknown option `--no-bogus-flag`'],
    [['up', '--some-thing=3'], 'Unknown option `--some-thing`'],
    [['check', '1', '--bogus-flag'], 'Unknown option `--bogus-flag`'],
    [['scan', '1-2', '--bogus'], 'Unknown option `--bogus`'],
    [['port', 'web', '--bogus'], 'Unknown option `--bogus`'],
    [['list', '--bogus'], 'Unknown option `--bogus`'],
    [['release', 'web', '--bogus'], 'Unknown option `--bogus`'],
    [['gc', '--bogus'], 'Unknown option `--bogus`'],
    [['who', '1', '--bogus'], 'Unknown option `--bogus`'],
    [['metrics', '--bogus'], 'Unknown option `--bogus`'],
    [['frobnicate'], 'Unknown command "frobnicate"'],
    // Missing names and arguments.
    [['get'], 'get needs a service name, e.g. "berth get web"'],
    [['check'], 'check needs at least one port'],
    [['scan'], 'scan needs a range, e.g. "berth scan 1024-65535"'],
    [['port'], 'port needs a service name, e.g. "berth port web"'],
    [['port', ''], 'port needs a service name, e.g. "berth port web"'],
    [['release'], 'release needs a service name or a port, e.g. "berth release web"'],
    [['release', ''], 'release needs a service name or a port, e.g. "berth release web"'],
    [['who'], 'who needs at least one port, e.g. "berth who 3000"'],
    [['kill'], 'kill needs at least one port, e.g. "berth kill 3000"'],
  ]
  for (const [args, message] of BAD) {
    test(`${JSON.stringify(args.join(' '))}: ${message}`, async () => {
      const ran = await cli(args)
      expect(ran).toMatchObject({ code: 2, stdout: '' })
      expect(ran.stderr).toContain(message)
      expect(ran.stderr).toEndWith('Run "berth --help" for usage.\n')
    })
  }

  for (const range of ['3100-3000', 'a-b', '0-70000', '3000-', '1-2-3', '3000abc-3100', '1e3-2000', '65536']) {
    test(`scan ${range}: exit 2 with a message naming the range`, async () => {
      const ran = await cli(['scan', range])
      expect(ran).toMatchObject({ code: 2, stdout: '' })
      expect(ran.stderr).toContain(`The range ${JSON.stringify(range)}`)
    })
  }

  test('berth get "" prints its error once', async () => {
    const ran = await cli(['get', ''])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr.split('serviceName must be').length - 1).toBe(1)
  })

  test('berth get without a name exits 2 and leases nothing', async () => {
    const state = cliWithState()
    const base = await freeRange(1)
    const ran = await state.run(['get', '--base', String(base)])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain('get needs a service name, e.g. "berth get web"')
    expect(await state.leases()).toEqual([])
  })

  test('a service name that could drive a terminal is escaped in the error that quotes it', async () => {
    const ran = await cli(['get', `${'x'.repeat(128)}\u202e`, '--no-persist'])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain('\\u202e"')
    expect(ran.stderr).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/)
  })
})
