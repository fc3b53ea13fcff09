#!/usr/bin/env bash
# Every load comparison in one run, on this machine, with the same build: SMTP intake (in-memory host vs
# smtp-sink and cosullivan/SmtpServer), Maildir intake (host vs Postfix smtpd into its queue), IMAP mixed load (host
# vs Dovecot), a 20,000-message INBOX (host vs Dovecot on the same Maildir), 10,000 IDLE connections, and the
# PostgreSQL store (intake with 1 and 2 nodes, IMAP on 2 nodes, IDLE latency across nodes). The output is the table
# BENCHMARKS.md records. SMTPSERVER_SRC=DIR builds SmtpServer from a checkout (see smtp-intake.sh).
# Usage: benchmarks/load/run-all.sh [quick]      (as root; needs postfix, dovecot-imapd, postgresql)
set -euo pipefail
. "$(dirname "$0")/common.sh"; bounded 7200 "$0" "$@"   # stops by itself after 120 min
cd "$(dirname "$0")/../.."
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GB, $(dotnet --version)"
benchmarks/load/smtp-intake.sh "${1:-}"
benchmarks/load/maildir-intake.sh
benchmarks/load/imap-load.sh
benchmarks/load/large-mailbox.sh
benchmarks/load/idle-connections.sh 10000
benchmarks/load/postgres.sh
