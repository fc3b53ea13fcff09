# Shared by the load scripts: a time bound, a free loopback port, and timing one smtp-source run.

# bounded SECONDS "$0" "$@": every load script stops by itself. The first call runs the script again under
# timeout(1), which sends TERM to the script's whole process group (servers and clients it started) after SECONDS
# and KILL 10 s later; the script's EXIT trap still stops what it started (Dovecot, Postfix). MKS_LOAD_TIMEOUT
# overrides the bound. Call it before the script changes directory (it re-runs "$0").
bounded() {
  local limit=$1; shift
  if [ "${MKS_LOAD_BOUNDED:-}" != "$1" ]; then
    MKS_LOAD_BOUNDED=$1 exec timeout --kill-after=10 "${MKS_LOAD_TIMEOUT:-$limit}" "$@"
  fi
  trap 'exit 124' TERM INT
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# warm_guest_memory: writes and frees MKS_WARM_MB (2048) of memory before a timed run: this VM's host backs guest
# memory lazily, and the first write to a page it does not back is charged to the writer (warm_memory.py says more).
warm_memory_py=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/warm_memory.py
warm_guest_memory() { python3 "$warm_memory_py"; }

# run PORT COUNT smtp-source-args... -> messages per second
run() {
  local port=$1 count=$2; shift 2
  local start end
  warm_guest_memory
  start=$(date +%s.%N)
  smtp-source -m "$count" "$@" -f a@x.test -t demo@example.test 127.0.0.1:"$port" >/dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; print(f'{int(sys.argv[1])/(float(sys.argv[3])-float(sys.argv[2])):.0f}')" "$count" "$start" "$end"
}

# cpu_ticks PID -> the process's user + system CPU so far, in clock ticks (/proc/PID/stat; every thread included)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_cpu PID PORT COUNT smtp-source-args... -> "messages-per-second server-CPU-ms-per-message": the second number
# is the serving process's own CPU during the run (smtp-source's is not in it). Throughput on two shared cores mixes
# the server's cost with the load generator's and the scheduler's; CPU per message is the server's alone.
run_cpu() {
  local pid=$1; shift
  local before after rate
  before=$(cpu_ticks "$pid")
  rate=$(run "$@")
  after=$(cpu_ticks "$pid")
  python3 -c "import os, sys; a = sys.argv; ms = (int(a[3]) - int(a[2])) * 1000 / os.sysconf('SC_CLK_TCK') / int(a[4]); print(a[1], f'{ms:.3f}')" \
    "$rate" "$before" "$after" "$2"
}

# start_private_postfix WORK -> pf_port: a private Postfix (its own config, queue and log) that discards everything
# it accepts after queueing it durably. Stop it with: postfix -c "$WORK/etc" stop
start_private_postfix() {
  local work=$1
# A private Postfix: its own config, queue and log; everything it accepts is discarded after queueing.
pf_port=$(free_port)
mkdir -p "$work/etc" "$work/queue" "$work/data" "$work/log"
chown postfix "$work/data"
sed -E "s/^smtp +inet .*/127.0.0.1:$pf_port inet n - n - - smtpd/" /etc/postfix/master.cf > "$work/etc/master.cf"
cat > "$work/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $work/queue
data_directory = $work/data
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
myhostname = bench.test
mydestination =
default_transport = discard
local_transport = discard
relay_transport = discard
smtpd_recipient_restrictions = permit_mynetworks, reject
maillog_file = $work/log/maillog
maillog_file_prefixes = $work/log
CONF
postfix -c "$work/etc" start >/dev/null 2>&1
}

# start_private_dovecot WORK -> dv_port, dv_pid: a private Dovecot on Maildir with the user load@example.test / pw.
start_private_dovecot() {
  local work=$1
  id vmail >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin vmail
dv_port=$(free_port)
mkdir -p "$work/dv/mail" "$work/dv/run" "$work/dv/state"; chown vmail:vmail "$work/dv/mail"
echo 'load@example.test:{PLAIN}pw' > "$work/dv/passwd"
cat > "$work/dv/dovecot.conf" <<CONF
base_dir = $work/dv/run
state_dir = $work/dv/state
log_path = $work/dv/dovecot.log
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
protocols = imap
mail_location = maildir:$work/dv/mail/%u/Maildir
first_valid_uid = $(id -u vmail)
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $work/dv/passwd
}
userdb {
  driver = static
  args = uid=vmail gid=vmail home=$work/dv/mail/%u
}
service imap-login {
  inet_listener imap {
    port = $dv_port
  }
  inet_listener imaps {
    port = 0
  }
}
CONF
dovecot -F -c "$work/dv/dovecot.conf" & dv_pid=$!
}

# start_private_postgres WORK -> pg_port, pg_conn: a private PostgreSQL 15 (initdb, fsync and synchronous commit on,
# as in production) with a database "mail". Stop it with: kill -INT "$(head -1 "$WORK/pg/data/postmaster.pid")"
start_private_postgres() {
  local work=$1 bin=/usr/lib/postgresql/15/bin
  mkdir -p "$work/pg"; chown postgres "$work/pg"; echo bench-pw > "$work/pg/pw"; chown postgres "$work/pg/pw"
  runuser -u postgres -- "$bin/initdb" -D "$work/pg/data" --auth-local=trust --auth-host=scram-sha-256 --pwfile="$work/pg/pw" -U postgres -E UTF8 --locale=C >/dev/null
  pg_port=$(free_port)
  runuser -u postgres -- "$bin/pg_ctl" -D "$work/pg/data" -w -l "$work/pg/log" -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c max_connections=300" start >/dev/null
  runuser -u postgres -- "$bin/psql" -h "$work/pg" -p "$pg_port" -U postgres -qc "CREATE DATABASE mail"
  pg_conn="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=bench-pw;Database=mail;Maximum Pool Size=100"
}

# start_host LOG ARGS... -> host_pid: the MailKitServer host (Release) in the background, once it printed "ready".
start_host() {
  local log=$1; shift
  dotnet samples/MailKitServer.Host/bin/Release/net10.0/MailKitServer.Host.dll --managesieve-port -1 --http-port -1 "$@" > "$log" 2>&1 & host_pid=$!
  for _ in $(seq 600); do grep -q '^ready' "$log" 2>/dev/null && return; sleep 0.1; done
  echo "host did not start: $(cat "$log")" >&2; return 1
}

# imaptest_run IMAPTEST PORT CLIENTS SECONDS MBOX OUT: imaptest's stress mode against one server (user load@example.test
# / pw), its report written to OUT.
imaptest_run() {
  "$1" host=127.0.0.1 port="$2" user=load@example.test pass=pw mbox="$5" clients="$3" secs="$4" > "$6" 2>&1 || true
}

# imaptest_rate OUT SECONDS -> "commands/s errors" from an imaptest report (the totals row, and the "Error:" lines).
imaptest_rate() {
  python3 - "$1" "$2" <<'PY'
import sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
i = lines.index("Totals:")
total = sum(int(x) for x in lines[i + 4].split())
errors = sum(1 for l in lines if l.startswith("Error:"))
print(f"{total / float(sys.argv[2]):.0f} {errors}")
PY
}
