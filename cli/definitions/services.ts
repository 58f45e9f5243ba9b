/**
 * The definitions (usage, options, examples) of the commands that give services their ports:
 * `get` and `up` allocate and print, `exec` and `run` start the services on them.
 */
import type { CAC } from 'cac'
import { unprotect } from '../args.ts'
import type { Io } from '../io.ts'
import { commands } from './loaders.ts'

export const SERVICE_COMMANDS = {
  get: (cli: CAC, io: Io) =>
    cli
      .command('get <service>', 'Allocate a free port for a service and print it on stdout')
      .option('--base <port>', `First port to try and start of the range (default: 3000)`)
      .option('--max <port>', 'Last port of the range (default: base + 100)')
      .option('--exclude <list>', 'Ports never to hand out: 3000,3005,3100-3110')
      .option('--host <host>', 'Address the service will bind (default: every loopback and wildcard address)')
      .option('--env <var>', 'Try the port in this environment variable first, e.g. PORT')
      .option('--json', 'Print one JSON object instead of the bare port')
      .option('-q, --quiet', 'Only warnings and errors on stderr')
      .option('--verbose', 'Also print the start line and every skipped candidate')
      .option('--no-persist', 'Do not record a lease: no stickiness, no cross-process guarantee')
      .option('--owner <pid>', 'The process whose life keeps the lease (default: the calling shell)')
      .option('--ttl <duration>', 'Keep the lease this long even after its owner exits: 90, 30s, 15m, 2h, 7d')
      .option('--plugin <file>', 'Load a strategy or policy plugin from a file (repeatable)')
      .option('--options <json>', `The plugins' own options, under their names: '{"hash":{"seed":7}}'`)
      .option('--allow-unsafe', 'Also hand out browser-unsafe ports (6000, 6665-6669, ...)')
      .option('--allow-ephemeral', "Also hand out ports in the OS's ephemeral range")
      .option('--allow-privileged', 'Also hand out ports this user cannot bind (below 1024)')
      .option(
        '--project <dir>',
        'The project the lease belongs to (default: $BERTH_PROJECT, else the nearest folder with berth.config.* or .git, else this one)',
      )
      .example('PORT=$(berth get web --base 5000)')
      .example('berth get api --base 3000 --max 3010 --exclude 3001 --json')
      .action(async (service, options) => (await commands.get()).getCommand(unprotect(service), unprotect(options), io)),
  up: (cli: CAC, io: Io) =>
    cli
      .command('up', "Allocate every service of berth.config.ts/.json (or the spec's services) and print their exports")
      .option('--env <environment>', 'An environment of the project file (default: NODE_ENV, else development)')
      .option('--config <file>', 'The project file to use (default: berth.config.ts/.json from here up)')
      .option('--format <format>', 'summary, env, shell or json (default: env)')
      .option('--write <file>', 'Write the exports to this file instead of stdout')
      .option('--plugin <file>', 'Load a plugin from a file (repeatable)')
      .option('--allow-unsafe', 'Also hand out browser-unsafe ports')
      .option('--allow-ephemeral', "Also hand out ports in the OS's ephemeral range")
      .option('--allow-privileged', 'Also hand out ports this user cannot bind')
      .option('-q, --quiet', 'Only the summary, warnings and errors on stderr')
      .option('--verbose', 'Also print the start lines and skipped candidates')
      .option('--no-persist', 'Do not record leases: ports are not sticky')
      .option('--owner <pid>', 'The process whose life keeps the leases (default: the calling shell)')
      .option('--ttl <duration>', 'Keep the leases this long even after their owner exits')
      .option(
        '--project <dir>',
        'The project folder (default: $BERTH_PROJECT, else the nearest folder with berth.config.* or .git, else this one)',
      )
      .example('eval "$(berth up --format shell)"')
      .example('berth up --env production --write .env.ports')
      .action(async (options) => (await commands.up()).upCommand(unprotect(options), io)),
  exec: (cli: CAC, io: Io) =>
    cli
      .command('exec <service>', "Start a command on the service's port (after --), wait until it listens, restart it on a port conflict")
      .option('--base <port>', 'First port to try when the project file does not have the service (default: 3000)')
      .option('--max <port>', 'Last port of the range (default: base + 100)')
      .option('--exclude <list>', 'Ports never to hand out: 3000,3005,3100-3110')
      .option('--host <host>', 'Address the service binds (sets HOST)')
      .option('--env <name>', 'Also set the port in this variable (PORT and <SERVICE>_PORT are always set)')
      .option('--fd', 'Pass the listening socket as fd 3 (LISTEN_FDS=1, systemd socket activation): no window at all')
      .option('--no-ready', 'Do not wait until the service listens')
      .option('--ready-timeout <duration>', 'How long the service may take to listen: 500ms, 30s, 2m (default: 30s)')
      .option('--stop-timeout <duration>', 'SIGTERM, then SIGKILL after this long (default: 5s)')
      .option('--config <file>', 'The project file (default: berth.config.ts/.json from here up)')
      .option('--environment <name>', 'An environment of the project file (default: NODE_ENV, else development)')
      .option('--plugin <file>', 'Load a plugin from a file (repeatable)')
      .option('--allow-unsafe', 'Also hand out browser-unsafe ports')
      .option('--allow-ephemeral', "Also hand out ports in the OS's ephemeral range")
      .option('--allow-privileged', 'Also hand out ports this user cannot bind')
      .option('--no-persist', 'Do not record a lease: the port is not sticky')
      .option(
        '--project <dir>',
        'The project folder (default: $BERTH_PROJECT, else the nearest folder with berth.config.* or .git, else this one)',
      )
      .option('-q, --quiet', 'Only warnings and errors on stderr')
      .option('--verbose', 'Also print the start line and every skipped candidate')
      .example('berth exec web -- node server.js')
      .example('berth exec web --fd -- node server.js')
      .action(async (service, options) => (await commands.exec()).execCommand(unprotect(service), unprotect(options), io)),
  run: (cli: CAC, io: Io) =>
    cli
      .command(
        'run [...services]',
        "Start the project file's services (those with a command) in dependency order, each on its port; Ctrl-C stops them all",
      )
      .option('--config <file>', 'The project file (default: berth.config.ts/.json from here up)')
      .option('--environment <name>', 'An environment of the project file (default: NODE_ENV, else development)')
      .option('--ready-timeout <duration>', 'How long each service may take to be ready: 500ms, 30s, 2m (default: 30s)')
      .option(
        '--stop-timeout <duration>',
        'SIGTERM, then SIGKILL after this long, unless a service sets shutdown.timeout_seconds (default: 5s)',
      )
      .option('--plugin <file>', 'Load a plugin from a file (repeatable)')
      .option('--allow-unsafe', 'Also hand out browser-unsafe ports')
      .option('--allow-ephemeral', "Also hand out ports in the OS's ephemeral range")
      .option('--allow-privileged', 'Also hand out ports this user cannot bind')
      .option('--no-persist', 'Do not record leases: ports are not sticky')
      .option('--check', 'Stop every service again once all are ready, and exit 0 (a smoke test)')
      .option(
        '--project <dir>',
        'The project folder (default: $BERTH_PROJECT, else the nearest folder with berth.config.* or .git, else this one)',
      )
      .option('-q, --quiet', 'Only warnings and errors on stderr')
      .option('--verbose', 'Also print the start lines and skipped candidates')
      .example('berth run')
      .example('berth run web --environment production')
      .action(async (services, options) => (await commands.run()).runCommand(unprotect(services) ?? [], unprotect(options), io)),
}
