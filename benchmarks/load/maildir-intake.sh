#!/usr/bin/env bash
# Durable SMTP intake, side by side in one run: Postfix's smtpd writing into its own queue (fsync, then
# discarded) and the MailKitServer host writing into a Maildir (fsync file and directory before 250).
# Usage: benchmarks/load/maildir-intake.sh [messages]    (needs Debian's postfix package; run as root)
set -euo pipefail
. "$(dirname "$0")/common.sh"; bounded 1200 "$0" "$@"   # stops by itself after 20 min
cd "$(dirname "$0")/../.."
PATH=$PATH:/usr/sbin
count=${1:-4000}
work=$(mktemp -d); chmod 755 "$work"; host_pid=
trap 'postfix -c "$work/etc" stop >/dev/null 2>&1 || true; kill $host_pid 2>/dev/null || true; rm -rf "$work"' EXIT

start_private_postfix "$work"

dotnet build -c Release samples/MailKitServer.Host >/dev/null
host_port=$(free_port)
dotnet samples/MailKitServer.Host/bin/Release/net10.0/MailKitServer.Host.dll --store "maildir:$work/maildir" \
  --smtp-port "$host_port" --submission-port -1 --smtps-port -1 --pop3-port -1 --pop3s-port -1 --imap-port -1 --imaps-port -1 --managesieve-port -1 --http-port -1 \
  > "$work/host.log" 2>&1 & host_pid=$!
for _ in $(seq 100); do grep -q '^ready' "$work/host.log" 2>/dev/null && break; sleep 0.1; done
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$pf_port) 2>/dev/null && break; sleep 0.1; done


# Warm-up for both (the JIT for ours; caches for both).
run "$pf_port" 1000 -l 10240 -s 20 >/dev/null; run "$host_port" 1000 -l 10240 -s 20 >/dev/null
printf '%-44s %14s %12s %7s\n' "load (smtp-source, 10 KB)" "postfix->queue/s" "maildir/s" "ratio"
for sessions in 20 1; do
  n=$count; [ "$sessions" = 1 ] && n=$((count / 4))
  a=$(run "$pf_port" "$n" -l 10240 -s $sessions)
  b=$(run "$host_port" "$n" -l 10240 -s $sessions)
  printf '%-44s %14s %12s %6.2fx\n' "$sessions sessions, new connection per message" "$a" "$b" "$(python3 -c "print($b/$a)")"
done
echo "stored: $(find "$work/maildir" -path '*/new/*' -type f | wc -l) files in the Maildir; machine: $(nproc) cores; $(date -u +%Y-%m-%d)"
