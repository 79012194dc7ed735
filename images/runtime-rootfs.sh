#!/bin/sh
# Runs inside a Dockerfile's build stage (FROM a node:*-bookworm-slim image) and assembles DIR, the whole root
# filesystem of a final stage `FROM scratch`: Node, the shared libraries it loads, tini (PID 1: forwards SIGTERM,
# reaps zombies), coreutils' `test` (for an exec probe such as `test -s FILE`), and passwd/group entries for
# nobody:nogroup (65534). No shell, no package manager, no npm: nothing an intruder or a scanner would find to use.
# Usage (in a Dockerfile): RUN sh images/runtime-rootfs.sh /rootfs
set -eu
dir=$1
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tini=0.19.* >/dev/null
rm -rf /var/lib/apt/lists/*

mkdir -p "$dir/usr/local/bin" "$dir/usr/bin" "$dir/etc"
cp /usr/local/bin/node "$dir/usr/local/bin/node"
# The statically linked build: one binary, no library of its own.
cp /usr/bin/tini-static "$dir/usr/bin/tini"
cp /usr/bin/test "$dir/usr/bin/test"
# Every library the two dynamic binaries load, the loader included, at the path they are loaded from.
for lib in $( (ldd /usr/local/bin/node; ldd /usr/bin/test) | grep -o '/[^ ]*' | sort -u); do
  mkdir -p "$dir$(dirname "$lib")"
  cp -L "$lib" "$dir$lib"
done
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$dir/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
# The CA bundle the base image trusts, when it has one (Node otherwise uses its own Mozilla roots).
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$dir/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/"
fi
# Smoke test of the result, run with the libraries it will have and nothing else.
chroot "$dir" /usr/local/bin/node -e 'process.exit(0)'
chroot "$dir" /usr/bin/test -x /usr/bin/tini
