/**
 * The spec's stack (examples/fullstack) end to end in headless Chromium (Debian's, driven by
 * playwright-core; .ci/run installs it): with every preferred port already taken, the page loads
 * from the web lease, the API's answer arrives through /api (the proxy follows the API's fallback
 * port), the HMR websocket connects, and an edit to a module shows without a reload. Writes
 * examples/fullstack/screenshot.png on every run and prints a transcript.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { ROOT } from '../helpers/binary.ts'
import { hold, type Held } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { startStack, type Stack } from './stack.ts'

const EXAMPLE = join(ROOT, 'examples', 'fullstack')
const SCREENSHOT = join(EXAMPLE, 'screenshot.png')
const CHROMIUM = '/usr/bin/chromium'
/** The flags Chromium needs here: root, no GPU, and no calls to Google's hosts on a closed network. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
/** The spec's preferred ports: web-server, api-server, vite-hmr. */
const PREFERRED = [5000, 3000, 24678]

const temp = tempDirs()
const transcript: string[] = []
const say = (line: string) => {
  transcript.push(line)
  console.log(`[browser] ${line}`)
}

/** Takes a port for the test's length; one already taken by someone else is just as taken. */
async function take(port: number): Promise<Held | null> {
  try {
    return await hold('::', port)
  } catch {
    return null
  }
}

describe.skipIf(!existsSync(CHROMIUM))('examples/fullstack in a real browser', () => {
  const held: Held[] = []
  let stack: Stack | undefined
  let browser: Browser | undefined
  const titleFile = join(EXAMPLE, 'src', 'title.js')
  const originalTitle = readFileSync(titleFile, 'utf8')
  afterAll(async () => {
    writeFileSync(titleFile, originalTitle)
    await browser?.close()
    await stack?.stop()
    await Promise.all(held.map((h) => h.close()))
  })

  test('every service falls back, the page gets the API through the proxy, HMR applies an edit without a reload', async () => {
    for (const port of PREFERRED) {
      const h = await take(port)
      if (h) held.push(h)
      say(`port ${port} taken ${h ? 'by the test' : 'already (by another process)'}`)
    }
    stack = await startStack(EXAMPLE, join(temp('berth-browser'), 'state'), say)
    say(`stack up: web-server on ${stack.web}, api-server on ${stack.api}`)
    expect(stack.web).not.toBe(5000)
    expect(stack.api).not.toBe(3000)

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS })
    const page = await browser.newPage()
    const sockets: string[] = []
    page.on('websocket', (ws) => {
      sockets.push(ws.url())
      say(`websocket opened: ${ws.url()}`)
    })
    page.on('console', (m) => say(`page console: ${m.text()}`))
    try {
      const response = await page.goto(`http://localhost:${stack.web}/`)
      say(`GET http://localhost:${stack.web}/ → ${response?.status()}`)
      expect(response?.status()).toBe(200)
      expect(await page.textContent('#port')).toBe(String(stack.web))

      // Page-side code as text: this project's type-check has no DOM library.
      await page.waitForFunction(`document.querySelector('#answer').textContent !== '…'`)
      const answer = await page.textContent('#answer')
      say(`#answer: ${answer}`)
      expect(answer).toBe(`Hello from the API on port ${stack.api}`)

      expect(sockets.some((url) => new URL(url).port === String(stack!.web))).toBe(true)

      // A reload would clear this mark; HMR keeps it.
      await page.evaluate(`window.berthMark = 'not reloaded'`)
      const edited = `edited at ${Date.now()}`
      writeFileSync(titleFile, `export const title = '${edited}'\n`)
      say(`edited src/title.js: title = '${edited}'`)
      await page.waitForFunction(`document.querySelector('#title').textContent === ${JSON.stringify(edited)}`)
      say(`#title: ${await page.textContent('#title')}`)
      expect(await page.evaluate('window.berthMark')).toBe('not reloaded')
      expect(await page.textContent('#answer')).toBe(`Hello from the API on port ${stack.api}`)
      say('the heading changed in place: no reload, the API answer is still there')
    } finally {
      await page.screenshot({ path: SCREENSHOT })
      say(`screenshot: ${SCREENSHOT}`)
    }
  }, 60_000)
})
