#!/usr/bin/env bash
# A large INBOX (default 20,000 varied messages, make_mbox.py) in Maildir, read by Dovecot (Debian dovecot-imapd)
# and by the MailKitServer host (Maildir store) from identical copies, one server after the other: SELECT,
# FETCH 1:* (FLAGS ENVELOPE), UID SEARCH HEADER, SEARCH TEXT on a freshly started server (first access: no index
# or cache yet) and again on a second connection (repeated access), then STORE 1:* +FLAGS and EXPUNGE of half; then
# the read commands once more on a second user's identical copy ("warm": first access to a mailbox in a server that
# has run, which for our host means code already compiled; the "first" rows also pay the .NET JIT's warm-up).
# Rounds (MKS_ROUNDS, default 3): each round starts both servers afresh on fresh copies, Dovecot first in odd rounds
# and ours first in even ones; the table gives each side's median over the rounds and, after the ratio, the ratio of
# each round (rows of a few milliseconds cross 1.0 from one run to the next: one run decides nothing for them).
# Usage: benchmarks/load/large-mailbox.sh [messages]   (run as root: Dovecot runs its mail as 'vmail')
set -euo pipefail
. "$(dirname "$0")/common.sh"; bounded 2700 "$0" "$@"   # stops by itself after 45 min
cd "$(dirname "$0")/../.."
count=${1:-20000}; rounds=${MKS_ROUNDS:-3}
results=$(mktemp -d); work=; host_pid=; dv_pid=
trap 'kill $host_pid $dv_pid 2>/dev/null || true; rm -rf "$work" "$results"' EXIT
dotnet build -c Release samples/MailKitServer.Host >/dev/null

# One generated Maildir (kept between runs: generating 20,000 messages takes minutes), copied for each server.
seed=${MKS_LOAD_CACHE:-/tmp/mks-large-mailbox}/$count
if [ ! -f "$seed/done" ]; then
  rm -rf "$seed"; python3 benchmarks/load/make_mbox.py "$seed/Maildir/" "$count" 7 && touch "$seed/done"
fi
user=load@example.test user2=load2@example.test

measure() { # PORT -> "access name seconds" lines: first access, repeated access, the writes, then a second user's copy
  python3 benchmarks/load/large_mailbox.py "$1" "$user" pw read | sed 's/^\([^#]\)/first \1/'
  python3 benchmarks/load/large_mailbox.py "$1" "$user" pw read | sed 's/^\([^#]\)/repeat \1/'
  python3 benchmarks/load/large_mailbox.py "$1" "$user" pw write | sed 's/^\([^#]\)/once \1/'
  python3 benchmarks/load/large_mailbox.py "$1" "$user2" pw read | sed 's/^\([^#]\)/warm \1/'
}
for round in $(seq "$rounds"); do
  work=$(mktemp -d); chmod 755 "$work"
  start_private_dovecot "$work"; echo "$user2:{PLAIN}pw" >> "$work/dv/passwd"
  for u in "$user" "$user2"; do
    mkdir -p "$work/dv/mail/$u" "$work/ours/$u"; cp -a "$seed/Maildir" "$work/dv/mail/$u/"; cp -a "$seed/Maildir" "$work/ours/$u/"
  done
  chown -R vmail:vmail "$work/dv/mail"; sync
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$dv_port) 2>/dev/null && break; sleep 0.1; done
  start_host "$work/host.log" --store "maildir:$work/ours" --user "$user:pw" --user "$user2:pw" --insecure-auth --imap-port 0 \
    --smtp-port -1 --submission-port -1 --smtps-port -1 --pop3-port -1 --pop3s-port -1 --imaps-port -1
  host_port=$(sed -n 's/^listening imap 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/host.log")
  if [ $((round % 2)) -eq 1 ]; then
    measure "$dv_port" > "$results/dv.$round"; measure "$host_port" > "$results/ours.$round"
  else
    measure "$host_port" > "$results/ours.$round"; measure "$dv_port" > "$results/dv.$round"
  fi
  peak=$(awk '/VmHWM/ {print $2, $3}' /proc/$host_pid/status)
  kill $host_pid $dv_pid 2>/dev/null || true; wait $host_pid $dv_pid 2>/dev/null || true; host_pid= dv_pid=
  rm -rf "$work"; work=
done
echo "== $count messages in INBOX (Maildir); seconds per command, one connection, median of $rounds rounds; $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
python3 - "$results" "$rounds" <<'PY'
import statistics, sys
folder, rounds = sys.argv[1], int(sys.argv[2])
def load(path):
    rows, notes = {}, []
    for line in open(path):
        if line.startswith("#"): notes.append(line.strip()); continue
        access, name, secs = line.split()
        rows[(access, name)] = float(secs)
    return rows, notes
dv = [load(f"{folder}/dv.{r}") for r in range(1, rounds + 1)]
ours = [load(f"{folder}/ours.{r}") for r in range(1, rounds + 1)]
print(f"{'command':34} {'access':7} {'Dovecot s':>10} {'ours s':>10} {'Dovecot÷ours':>13}  each round")
for key in dv[0][0]:
    a = [d[key] for d, _ in dv]; b = [o[key] for o, _ in ours]
    each = " / ".join(f"{x / y:.2f}" for x, y in zip(a, b))
    print(f"{key[1].replace('_', ' '):34} {key[0]:7} {statistics.median(a):10.3f} {statistics.median(b):10.3f}"
          f" {statistics.median(a) / statistics.median(b):12.2f}x  {each}")
print("Dovecot:", "; ".join(dv[0][1])); print("ours:   ", "; ".join(ours[0][1]))
PY
echo "peak RSS of the host (last round): $peak"
