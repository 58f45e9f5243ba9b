/** The end of `berth --help` and of the man page: what each exit code means, and where leases live. */
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
