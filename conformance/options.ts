/** What a plugin's author gives the conformance suite: the test runner's functions and the suite's options. */
import type { AllocateInput } from '../spec/allocator.ts'

export interface TestApi {
  describe(name: string, body: () => void): unknown
  test(name: string, body: () => Promise<void>, timeout?: number): unknown
}

/** The ports a test allocates from: free when the test starts. */
export interface ConformanceRange {
  from: number
  to: number
}

export interface ConformanceOptions {
  /**
   * What the suite's requests carry besides the range (`options` for the plugin's own, `envVar`,
   * `host`…), so the plugin acts on them: `(range, i) => ({ options: { pool: { name: 'c' } } })`.
   */
  request?(range: ConformanceRange, index: number): Partial<AllocateInput>
  /** The environment the allocator reads (the environment preference does). */
  env?(range: ConformanceRange): { [name: string]: string | undefined }
  /**
   * Which answering hooks must answer (not null) for the suite's requests. Each defaults to
   * true when the plugin has the hook: a `candidates` that never answers is a strategy the
   * suite never ran. Set one to false for a hook that answers only in cases the suite cannot make.
   */
  capabilities?: { [hook in 'preferred' | 'candidates' | 'order']?: boolean }
}
