"""Times the big-mailbox commands of issue 24 against one IMAP server, one command at a time on one connection.
Usage: large_mailbox.py PORT USER PASSWORD MODE     MODE: read (SELECT, FETCH 1:* (FLAGS ENVELOPE), UID SEARCH HEADER,
SEARCH TEXT; run it twice for first and repeated access) or write (STORE 1:* +FLAGS, then EXPUNGE of the first half).
Prints one line per command: NAME SECONDS. Every socket wait has a 600 s timeout, so it stops by itself.
With MKS_CPU_PID set (the server's process id, large-mailbox-cpu.sh), each line gets a third column: the server's CPU
seconds (user + system, from /proc/PID/stat, 10 ms ticks) during the command, and after each command, whose work may go
on in the background after the answer (Maildir naming, index saves, watcher events), a NAME_after line with what the
server used after the answer until it went quiet (two 0.5 s samples in a row of at most one tick; at most 120 s); the
untimed STORE of \\Deleted before EXPUNGE gets a line of its own."""
import imaplib, os, sys, time

from warm_memory import warm_guest_memory   # before each timed command (see warm_memory.py)

port, user, password, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
imaplib._MAXLINE = 1 << 24   # a FETCH 1:* ENVELOPE of 20,000 messages is one long response, not an attack
cpu_pid = os.environ.get("MKS_CPU_PID")
ticks = os.sysconf("SC_CLK_TCK")


def cpu():
    """The server's CPU seconds so far (utime + stime, fields 14 and 15 of /proc/PID/stat), or 0 without MKS_CPU_PID."""
    if not cpu_pid:
        return 0.0
    with open(f"/proc/{cpu_pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks


def settle(name):
    """With MKS_CPU_PID: the CPU the server used after an answer until it went quiet (background work)."""
    if not cpu_pid:
        return
    start, last, quiet, deadline = cpu(), cpu(), 0, time.monotonic() + 120
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu()
        quiet = quiet + 1 if now - last <= 1.0 / ticks else 0
        last = now
    print(f"{name}_after 0 {last - start:.2f}", flush=True)


def timed(name, call):
    warm_guest_memory()
    before = cpu()
    start = time.perf_counter()
    typ, data = call()
    elapsed = time.perf_counter() - start
    used = cpu() - before
    if typ != "OK":
        sys.exit(f"{name}: {typ} {data}")
    print(f"{name} {elapsed:.4f}" + (f" {used:.2f}" if cpu_pid else ""), flush=True)
    settle(name)
    return data


m = imaplib.IMAP4("127.0.0.1", port, timeout=600)
if cpu_pid:
    timed("LOGIN", lambda: m.login(user, password))   # the first one opens the account (its usage scan)
else:
    m.login(user, password)
count = int(timed("SELECT", lambda: m.select("INBOX"))[0])
if mode == "read":
    timed("FETCH_1:*_(FLAGS_ENVELOPE)", lambda: m.fetch("1:*", "(FLAGS ENVELOPE)"))
    hits = timed("UID_SEARCH_HEADER", lambda: m.uid("SEARCH", "HEADER", "Subject", "omega"))
    hits_text = timed("SEARCH_TEXT", lambda: m.search(None, "TEXT", "zeta"))
    print(f"# {count} messages; HEADER hits {len(hits[0].split())}, TEXT hits {len(hits_text[0].split())}", flush=True)
else:
    timed("STORE_1:*_+FLAGS", lambda: m.store("1:*", "+FLAGS", "(\\Flagged)"))
    half = count // 2
    if cpu_pid:
        timed("STORE_half_+FLAGS.SILENT_(\\Deleted)", lambda: m.store(f"1:{half}", "+FLAGS.SILENT", "(\\Deleted)"))
    else:
        m.store(f"1:{half}", "+FLAGS.SILENT", "(\\Deleted)")
    timed("EXPUNGE_half", lambda: m.expunge())
m.logout()
