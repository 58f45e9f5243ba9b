// The floor for cold start: a compiled Bun binary that only prints a line.
console.log('1')
