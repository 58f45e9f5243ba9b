/**
 * The metrics berth keeps, as Prometheus families. Labels are few and bounded (service, pool,
 * outcome, reason, result, state): never a port, so the number of series stays small.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram'

export interface Family {
  name: string
  type: MetricType
  help: string
}

/**
 * The probe-duration buckets, in seconds: half a millisecond up to the 1-second check timeout.
 * Written as their labels, so no number is turned into text while allocating.
 */
export const PROBE_BUCKETS = ['0.0005', '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1'] as const

export const FAMILIES = {
  allocations: {
    name: 'berth_allocations_total',
    type: 'counter',
    help: 'Ports handed out, by service, pool and outcome (preferred, remembered, fallback).',
  },
  allocation_failures: {
    name: 'berth_allocation_failures_total',
    type: 'counter',
    help: 'Allocations that failed or had bad input, by service and reason (exhausted, timeout, strict, invalid_env).',
  },
  port_checks: {
    name: 'berth_port_checks_total',
    type: 'counter',
    help: 'Ports checked while allocating, by result (free, in_use, permission, timeout, unavailable).',
  },
  probe_duration: {
    name: 'berth_probe_duration_seconds',
    type: 'histogram',
    help: 'Time of one round of port checks while allocating (one port on the common path), in seconds.',
  },
  leases: { name: 'berth_leases', type: 'gauge', help: 'Leases in the registry, by state (active, dormant).' },
  lease_reclaims: {
    name: 'berth_lease_reclaims_total',
    type: 'counter',
    help: 'Leases taken back, by reason (dormant_taken: given to another service; pruned: dormant too long; gc: berth gc).',
  },
  sticky_moves: {
    name: 'berth_sticky_moves_total',
    type: 'counter',
    help: 'Services moved off their remembered port because it was taken, by service.',
  },
  conflict_restarts: {
    name: 'berth_conflict_restarts_total',
    type: 'counter',
    help: 'Services restarted on another port after a port conflict (the runner), by service.',
  },
  health_check_failures: {
    name: 'berth_health_check_failures_total',
    type: 'counter',
    help: 'Failed health checks (the runner), by service.',
  },
} as const satisfies Record<string, Family>

export type FamilyKey = keyof typeof FAMILIES

/** The counters a caller may add to by name (`countEvent`): every counter family. */
export const COUNTER_KEYS = (Object.keys(FAMILIES) as FamilyKey[]).filter((key) => FAMILIES[key].type === 'counter')

/** Label names allowed on stored samples; anything else is a programming error, refused. */
export const LABEL_NAMES = new Set(['service', 'pool', 'outcome', 'reason', 'result', 'state', 'le'])
