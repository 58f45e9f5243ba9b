#!/bin/sh
# Installs the berth binary from a release: picks the archive for this OS, architecture and libc,
# checks it against the release's SHA256SUMS (and refuses on any mismatch), then puts `berth` in
# place in one rename. It never edits shell start-up files; it prints a PATH hint instead.
#
#   curl -fsSL <release>/install.sh | sh
#
# Settings (environment):
#   BERTH_VERSION        version to install (default: this script's release)
#   BERTH_INSTALL_DIR    where `berth` goes (default: ~/.local/bin)
#   BERTH_DOWNLOAD_URL   folder with the archives and SHA256SUMS: https://…, http://… or file://…
#                        (default: the GitHub release of BERTH_VERSION)
#   BERTH_OS             linux, darwin or windows (default: detected)
#   BERTH_ARCH           x64 or arm64 (default: detected)
#   BERTH_LIBC           glibc or musl, Linux only (default: detected)
set -eu

# Filled in when the release is built (scripts/build-release.ts).
release_version='@BERTH_VERSION@'
release_repository='@BERTH_REPOSITORY_URL@'

say() { printf '%s\n' "$*" >&2; }
fail() {
  say "install.sh: $*"
  exit 1
}

detect_os() {
  case "$(uname -s)" in
    Linux) echo linux ;;
    Darwin) echo darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) echo windows ;;
    *) echo "unknown:$(uname -s)" ;;
  esac
}

detect_arch() {
  case "$(uname -m)" in
    x86_64 | amd64 | x64)
      # An arm64 Mac running this shell under Rosetta reports x86_64: the native build is better.
      if [ "$1" = darwin ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then echo arm64; else echo x64; fi
      ;;
    aarch64 | arm64) echo arm64 ;;
    *) echo "unknown:$(uname -m)" ;;
  esac
}

# The system's own libc, as its ldd reports it: a musl loader that happens to be installed beside
# glibc (Debian's musl package) does not make the system a musl one.
detect_libc() {
  if [ -f /etc/alpine-release ] || { ldd --version 2>&1 || true; } | grep -qi musl; then
    echo musl
  else
    echo glibc
  fi
}

# Copies a URL (https, http or file) to a file.
fetch() {
  case "$1" in
    file://*)
      cp "${1#file://}" "$2" 2>/dev/null || fail "cannot read $1"
      ;;
    *)
      if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 2 -o "$2" "$1" || fail "download failed: $1"
      elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1" || fail "download failed: $1"
      else
        fail "needs curl or wget to download $1"
      fi
      ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    fail "needs sha256sum or shasum to verify the download"
  fi
}

host_os=$(detect_os)
os=${BERTH_OS:-$host_os}
case "$os" in
  linux | darwin | windows) ;;
  unknown:*) fail "berth has no build for the operating system '${os#unknown:}' (builds: linux, darwin, windows); set BERTH_OS to choose one" ;;
  *) fail "BERTH_OS must be linux, darwin or windows, got '$os'" ;;
esac

host_arch=$(detect_arch "$host_os")
arch=${BERTH_ARCH:-$host_arch}
case "$arch" in
  x64 | arm64) ;;
  unknown:*) fail "berth has no build for the architecture '${arch#unknown:}' (builds: x64, arm64); set BERTH_ARCH to choose one" ;;
  *) fail "BERTH_ARCH must be x64 or arm64, got '$arch'" ;;
esac
if [ "$os" = windows ] && [ "$arch" = arm64 ]; then fail "berth has no build for windows-arm64 (builds: windows-x64)"; fi

suffix=
if [ "$os" = linux ]; then
  libc=${BERTH_LIBC:-$(detect_libc)}
  case "$libc" in
    glibc) ;;
    musl) suffix=-musl ;;
    *) fail "BERTH_LIBC must be glibc or musl, got '$libc'" ;;
  esac
elif [ -n "${BERTH_LIBC:-}" ]; then
  fail "BERTH_LIBC applies to Linux only; $os has one build"
fi

version=${BERTH_VERSION:-$release_version}
version=${version#v}
case "$version" in
  '' | @*) fail "set BERTH_VERSION: this copy of install.sh does not come from a release" ;;
  *[!0-9A-Za-z.+-]*) fail "BERTH_VERSION looks wrong: '$version'" ;;
esac

base=${BERTH_DOWNLOAD_URL:-}
if [ -z "$base" ]; then
  case "$release_repository" in
    '' | @*) fail "set BERTH_DOWNLOAD_URL: this copy of install.sh does not know where releases are" ;;
  esac
  base="$release_repository/releases/download/v$version"
fi
base=${base%/}

name="berth-$version-$os-$arch$suffix"
exe=berth
archive="$name.tar.gz"
if [ "$os" = windows ]; then
  exe=berth.exe
  archive="$name.zip"
fi
dir=${BERTH_INSTALL_DIR:-${HOME:?HOME is not set: set BERTH_INSTALL_DIR}/.local/bin}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/berth-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "Downloading $archive from $base"
fetch "$base/$archive" "$tmp/$archive"
fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS"

# The line for exactly this file: "<64 hex digits>  <name>".
expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS has no line for $archive: refusing to install it"
actual=$(sha256 "$tmp/$archive")
if [ "$actual" != "$expected" ]; then
  fail "SHA-256 mismatch for $archive: expected $expected, got $actual. The download is corrupt or was tampered with: nothing was installed"
fi
say "Verified SHA-256 $actual"

mkdir "$tmp/unpacked"
if [ "$os" = windows ]; then
  command -v unzip >/dev/null 2>&1 || fail "needs unzip to unpack $archive"
  unzip -q "$tmp/$archive" -d "$tmp/unpacked"
else
  tar -xzf "$tmp/$archive" -C "$tmp/unpacked"
fi
[ -f "$tmp/unpacked/$name/$exe" ] || fail "$archive holds no $name/$exe"

mkdir -p "$dir"
previous=
if [ -x "$dir/$exe" ]; then previous=$("$dir/$exe" --version 2>/dev/null || true); fi
# Copied next to its final place first, so the rename that puts it there is atomic: a running
# berth, or one started meanwhile, sees the old file or the new one, never half of one.
cp "$tmp/unpacked/$name/$exe" "$dir/.$exe.new.$$"
chmod 755 "$dir/.$exe.new.$$"
mv -f "$dir/.$exe.new.$$" "$dir/$exe"

if [ "$os" = "$host_os" ] && [ "$arch" = "$host_arch" ]; then
  installed=$("$dir/$exe" --version) || fail "$dir/$exe was installed but does not run"
else
  installed="berth $version for $os-$arch$suffix (not run: this machine is $host_os-$host_arch)"
fi
if [ -n "$previous" ] && [ "$previous" != "$installed" ]; then say "Replaced $previous"; fi
say "Installed $installed at $dir/$exe"

case ":$PATH:" in
  *":$dir:"*) ;;
  *) say "$dir is not on your PATH. Add it in your shell's start-up file: export PATH=\"$dir:\$PATH\"" ;;
esac
say "Completions: berth completion bash|zsh|fish (see berth completion --help)"
