#!/usr/bin/env bash
# Builds the mocks image from the esbuild bundle: `npm run build:image`.
#   NODE_IMAGE   base image with Node 24 at /usr/local/bin/node (default node:24-slim; CI and
#                machines without a registry use scaletest/node-base:local from
#                scripts/docker-base-image.sh, which this script builds when asked for it)
#   MOCKS_IMAGE  tag to build (default scaletest/mocks:local; the Testcontainers modules and the
#                Vitest global setup read SCALETEST_MOCKS_IMAGE, same default)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
PACKAGE="$ROOT/packages/mocks"
NODE_IMAGE="${NODE_IMAGE:-node:24-slim}"
MOCKS_IMAGE="${MOCKS_IMAGE:-${SCALETEST_MOCKS_IMAGE:-scaletest/mocks:local}}"
NODE="$ROOT/node_modules/.bin/node"

bash "$ROOT/scripts/start-docker.sh"
if [ "$NODE_IMAGE" = "scaletest/node-base:local" ]; then
  bash "$ROOT/scripts/docker-base-image.sh"
fi
if ! docker image inspect "$NODE_IMAGE" >/dev/null 2>&1 && ! docker pull -q "$NODE_IMAGE" >/dev/null 2>&1; then
  echo "build-image: ERROR: base image $NODE_IMAGE is not present and cannot be pulled." >&2
  echo "build-image: fix: NODE_IMAGE=scaletest/node-base:local npm run build:image (no registry needed)" >&2
  exit 1
fi

"$NODE" "$PACKAGE/scripts/build-bundle.ts"

version="$("$NODE" -p "require('$PACKAGE/package.json').version")"
# The bundle is the whole context: nothing else reaches the daemon. The classic builder needs no
# buildx plugin; its deprecation notice is shown only when the build fails.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}" docker build --quiet \
  --file "$PACKAGE/Dockerfile" \
  --build-arg "NODE_IMAGE=$NODE_IMAGE" \
  --build-arg "MOCKS_VERSION=$version" \
  --tag "$MOCKS_IMAGE" \
  "$PACKAGE/bundle" >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi

size="$(docker image inspect --format '{{.Size}}' "$MOCKS_IMAGE")"
echo "build-image: built $MOCKS_IMAGE from $NODE_IMAGE ($((size / 1000000)) MB)" >&2
