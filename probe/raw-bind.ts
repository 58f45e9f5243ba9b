/**
 * Binding through libc's own socket calls (Bun on Linux, through `bun:ffi`).
 *
 * Why: a bind that fails leaves its socket unbound, so one socket serves every busy port of a
 * batch, one `bind(2)` each, where `Bun.listen` (or `node:net`) makes, throws for and closes a
 * socket each time (README, Benchmark, scenario 2). The check itself is `Bun.listen`'s: SO_REUSEADDR on, SO_REUSEPORT
 * off, dual-stack `::`, then bind and listen; the tests hold both to the same address matrix.
 *
 * Where this cannot work (another OS, no glibc `libc.so.6`, Deno, Node) `loadRawBinder` answers
 * undefined and the probe keeps using `bindOnce`.
 */
import { ipv6Bytes, isIPv4 } from './ip.ts'
import { readProc } from './proc.ts'

export interface RawBinder {
  /** Whether `host` is an address this binder can bind (an IP literal). */
  supports(host: string): boolean
  /** The errno name of a failed bind or listen, or null when a server could listen on `port` at `host`. */
  bind(port: number, host: string): string | null
  /** Closes the spare unbound sockets kept between binds (call after each batch). */
  release(): void
}

// Linux's values, the same on x86-64 and arm64.
const AF_INET = 2
const AF_INET6 = 10
const SOCK_STREAM_CLOEXEC = 1 | 0o2000000
const SOL_SOCKET = 1
const SO_REUSEADDR = 2
const IPPROTO_IPV6 = 41
const IPV6_V6ONLY = 26
const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM',
  13: 'EACCES',
  22: 'EINVAL',
  23: 'ENFILE',
  24: 'EMFILE',
  97: 'EAFNOSUPPORT',
  98: 'EADDRINUSE',
  99: 'EADDRNOTAVAIL',
}

type Ffi = typeof import('bun:ffi')

function openLibc(ffi: Ffi) {
  const { i32, u32, ptr } = ffi.FFIType
  return ffi.dlopen('libc.so.6', {
    socket: { args: [i32, i32, i32], returns: i32 },
    setsockopt: { args: [i32, i32, i32, ptr, u32], returns: i32 },
    bind: { args: [i32, ptr, u32], returns: i32 },
    listen: { args: [i32, i32], returns: i32 },
    close: { args: [i32], returns: i32 },
    __errno_location: { args: [], returns: ptr },
  }).symbols
}

interface SocketAddress {
  family: number
  bytes: Uint8Array
  view: DataView
}

function createRawBinder(ffi: Ffi, startsV6Only: boolean): RawBinder {
  const libc = openLibc(ffi)
  // Typed arrays are passed themselves, never as saved `ptr()` numbers: a saved pointer to an
  // array the engine no longer sees referenced was freed under it (V6ONLY read garbage).
  const ON = new Int32Array([1])
  const OFF = new Int32Array([0])
  const addresses = new Map<string, SocketAddress | null>()
  const spare = new Map<number, number>()

  const errno = (): string => {
    const n = ffi.read.i32(libc.__errno_location()!, 0)
    return ERRNO_NAMES[n] ?? `errno ${n}`
  }

  function address(host: string): SocketAddress | null {
    let known = addresses.get(host)
    if (known !== undefined) return known
    known = null
    const v6 = ipv6Bytes(host)
    if (v6 || isIPv4(host)) {
      // sockaddr_in6 (28 bytes) or sockaddr_in (16): the family in host order (little-endian on
      // every machine Bun runs on), the port in network order.
      const bytes = new Uint8Array(v6 ? 28 : 16)
      const view = new DataView(bytes.buffer)
      view.setUint16(0, v6 ? AF_INET6 : AF_INET, true)
      if (v6) bytes.set(v6, 8)
      else bytes.set(host.split('.').map(Number), 4)
      known = { family: v6 ? AF_INET6 : AF_INET, bytes, view }
    }
    addresses.set(host, known)
    return known
  }

  /** A fresh socket set up as a server's would be, or the errno name when that failed. */
  function open(family: number): number | string {
    const fd = libc.socket(family, SOCK_STREAM_CLOEXEC, 0)
    if (fd < 0) return errno()
    // Without both options the answer would not be the dual-stack server's: give up on the socket.
    const ready =
      libc.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, ON, 4) === 0 &&
      (family !== AF_INET6 || !startsV6Only || libc.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, OFF, 4) === 0)
    if (ready) return fd
    const code = errno()
    libc.close(fd)
    return code
  }

  return {
    supports: (host) => address(host) !== null,
    bind(port, host) {
      const sa = address(host)!
      const fd = spare.get(sa.family) ?? open(sa.family)
      if (typeof fd === 'string') return fd
      spare.delete(sa.family)
      sa.view.setUint16(2, port, false)
      if (libc.bind(fd, sa.bytes, sa.bytes.length) !== 0) {
        const code = errno()
        // Still unbound: the next port of the batch can use it.
        spare.set(sa.family, fd)
        return code
      }
      // A bound-only holder with SO_REUSEADDR lets bind through; listen is where it collides.
      const code = libc.listen(fd, 1) === 0 ? null : errno()
      libc.close(fd)
      return code
    },
    release() {
      for (const fd of spare.values()) libc.close(fd)
      spare.clear()
    },
  }
}

/**
 * Whether new IPv6 sockets start IPv6-only (net.ipv6.bindv6only). Almost never: then the
 * setsockopt that turns it off is skipped, a syscall saved on every check. Unreadable counts as yes.
 */
const v6OnlyByDefault = async (): Promise<boolean> => (await readProc('/proc/sys/net/ipv6/bindv6only')).trim() !== '0'

let loading: Promise<RawBinder | undefined> | undefined

/** The raw binder, once, or undefined where it cannot work (then `bindOnce` is used). */
export function loadRawBinder(): Promise<RawBinder | undefined> {
  return (loading ??= (async () => {
    const g = globalThis as { Bun?: unknown; process?: { platform?: string } }
    if (!g.Bun || g.process?.platform !== 'linux') return undefined
    try {
      // A specifier the bundler leaves alone: Node and Deno builds must not try to resolve it.
      const specifier = 'bun:ffi'
      const [ffi, v6Only] = await Promise.all([import(specifier) as Promise<Ffi>, v6OnlyByDefault()])
      return createRawBinder(ffi, v6Only)
    } catch {
      return undefined
    }
  })())
}
