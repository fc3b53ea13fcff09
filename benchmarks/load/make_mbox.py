#!/usr/bin/env python3
"""Writes an mbox of N varied messages (plain, multipart/alternative, attachments, message/rfc822, encoded
headers, keywords of size) for imaptest's stress mode. Deterministic for a given seed. With OUT ending in "/", writes
a Maildir instead (every message already in cur/, as in a mailbox that has been read before).
Usage: make_mbox.py OUT.mbox|OUTDIR/ [count=500] [seed=1]"""
import mailbox
import os
import random
import sys
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau "
         "upsilon phi chi psi omega mail server imap fetch store search expunge flag keyword änderung größe").split()
names = ["Alice Example", "Bob Builder", "Carol Ünicode", "Dave", "Eve O'Hara", "Frank \"Quoted\" Name"]


def text(n):
    return " ".join(rnd.choice(words) for _ in range(n))


def lines(n):
    return "\n".join(text(rnd.randint(3, 14)) for _ in range(n)) + "\n"


start = datetime(2024, 1, 1, tzinfo=timezone.utc)
maildir = out.endswith("/")
if maildir:
    os.makedirs(os.path.dirname(out.rstrip("/")) or ".", exist_ok=True)
box = mailbox.Maildir(out, create=True) if maildir else mailbox.mbox(out, create=True)
box.lock()
for i in range(count):
    m = EmailMessage()
    sender = rnd.choice(names)
    m["From"] = f"{sender} <{sender.split()[0].lower().strip(chr(34))}{i % 7}@example.org>"
    m["To"] = ", ".join(f"user{j}@example.test" for j in range(rnd.randint(1, 3)))
    if rnd.random() < 0.3:
        m["Cc"] = f"{rnd.choice(names)} <cc{i}@example.net>"
    m["Subject"] = ("Re: " if rnd.random() < 0.3 else "") + text(rnd.randint(2, 8)).capitalize()
    m["Date"] = format_datetime(start + timedelta(minutes=37 * i), usegmt=False)
    m["Message-ID"] = f"<msg{i}.{rnd.randint(0, 1 << 30)}@example.org>"
    if i > 0 and rnd.random() < 0.3:
        m["In-Reply-To"] = f"<msg{rnd.randint(0, i - 1)}@example.org>"
    kind = rnd.random()
    m.set_content(lines(rnd.randint(1, 60)))
    if kind > 0.5:
        m.add_alternative(f"<html><body><p>{text(40)}</p></body></html>\n", subtype="html")
    if kind > 0.75:
        m.add_attachment(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(100, 20000))),
                         maintype="application", subtype="octet-stream", filename=f"file{i}.bin")
    if kind > 0.9:
        inner = EmailMessage()
        inner["From"] = "inner@example.org"
        inner["Subject"] = "forwarded " + text(3)
        inner.set_content(lines(5))
        m.add_attachment(inner)
    if maildir:
        stored = mailbox.MaildirMessage(m)
        stored.set_subdir("cur")
        stored.set_info("2,")
        box.add(stored)
    else:
        box.add(mailbox.mboxMessage(m))
box.flush()
box.unlock()
box.close()
