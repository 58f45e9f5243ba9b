// Edit this text while the example runs: the page changes without a reload (HMR).
export const title = 'berth full-stack example'
