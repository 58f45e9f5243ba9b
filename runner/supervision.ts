/**
 * What the runner needs only once the child exists: readiness, conflicts, probes, the /proc
 * readers. Loaded through `supervision()` after the spawn (or just before it, for `--fd`'s socket
 * inode), so none of it stands between a cold `berth exec` and its child (README, Benchmark, scenario 12).
 */
export { classifyExit, conflictLine } from './conflict.ts'
export { inodeOfFd, type Listener, portsOfTree, procAvailable } from './proc-tree.ts'
export { probeKind, untilThreshold } from './probes.ts'
export { waitReady } from './readiness.ts'
