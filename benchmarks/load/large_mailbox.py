"""Times the big-mailbox commands of issue 24 against one IMAP server, one command at a time on one connection.
Usage: large_mailbox.py PORT USER PASSWORD MODE     MODE: read (SELECT, FETCH 1:* (FLAGS ENVELOPE), UID SEARCH HEADER,
SEARCH TEXT; run it twice for first and repeated access) or write (STORE 1:* +FLAGS, then EXPUNGE of the first half).
Prints one line per command: NAME SECONDS. Every socket wait has a 600 s timeout, so it stops by itself."""
import imaplib, sys, time

port, user, password, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
imaplib._MAXLINE = 1 << 24   # a FETCH 1:* ENVELOPE of 20,000 messages is one long response, not an attack
m = imaplib.IMAP4("127.0.0.1", port, timeout=600)
m.login(user, password)


def timed(name, call):
    start = time.perf_counter()
    typ, data = call()
    elapsed = time.perf_counter() - start
    if typ != "OK":
        sys.exit(f"{name}: {typ} {data}")
    print(f"{name} {elapsed:.4f}", flush=True)
    return data


count = int(timed("SELECT", lambda: m.select("INBOX"))[0])
if mode == "read":
    timed("FETCH_1:*_(FLAGS_ENVELOPE)", lambda: m.fetch("1:*", "(FLAGS ENVELOPE)"))
    hits = timed("UID_SEARCH_HEADER", lambda: m.uid("SEARCH", "HEADER", "Subject", "omega"))
    hits_text = timed("SEARCH_TEXT", lambda: m.search(None, "TEXT", "zeta"))
    print(f"# {count} messages; HEADER hits {len(hits[0].split())}, TEXT hits {len(hits_text[0].split())}", flush=True)
else:
    timed("STORE_1:*_+FLAGS", lambda: m.store("1:*", "+FLAGS", "(\\Flagged)"))
    half = count // 2
    m.store(f"1:{half}", "+FLAGS.SILENT", "(\\Deleted)")
    timed("EXPUNGE_half", lambda: m.expunge())
m.logout()
