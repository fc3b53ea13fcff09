"""Holds N IMAP connections in IDLE against a running server, measures its memory, then times one push.

Usage: idle_clients.py HOST_PID IMAP_PORT SMTP_PORT N USER PASSWORD
Every connection does LOGIN, SELECT INBOX and IDLE. Once all got "+ idling", the server's RSS is read from
/proc/HOST_PID/status; then one message is delivered over SMTP and the time until every connection saw
"* 1 EXISTS" is measured.
Bounded: at most 20,000 connections; each connection gets 30 s to reach IDLE, all of them 600 s; the push gets 60 s
per connection and 120 s in all; every connection is closed at the end, also after a timeout. The script stops by
itself within about 13 minutes.
"""
import asyncio, smtplib, sys, time

pid, imap_port, smtp_port, count, user, password = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
MAX_CONNECTIONS = 20_000
if not 0 < count <= MAX_CONNECTIONS:
    sys.exit(f"N must be between 1 and {MAX_CONNECTIONS}")


def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


async def open_idle(i, opened):
    # Source addresses spread over 127.0.0.0/8 so ephemeral ports do not run out.
    local = f"127.0.{(i // 250) % 250}.{i % 250 + 1}"
    reader, writer = await asyncio.open_connection("127.0.0.1", imap_port, local_addr=(local, 0))
    opened.append(writer)
    await reader.readline()
    writer.write(f"a LOGIN {user} {password}\r\nb SELECT INBOX\r\nc IDLE\r\n".encode())
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError(f"connection {i} closed before IDLE")
        if line.startswith(b"+"):
            return reader, writer


async def wait_exists(reader):
    start = time.monotonic()
    while True:
        line = await asyncio.wait_for(reader.readline(), 60)
        if not line:
            raise ConnectionError("connection closed before the push")
        if line.endswith(b" EXISTS\r\n"):
            break
    return time.monotonic() - start


async def main():
    sem = asyncio.Semaphore(400)
    opened = []

    async def limited(i):
        async with sem:
            return await asyncio.wait_for(open_idle(i, opened), 30)

    try:
        await measure(limited)
    finally:
        for w in opened:
            w.close()


async def measure(limited):
    start = time.monotonic()
    connections = await asyncio.wait_for(asyncio.gather(*(limited(i) for i in range(count))), 600)
    print(f"{len(connections)} connections in IDLE after {time.monotonic() - start:.1f} s")
    await asyncio.sleep(2)
    rss, peak = rss_mb()
    print(f"server RSS {rss} MB (peak {peak} MB), {rss * 1024 / len(connections):.1f} KB per connection")
    waits = [asyncio.create_task(wait_exists(r)) for r, _ in connections]
    sent = time.monotonic()
    await asyncio.get_running_loop().run_in_executor(None, lambda: smtplib.SMTP("127.0.0.1", smtp_port, timeout=30).sendmail("a@x.test", [user], b"Subject: push\r\n\r\nto everyone idling\r\n"))
    latencies = sorted(await asyncio.wait_for(asyncio.gather(*waits), 120))
    print(f"one delivery pushed to all {len(latencies)} in {time.monotonic() - sent:.2f} s (median {latencies[len(latencies) // 2] * 1000:.0f} ms after the 250)")

asyncio.run(main())
