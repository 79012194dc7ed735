#!/usr/bin/env bash
# Prepares a fresh machine (Node 20 or later, and npm; no root needed) for the demo and the tests: the pinned pnpm,
# the workspace and the builds. Every step is idempotent.
#
#   bash scripts/setup.sh [--with-test-packages] [--with-images] [--node-matrix]
#
# pnpm: the release `packageManager` pins, installed with npm as a local copy in the cache folder (no global install,
# no root; corepack is not used: it refuses registries that serve no package signatures), then linked as `pnpm` into
# a directory of PATH you can write (as root /usr/local/bin; otherwise the first of ~/.local/bin, ~/bin or another
# PATH directory of yours). When PATH has none, it is linked into ~/.local/bin and setup stops, saying so.
#
# System packages (Debian, apt, as root) only on request, for the tests that use them; without them those tests report
# themselves skipped, never passed:
#   --with-test-packages  Ceph radosgw (a real STS), python3-botocore (a real AWS client), libfaketime, openssl;
#                         for keys in hardware SoftHSM2 and opensc (a PKCS#11 token), swtpm, tpm2-tools and
#                         tpm2-pkcs11 with tpm2-abrmd (a software TPM behind PKCS#11), p11-kit (the default module);
#                         tinyproxy (a proxy)
#   --with-images         podman, runc and debootstrap, for `pnpm images` and `pnpm pods` (scripts/images/)
#   --node-matrix         also the pinned Node 22 and 24 CI tests on (scripts/node-matrix.sh; npm, no root)
set -euo pipefail
cd "$(dirname "$0")/.."

with_test_packages=0 with_images=0 node_matrix=0
for argument in "$@"; do
  case "$argument" in
    --with-test-packages) with_test_packages=1 ;;
    --with-images) with_images=1 ;;
    --node-matrix) node_matrix=1 ;;
    *) echo "setup: unknown option $argument (see the top of scripts/setup.sh)" >&2; exit 2 ;;
  esac
done

PNPM_VERSION=$(node -p 'require("./package.json").packageManager.replace(/^pnpm@/, "")')
CACHE="${WORKLOAD_IDENTITY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/workload-identity}"

# --- pnpm ---------------------------------------------------------------------------------------------------------
pnpm_prefix="$CACHE/pnpm/$PNPM_VERSION"
pnpm_bin="$pnpm_prefix/node_modules/.bin/pnpm"
if [ ! -x "$pnpm_bin" ] || [ "$("$pnpm_bin" --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: pnpm $PNPM_VERSION into $pnpm_prefix"
  mkdir -p "$pnpm_prefix"
  npm install --prefix "$pnpm_prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION"
fi

# The directory to link `pnpm` into: one of PATH's that this user can write.
link_dir() {
  local dir candidates=()
  IFS=: read -r -a path_dirs <<<"$PATH"
  if [ "$(id -u)" = "0" ]; then candidates+=(/usr/local/bin); fi
  candidates+=("$HOME/.local/bin" "$HOME/bin" "${path_dirs[@]}")
  for dir in "${candidates[@]}"; do
    case ":$PATH:" in *":$dir:"*) ;; *) continue ;; esac
    case "$dir" in /*) ;; *) continue ;; esac
    if [ -d "$dir" ] && [ -w "$dir" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  if dir=$(link_dir); then
    ln -sfn "$pnpm_bin" "$dir/pnpm"
    hash -r
    if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
      echo "setup: linked $dir/pnpm, but \`pnpm\` on PATH is $(command -v pnpm) ($(pnpm --version 2>/dev/null)): put $dir first on PATH, or remove that one" >&2
      exit 1
    fi
    echo "setup: pnpm $PNPM_VERSION linked as $dir/pnpm"
  else
    mkdir -p "$HOME/.local/bin"
    ln -sfn "$pnpm_bin" "$HOME/.local/bin/pnpm"
    no_path_dir="$HOME/.local/bin"
  fi
fi
# setup's own commands (and the scripts they run, which call pnpm again) use the local copy.
PATH="$(dirname "$pnpm_bin"):$PATH"
export PATH

# --- system packages, on request ----------------------------------------------------------------------------------
apt_install() {
  local purpose=$1
  shift
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: WARNING not root or no apt-get: cannot install $* ($purpose); those tests will report skipped"
    return 0
  fi
  echo "setup: installing Debian packages for $purpose: $*"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@") \
    || echo "setup: WARNING could not install $*; the tests that need them will report skipped"
}

if [ "$with_test_packages" = 1 ]; then
  missing=()
  for tool in radosgw radosgw-admin ceph ceph-mon ceph-osd monmaptool; do
    command -v "$tool" >/dev/null 2>&1 || { missing+=(radosgw ceph-mon ceph-osd); break; }
  done
  # Debian's own (1.29 on bookworm, /usr/bin/python3): the old client the serve tests check; a newer one elsewhere
  # (pyenv's, pip's) is another client.
  /usr/bin/python3 -c 'import botocore' >/dev/null 2>&1 || missing+=(python3-botocore)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v faketime >/dev/null 2>&1 || missing+=(faketime)
  command -v softhsm2-util >/dev/null 2>&1 || missing+=(softhsm2)
  command -v pkcs11-tool >/dev/null 2>&1 || missing+=(opensc)
  [ -e /usr/lib/x86_64-linux-gnu/p11-kit-proxy.so ] || [ -e /usr/lib/aarch64-linux-gnu/p11-kit-proxy.so ] \
    || missing+=(p11-kit-modules)
  command -v swtpm >/dev/null 2>&1 || missing+=(swtpm swtpm-tools)
  command -v tpm2_startup >/dev/null 2>&1 || missing+=(tpm2-tools)
  command -v tpm2_ptool >/dev/null 2>&1 || missing+=(libtpm2-pkcs11-1 libtpm2-pkcs11-tools libtss2-tcti-swtpm0)
  # swtpm holds 3 transient objects and tpm2_ptool leaves what it loads: the access broker (on a private D-Bus
  # session bus) swaps them out, as on a real host.
  command -v tpm2-abrmd >/dev/null 2>&1 || missing+=(tpm2-abrmd)
  [ -e /usr/lib/x86_64-linux-gnu/libtss2-tcti-tabrmd.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libtss2-tcti-tabrmd.so.0 ] \
    || missing+=(libtss2-tcti-tabrmd0)
  command -v dbus-daemon >/dev/null 2>&1 || missing+=(dbus)
  command -v tinyproxy >/dev/null 2>&1 || missing+=(tinyproxy)
  apt_install "the interop tests" "${missing[@]}"
fi

if [ "$with_images" = 1 ]; then
  missing=()
  for tool in podman runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  apt_install "the image builds and pod scenarios" "${missing[@]}"
fi

if [ "$node_matrix" = 1 ]; then
  bash scripts/node-matrix.sh >/dev/null
fi

# --- the workspace ------------------------------------------------------------------------------------------------
pnpm install --frozen-lockfile
pnpm build

if [ -n "${no_path_dir:-}" ]; then
  echo "setup: done, but no directory of your PATH is writable: pnpm $PNPM_VERSION is linked as $no_path_dir/pnpm." >&2
  echo "setup: run   export PATH=\"$no_path_dir:\$PATH\"   (or open a new login shell), then the pnpm command again." >&2
  exit 1
fi
