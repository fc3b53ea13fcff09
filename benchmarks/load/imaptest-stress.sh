#!/usr/bin/env bash
# imaptest stress, side by side in one run: Dovecot (Debian dovecot-imapd) and the MailKitServer host (in-memory and
# Maildir stores), 10 and 100 clients, 30 s each, on the same 500-message mbox (make_mbox.py).
# Usage: benchmarks/load/imaptest-stress.sh /path/to/imaptest [seconds]   (run as root: Dovecot runs its mail as 'vmail')
# imaptest is Dovecot's stress and conformance tool (github dovecot/imaptest, release-2.3); it is not built here.
set -euo pipefail
. "$(dirname "$0")/common.sh"; bounded 1800 "$0" "$@"   # stops by itself after 30 min
cd "$(dirname "$0")/../.."
imaptest=${1:?path to the imaptest binary}; seconds=${2:-30}
work=$(mktemp -d); chmod 755 "$work"; host_pid=; dv_pid=
trap 'kill $host_pid $dv_pid 2>/dev/null || true; rm -rf "$work"' EXIT
python3 benchmarks/load/make_mbox.py "$work/stress.mbox" 500 1

start_private_dovecot "$work"
dotnet build -c Release samples/MailKitServer.Host >/dev/null

# run PORT CLIENTS -> "commands/s errors"
run() {
  imaptest_run "$imaptest" "$1" "$2" "$seconds" "$work/stress.mbox" "$work/imaptest.out"
  imaptest_rate "$work/imaptest.out" "$seconds"
}

printf '%-34s %16s %16s %8s\n' "imaptest stress ($seconds s)" "dovecot cmd/s" "ours cmd/s" "ratio"
for store in memory maildir; do
  for clients in 10 100; do
    rm -rf "$work/ours"; host_port=$(free_port)
    dotnet samples/MailKitServer.Host/bin/Release/net10.0/MailKitServer.Host.dll --store "$([ $store = memory ] && echo memory || echo "maildir:$work/ours")" \
      --user load@example.test:pw --insecure-auth --imap-port "$host_port" --smtp-port -1 --submission-port -1 --smtps-port -1 \
      --pop3-port -1 --pop3s-port -1 --imaps-port -1 --managesieve-port -1 --http-port -1 > "$work/host.log" 2>&1 & host_pid=$!
    for _ in $(seq 100); do grep -q '^ready' "$work/host.log" 2>/dev/null && break; sleep 0.2; done
    read -r dv dv_errors < <(run "$dv_port" "$clients")
    read -r ours ours_errors < <(run "$host_port" "$clients")
    kill $host_pid; wait $host_pid 2>/dev/null || true; host_pid=
    printf '%-34s %16s %16s %7.2fx\n' "$store, $clients clients" "$dv ($dv_errors err)" "$ours ($ours_errors err)" "$(python3 -c "print($ours/$dv)")"
  done
done
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
