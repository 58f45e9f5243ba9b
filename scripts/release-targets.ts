/** Every platform a release ships a binary for: Bun's --target, and the npm package of its runtime. */
export interface Target {
  /** The archive's suffix and install.sh's name for it: `linux-arm64-musl`. */
  name: string
  os: 'linux' | 'darwin' | 'windows'
  arch: 'x64' | 'arm64'
  libc?: 'glibc' | 'musl'
  /** `bun build --compile --target=…` */
  bun: string
  /** `@oven/bun-<npm>`: npm calls arm64 aarch64. */
  npm: string
}

const target = (os: Target['os'], arch: Target['arch'], libc?: Target['libc']): Target => {
  const musl = libc === 'musl' ? '-musl' : ''
  return {
    name: `${os}-${arch}${musl}`,
    os,
    arch,
    libc,
    bun: `bun-${os}-${arch}${musl}`,
    npm: `${os}-${arch === 'arm64' ? 'aarch64' : 'x64'}${musl}`,
  }
}

export const TARGETS: Target[] = [
  target('linux', 'x64', 'glibc'),
  target('linux', 'arm64', 'glibc'),
  target('linux', 'x64', 'musl'),
  target('linux', 'arm64', 'musl'),
  target('darwin', 'x64'),
  target('darwin', 'arm64'),
  target('windows', 'x64'),
]
