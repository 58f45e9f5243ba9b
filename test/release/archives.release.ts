/**
 * The release (dist/release, built by `npm run build:release`): every target's archive is listed in
 * SHA256SUMS with its true hash, holds the binary, LICENSE, the man page and the completions, and
 * its binary is built for that target (read from its headers). The linux-x64 binary runs here; the
 * linux-arm64 one runs under qemu-user with Debian's arm64 glibc (`-L /usr/aarch64-linux-gnu`).
 *
 * Not run here, and why: the musl binaries need a musl build of libstdc++.so.6, which Debian
 * does not package (its `musl` package has the C library only), so they are checked by their
 * headers and run in an Alpine container by the release workflow; macOS and Windows binaries run
 * on the workflow's macOS and Windows runners.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { holdRange } from 'berth-ports/conformance'
import { TARGETS } from '../../scripts/release-targets.ts'
import { ROOT, runCommand } from '../helpers/binary.ts'
import { tempDirs } from '../helpers/temp.ts'
import { readHeader } from './binary-headers.ts'

const RELEASE = join(ROOT, 'dist', 'release')
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const INTERPRETERS: Record<string, string> = {
  'linux-x64': '/lib64/ld-linux-x86-64.so.2',
  'linux-arm64': '/lib/ld-linux-aarch64.so.1',
  'linux-x64-musl': '/lib/ld-musl-x86_64.so.1',
  'linux-arm64-musl': '/lib/ld-musl-aarch64.so.1',
}

const temp = tempDirs()
const unpacked: Record<string, string> = {}
// A held port below the ephemeral range, so `get --base` may hand out the ones after it.
let busy: { port: number; close(): Promise<void> }

beforeAll(async () => {
  if (!existsSync(join(RELEASE, 'SHA256SUMS'))) throw new Error(`${RELEASE} has no release: run "npm run build:release"`)
  for (const target of TARGETS) {
    const dir = temp(`berth-${target.name}`)
    const file = join(RELEASE, `berth-${version}-${target.name}${target.os === 'windows' ? '.zip' : '.tar.gz'}`)
    const ran = await runCommand(target.os === 'windows' ? ['unzip', '-q', file, '-d', dir] : ['tar', '-xzf', file, '-C', dir])
    expect(ran.stderr).toBe('')
    unpacked[target.name] = join(dir, `berth-${version}-${target.name}`)
  }
  const range = await holdRange(1)
  busy = { port: range.from, close: range.close }
}, 300_000)

afterAll(() => busy?.close())

const exe = (name: string) => join(unpacked[name]!, name.startsWith('windows') ? 'berth.exe' : 'berth')

describe('the release', () => {
  test('SHA256SUMS lists every archive, each with its true SHA-256', () => {
    const lines = readFileSync(join(RELEASE, 'SHA256SUMS'), 'utf8').trim().split('\n')
    const listed = lines.map((line) => line.split('  ')[1]).sort()
    expect(listed).toEqual(TARGETS.map((t) => `berth-${version}-${t.name}${t.os === 'windows' ? '.zip' : '.tar.gz'}`).sort())
    for (const line of lines) {
      const [sum, file] = line.split('  ')
      expect(
        `${file} ${createHash('sha256')
          .update(readFileSync(join(RELEASE, file!)))
          .digest('hex')}`,
      ).toBe(`${file} ${sum}`)
    }
  })

  test('the release carries install.sh with its version filled in', () => {
    expect(readFileSync(join(RELEASE, 'install.sh'), 'utf8')).toContain(`release_version='${version}'`)
  })

  for (const target of TARGETS) {
    test(`${target.name}: the archive holds the binary, LICENSE, the man page and the completions`, () => {
      const files = readdirSync(unpacked[target.name]!, { recursive: true }).map(String).sort()
      expect(files).toEqual(
        [
          'LICENSE',
          target.os === 'windows' ? 'berth.exe' : 'berth',
          'completions',
          'completions/_berth',
          'completions/berth.bash',
          'completions/berth.fish',
          'man',
          'man/berth.1',
        ].sort(),
      )
      expect(readFileSync(join(unpacked[target.name]!, 'man', 'berth.1'))).toEqual(readFileSync(join(ROOT, 'dist', 'man', 'berth.1')))
    })

    test(`${target.name}: the binary is built for ${target.os} on ${target.arch}`, () => {
      const header = readHeader(exe(target.name))
      expect<string>(header.format).toBe({ linux: 'elf', darwin: 'macho', windows: 'pe' }[target.os])
      expect(header.arch).toBe(target.arch)
      if (target.os === 'linux') expect(header.interpreter).toBe(INTERPRETERS[target.name])
    })
  }

  test('darwin-arm64: its ad-hoc signature matches every page', () => {
    const { signature } = readHeader(exe('darwin-arm64'))
    expect(signature?.pages).toBeGreaterThan(0)
    expect(signature?.badPages).toEqual([])
  })

  // Bun 1.4.4 leaves the x64 runtime's own signature on a cross-compiled darwin-x64 binary; it
  // covers the runtime's pages, not the ones berth added, so macOS would refuse it. The release
  // workflow re-signs both macOS binaries on a Mac and verifies them there. When this test fails,
  // Bun signs correctly: the re-signing may go.
  test('darwin-x64: carries the stale signature that the release workflow replaces on macOS', () => {
    const { signature } = readHeader(exe('darwin-x64'))
    expect(signature?.badPages.length).toBeGreaterThan(0)
  })
})

describe('the binaries that run here', () => {
  const runs = async (cmd: string[]) => {
    const version_ = await runCommand([...cmd, '--version'])
    expect(version_.stdout).toBe(`berth ${version}\n`)
    const check = await runCommand([...cmd, 'check', String(busy.port)])
    expect(check.stdout).toStartWith(`${busy.port} busy`)
    expect(check.code).toBe(1)
    const get = await runCommand([...cmd, 'get', 'web', '--base', String(busy.port)])
    expect(get.stderr).toContain('[web] Allocated')
    expect(Number(get.stdout)).toBeGreaterThan(busy.port)
    expect(get.code).toBe(0)
  }

  test('linux-x64, natively', () => runs([exe('linux-x64')]), 60_000)
  test(
    'linux-arm64, under qemu-aarch64-static with the arm64 glibc',
    () => runs(['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu', exe('linux-arm64')]),
    120_000,
  )
})
