#!/usr/bin/env bash
# Many IMAP connections in IDLE on the in-memory host: the server's memory (RSS) while it holds them, and how fast
# one delivery reaches them all. Target (issue 10): 10,000 connections in under 300 MB.
# Usage: benchmarks/load/idle-connections.sh [connections]
set -euo pipefail
. "$(dirname "$0")/common.sh"; bounded 900 "$0" "$@"   # stops by itself after 15 min
cd "$(dirname "$0")/../.."
count=${1:-10000}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # 10,000 sockets on each side
dotnet build -c Release samples/MailKitServer.Host >/dev/null
imap=$(free_port); smtp=$(free_port)
dotnet samples/MailKitServer.Host/bin/Release/net10.0/MailKitServer.Host.dll --store memory --insecure-auth \
  --smtp-port "$smtp" --imap-port "$imap" --submission-port -1 --smtps-port -1 --pop3-port -1 --pop3s-port -1 --imaps-port -1 --managesieve-port -1 --http-port -1 \
  --max-connections 30000 --max-connections-per-address 30000 >/dev/null &
host=$!
trap 'kill $host 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$imap") 2>/dev/null && break; sleep 0.1; done
echo "machine: $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "host RSS at start: $(awk '/VmRSS/ {print int($2/1024)}' /proc/$host/status) MB"
python3 benchmarks/load/idle_clients.py "$host" "$imap" "$smtp" "$count" demo@example.test demo
