import { cac, type CAC } from 'cac'
import pkg from '../package.json' with { type: 'json' }
import { asTyped, protectArgv, unprotect, usageError } from './args.ts'
import { EXIT, reportError } from './exit-codes.ts'
import { describeCommands } from './command-table.ts'
import * as get from './commands/get.ts'
import type { Io } from './io.ts'

// The other commands load when they run. `get`, the one scripts call cold, is part of the entry:
// loading it as a chunk of its own made a cold `berth get` slower (README, Benchmark, scenario 4).
const commands = {
  check: () => import('./commands/check.ts'),
  exec: () => import('./commands/exec.ts'),
  run: () => import('./commands/run-project.ts'),
  completion: () => import('./commands/completion.ts'),
  get: async () => get,
  leases: () => import('./commands/leases.ts'),
  port: () => import('./commands/port.ts'),
  scan: () => import('./commands/scan.ts'),
  up: () => import('./commands/up.ts'),
  who: () => import('./commands/who.ts'),
  kill: () => import('./commands/kill.ts'),
  metrics: () => import('./commands/metrics.ts'),
}

export const EXIT_HELP = `Exit codes:
  0   success (check: every port is free; who: every port is held; kill: every port is free afterwards)
  1   check: a port is busy; who: a port is free; kill: nothing to stop, refused, or still held;
      get/up: no free port in the range; release: no such lease; port: no lease
  2   bad input or usage
  70  internal error
  74  the lease registry could not be written: disk full or failing
  75  the lease registry stayed locked by another process: retry
  78  the lease registry was refused or cannot be used (symlink, another user's, permissions,
      read-only file system, newer schema, no node:sqlite), or a project/plugin file someone
      else could have written (see BERTH_SAFE_DIRECTORIES)
  130 / 143  interrupted by SIGINT / SIGTERM (up: every claim rolled back, no lease changed)
  exec / run: the service's own exit code, or 128 + the signal that ended it (127: not started)

State: leases live in $BERTH_STATE_DIR, else $BERTH_SHARED_STATE_DIR (a group's shared registry),
else $XDG_STATE_HOME/berth, else ~/.local/state/berth.`

/**
 * Each command's definition. Only the command being run is registered: cac builds every option
 * it is given, and all of them are a visible part of a cold `berth get` (scenario 4).
 */
const DEFINITIONS = {
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
  check: (cli: CAC, io: Io) =>
    cli
      .command('check [...ports]', 'Tell whether each port is free on every address a server could bind')
      .option('--host <host>', 'Check only this address and the wildcards that overlap it')
      .option('--json', 'Print a JSON array')
      .example('berth check 3000 5173')
      .action(async (ports, options) => (await commands.check()).checkCommand(unprotect(ports), unprotect(options), io)),
  scan: (cli: CAC, io: Io) =>
    cli
      .command('scan <range>', 'Which ports of a range are free, which are busy and why, and the longest free runs')
      .option('--host <host>', 'Check only this address and the wildcards that overlap it')
      .option('--json', 'Print one JSON object: free count, busy ports with reasons, longest free runs')
      .example('berth scan 1024-65535')
      .example('berth scan 3000-3999 --host 127.0.0.1 --json')
      .action(async (range, options) => (await commands.scan()).scanCommand(unprotect(range), unprotect(options), io)),
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
  who: (cli: CAC, io: Io) =>
    cli
      .command('who [...ports]', 'Who holds each port: sockets, process, user, berth lease, container')
      .option('--all', 'Also connections on the port (established, time-wait...), not only listeners')
      .option('--udp', 'Also UDP sockets')
      .option('--json', 'Print a JSON array, one object per port')
      .example('berth who 5000')
      .action(async (ports, options) => (await commands.who()).whoCommand(unprotect(ports), unprotect(options), io)),
  kill: (cli: CAC, io: Io) =>
    cli
      .command('kill [...ports]', 'Stop what listens on each port: SIGTERM to its process group, SIGKILL after the timeout')
      .option('--signal <signal>', 'The first signal: TERM, INT, HUP, QUIT, KILL, USR1, USR2 or a number (default: TERM)')
      .option('--timeout <duration>', 'How long to wait before SIGKILL: 5, 5s, 1m (default: 5s)')
      .option('--dry-run', 'Say what would be signalled, and signal nothing')
      .option('--force', "Also stop another user's process")
      .option('-y, --yes', 'Do not ask for confirmation on a terminal')
      .example('berth kill 5000')
      .example('berth kill 3000 5173 --timeout 10s --yes')
      .action(async (ports, options) => (await commands.kill()).killCommand(unprotect(ports), unprotect(options), io)),
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
  completion: (cli: CAC, io: Io) =>
    cli
      .command('completion <shell>', 'Print the completion script for bash, zsh or fish')
      .example('source <(berth completion bash)')
      .example('berth completion fish > ~/.config/fish/completions/berth.fish')
      .action(async (shell) => (await commands.completion()).completionCommand(unprotect(shell), () => commandTable(io), io)),
}

type CommandName = keyof typeof DEFINITIONS

/** Builds the command table: only `only` when it names a command, else every command (for help). */
function buildCli(io: Io, only: string | undefined) {
  const cli = cac('berth')
  const names = Object.keys(DEFINITIONS) as CommandName[]
  for (const name of names.includes(only as CommandName) ? [only as CommandName] : names) DEFINITIONS[name](cli, io)
  cli.help((sections) => [...sections, { body: EXIT_HELP }])
  // run() prints the help itself, through io (see printHelp).
  cli.showHelpOnExit = false
  // Not cac's version(), which prints the runtime's version beside berth's.
  cli.option('-v, --version', "Print berth's version")
  for (const command of cli.commands) {
    // Each command checks its own arguments, with a message that says what is missing.
    for (const arg of command.args) arg.required = false
    // cac gives `--no-persist` the default true, printed as "(default: true)" in help; the flag only turns persistence off.
    for (const option of command.options) if (option.negated) delete option.config.default
  }
  return cli
}

/** cac writes help with console.info; it goes through io instead, like every other output, so a caller of run() gets it. */
function printHelp(cli: CAC, io: Io): void {
  const info = console.info
  let text = ''
  console.info = (...parts: unknown[]) => void (text += `${parts.join(' ')}\n`)
  try {
    cli.outputHelp()
  } finally {
    console.info = info
  }
  io.stdout(text)
}

/** Every command and option, as data: for the completion scripts and the man page. */
export function commandTable(io: Io) {
  return describeCommands(buildCli(io, undefined))
}

/** Runs the CLI on `argv` (without the executable and script) and returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    const cli = buildCli(io, argv[0])
    const parsed = cli.parse(['berth', 'berth', ...protectArgv(argv)], { run: false })
    if (parsed.options.help) {
      printHelp(cli, io)
      return EXIT.ok
    }
    if (parsed.options.version) {
      io.stdout(`berth ${pkg.version}\n`)
      return EXIT.ok
    }
    if (!cli.matchedCommand) {
      const word = unprotect(parsed.args[0])
      if (word === undefined) {
        printHelp(cli, io)
        return EXIT.usage
      }
      throw usageError(`Unknown command ${JSON.stringify(String(word))}. Commands: ${Object.keys(DEFINITIONS).join(', ')}`)
    }
    return (await cli.runMatchedCommand()) as number
  } catch (error) {
    return reportError(asTyped(error, argv), io)
  }
}
