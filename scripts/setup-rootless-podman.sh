#!/usr/bin/env bash
# Set up an existing user for rootless podman (what breeze needs to run its stacks rootless).
#
#   sudo scripts/setup-rootless-podman.sh USER
#
# Idempotent, and it never overwrites a file the user has: it only adds what is missing.
#   - subordinate UIDs/GIDs for USER in /etc/subuid and /etc/subgid (65536 each, after any range
#     already given out), needed for the user namespace;
#   - a runtime directory /run/user/UID owned by USER, mode 0700 (logind makes it where systemd
#     runs; podman keeps its rootless network namespace and locks there);
#   - ~/.config/containers/storage.conf with the "overlay" driver (kernel overlay, rootless since
#     Linux 5.13; fuse-overlayfs when the kernel's cannot mount), if the user has none, instead of
#     podman's "vfs" fallback that copies every layer;
#   - ~/.config/containers/containers.conf with `default_ulimits = []` if the user has none (a
#     rootless container cannot raise its open-files limit above the user's);
#   - `podman system migrate` as USER, so podman picks up the new ID ranges.
# Afterwards run podman as USER with XDG_RUNTIME_DIR=/run/user/UID (printed at the end).
set -euo pipefail

user="${1:?usage: $0 USER}"
if [[ $(id -u) -ne 0 ]]; then
    echo "run as root (it edits /etc/subuid and /etc/subgid): sudo $0 $user" >&2
    exit 2
fi
if ! id "$user" >/dev/null 2>&1; then
    echo "no user '$user'; create it first (useradd -m $user)" >&2
    exit 2
fi
command -v podman >/dev/null || { echo "podman is not installed" >&2; exit 2; }
for tool in newuidmap newgidmap; do
    command -v "$tool" >/dev/null || { echo "$tool missing: install the uidmap package" >&2; exit 2; }
done

uid=$(id -u "$user")
gid=$(id -g "$user")
home=$(getent passwd "$user" | cut -d: -f6)
cd "$home"  # the commands run as USER start here: the caller's folder may be closed to USER
count=65536

add_subordinate_range() {  # $1 = /etc/subuid or /etc/subgid
    local file=$1 start=100000 end
    touch "$file"
    if grep -q -E "^($user|$uid):" "$file"; then
        echo "$file: $user already has a range"
        return
    fi
    # First free start: after the highest range already given out.
    while IFS=: read -r _ first size; do
        [[ -n "$first" && -n "$size" ]] || continue
        end=$((first + size))
        ((end > start)) && start=$end
    done <"$file"
    echo "$user:$start:$count" >>"$file"
    echo "$file: added $user:$start:$count"
}
add_subordinate_range /etc/subuid
add_subordinate_range /etc/subgid

runtime_dir="/run/user/$uid"
if [[ ! -d "$runtime_dir" ]]; then
    mkdir -p "$runtime_dir"
    echo "created $runtime_dir"
fi
chown "$uid:$gid" "$runtime_dir"
chmod 0700 "$runtime_dir"

# slirp4netns (rootless networking) opens /dev/net/tun as the user; the kernel makes it 0666, but
# some machines (containers, VMs) create it root-only, and then no rootless container has a network.
if [[ -c /dev/net/tun ]] && ! runuser -u "$user" -- test -r /dev/net/tun -a -w /dev/net/tun; then
    chmod 0666 /dev/net/tun
    echo "/dev/net/tun: made read-write for all users (the kernel's default, 0666)"
fi

as_user() {
    runuser -u "$user" -- env HOME="$home" XDG_RUNTIME_DIR="$runtime_dir" "$@"
}

config_dir="$home/.config/containers"
as_user mkdir -p "$config_dir"

storage_conf="$config_dir/storage.conf"
if [[ -e "$storage_conf" ]]; then
    echo "$storage_conf exists: left as it is"
else
    as_user tee "$storage_conf" >/dev/null <<EOF
# Written by breeze's scripts/setup-rootless-podman.sh: the kernel's overlay driver.
[storage]
driver = "overlay"
EOF
    echo "wrote $storage_conf (driver overlay)"
fi

containers_conf="$config_dir/containers.conf"
if [[ -e "$containers_conf" ]]; then
    grep -q default_ulimits "$containers_conf" \
        || echo "$containers_conf exists without default_ulimits: left as it is; add" \
            "'default_ulimits = []' under [containers] if containers fail to set RLIMIT_NOFILE"
else
    as_user tee "$containers_conf" >/dev/null <<'EOF'
# Written by breeze's scripts/setup-rootless-podman.sh.
[containers]
# Rootless containers cannot raise the open-files limit above the user's own.
default_ulimits = []
EOF
    echo "wrote $containers_conf (default_ulimits = [])"
fi

as_user podman system migrate
# The kernel's overlay cannot mount rootless on some file systems and kernels (< 5.13):
# fuse-overlayfs does it instead. Only in the storage.conf written above.
if ! as_user podman info >/dev/null 2>&1 && grep -q "Written by breeze" "$storage_conf" \
    && ! grep -q mount_program "$storage_conf" && command -v fuse-overlayfs >/dev/null; then
    as_user tee -a "$storage_conf" >/dev/null <<EOF

[storage.options.overlay]
mount_program = "$(command -v fuse-overlayfs)"
EOF
    echo "the kernel's overlay did not work rootless: $storage_conf now uses fuse-overlayfs"
    as_user podman system migrate
fi
echo "podman storage driver for $user: $(as_user podman info --format '{{.Store.GraphDriverName}}')"
echo "run podman as $user with: XDG_RUNTIME_DIR=$runtime_dir podman ..."
