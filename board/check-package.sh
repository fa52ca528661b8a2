#!/usr/bin/env bash
# Checks a 3dp-agent .deb the way a board would get it: lintian (no errors allowed), then an install into a fresh
# Debian 12 root made with debootstrap, where the installed agent must answer --version, serve a virtual printer
# with `3dp-agent run` as the service user, and leave its user, configuration and unit in place; then remove keeps
# the state and purge deletes it. Run as root (debootstrap, chroot, mounts); needs the network to a Debian mirror.
#
#   board/check-package.sh .build-deb/3dp-agent_0.3.0_amd64.deb
#   FOOTPRINT_ARGS="--idle-seconds 60" board/check-package.sh DEB    the full footprint run of the README's table
set -euo pipefail

deb="$(readlink -f "$1")"
readonly repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
readonly root="$repo/.build-deb/bookworm-root"
readonly port=$((18000 + RANDOM % 2000))

step() { echo "== check-package: $*"; }
fail() { echo "check-package: FAILED: $*" >&2; exit 1; }
in_root() { chroot "$root" "$@"; }

step "lintian"
# Errors fail the check; warnings and notes are printed for the record.
lintian --fail-on error --tag-display-limit 0 "$deb" || fail "lintian reported errors"

step "debootstrap Debian 12 (minbase) from $mirror"
mounted=()
cleanup() {
    local index
    for ((index = ${#mounted[@]} - 1; index >= 0; index--)); do umount "${mounted[index]}" || umount -l "${mounted[index]}" || true; done
    [[ -n "${agent_pid:-}" ]] && kill "$agent_pid" 2>/dev/null || true
    [[ -n "${simulator_pid:-}" ]] && kill "$simulator_pid" 2>/dev/null || true
    remove_root
}
# Never rm -rf a root with /dev still bound into it: that would delete the host's device nodes.
remove_root() {
    if grep -q " $root/" /proc/mounts; then
        echo "check-package: $root still has mounts; not removing it" >&2
        return 1
    fi
    rm -rf "$root"
}
trap cleanup EXIT
remove_root || fail "a previous run left mounts under $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$repo/.build-deb/debootstrap.log" 2>&1 \
    || { tail -20 "$repo/.build-deb/debootstrap.log"; fail "debootstrap"; }
# proc for the agent's /proc/self lookups, /dev and /dev/pts for the virtual printer's pseudo-terminal.
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")
mount --bind /dev/pts "$root/dev/pts" && mounted+=("$root/dev/pts")

step "apt install the package (its Depends come from the mirror)"
cp "$deb" "$root/tmp/"
in_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")" \
    >"$repo/.build-deb/apt-install.log" 2>&1 || { cat "$repo/.build-deb/apt-install.log"; fail "apt install"; }

step "what the package put in place"
version="$(in_root 3dp-agent --version)"
echo "3dp-agent --version: $version"
[[ "$deb" == *"_${version}_"* ]] || fail "--version says $version, the package is $(basename "$deb")"
in_root getent passwd 3dp-agent || fail "no user 3dp-agent"
in_root id -nG 3dp-agent | tr ' ' '\n' | grep -x dialout >/dev/null || fail "3dp-agent is not in dialout"
[[ -f "$root/etc/3dp-agent/3dp-agent.toml" ]] || fail "no /etc/3dp-agent/3dp-agent.toml"
in_root dpkg-query -W -f='${Conffiles}\n' 3dp-agent | grep '/etc/3dp-agent/3dp-agent.toml' >/dev/null \
    || fail "the configuration is not a conffile"
grep -q '^ExecStart=/usr/bin/3dp-agent run --config /etc/3dp-agent/3dp-agent.toml$' \
    "$root/lib/systemd/system/3dp-agent.service" || fail "unit missing or ExecStart wrong"
[[ -L "$root/etc/systemd/system/multi-user.target.wants/3dp-agent.service" ]] || fail "the unit is not enabled"
[[ -f "$root/lib/udev/rules.d/60-3dp-agent.rules" ]] || fail "no udev rule"
ls "$root/usr/share/3dp-agent/profiles/"
if in_root ldd /usr/bin/3dp-agent | grep -E 'not found|libswift|libFoundation'; then fail "a library is missing"; fi

step "3dp-agent run, as the service user, against a virtual printer"
# What systemd's StateDirectory= would make; the packaged configuration with its port moved and one printer listed.
in_root install -d -o 3dp-agent -g 3dp-agent -m 0750 /var/lib/3dp-agent
as_agent=(chroot --userspec=3dp-agent:3dp-agent --groups=dialout "$root" env HOME=/var/lib/3dp-agent)
mkfifo "$root/tmp/simulator.out"
"${as_agent[@]}" 3dp-agent simulate --baud 250000 >"$root/tmp/simulator.out" 2>/dev/null &
simulator_pid=$!
# Held open to the end: the simulator must never write into a closed pipe.
exec {simulator_out}<"$root/tmp/simulator.out"
read -r -t 30 device <&"$simulator_out" || fail "the virtual printer did not start"
echo "virtual printer on $device"
sed "s/^listen = .*/listen = \"127.0.0.1:$port\"/" "$root/etc/3dp-agent/3dp-agent.toml" >"$root/tmp/ci.toml"
printf '\n[[printer]]\nid = "ci-printer"\nport = "%s"\nbaud = 250000\n' "$device" >>"$root/tmp/ci.toml"
chmod 0644 "$root/tmp/ci.toml"
mkfifo "$root/tmp/agent.log"
"${as_agent[@]}" 3dp-agent run --config /tmp/ci.toml >"$root/tmp/agent.log" 2>&1 &
agent_pid=$!
# The agent logs when its endpoint listens: wait for that line (or its end), then ask it who it serves.
exec {log}<"$root/tmp/agent.log"
listening=0
while read -r -t 60 line <&"$log"; do
    echo "  agent: $line"
    if [[ "$line" == *"3DP-1 endpoint listening"* ]]; then listening=1; break; fi
done
((listening)) || fail "the agent did not start listening"
# Keep draining its log in the background so it never blocks on a full pipe.
cat <&"$log" | sed 's/^/  agent: /' &
# The packaged configuration serves TLS: the device certificate made at this first start is the one to trust.
certificate="$root/var/lib/3dp-agent/tls-certificate.pem"
[[ -f "$certificate" && -f "$root/var/lib/3dp-agent/tls-key.pem" ]] || fail "no device key and certificate in /var/lib/3dp-agent"
[[ "$(in_root stat -c '%a %U' /var/lib/3dp-agent/tls-key.pem)" == "600 3dp-agent" ]] || fail "the device key is not 0600 3dp-agent"
discover() {
    curl -sf --cacert "$certificate" -H 'Content-Type: application/json' "https://127.0.0.1:$port/3dp/v1/rpc" \
        -d '{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","method":"service.discover","params":{}}'
}
# The printer goes online once its controller has answered M115: a few seconds at most; asked every 0.2 s.
online=0
for _ in $(seq 150); do
    answer="$(discover || true)"
    if grep -q '"ci-printer"' <<<"$answer" && grep -Eq '"online": ?true' <<<"$answer"; then online=1; break; fi
    sleep 0.2
done
echo "service.discover: $answer"
((online)) || fail "the virtual printer did not come online"
kill -TERM "$agent_pid"
wait "$agent_pid" || fail "the agent did not stop cleanly on SIGTERM (exit $?)"
agent_pid=""
kill -INT "$simulator_pid"; wait "$simulator_pid" || true; simulator_pid=""
[[ -f "$root/var/lib/3dp-agent/queue.sqlite" ]] || fail "no queue database in /var/lib/3dp-agent"

# The footprint of the installed binary (bench footprint; its figures are a record, not a gate here: the
# README has the full run). FOOTPRINT_ARGS="" skips it.
footprint_args="${FOOTPRINT_ARGS---idle-seconds 5 --print-seconds 5 --download-mb 256}"
if [[ -n "$footprint_args" ]]; then
    step "3dp-agent bench footprint $footprint_args (the installed binary)"
    # shellcheck disable=SC2086 # the options are words
    in_root 3dp-agent bench footprint $footprint_args || fail "bench footprint"
fi

step "remove keeps the state and the configuration; purge deletes them"
in_root dpkg --remove 3dp-agent >/dev/null
[[ -d "$root/var/lib/3dp-agent" && -f "$root/etc/3dp-agent/3dp-agent.toml" ]] || fail "remove deleted the state or the configuration"
in_root dpkg --purge 3dp-agent >/dev/null
[[ ! -e "$root/var/lib/3dp-agent" && ! -e "$root/etc/3dp-agent" ]] || fail "purge left the state or the configuration"
step "passed: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
