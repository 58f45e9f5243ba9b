/**
 * `--exclude` and `exclude` are merged ranges: memory and time follow the length of the list,
 * not the number of ports it covers, and absurd lists are refused by name. (Before, 2,000 copies
 * of 1-65535 expanded to 131 million numbers: 22.8 s and 5.8 GB.) No timing is asserted: the
 * shape of what is kept is.
 */
import { describe, expect, test } from 'bun:test'
import { allocatePort, PortRanges } from '../../index.ts'
import { resolveRequest } from '../../core/validate.ts'
import { probeHosts } from '../../probe/check.ts'
import { portListArg } from '../../cli/args.ts'
import { cli } from '../helpers/cli.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

// cli() gives each run a state directory of its own.
tempDirs()

describe('excluded ports as merged ranges', () => {
  test('overlapping, touching and repeated entries merge; lookups answer for every port', () => {
    const set = PortRanges.from([[10, 20], 21, [15, 30], 40, [1, 1], 40, [50, 60], [55, 52 + 3]])
    expect(set.ranges()).toEqual([
      [1, 1],
      [10, 30],
      [40, 40],
      [50, 60],
    ])
    expect(set.size).toBe(1 + 21 + 1 + 11)
    for (let port = 1; port <= 70; port++)
      expect([port, set.has(port)]).toEqual([port, port === 1 || (port >= 10 && port <= 30) || port === 40 || (port >= 50 && port <= 60)])
  })

  test('the CLI keeps 1,000 copies of 1-65535 as one range, never as ports', () => {
    const entries = portListArg('--exclude', Array(1000).fill('1-65535').join(','))
    expect(entries.length).toBe(1000)
    expect(entries.every((entry) => Array.isArray(entry))).toBe(true)
    const request = resolveRequest({ serviceName: 'web', basePort: 3000, exclude: entries }, probeHosts)
    expect(request.exclude.ranges()).toEqual([[1, 65535]])
  })

  test('the library takes [from, to] ranges and refuses bad ones by value', async () => {
    const base = await freeRange(3)
    expect((await allocatePort({ serviceName: 'web', basePort: base, maxPort: base + 2, exclude: [[base, base + 1]] })).port).toBe(base + 2)
    await expect(allocatePort({ serviceName: 'web', basePort: base, exclude: [[base + 1, base]] })).rejects.toThrow('is reversed')
    await expect(allocatePort({ serviceName: 'web', basePort: base, exclude: [[0, 5]] as never })).rejects.toThrow(
      'an excluded range start must be a whole number from 1 to 65535, got 0',
    )
  })

  test('berth get refuses a list of more than 1,000 entries with exit 2 and says how to write it', async () => {
    const base = await freeRange(2)
    const many = Array.from({ length: 1001 }, (_, i) => String(10000 + i)).join(',')
    const ran = await cli(['get', 'web', '--base', String(base), '--no-persist', '--exclude', many])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain('--exclude lists 1001 entries; at most 1000')
    const whole = await cli(['get', 'web', '--base', String(base), '--no-persist', '--exclude', Array(1000).fill('1-65535').join(',')])
    expect(whole).toMatchObject({ code: 1, stdout: '' })
  })
})
