/**
 * install.sh, run by dash and by bash against the release in dist/release, served from a file://
 * URL and from a local HTTP server on 127.0.0.1: the happy path, a tampered archive refused, an
 * unknown architecture refused with a clear message, a re-run that upgrades in place, and a
 * foreign architecture chosen by override. shellcheck holds it to POSIX sh.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, runCommand } from '../helpers/binary.ts'
import { tempDirs } from '../helpers/temp.ts'
import { readHeader } from './binary-headers.ts'

const RELEASE = join(ROOT, 'dist', 'release')
const INSTALLER = join(RELEASE, 'install.sh')
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const HOST_ARCHIVE = `berth-${version}-linux-x64.tar.gz`

const temp = tempDirs()
let server: ReturnType<typeof Bun.serve>
/** A release folder whose SHA256SUMS does not match the archive next to it. */
let tampered: string

beforeAll(() => {
  if (!existsSync(INSTALLER)) throw new Error(`${RELEASE} has no release: run "npm run build:release"`)
  // The release folder over HTTP; under /tampered/ the archive has one byte changed in transit.
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname
      const file = join(RELEASE, path.replace(/^\/(tampered\/)?/, ''))
      if (!path.match(/^\/(tampered\/)?[\w.-]+$/) || !existsSync(file)) return new Response('not found', { status: 404 })
      const body = new Uint8Array(await Bun.file(file).arrayBuffer())
      if (path.startsWith('/tampered/') && path.endsWith('.tar.gz')) body[body.length >> 1]! ^= 0xff
      return new Response(body)
    },
  })
  tampered = temp('berth-tampered')
  symlinkSync(join(RELEASE, HOST_ARCHIVE), join(tampered, HOST_ARCHIVE))
  writeFileSync(join(tampered, 'SHA256SUMS'), `${'0'.repeat(64)}  ${HOST_ARCHIVE}\n`)
})

afterAll(() => server?.stop(true))

interface Install {
  code: number
  stderr: string
  home: string
  dir: string
}

async function install(shell: string, env: Record<string, string>, dir?: string, path = process.env.PATH!): Promise<Install> {
  const home = temp('berth-home')
  const target = dir ?? join(temp('berth-prefix'), 'bin')
  const ran = await runCommand([shell, INSTALLER], { HOME: home, BERTH_INSTALL_DIR: target, PATH: path, ...env })
  return { code: ran.code, stderr: ran.stderr, home, dir: target }
}

const fileUrl = () => `file://${RELEASE}`
const httpUrl = () => `http://127.0.0.1:${server.port}`

test('install.sh is POSIX sh that shellcheck finds nothing in', async () => {
  const ran = await runCommand(['shellcheck', '--shell=sh', join(ROOT, 'install.sh')])
  expect(ran.stdout + ran.stderr).toBe('')
  expect(ran.code).toBe(0)
})

for (const shell of ['dash', 'bash']) {
  describe(`install.sh under ${shell}`, () => {
    for (const [how, url] of [
      ['file://', fileUrl],
      ['http://127.0.0.1', httpUrl],
    ] as const) {
      test(`installs from ${how}, verified, and leaves the shell's start-up files alone`, async () => {
        const run = await install(shell, { BERTH_DOWNLOAD_URL: url() })
        expect(run.stderr).toContain(`Verified SHA-256 `)
        expect(run.stderr).toContain(`Installed berth ${version} at ${run.dir}/berth`)
        expect(run.stderr).toContain(`${run.dir} is not on your PATH`)
        expect(run.code).toBe(0)
        expect((await runCommand([join(run.dir, 'berth'), '--version'])).stdout).toBe(`berth ${version}\n`)
        expect(readdirSync(run.dir)).toEqual(['berth'])
        expect(readdirSync(run.home)).toEqual([])
      }, 60_000)
    }

    test('installs into ~/.local/bin by default, with no PATH hint when it is on the PATH', async () => {
      const home = temp('berth-home')
      const ran = await runCommand([shell, INSTALLER], {
        HOME: home,
        BERTH_DOWNLOAD_URL: fileUrl(),
        PATH: `${home}/.local/bin:${process.env.PATH}`,
      })
      expect(ran.code).toBe(0)
      expect(ran.stderr).not.toContain('not on your PATH')
      expect(statSync(join(home, '.local', 'bin', 'berth')).mode & 0o777).toBe(0o755)
      expect(readdirSync(home)).toEqual(['.local'])
    }, 60_000)

    test('refuses an archive that does not match SHA256SUMS (file://), and installs nothing', async () => {
      const run = await install(shell, { BERTH_DOWNLOAD_URL: `file://${tampered}` })
      expect(run.stderr).toContain(`SHA-256 mismatch for ${HOST_ARCHIVE}: expected ${'0'.repeat(64)}`)
      expect(run.code).toBe(1)
      expect(existsSync(run.dir)).toBe(false)
    }, 60_000)

    test('refuses an archive changed in transit (http), and keeps the berth that was there', async () => {
      const dir = join(temp('berth-prefix'), 'bin')
      mkdirSync(dir)
      writeFileSync(join(dir, 'berth'), '#!/bin/sh\necho "berth 0.0.1"\n', { mode: 0o755 })
      const run = await install(shell, { BERTH_DOWNLOAD_URL: `${httpUrl()}/tampered` }, dir)
      expect(run.stderr).toContain(`SHA-256 mismatch for ${HOST_ARCHIVE}`)
      expect(run.stderr).toContain('nothing was installed')
      expect(run.code).toBe(1)
      expect(readFileSync(join(dir, 'berth'), 'utf8')).toContain('berth 0.0.1')
      expect(readdirSync(dir)).toEqual(['berth'])
    }, 60_000)

    test('refuses an unknown architecture with a message that names it', async () => {
      // A uname that reports a machine berth has no build for.
      const fake = temp('berth-uname')
      writeFileSync(join(fake, 'uname'), '#!/bin/sh\ncase "$1" in -s) echo Linux ;; -m) echo riscv64 ;; *) echo Linux ;; esac\n')
      chmodSync(join(fake, 'uname'), 0o755)
      const run = await install(shell, { BERTH_DOWNLOAD_URL: fileUrl() }, undefined, `${fake}:${process.env.PATH}`)
      expect(run.stderr).toBe(
        "install.sh: berth has no build for the architecture 'riscv64' (builds: x64, arm64); set BERTH_ARCH to choose one\n",
      )
      expect(run.code).toBe(1)
      const bad = await install(shell, { BERTH_DOWNLOAD_URL: fileUrl(), BERTH_ARCH: 'sparc' })
      expect(bad.stderr).toBe("install.sh: BERTH_ARCH must be x64 or arm64, got 'sparc'\n")
      expect(bad.code).toBe(1)
    })

    test('a re-run upgrades in place: the old berth is replaced by one rename', async () => {
      const dir = join(temp('berth-prefix'), 'bin')
      mkdirSync(dir)
      writeFileSync(join(dir, 'berth'), '#!/bin/sh\necho "berth 0.0.1"\n', { mode: 0o755 })
      const before = statSync(join(dir, 'berth')).ino
      const run = await install(shell, { BERTH_DOWNLOAD_URL: fileUrl() }, dir)
      expect(run.stderr).toContain('Replaced berth 0.0.1')
      expect(run.code).toBe(0)
      expect(statSync(join(dir, 'berth')).ino).not.toBe(before)
      expect((await runCommand([join(dir, 'berth'), '--version'])).stdout).toBe(`berth ${version}\n`)
      const again = await install(shell, { BERTH_DOWNLOAD_URL: fileUrl() }, dir)
      expect(again.code).toBe(0)
      expect(again.stderr).not.toContain('Replaced')
      expect(readdirSync(dir)).toEqual(['berth'])
    }, 60_000)

    test('BERTH_ARCH=arm64 installs the arm64 build without running it here', async () => {
      const run = await install(shell, { BERTH_DOWNLOAD_URL: fileUrl(), BERTH_ARCH: 'arm64' })
      expect(run.stderr).toContain(`berth-${version}-linux-arm64.tar.gz`)
      expect(run.stderr).toContain('not run: this machine is linux-x64')
      expect(run.code).toBe(0)
      expect(readHeader(join(run.dir, 'berth')).arch).toBe('arm64')
    }, 60_000)
  })
}
