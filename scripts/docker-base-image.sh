#!/usr/bin/env bash
# Builds scaletest/node-base:local, a minimal Node 24 runtime image, without any image registry:
# `docker import` of a root filesystem holding the project's Node 24 binary (from the npm `node`
# package), the shared libraries it links, the dynamic loader, and /etc/passwd with the non-root
# user `node` (uid 1000, as in node:24-slim). Mock images are built FROM it in CI
# (packages/mocks/Dockerfile, ARG NODE_IMAGE). Idempotent: a no-op when the image already exists
# for the same Node version.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGE="${NODE_BASE_IMAGE:-scaletest/node-base:local}"
NODE_BIN="$(readlink -f "$ROOT/node_modules/node/bin/node")"

if [ ! -x "$NODE_BIN" ]; then
  echo "docker-base-image: ERROR: $ROOT/node_modules/node/bin/node not found; run 'npm ci' first." >&2
  exit 1
fi

bash "$ROOT/scripts/start-docker.sh"

NODE_VERSION="$("$NODE_BIN" --version)"
current="$(docker image inspect --format '{{ index .Config.Labels "org.scaletest.node-version" }}' "$IMAGE" 2>/dev/null || true)"
if [ "$current" = "$NODE_VERSION" ] && [ "${FORCE:-0}" != 1 ]; then
  echo "docker-base-image: $IMAGE already holds node $NODE_VERSION" >&2
  exit 0
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{usr/local/bin,etc,tmp,home/node,app,lib64}
chmod 1777 "$rootfs/tmp"

# The debug symbols are a sixth of the binary and nothing in a container reads them; .dynsym, which
# native addons link against, survives --strip-all.
if command -v strip >/dev/null 2>&1; then
  strip --strip-all -o "$rootfs/usr/local/bin/node" "$NODE_BIN"
else
  cp "$NODE_BIN" "$rootfs/usr/local/bin/node"
fi
chmod 0755 "$rootfs/usr/local/bin/node"

# Every library ldd resolves, dereferenced, at the path the loader looks for, plus the loader.
while read -r lib; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done < <(ldd "$NODE_BIN" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)

cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
node:x:1000:1000:node:/home/node:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
node:x:1000:
nogroup:x:65534:
GROUP
# Network aliases (the simulator mailing the SMTP mock by name) resolve through Docker's DNS.
echo 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"
chown -R 1000:1000 "$rootfs/home/node"

tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV NODE_ENV=production' \
  --change "LABEL org.scaletest.node-version=$NODE_VERSION" \
  --change 'WORKDIR /app' \
  --change 'USER node' \
  --change 'ENTRYPOINT ["/usr/local/bin/node"]' \
  - "$IMAGE" >/dev/null

docker run --rm "$IMAGE" -e 'if (process.getuid() === 0) process.exit(1)' \
  || { echo "docker-base-image: ERROR: $IMAGE does not run node as a non-root user" >&2; exit 1; }
echo "docker-base-image: built $IMAGE (node $NODE_VERSION, $(docker image inspect --format '{{.Size}}' "$IMAGE") bytes)" >&2
