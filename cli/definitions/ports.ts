/** The definitions of the commands about the ports of this machine: is a port free, who holds it, stop the holder. */
import type { CAC } from 'cac'
import { unprotect } from '../args.ts'
import type { Io } from '../io.ts'
import { commands } from './loaders.ts'

export const PORT_COMMANDS = {
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
}
