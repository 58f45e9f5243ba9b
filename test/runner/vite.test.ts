import { describe, expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exec } from '../../runner/exec.ts'
import { ROOT } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { collector, isolated, QUICK } from './helpers.ts'

const temp = tempDirs()
const VITE = join(ROOT, 'node_modules', '.bin', 'vite')

function site(): string {
  const dir = temp('vite')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.html'), '<h1>berth</h1>\n')
  return dir
}

describe('a real Vite', () => {
  test('ignores PORT, so it gets --port N --strictPort, and is ready on the leased port', async () => {
    const base = await freeRange(1)
    const out = collector()
    const ac = new AbortController()
    let page = ''
    const result = await exec('web', [VITE], {
      ...isolated(temp('proj')),
      ...QUICK,
      cwd: site(),
      basePort: base,
      output: out.output,
      onLog: out.onLog,
      signal: ac.signal,
      onReady: async (port) => {
        page = await (await fetch(`http://127.0.0.1:${port}/`)).text()
        ac.abort('SIGTERM')
      },
    })
    expect(result).toMatchObject({ ready: true, port: base })
    expect(page).toContain('<h1>berth</h1>')
  })
})
