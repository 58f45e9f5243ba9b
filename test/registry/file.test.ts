/**
 * The registry's file: each short-lived get leaves its lease in the main file (the WAL checkpointed
 * on close), and a registry of an older schema is migrated in place, every lease kept.
 */
import { describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { SCHEMA_VERSION } from '../../registry/schema.ts'
import { binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const DAY = 86_400_000

describe('closing', () => {
  test('each short-lived get checkpoints on close: its lease is in the main file and the WAL is left empty', async () => {
    const state = freshStateDir()
    const root = tempDir('berth-wal')
    const base = await freeRange(12)
    const wal = join(state, 'registry.sqlite-wal')
    for (let i = 0; i < 10; i++) {
      const ran = await runCommand(
        ['sh', '-c', '"$@"', 'sh', binary(), 'get', `s${i}`, '--base', String(base), '--max', String(base + 11)],
        { BERTH_STATE_DIR: state },
        root,
      )
      expect(ran.code).toBe(0)
      expect(statSync(wal).size).toBe(0)
    }
    const listed = JSON.parse((await runCommand([binary(), 'list', '--json'], { BERTH_STATE_DIR: state }, root)).stdout) as unknown[]
    expect(listed).toHaveLength(10)
  })
})

describe('schema 2', () => {
  test('a registry of schema 1 is migrated in place: every lease kept, nothing dropped', async () => {
    const root = tempDir('berth-migrate')
    const state = join(root, 'state')
    mkdirSync(state, { mode: 0o700 })
    const db = new Database(join(state, 'registry.sqlite'))
    // Schema 1 exactly as the first berth wrote it.
    db.exec(`CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL, pid INTEGER NOT NULL);
      CREATE TABLE leases (port INTEGER PRIMARY KEY CHECK (port BETWEEN 1 AND 65535), project TEXT NOT NULL, service TEXT NOT NULL,
        host TEXT, owner_pid INTEGER, owner_start TEXT, lease_until INTEGER, created_at INTEGER NOT NULL, renewed_at INTEGER NOT NULL,
        UNIQUE (project, service));
      INSERT INTO migrations VALUES (1, 0, 0);
      PRAGMA user_version = 1; PRAGMA application_id = ${0x62727468};`)
    const at = Date.now() - DAY
    db.run('INSERT INTO leases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [40100, '/p', 'live', '127.0.0.1', process.pid, null, null, at, at])
    db.run('INSERT INTO leases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [40101, '/p', 'timed', null, null, null, Date.now() + DAY, at, at])
    db.close()
    const listed = JSON.parse((await runCommand([binary(), 'list', '--json'], { BERTH_STATE_DIR: state }, root)).stdout) as Array<
      Record<string, unknown>
    >
    expect(listed.map((l) => [l.service, l.port, l.host, l.pid, l.state])).toEqual([
      ['live', 40100, '127.0.0.1', process.pid, 'active'],
      ['timed', 40101, null, null, 'active'],
    ])
    const after = new Database(join(state, 'registry.sqlite'), { readonly: true })
    expect(after.query('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION })
    expect(after.query('SELECT port, active_at FROM leases ORDER BY port').all()).toEqual([
      { port: 40100, active_at: at },
      // The later of its renewal and the end of its TTL.
      {
        port: 40101,
        active_at: (after.query('SELECT lease_until FROM leases WHERE port = 40101').get() as { lease_until: number }).lease_until,
      },
    ])
    after.close()
  })
})

describe('schema 4', () => {
  test('a registry of schema 3 gains the moved_from column and keeps every lease', async () => {
    const state = freshStateDir()
    const base = await freeRange(2)
    const root = tempDir('berth-migrate')
    await runCommand([binary(), 'get', 'web', '--base', String(base), '--ttl', '1h'], { BERTH_STATE_DIR: state }, root)
    const file = join(state, 'registry.sqlite')
    const db = new Database(file)
    db.exec('ALTER TABLE leases DROP COLUMN moved_from; DELETE FROM migrations WHERE version = 4; PRAGMA user_version = 3')
    db.close()
    const listed = JSON.parse((await runCommand([binary(), 'list', '--json'], { BERTH_STATE_DIR: state }, root)).stdout)
    expect(listed).toEqual([expect.objectContaining({ service: 'web', port: base, state: 'active', movedFrom: null })])
    const after = new Database(file, { readonly: true })
    expect(after.query('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION })
    expect(after.query('SELECT port, moved_from FROM leases').all()).toEqual([{ port: base, moved_from: null }])
    after.close()
  })
})
