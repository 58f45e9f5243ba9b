#!/usr/bin/env bun
import { processIo } from './io.ts'
import { run } from './run.ts'

// Set the exit code and let the process end by itself, so stdout is flushed first.
void run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code
})
