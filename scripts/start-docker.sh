#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine. Idempotent: when `docker info` already works
# it does nothing. Otherwise it installs Debian's docker.io when dockerd is missing, starts dockerd
# in the background (log: $DOCKERD_LOG) and waits up to 60 s for it.
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-60}"

if docker info >/dev/null 2>&1; then
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v dockerd >/dev/null 2>&1; then
  echo "start-docker: dockerd not found; installing docker.io from Debian" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  # A dockerd that died leaves its pid file behind, and a new one refuses to start over it.
  as_root rm -f /var/run/docker.pid
  echo "start-docker: starting dockerd (log: $DOCKERD_LOG)" >&2
  # setsid: the engine must outlive the shell (and the Ctrl-C) that started it.
  as_root setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
fi

for _ in $(seq 1 "$WAIT_SECONDS"); do
  if docker info >/dev/null 2>&1; then
    echo "start-docker: engine ready ($(docker version --format '{{.Server.Version}}'))" >&2
    exit 0
  fi
  sleep 1
done

echo "start-docker: ERROR: the Docker engine did not answer within ${WAIT_SECONDS}s." >&2
echo "start-docker: last lines of $DOCKERD_LOG:" >&2
tail -n 20 "$DOCKERD_LOG" >&2 || true
echo "start-docker: fix: check that this machine allows containers (cgroups, overlayfs or vfs) and rerun." >&2
exit 1
