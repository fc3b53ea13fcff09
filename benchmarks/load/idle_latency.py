"""IDLE latency: a session in IDLE on one node, a message sent by SMTP to another node; the time from the end of
DATA (the 250) to the "* N EXISTS" on the IDLE connection. Prints the median and p99 in milliseconds.
Usage: idle_latency.py IMAP_PORT SMTP_PORT USER PASSWORD [count]"""
import imaplib, smtplib, socket, statistics, sys, time

imap_port, smtp_port, user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
count = int(sys.argv[5]) if len(sys.argv) > 5 else 200

m = imaplib.IMAP4("127.0.0.1", imap_port)
m.login(user, password)
m.select("INBOX")
sock = m.socket()
sock.settimeout(30)
smtp = smtplib.SMTP("127.0.0.1", smtp_port)
body = "From: a@x.test\r\nTo: %s\r\nSubject: idle\r\n\r\nping\r\n" % user
buffer = b""

def read_line():
    global buffer
    while b"\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("IMAP connection closed")
        buffer += chunk
    line, buffer = buffer.split(b"\r\n", 1)
    return line

samples = []
for i in range(count):
    sock.sendall(b"i%d IDLE\r\n" % i)
    while not read_line().startswith(b"+"):
        pass
    smtp.sendmail("a@x.test", [user], body)
    sent = time.perf_counter()
    while not read_line().endswith(b"EXISTS"):
        pass
    samples.append((time.perf_counter() - sent) * 1000)
    sock.sendall(b"DONE\r\n")
    while not read_line().startswith(b"i%d " % i):
        pass

smtp.quit()
samples.sort()
print("%.1f %.1f" % (statistics.median(samples), samples[int(len(samples) * 0.99) - 1]))
