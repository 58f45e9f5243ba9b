import { describe, expect, test } from 'bun:test'
import { ADDRESS_IN_USE } from '../../runner/conflict.ts'
import { portVariable } from '../../runner/env.ts'
import { withFrameworkFlags } from '../../runner/frameworks.ts'
import { commandArgv } from '../../runner/run.ts'

describe('frameworks that ignore PORT get flags', () => {
  test('vite and react-router get --port N --strictPort, astro/rsbuild/ng --port N, found past launchers', () => {
    expect(withFrameworkFlags(['vite'], 5000)).toEqual(['vite', '--port', '5000', '--strictPort'])
    expect(withFrameworkFlags(['npx', '--yes', 'vite', 'dev'], 5000, '127.0.0.1')).toEqual([
      'npx',
      '--yes',
      'vite',
      'dev',
      '--port',
      '5000',
      '--strictPort',
      '--host',
      '127.0.0.1',
    ])
    expect(withFrameworkFlags(['pnpm', 'exec', 'react-router', 'dev'], 5001)).toEqual([
      'pnpm',
      'exec',
      'react-router',
      'dev',
      '--port',
      '5001',
      '--strictPort',
    ])
    expect(withFrameworkFlags(['bunx', 'astro', 'dev'], 4321)).toEqual(['bunx', 'astro', 'dev', '--port', '4321'])
    expect(withFrameworkFlags(['yarn', 'ng', 'serve'], 4200)).toEqual(['yarn', 'ng', 'serve', '--port', '4200'])
    expect(withFrameworkFlags(['./node_modules/.bin/rsbuild', 'dev'], 3000)).toEqual([
      './node_modules/.bin/rsbuild',
      'dev',
      '--port',
      '3000',
    ])
  })

  test("the user's own --port or --host wins; other programs are left alone", () => {
    expect(withFrameworkFlags(['vite', '--port', '7000'], 5000)).toEqual(['vite', '--port', '7000'])
    expect(withFrameworkFlags(['vite', '--host=0.0.0.0'], 5000)).toEqual(['vite', '--host=0.0.0.0'])
    expect(withFrameworkFlags(['next', 'dev'], 5000)).toEqual(['next', 'dev'])
    expect(withFrameworkFlags(['node', 'vite.js'], 5000)).toEqual(['node', 'vite.js'])
  })

  test('port variable names and command lines', () => {
    expect(portVariable('api-server')).toBe('API_SERVER_PORT')
    expect(portVariable('web#2')).toBe('WEB_2_PORT')
    expect(commandArgv('vite dev')).toEqual(['vite', 'dev'])
    expect(commandArgv('sleep 1; exit 2')).toEqual(['/bin/sh', '-c', 'sleep 1; exit 2'])
  })
})

describe('what runtimes print when the port is taken', () => {
  test("Node's, Bun's, Python's and Vite's messages are recognised; Vite's drift notice and other errors are not", () => {
    const taken = [
      'Error: listen EADDRINUSE: address already in use :::5000',
      'error: Failed to start server. Is port 5000 in use?',
      'OSError: [Errno 98] Address already in use',
      'error when starting dev server:\nError: Port 5000 is already in use',
    ]
    for (const text of taken) expect({ text, conflict: ADDRESS_IN_USE.test(text) }).toEqual({ text, conflict: true })
    for (const text of [
      'Port 5000 is in use, trying another one...',
      'Error: Cannot find module ./server.js',
      'EACCES: permission denied',
    ]) {
      expect({ text, conflict: ADDRESS_IN_USE.test(text) }).toEqual({ text, conflict: false })
    }
  })
})
