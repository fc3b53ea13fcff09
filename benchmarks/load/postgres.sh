#!/usr/bin/env bash
# The PostgreSQL store, side by side in one run (run as root: PostgreSQL runs as 'postgres', Dovecot's mail as 'vmail'):
#   durable SMTP intake (10 KB messages, smtp-source): Postfix smtpd -> its queue, the host on Maildir, the host on
#   PostgreSQL with one node and with two nodes (sessions split between them);
#   IMAP mixed load (imap_load.py): Dovecot on Maildir and two PostgreSQL nodes (clients split between them);
#   imaptest stress (when given the imaptest binary): Dovecot, and two PostgreSQL nodes with the clients split between
#   them (one imaptest process per node, both on the same mailbox);
#   IDLE latency: IDLE on node B, SMTP to node A (and to B itself, for comparison), median and p99.
# Usage: benchmarks/load/postgres.sh [messages] [imap-clients] [imap-seconds] [/path/to/imaptest]
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/load/common.sh
PATH=$PATH:/usr/sbin
count=${1:-4000}; clients=${2:-10}; seconds=${3:-20}; imaptest=${4:-}
work=$(mktemp -d); chmod 755 "$work"; pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  postfix -c "$work/etc" stop >/dev/null 2>&1 || true
  [ -f "$work/pg/data/postmaster.pid" ] && kill -INT "$(head -1 "$work/pg/data/postmaster.pid")" 2>/dev/null || true
  sleep 1; rm -rf "$work"
}
trap cleanup EXIT

start_private_postfix "$work"
start_private_dovecot "$work"; pids+=("$dv_pid")
start_private_postgres "$work"
dotnet build -c Release samples/MailKitServer.Host >/dev/null
common_args=(--user load@example.test:pw --user demo@example.test:demo --insecure-auth --submission-port -1 --smtps-port -1 --pop3-port -1 --pop3s-port -1 --imaps-port -1)
md_smtp=$(free_port); start_host "$work/maildir.log" --store "maildir:$work/maildir" --smtp-port "$md_smtp" --imap-port -1 "${common_args[@]}"; pids+=("$host_pid")
a_smtp=$(free_port); a_imap=$(free_port)
start_host "$work/a.log" --store "postgres:$pg_conn" --smtp-port "$a_smtp" --imap-port "$a_imap" "${common_args[@]}"; pids+=("$host_pid")
b_smtp=$(free_port); b_imap=$(free_port)
start_host "$work/b.log" --store "postgres:$pg_conn" --smtp-port "$b_smtp" --imap-port "$b_imap" "${common_args[@]}"; pids+=("$host_pid")
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$pf_port) 2>/dev/null && break; sleep 0.1; done

# run2 COUNT ARGS...: two smtp-source runs at once, one per node, half the messages each -> messages per second in all
run2() {
  local n=$1; shift
  local start end
  start=$(date +%s.%N)
  smtp-source -m $((n / 2)) "$@" -f a@x.test -t demo@example.test 127.0.0.1:"$a_smtp" >/dev/null &
  local first=$!
  smtp-source -m $((n / 2)) "$@" -f a@x.test -t demo@example.test 127.0.0.1:"$b_smtp" >/dev/null
  wait $first
  end=$(date +%s.%N)
  python3 -c "import sys; print(f'{int(sys.argv[1])/(float(sys.argv[3])-float(sys.argv[2])):.0f}')" "$n" "$start" "$end"
}

# Warm-up (the JIT for ours, caches for everybody).
for port in "$pf_port" "$md_smtp" "$a_smtp" "$b_smtp"; do run "$port" 1000 -l 10240 -s 20 >/dev/null; done
printf '%-40s %10s %10s %10s %10s\n' "SMTP intake, 10 KB (smtp-source)" "postfix/s" "maildir/s" "pg 1 node" "pg 2 nodes"
for sessions in 20 4; do
  p=$(run "$pf_port" "$count" -l 10240 -s $sessions)
  m=$(run "$md_smtp" "$count" -l 10240 -s $sessions)
  one=$(run "$a_smtp" "$count" -l 10240 -s $sessions)
  two=$(run2 "$count" -l 10240 -s $((sessions / 2)))
  printf '%-40s %10s %10s %10s %10s   (pg 1 node %.2fx postfix, 2 nodes %.2fx 1 node)\n' "$sessions sessions, new connection per message" \
    "$p" "$m" "$one" "$two" "$(python3 -c "print($one/$p)")" "$(python3 -c "print($two/$one)")"
done

# IMAP: seed both, warm both up, then measure.
python3 benchmarks/load/imap_load.py "$dv_port" load@example.test pw 2 5 200 >/dev/null
python3 benchmarks/load/imap_load.py "$a_imap,$b_imap" load@example.test pw 2 5 200 >/dev/null
dv=$(python3 benchmarks/load/imap_load.py "$dv_port" load@example.test pw "$clients" "$seconds")
pg=$(python3 benchmarks/load/imap_load.py "$a_imap,$b_imap" load@example.test pw "$clients" "$seconds")
pg1=$(python3 benchmarks/load/imap_load.py "$a_imap" load@example.test pw "$clients" "$seconds")
printf '%-52s %10s %10s %10s\n' "IMAP mixed load, $clients clients" "dovecot/s" "pg 1 node" "pg 2 nodes"
printf '%-52s %10s %10s %10s   (2 nodes %.2fx dovecot)\n' "SELECT/SEARCH/FETCH/STORE/APPEND/NOOP" "$dv" "$pg1" "$pg" "$(python3 -c "print($pg/$dv)")"

# imaptest stress: all clients on Dovecot; half on node A and half on node B at the same time.
if [ -n "$imaptest" ]; then
  python3 benchmarks/load/make_mbox.py "$work/stress.mbox" 500 1
  printf '%-52s %16s %16s %16s\n' "imaptest stress ($seconds s)" "dovecot cmd/s" "pg 1 node" "pg 2 nodes"
  for n in 10 50; do
    imaptest_run "$imaptest" "$dv_port" "$n" "$seconds" "$work/stress.mbox" "$work/it-dv.out"
    read -r dv dv_err < <(imaptest_rate "$work/it-dv.out" "$seconds")
    imaptest_run "$imaptest" "$a_imap" "$n" "$seconds" "$work/stress.mbox" "$work/it-one.out"
    read -r one one_err < <(imaptest_rate "$work/it-one.out" "$seconds")
    imaptest_run "$imaptest" "$a_imap" $((n / 2)) "$seconds" "$work/stress.mbox" "$work/it-a.out" &
    first=$!
    imaptest_run "$imaptest" "$b_imap" $((n / 2)) "$seconds" "$work/stress.mbox" "$work/it-b.out"
    wait $first
    read -r a a_err < <(imaptest_rate "$work/it-a.out" "$seconds")
    read -r b b_err < <(imaptest_rate "$work/it-b.out" "$seconds")
    printf '%-52s %16s %16s %16s   (2 nodes %.2fx dovecot, %.2fx 1 node)\n' "$n clients" "$dv ($dv_err err)" "$one ($one_err err)" \
      "$((a + b)) ($((a_err + b_err)) err)" "$(python3 -c "print(($a+$b)/$dv)")" "$(python3 -c "print(($a+$b)/$one)")"
  done
fi

# IDLE latency.
python3 benchmarks/load/idle_latency.py "$b_imap" "$b_smtp" demo@example.test demo 20 >/dev/null
read -r same_med same_p99 < <(python3 benchmarks/load/idle_latency.py "$b_imap" "$b_smtp" demo@example.test demo 300)
read -r cross_med cross_p99 < <(python3 benchmarks/load/idle_latency.py "$b_imap" "$a_smtp" demo@example.test demo 300)
printf 'IDLE on B, delivery on B: median %s ms, p99 %s ms\n' "$same_med" "$same_p99"
printf 'IDLE on B, delivery on A: median %s ms, p99 %s ms\n' "$cross_med" "$cross_p99"
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%d)"
