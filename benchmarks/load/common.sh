# Shared by the load scripts: a free loopback port, and timing one smtp-source run.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run PORT COUNT smtp-source-args... -> messages per second
run() {
  local port=$1 count=$2; shift 2
  local start end
  start=$(date +%s.%N)
  smtp-source -m "$count" "$@" -f a@x.test -t demo@example.test 127.0.0.1:"$port" >/dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; print(f'{int(sys.argv[1])/(float(sys.argv[3])-float(sys.argv[2])):.0f}')" "$count" "$start" "$end"
}
