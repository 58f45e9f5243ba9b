import { lanes } from './scan.ts'
for (let i = 0; i < 3; i++) {
  const r = await lanes(1024, 65535, 5)
  console.log(`main ${r.main.toFixed(0)} ms, pool ${r.pool.toFixed(0)} ms, ratio ${(r.main / r.pool).toFixed(2)}x`)
}
