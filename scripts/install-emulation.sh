#!/usr/bin/env bash
# Lets this machine build and run foreign-platform (linux/arm64 on amd64, and back) images under
# QEMU user emulation, and build arm64 offline stand-ins: qemu-user-static, binfmt-support and
# mmdebstrap from Debian, binfmt_misc mounted, the QEMU entries enabled. As root; idempotent.
set -euo pipefail

log() { printf '[install-emulation] %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
  log "must run as root to install packages and register binfmt_misc entries"
  exit 1
fi

missing=()
command -v update-binfmts >/dev/null 2>&1 || missing+=(binfmt-support)
[ -x /usr/bin/qemu-aarch64-static ] || missing+=(qemu-user-static)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A fresh machine (no systemd) has binfmt_misc unmounted: nothing foreign runs until it is.
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  log "mounting binfmt_misc"
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi

for entry in qemu-aarch64 qemu-x86_64; do
  # The machine's own architecture has no entry (qemu-user-static does not register it).
  [ -e "/usr/share/binfmts/$entry" ] || continue
  if ! grep -qx enabled "/proc/sys/fs/binfmt_misc/$entry" 2>/dev/null; then
    log "enabling $entry"
    update-binfmts --enable "$entry"
  fi
done
log "ready: $(for e in /proc/sys/fs/binfmt_misc/qemu-*; do [ -e "$e" ] && printf '%s=%s ' "${e##*/}" "$(head -1 "$e")"; done)"
