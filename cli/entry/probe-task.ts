// Extra entrypoint of the compiled binary (see build:bin): the probe workers' task, embedded at
// `$bunfs/root/entry/probe-task.js`, where `berth scan` points the workers (cli/commands/scan.ts).
import { normalJit } from '../jit.ts'

// A worker probes thousands of ports: it wants the JIT from the start (cli/jit.ts).
normalJit()

export { default } from '../../probe/workers/probe-task.ts'
