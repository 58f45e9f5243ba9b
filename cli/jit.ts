/**
 * The binary starts with JavaScriptCore's tier-up thresholds raised four times (build:bin's
 * `--compile-jit-policy=4`): the run-once code of a cold `berth get` stays in the interpreter
 * instead of being compiled on a second thread (README, Benchmark, scenario 4). Work that runs
 * long enough to pay for the JIT, a scan, turns the normal policy back on first.
 */
export function normalJit(): void {
  ;(globalThis as { Bun?: { unsafe?: { setJITPolicy?: (scale: number) => void } } }).Bun?.unsafe?.setJITPolicy?.(1)
}
