#!/usr/bin/env bash
# IMAP mixed load, side by side in one run: Dovecot (Debian dovecot-imapd) and the MailKitServer host, both on
# Maildir, both seeded with the same 200 messages, driven by the same client (benchmarks/load/imap_load.py).
# Usage: benchmarks/load/imap-load.sh [clients] [seconds]    (run as root: Dovecot runs its mail as 'vmail')
set -euo pipefail
. "$(dirname "$0")/common.sh"; bounded 900 "$0" "$@"   # stops by itself after 15 min
cd "$(dirname "$0")/../.."
clients=${1:-10}; seconds=${2:-20}
work=$(mktemp -d); chmod 755 "$work"; host_pid=; dv_pid=
trap 'kill $host_pid $dv_pid 2>/dev/null || true; rm -rf "$work"' EXIT

start_private_dovecot "$work"

dotnet build -c Release samples/MailKitServer.Host >/dev/null
host_port=$(free_port)
dotnet samples/MailKitServer.Host/bin/Release/net10.0/MailKitServer.Host.dll --store "maildir:$work/ours" --user load@example.test:pw \
  --insecure-auth --imap-port "$host_port" --smtp-port -1 --submission-port -1 --smtps-port -1 --pop3-port -1 --pop3s-port -1 --imaps-port -1 --managesieve-port -1 --http-port -1 \
  > "$work/host.log" 2>&1 & host_pid=$!
for _ in $(seq 100); do grep -q '^ready' "$work/host.log" 2>/dev/null && break; sleep 0.1; done
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$dv_port) 2>/dev/null && break; sleep 0.1; done

# Seed both and warm both up (the JIT for ours, caches and indexes for both), then measure.
python3 benchmarks/load/imap_load.py "$dv_port" load@example.test pw 2 5 200 >/dev/null
python3 benchmarks/load/imap_load.py "$host_port" load@example.test pw 2 5 200 >/dev/null
dv=$(python3 benchmarks/load/imap_load.py "$dv_port" load@example.test pw "$clients" "$seconds")
ours=$(python3 benchmarks/load/imap_load.py "$host_port" load@example.test pw "$clients" "$seconds")
printf '%-52s %12s %12s %7s\n' "IMAP mixed load" "dovecot/s" "ours/s" "ratio"
printf '%-52s %12s %12s %6.2fx\n' "$clients clients, SELECT/SEARCH/FETCH/STORE/APPEND/NOOP" "$dv" "$ours" "$(python3 -c "print($ours/$dv)")"
echo "peak RSS of the host: $(awk '/VmHWM/ {print $2, $3}' /proc/$host_pid/status); machine: $(nproc) cores; $(date -u +%Y-%m-%d)"
