#!/usr/bin/env bash
# The host's CPU time per command on a large Maildir INBOX (issue 24), for comparing builds on a shared machine where
# wall time swings 10x: the same commands as large-mailbox.sh (first access, repeated access, STORE, EXPUNGE of half),
# the host only (no Dovecot), each run on a fresh copy of the same generated Maildir and a freshly started host.
# Prints, per run, the wall seconds and the host's CPU seconds (user + system from /proc/PID/stat around each
# command; large_mailbox.py with MKS_CPU_PID) and the CPU it used after each answer until it went quiet ("_after").
# Usage: benchmarks/load/large-mailbox-cpu.sh [messages] [runs] [host.dll ...]
#   Several host builds (paths to MailKitServer.Host.dll) are run interleaved, run 1 of each, then run 2 of each...
#   Without a dll, the Release build of this checkout (built first). Needs no root.
set -euo pipefail
. "$(dirname "$0")/common.sh"; bounded 3600 "$0" "$@"   # stops by itself after an hour
cd "$(dirname "$0")/../.."
count=${1:-20000}; runs=${2:-1}; shift $(( $# < 2 ? $# : 2 ))
dlls=("$@")
if [ ${#dlls[@]} -eq 0 ]; then
  dotnet build -c Release samples/MailKitServer.Host >/dev/null
  dlls=("$PWD/samples/MailKitServer.Host/bin/Release/net10.0/MailKitServer.Host.dll")
fi
work=$(mktemp -d); host_pid=
trap 'kill $host_pid 2>/dev/null || true; rm -rf "$work"' EXIT

seed=${MKS_LOAD_CACHE:-/tmp/mks-large-mailbox}/$count   # shared with large-mailbox.sh
if [ ! -f "$seed/done" ]; then
  rm -rf "$seed"; python3 benchmarks/load/make_mbox.py "$seed/Maildir/" "$count" 7 && touch "$seed/done"
fi
user=load@example.test

echo "== $count messages in INBOX (Maildir); $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$runs"); do
  for dll in "${dlls[@]}"; do
    rm -rf "$work/ours"; mkdir -p "$work/ours/$user"; cp -a "$seed/Maildir" "$work/ours/$user/"; sync
    dotnet "$dll" --managesieve-port -1 --http-port -1 --store "maildir:$work/ours" --user "$user:pw" --insecure-auth \
      --imap-port 0 --smtp-port -1 --submission-port -1 --smtps-port -1 --pop3-port -1 --pop3s-port -1 --imaps-port -1 \
      > "$work/host.log" 2>&1 & host_pid=$!
    for _ in $(seq 600); do grep -q '^ready' "$work/host.log" 2>/dev/null && break; sleep 0.1; done
    port=$(sed -n 's/^listening imap 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/host.log")
    echo "-- run $run, $dll"
    printf '%-40s %-7s %9s %9s\n' command access "wall s" "CPU s"
    for access in first repeat once; do
      mode=read; [ $access = once ] && mode=write
      MKS_CPU_PID=$host_pid python3 benchmarks/load/large_mailbox.py "$port" "$user" pw $mode |
        awk -v a=$access '/^#/ {print; next} {printf "%-40s %-7s %9.3f %9.2f\n", $1, a, $2, $3}'
    done
    echo "host CPU in all: $(awk '{print ($14 + $15) / t}' t=$(getconf CLK_TCK) /proc/$host_pid/stat) s; peak RSS $(awk '/VmHWM/ {print $2, $3}' /proc/$host_pid/status)"
    kill $host_pid; wait $host_pid 2>/dev/null || true; host_pid=
  done
done
