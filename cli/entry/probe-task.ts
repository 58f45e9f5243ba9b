// Extra entrypoint of the compiled binary (see build:bin): the pool's task, embedded at
// `$bunfs/root/entry/probe-task.js`, where `berth scan` points the pool (cli/commands/scan.ts).
import { normalJit } from '../jit.ts'

// A worker probes thousands of ports: it wants the JIT from the start (cli/jit.ts).
normalJit()

export { default } from '../../probe/workers/probe-task.ts'
