#!/usr/bin/env bash
# Installs 3dp-agent on a Raspberry-Pi-class board as a system service: builds the release binary,
# installs it, the service user, the configuration (kept if present), the systemd unit and the udev
# rule, then starts the service. Safe to run again after `git pull` to upgrade.
#
#   sudo board/install.sh             install or upgrade
#   board/install.sh --dry-run        print the commands instead of running them
#   sudo board/install.sh --skip-build  install a binary already built with `swift build -c release`
set -euo pipefail

readonly repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly binary_dir=/usr/local/bin
readonly config_dir=/etc/3dp-agent
readonly config_file="$config_dir/3dp-agent.toml"
readonly unit_file=/etc/systemd/system/3dp-agent.service
readonly rule_file=/etc/udev/rules.d/60-3dp-agent.rules

dry_run=0
skip_build=0
for argument in "$@"; do
    case "$argument" in
        --dry-run) dry_run=1 ;;
        --skip-build) skip_build=1 ;;
        -h | --help)
            sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        *)
            echo "install.sh: unknown option '$argument' (try --help)" >&2
            exit 2
            ;;
    esac
done

# Runs a command, or in a dry run prints it the way it would be typed.
run() {
    if ((dry_run)); then
        local words=() word
        for word in "$@"; do
            if [[ "$word" =~ ^[A-Za-z0-9_./:=@%+-]+$ ]]; then words+=("$word"); else words+=("${word@Q}"); fi
        done
        echo "${words[*]}"
    else
        "$@"
    fi
}

note() {
    echo "# $*"
}

if ((!dry_run)) && ((EUID != 0)); then
    echo "install.sh: run as root: sudo $0 $*" >&2
    exit 1
fi

# 1. Build. Under sudo the build runs as the user who called sudo, so .build/ stays theirs.
if ((!skip_build)); then
    swift="$(command -v swift || true)"
    if [[ -z "$swift" ]]; then
        echo "install.sh: swift is not on root's PATH. Build as yourself with" >&2
        echo "  swift build -c release --package-path '$repo'" >&2
        echo "then run: sudo $0 --skip-build" >&2
        exit 1
    fi
    if [[ -n "${SUDO_USER:-}" && "$SUDO_USER" != root ]]; then
        run sudo -u "$SUDO_USER" -- "$swift" build -c release --package-path "$repo"
    else
        run "$swift" build -c release --package-path "$repo"
    fi
fi
built="$repo/.build/release/3dp-agent"
if ((!dry_run)) && [[ ! -x "$built" ]]; then
    echo "install.sh: $built is missing; build it with swift build -c release" >&2
    exit 1
fi

# 2. The binary.
run install -D -m 0755 "$built" "$binary_dir/3dp-agent"

# 3. The service user, in dialout for the serial ports.
if getent passwd 3dp-agent >/dev/null; then
    if ! id -nG 3dp-agent | tr ' ' '\n' | grep -qx dialout; then
        run usermod --append --groups dialout 3dp-agent
    fi
else
    run useradd --system --user-group --groups dialout --home-dir /var/lib/3dp-agent --no-create-home \
        --shell /usr/sbin/nologin --comment "3dp-agent 3D printer agent" 3dp-agent
fi

# 4. The configuration: an edited one is never overwritten.
run install -d -m 0755 "$config_dir"
if [[ -e "$config_file" ]]; then
    note "keeping $config_file; the current example is $repo/board/3dp-agent.toml"
else
    run install -m 0644 "$repo/board/3dp-agent.toml" "$config_file"
fi

# 5. The unit and the udev rule; the trigger applies the rule to printers already plugged in.
run install -m 0644 "$repo/board/3dp-agent.service" "$unit_file"
run install -m 0644 "$repo/udev/60-3dp-agent.rules" "$rule_file"
run udevadm control --reload
run udevadm trigger --subsystem-match=tty --action=add

# 6. Start. A running agent is not restarted: that would cut off a print in progress.
was_active=0
if systemctl is-active --quiet 3dp-agent 2>/dev/null; then
    was_active=1
fi
run systemctl daemon-reload
run systemctl enable --now 3dp-agent
if ((was_active)); then
    note "3dp-agent was already running; to use the new binary, run when no print is running:"
    note "  sudo systemctl restart 3dp-agent"
fi
note "installed; logs: journalctl -u 3dp-agent -f; configuration: $config_file"
