/** Each line of a service's output, prefixed with its name in its own colour (plain when not a terminal). */
import pc from 'picocolors'
import type { OutputSink } from './child.ts'

const PALETTE = ['cyan', 'magenta', 'green', 'yellow', 'blue', 'red'] as const

export type WriteLine = (stream: 'stdout' | 'stderr', text: string) => void

export function createPrefixer(names: readonly string[], color: boolean, write: WriteLine): (service: string) => OutputSink {
  const colors = pc.createColors(color)
  const width = Math.max(...names.map((n) => n.length))
  return (service) => {
    const paint = colors[PALETTE[names.indexOf(service) % PALETTE.length]!]
    const prefix = `${paint(service.padEnd(width))} | `
    const partial = { stdout: '', stderr: '' }
    return (stream, chunk) => {
      const lines = (partial[stream] + Buffer.from(chunk).toString('utf8')).split('\n')
      partial[stream] = lines.pop()!
      if (lines.length > 0) write(stream, lines.map((line) => `${prefix}${line}\n`).join(''))
    }
  }
}
