#!/usr/bin/env bash
# Installs and starts a Docker engine with buildx and compose v2 on Debian 12 (bookworm), as root.
# Idempotent: does nothing where a working engine with buildx and compose already answers.
set -euo pipefail

log() { printf '[install-engine] %s\n' "$*" >&2; }

engine_ok() { docker info >/dev/null 2>&1; }
buildx_ok() { docker buildx version >/dev/null 2>&1; }
compose_ok() { docker compose version >/dev/null 2>&1; }
# A real registry for `breeze push` tests and local pipelines (Debian's distribution 2.8 server, and
# htpasswd for its login tests); started by the tests themselves on 127.0.0.1, never as a service.
registry_ok() { command -v docker-registry >/dev/null 2>&1 && command -v htpasswd >/dev/null 2>&1; }

if engine_ok && buildx_ok && compose_ok && registry_ok; then
  log "engine, buildx, compose and the local registry tools already work; nothing to do"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  log "must run as root to install packages and start dockerd"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_update() { if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi; }

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io and iptables from bookworm"
  apt_update
  apt-get install -y -qq docker.io iptables debootstrap >/dev/null
fi
command -v debootstrap >/dev/null 2>&1 || { apt_update; apt-get install -y -qq debootstrap >/dev/null; }

if ! buildx_ok || ! compose_ok; then
  # bookworm ships neither buildx nor compose v2; trixie has both as plain packages. The pin at
  # priority 100 keeps every other package on bookworm.
  if [ ! -f /etc/apt/sources.list.d/trixie.sources ]; then
    log "adding trixie (pinned at priority 100) for docker-buildx and docker-compose"
    cat >/etc/apt/sources.list.d/trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    cat >/etc/apt/preferences.d/trixie-pin <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
    apt_updated=0
  fi
  apt_update
  apt-get install -y -qq -t trixie docker-buildx docker-compose >/dev/null
fi

if ! engine_ok; then
  log "starting dockerd (log: /var/log/dockerd.log)"
  # A daemon killed hard leaves its pid file behind; dockerd refuses to start while it exists.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    engine_ok && break
    sleep 1
  done
  engine_ok || { log "dockerd did not answer within 60 s; see /var/log/dockerd.log"; tail -20 /var/log/dockerd.log >&2; exit 1; }
fi

if ! registry_ok; then
  log "installing docker-registry and apache2-utils (htpasswd) from bookworm"
  apt_update
  apt-get install -y -qq --no-install-recommends docker-registry apache2-utils >/dev/null
  # The package's own service is not wanted: tests start a registry per test on a free port.
  command -v systemctl >/dev/null 2>&1 && systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi

buildx_ok || { log "docker buildx is still missing"; exit 1; }
compose_ok || { log "docker compose v2 is still missing"; exit 1; }
log "ready: $(docker version --format 'engine {{.Server.Version}}'), $(docker buildx version | cut -d' ' -f1-2), $(docker compose version --short)"
