/** The definitions of the commands that read and tidy the lease registry: one service's port, every lease, release, gc, metrics. */
import type { CAC } from 'cac'
import { unprotect } from '../args.ts'
import type { Io } from '../io.ts'
import { commands } from './loaders.ts'

export const LEASE_COMMANDS = {
  port: (cli: CAC, io: Io) =>
    cli
      .command('port <service>', 'Print the port leased to a service of this project, without allocating or moving anything')
      .option('--json', 'Print one JSON object: service, project, port, ports (instances), leases')
      .option(
        '--project <dir>',
        'The project folder (default: $BERTH_PROJECT, else the nearest folder with berth.config.* or .git, else this one)',
      )
      .example('API_PORT=$(berth port api)')
      .action(async (service, options) => (await commands.port()).portCommand(unprotect(service), unprotect(options), io)),
  list: (cli: CAC, io: Io) =>
    cli
      .command('list', 'Show every lease: project, service, port, host, owner pid, state (active or dormant)')
      .option('--json', 'Print a JSON array')
      .action(async (options) => (await commands.leases()).listCommand(unprotect(options), io)),
  release: (cli: CAC, io: Io) =>
    cli
      .command('release <service-or-port>', 'Forget a lease: a service of this project, or whichever lease holds a port')
      .option('--json', 'Print the released leases as a JSON array')
      .option(
        '--project <dir>',
        'The project folder (default: $BERTH_PROJECT, else the nearest folder with berth.config.* or .git, else this one)',
      )
      .example('berth release web')
      .example('berth release 3000')
      .action(async (target, options) => (await commands.leases()).releaseCommand(unprotect(target), unprotect(options), io)),
  gc: (cli: CAC, io: Io) =>
    cli
      .command('gc', 'Forget leases whose owners have exited and whose ports are free')
      .option('--json', 'Print the forgotten leases as a JSON array')
      .action(async (options) => (await commands.leases()).gcCommand(unprotect(options), io)),
  metrics: (cli: CAC, io: Io) =>
    cli
      .command('metrics', 'Print allocation and conflict metrics in Prometheus text format 0.0.4')
      .option('--json', 'Print the metric families as JSON')
      .option('--textfile <dir>', "Write DIR/berth.prom atomically for node_exporter's textfile collector")
      .option('--serve', 'Serve /metrics on a port leased to berth-metrics until Ctrl-C')
      .option('--base <port>', 'First port to try for --serve (default: 9464)')
      .option('--host <host>', 'Address --serve listens on (default: 127.0.0.1)')
      .example('berth metrics --textfile /var/lib/node_exporter/textfile')
      .action(async (options) => (await commands.metrics()).metricsCommand(unprotect(options), io)),
}
