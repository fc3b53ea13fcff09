#!/usr/bin/env bash
# SMTP intake, side by side in one run: Postfix's smtp-sink (stores nothing: the ceiling), cosullivan/SmtpServer
# (the .NET SMTP library, in smtpserver-peer/: keeps every message in memory) and the MailKitServer host with the
# in-memory store, all driven by Postfix's smtp-source with the same load, one server at a time per row.
# Usage: benchmarks/load/smtp-intake.sh [quick]    (needs Debian's postfix package: smtp-source, smtp-sink)
#   SMTPSERVER_SRC=DIR  build SmtpServer from a checkout of github.com/cosullivan/SmtpServer (else its NuGet package)
set -euo pipefail
. "$(dirname "$0")/common.sh"; bounded 1800 "$0" "$@"   # stops by itself after 30 min
cd "$(dirname "$0")/../.."
command -v smtp-source >/dev/null || PATH=$PATH:/usr/sbin
command -v smtp-source >/dev/null || { echo "smtp-source missing: apt-get install postfix" >&2; exit 1; }

quick=${1:-}
n_small=20000; n_large=500
if [ "$quick" = quick ]; then n_small=4000; n_large=100; fi

dotnet build -c Release samples/MailKitServer.Host >/dev/null
host_dll=samples/MailKitServer.Host/bin/Release/net10.0/MailKitServer.Host.dll
peer_args=()
if [ -n "${SMTPSERVER_SRC:-}" ]; then peer_args=(-p:SmtpServerSource="$SMTPSERVER_SRC" -p:GeneratePackageOnBuild=false); fi
dotnet build -c Release benchmarks/load/smtpserver-peer "${peer_args[@]}" >/dev/null
peer_dll=benchmarks/load/smtpserver-peer/bin/Release/net10.0/SmtpServerPeer.dll

sink_port=$(free_port)
smtp-sink -u nobody 127.0.0.1:$sink_port 1024 & sink_pid=$!
host_port=$(free_port)
dotnet "$host_dll" --managesieve-port -1 --http-port -1 --store memory --smtp-port "$host_port" --submission-port -1 --smtps-port -1 --pop3-port -1 --pop3s-port -1 \
  --imap-port -1 --imaps-port -1 > /tmp/mks-load-host.log 2>&1 & host_pid=$!
peer_port=$(free_port)
dotnet "$peer_dll" "$peer_port" > /tmp/mks-load-peer.log 2>&1 & peer_pid=$!
trap 'kill $sink_pid $host_pid $peer_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^ready' /tmp/mks-load-host.log 2>/dev/null && break; sleep 0.1; done
for _ in $(seq 100); do grep -q '^ready' /tmp/mks-load-peer.log 2>/dev/null && break; sleep 0.1; done


# Warm-up: a fresh .NET process spends its first seconds in the JIT (tiered recompilation); a mail server runs
# for days, so both servers get the same warm-up load before anything is measured.
for port in "$sink_port" "$peer_port" "$host_port"; do
  for _ in 1 2 3; do
    smtp-source -m 5000 -l 10240 -s 20 -f a@x.test -t demo@example.test 127.0.0.1:"$port" >/dev/null
    smtp-source -m 5000 -l 10240 -s 20 -d -f a@x.test -t demo@example.test 127.0.0.1:"$port" >/dev/null
  done
  smtp-source -m 50 -l 1048576 -s 10 -f a@x.test -t demo@example.test 127.0.0.1:"$port" >/dev/null
done

# Each row runs MKS_ROUNDS times (default 3), the three servers one after the other in each round; the table gives
# each server's median and the ratios of the medians (a single run of a few seconds moves ±20% on this machine).
rounds=${MKS_ROUNDS:-3}
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf '%-46s %12s %12s %12s %9s %9s   %s\n' "load (smtp-source), median of $rounds" "smtp-sink/s" "SmtpServer/s" "ours/s" "ours÷sink" "ours÷.NET" \
  "server CPU ms/msg: sink .NET ours"
row() { # label count args...
  local label=$1; count=$2; shift 2
  local a=() b=() c=() ca=() cb=() cc=() ma mb mc r
  for _ in $(seq "$rounds"); do
    r=$(run_cpu "$sink_pid" "$sink_port" "$count" "$@"); a+=("${r% *}"); ca+=("${r#* }")
    r=$(run_cpu "$peer_pid" "$peer_port" "$count" "$@"); b+=("${r% *}"); cb+=("${r#* }")
    r=$(run_cpu "$host_pid" "$host_port" "$count" "$@"); c+=("${r% *}"); cc+=("${r#* }")
  done
  ma=$(median "${a[@]}"); mb=$(median "${b[@]}"); mc=$(median "${c[@]}")
  printf '%-46s %12s %12s %12s %8.2fx %8.2fx   %s %s %s\n' "$label" "$ma" "$mb" "$mc" "$(python3 -c "print($mc/$ma)")" "$(python3 -c "print($mc/$mb)")" \
    "$(median "${ca[@]}")" "$(median "${cb[@]}")" "$(median "${cc[@]}")"
  echo "  each round, ours÷sink: $(for i in "${!c[@]}"; do printf '%s ' "$(python3 -c "print(f'{${c[$i]}/${a[$i]}:.2f}')")"; done)"
}
row "10 KB, 20 sessions, new connection per msg" $n_small -l 10240 -s 20
row "10 KB, 20 sessions, reused connections (-d)" $n_small -l 10240 -s 20 -d
row "10 KB, 1 session" $((n_small / 4)) -l 10240 -s 1
row "1 MiB, 10 sessions" $n_large -l 1048576 -s 10
echo "peak RSS of SmtpServer: $(awk '/VmHWM/ {print $2, $3}' /proc/$peer_pid/status)"
echo "peak RSS of the host: $(awk '/VmHWM/ {print $2, $3}' /proc/$host_pid/status) (in-memory store keeps every message)"
# Messages of 4 KB and more are kept in a memory file (memfd), which is not in the RSS: its allocated size.
memfd=$(find /proc/$host_pid/fd -lname '/memfd:mailkitserver-messages*' 2>/dev/null | head -1)
if [ -n "$memfd" ]; then echo "the host's memory file of kept messages: $(( $(stat -L -c '%b*%B' "$memfd") / 1048576 )) MB"; fi
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%d)"
