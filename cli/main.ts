#!/usr/bin/env bun
import { processIo } from './io.ts'
import { run } from './run.ts'

// Until the command has its answer, the exit code says it has none: a plugin that leaves berth
// awaiting a promise that never settles (and nothing else to do) would otherwise end it with 0.
let finished = false
process.exitCode = 70
process.once('exit', () => {
  if (!finished)
    console.error(
      'internal error: berth stopped before it had an answer (a plugin or project file left it waiting on a promise that never settles)',
    )
})

void run(process.argv.slice(2), processIo()).then((code) => {
  finished = true
  process.exitCode = code
  // The process ends by itself once the output is written. A plugin may have left a timer or a
  // socket behind; it does not get to keep berth running: the unref'd timer ends the process
  // then, and fires only when something else is still holding it open.
  setTimeout(() => process.exit(), 100).unref()
})
