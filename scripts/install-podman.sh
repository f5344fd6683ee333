#!/usr/bin/env bash
# Installs podman (Debian 12: 4.3.1) next to Docker, as root, and configures it for breeze:
# /etc/containers/containers.conf gets `default_ulimits = []` under [containers] when that key is
# missing (podman's default open-files limit is above the hard limit of machines like this one, and
# `podman run` then fails with "error setting rlimit type 7"). An existing file is kept: the line
# is added to it, nothing else changes. Idempotent. CONTAINERS_CONF_PATH overrides the file (tests).
set -euo pipefail

log() { printf '[install-podman] %s\n' "$*" >&2; }
conf="${CONTAINERS_CONF_PATH:-/etc/containers/containers.conf}"

has_ulimits() {
  # default_ulimits set (to anything) inside the [containers] table.
  [ -f "$conf" ] && awk '
    /^[[:space:]]*\[/ { section = $0; gsub(/[[:space:]]/, "", section) }
    section == "[containers]" && /^[[:space:]]*default_ulimits[[:space:]]*=/ { found = 1 }
    END { exit found ? 0 : 1 }' "$conf"
}

add_ulimits() {
  mkdir -p "$(dirname "$conf")"
  if [ -f "$conf" ] && grep -qE '^[[:space:]]*\[containers\][[:space:]]*$' "$conf"; then
    # Right under the existing [containers] header, so the key lands in that table.
    tmp="$(mktemp "$conf.XXXXXX")"
    awk '{ print } /^[[:space:]]*\[containers\][[:space:]]*$/ && !done { print "default_ulimits = []"; done = 1 }' \
      "$conf" >"$tmp"
    chmod --reference="$conf" "$tmp" 2>/dev/null || chmod 644 "$tmp"
    mv "$tmp" "$conf"
  else
    { [ -s "$conf" ] && echo; printf '[containers]\ndefault_ulimits = []\n'; } >>"$conf"
  fi
}

if ! command -v podman >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    log "must run as root to install podman"
    exit 1
  fi
  log "installing podman from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq podman >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq podman >/dev/null; }
fi

if has_ulimits; then
  log "$conf already sets default_ulimits; left as it is"
else
  [ -w "$(dirname "$conf")" ] || [ -w "$conf" ] || { log "cannot write $conf (run as root)"; exit 1; }
  log "adding 'default_ulimits = []' under [containers] in $conf"
  add_ulimits
fi

podman info >/dev/null 2>&1 || { log "podman is installed but \`podman info\` fails:"; podman info >&2; exit 1; }
log "ready: $(podman version --format 'podman {{.Client.Version}}')"
