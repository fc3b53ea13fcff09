"""Mixed IMAP load: N client processes loop SELECT / FETCH / STORE / SEARCH / APPEND / NOOP for T seconds.
Prints the number of commands completed per second. Usage: imap_load.py PORT[,PORT...] USER PASSWORD CLIENTS SECONDS [seed]
(with several ports, the clients are split between them: several nodes of one system)
Bounded: at most 200 clients and 600 s; every IMAP command has a 30 s socket timeout, a worker that has not reported
60 s after the run's end is terminated, so the script stops by itself within about SECONDS + 90 s (plus seeding)."""
import imaplib, multiprocessing, random, sys, time

def seed(port, user, password, count):
    m = imaplib.IMAP4("127.0.0.1", port, timeout=30); m.login(user, password)
    for i in range(count):
        m.append("INBOX", None, None, ("From: Load <load@example.test>\r\nTo: %s\r\nSubject: message %d\r\n\r\n" % (user, i) + "body line\r\n" * 40).encode())
    m.logout()

def worker(port, user, password, seconds, result):
    m = imaplib.IMAP4("127.0.0.1", port, timeout=30); m.login(user, password)
    rnd = random.Random()
    done = 0
    end = time.time() + seconds
    while time.time() < end:
        m.select("INBOX"); done += 1
        typ, data = m.search(None, "UNSEEN"); done += 1
        n = int(m.select("INBOX")[1][0]); done += 1
        first = rnd.randint(1, max(1, n - 20))
        m.fetch("%d:%d" % (first, first + 19), "(FLAGS ENVELOPE RFC822.SIZE)"); done += 1
        m.fetch(str(rnd.randint(1, n)), "(BODY.PEEK[])"); done += 1
        m.store(str(rnd.randint(1, n)), "+FLAGS", "(\\Seen)"); done += 1
        m.store(str(rnd.randint(1, n)), "-FLAGS", "(\\Seen)"); done += 1
        if rnd.random() < 0.1:
            m.append("INBOX", None, None, b"Subject: appended\r\n\r\nx\r\n"); done += 1
        m.noop(); done += 1
    m.logout()
    result.put(done)

if __name__ == "__main__":
    ports, user, password, clients, seconds = [int(p) for p in sys.argv[1].split(",")], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    if not (0 < clients <= 200 and 0 < seconds <= 600):
        sys.exit("CLIENTS must be 1..200 and SECONDS 0..600")
    if len(sys.argv) > 6:
        seed(ports[0], user, password, int(sys.argv[6]))
    q = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=(ports[i % len(ports)], user, password, seconds, q)) for i in range(clients)]
    for p in procs: p.start()
    try:
        total = sum(q.get(timeout=seconds + 60) for _ in procs)
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
    print(int(total / seconds))
