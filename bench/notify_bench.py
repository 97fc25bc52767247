"""Notifications: the sync's fan-out overhead, the bell's unread count, and the sender's pace.

1. fan-out — a fake Kodik (--items) synced in full into a data dir; 8 members follow 300
             releases (every dub) and each has one ntfy channel; the fake then gives the 300
             releases' translations 1,000 new episodes. The incremental sync that stores them is
             timed on copies of that data dir, alternately with the notification receiver
             connected (fan-out: notifications + deliveries in each chunk's transaction) and
             disconnected (baseline), --rounds times each; medians are compared.
2. unread  — ``inbox.unread_count`` for a member among 8 x 10,000 notifications (1/5 unread).
             A last pair of runs uses the default KODIK_MAX_RPS=4, as a real sync does.
3. send    — --pushes deliveries to a local ntfy-like receiver (a separate process on CPU 1)
             by one ``notify-deliver`` run pinned to CPU 0; wall time, then (a second run under
             tracemalloc) the peak Python allocation, for --pushes and 3x --pushes (bounded
             memory: batches of 200, so the peak should not grow with the count).

Run: python3 bench/notify_bench.py [--items 3000] [--rounds 3] [--pushes 1000]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMBERS, RELEASES, EPISODES = 8, 300, 1000

RECEIVER = r'''
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):  # the answer goes out in one write (no Nagle / delayed-ACK stall between two)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    def log_message(self, *a): pass
s = ThreadingHTTPServer(("127.0.0.1", 0), H); s.daemon_threads = True
print(s.server_address[1], flush=True); s.serve_forever()
'''


def make_app(data_dir: str):
    from anihome import create_app
    from anihome.serving.startup import prepare_database

    app = create_app({"DATA_DIR": data_dir, "SECRET_KEY": "bench", "TESTING": True})
    prepare_database(app)
    return app


def members_and_follows(release_ids, receiver_url="http://127.0.0.1:9"):
    from anihome.accounts.users import create_user
    from anihome.notify import subscriptions
    from anihome.notify.channels import service as channels

    create_user("owner", "correct horse battery", "owner")
    users = [create_user(f"member{i}", "correct horse battery", "member") for i in range(MEMBERS)]
    for user in users:
        channels.create(user.id, {"kind": "ntfy", "url": receiver_url, "topic": f"t{user.id}"}, {})
        for rid in release_ids:
            subscriptions.follow(user.id, rid)
    return users


# --- 1. fan-out overhead -----------------------------------------------------------------------

def fanout(items: int, rounds: int) -> None:
    from anihome import events
    from anihome.db import close_all
    from anihome.kodik import sync
    from anihome.kodik.fake.generator import touch_items
    from anihome.kodik.fake.server import FakeKodik
    from anihome.models import Delivery, Notification, Translation
    from anihome.notify import fanout as fan

    base = tempfile.mkdtemp(prefix="anihome-notifybench-")
    with FakeKodik(items=items, seed=3) as fake:
        from anihome.kodik.client import KodikClient

        client = KodikClient(fake.base_url, fake.token, max_rps=0)
        app = make_app(f"{base}/seed")
        with app.app_context(), app.extensions["anihome.db"].connection_context():
            t0 = time.perf_counter()
            sync.run_full(client)
            full_s = time.perf_counter() - t0
            picks, seen = [], set()
            for t in Translation.select().where(Translation.kodik_id.startswith("serial-")).order_by(Translation.id):
                if t.release_id not in seen:
                    seen.add(t.release_id)
                    picks.append(t)
                if len(picks) == RELEASES:
                    break
            assert len(picks) == RELEASES, "not enough serials: raise --items"
            members_and_follows(sorted(seen))
        close_all(app.extensions["anihome.db"])
        index = {fake.catalog.item_id(i): i for i in range(len(fake.catalog.items))}
        rows = [index[t.kodik_id] for t in picks]
        for _ in range(EPISODES // RELEASES):
            touch_items(fake.catalog, rows)
        touch_items(fake.catalog, rows[:EPISODES % RELEASES])

        results: dict[str, list[float]] = {"baseline": [], "fan-out": []}
        cpu: dict[str, list[float]] = {"baseline": [], "fan-out": []}
        inside: list[float] = []
        counts = {}
        inside_cpu: list[float] = []

        def timed_fanout(sender, **kwargs):
            t0, c0 = time.perf_counter(), time.thread_time()
            fan.on_catalog_written(sender, **kwargs)
            inside[-1] += time.perf_counter() - t0
            inside_cpu[-1] += time.thread_time() - c0

        plan = [(n, mode, client) for n in range(rounds)
                for mode in (("baseline", "fan-out") if n % 2 == 0 else ("fan-out", "baseline"))]
        polite = KodikClient(fake.base_url, fake.token, max_rps=4)  # the default KODIK_MAX_RPS
        plan += [(rounds, "baseline-4rps", polite), (rounds, "fan-out-4rps", polite)]
        results.update({"baseline-4rps": [], "fan-out-4rps": []})
        cpu.update({"baseline-4rps": [], "fan-out-4rps": []})
        for n, mode, sync_client in plan:
            work = f"{base}/{mode}-{n}"
            shutil.copytree(f"{base}/seed", work)
            app = make_app(work)
            events.catalog_written.disconnect(fan.on_catalog_written)
            if mode.startswith("fan-out"):
                events.catalog_written.connect(timed_fanout)
                inside.append(0.0)
                inside_cpu.append(0.0)
            with app.app_context(), app.extensions["anihome.db"].connection_context():
                t0, c0 = time.perf_counter(), time.process_time()
                report = sync.run_incremental(sync_client)
                results[mode].append(time.perf_counter() - t0)
                cpu[mode].append(time.process_time() - c0)
                counts[mode] = (report.items, report.episodes_announced, Notification.select().count(),
                                Delivery.select().count())
            events.catalog_written.disconnect(timed_fanout)
            close_all(app.extensions["anihome.db"])
            shutil.rmtree(work)
        events.catalog_written.connect(fan.on_catalog_written)
        client.close()
        polite.close()
    shutil.rmtree(base)
    base_s, fan_s = statistics.median(results["baseline"]), statistics.median(results["fan-out"])
    base_c, fan_c = statistics.median(cpu["baseline"]), statistics.median(cpu["fan-out"])
    items_, announced, notes, _ = counts["fan-out"]
    print(f"full sync of the seed catalog ({items} fake items): {full_s:.1f} s")
    print(f"incremental sync: {items_} items, {announced} new episodes announced, "
          f"{notes} notifications written (baseline wrote {counts['baseline'][2]})")
    print(f"  baseline (no receiver) median {base_s * 1000:.0f} ms  runs {[round(x * 1000) for x in results['baseline']]}")
    print(f"  with fan-out           median {fan_s * 1000:.0f} ms  runs {[round(x * 1000) for x in results['fan-out']]}")
    print(f"  process CPU time: baseline median {base_c * 1000:.0f} ms {[round(x * 1000) for x in cpu['baseline']]}, "
          f"with fan-out {fan_c * 1000:.0f} ms {[round(x * 1000) for x in cpu['fan-out']]} "
          f"({100 * (fan_c - base_c) / base_c:+.1f} %)")
    print(f"  time inside the fan-out receiver: median {statistics.median(inside[:rounds]) * 1000:.0f} ms wall, "
          f"{statistics.median(inside_cpu[:rounds]) * 1000:.0f} ms CPU = "
          f"{100 * statistics.median(inside_cpu[:rounds]) / base_c:.1f} % of the baseline sync's CPU time  (target <= 10 %)")
    slow_base, slow_fan = results["baseline-4rps"][0], results["fan-out-4rps"][0]
    print(f"  with the default KODIK_MAX_RPS=4: baseline {slow_base * 1000:.0f} ms, with fan-out {slow_fan * 1000:.0f} ms "
          f"({100 * (slow_fan - slow_base) / slow_base:+.1f} %)")
    print(f"  wall-clock overhead {100 * (fan_s - base_s) / base_s:+.1f} % (noisy on a shared machine)")


# --- 2. unread count -----------------------------------------------------------------------------

def unread(per_member: int = 10_000) -> None:
    from anihome.db import close_all, write_transaction
    from anihome.notify import inbox, outbox

    base = tempfile.mkdtemp(prefix="anihome-notifybench-")
    app = make_app(base)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        users = members_and_follows([])
        for user in users:
            with write_transaction():
                outbox.write([outbox.New(user.id, "episodes", f"k{i}", None, None, 1, [i]) for i in range(per_member)])
            with write_transaction():
                from anihome.models import Notification

                from peewee import SQL

                Notification.update(read=True).where((Notification.user == user.id) & SQL("id % 5 != 0")).execute()
        target = users[3].id
        unread_n = inbox.unread_count(target)
        times, cpu = [], []
        for _ in range(2000):
            t0, c0 = time.perf_counter(), time.thread_time()
            inbox.unread_count(target)
            times.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
        times.sort()
        print(f"unread count ({MEMBERS} x {per_member} notifications, {unread_n} unread): wall "
              f"mean {statistics.mean(times) * 1e3:.3f} ms, p50 {times[1000] * 1e3:.3f} ms, "
              f"p99 {times[1980] * 1e3:.3f} ms; CPU mean {statistics.mean(cpu) * 1e3:.3f} ms  (target <= 1 ms)")
    close_all(app.extensions["anihome.db"])
    shutil.rmtree(base)


# --- 3. sending ----------------------------------------------------------------------------------

def send(pushes: int) -> None:
    from anihome.db import close_all, write_transaction
    from anihome.notify import outbox
    from anihome.models import Delivery
    from anihome.notify.delivery import Sender

    receiver = subprocess.Popen(["taskset", "-c", "1", sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE,
                                text=True)
    url = f"http://127.0.0.1:{receiver.stdout.readline().strip()}"
    os.sched_setaffinity(0, {0})
    try:
        for count in (pushes, 3 * pushes):
            base = tempfile.mkdtemp(prefix="anihome-notifybench-")
            app = make_app(base)
            with app.app_context(), app.extensions["anihome.db"].connection_context():
                users = members_and_follows([], url)
                per = count // len(users)
                for user in users:
                    with write_transaction():
                        outbox.write([outbox.New(user.id, "digest", f"d{i}", data={"lines": [
                            {"kind": "started", "who": "bench", "title": f"Title {i}"}]}) for i in range(per)])
                t0 = time.perf_counter()
                result = Sender(app.config["ANIHOME_SETTINGS"]).run()
                took = time.perf_counter() - t0
                Delivery.update(status="pending").execute()  # once more, measuring Python's peak allocation
                tracemalloc.start()
                Sender(app.config["ANIHOME_SETTINGS"]).run()
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                print(f"send {per * len(users)} pushes to a local receiver ({len(users)} channels, sender on one core): "
                      f"{took:.1f} s ({per * len(users) / took:.0f}/s), sent {result['sent']}; "
                      f"peak Python allocation during a run {peak / 2**20:.1f} MB  (target <= 60 s)")
            close_all(app.extensions["anihome.db"])
            shutil.rmtree(base)
    finally:
        receiver.kill()
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pushes", type=int, default=1000)
    parser.add_argument("--only", choices=("fanout", "unread", "send"))
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if args.only in (None, "fanout"):
        fanout(args.items, args.rounds)
    if args.only in (None, "unread"):
        unread()
    if args.only in (None, "send"):
        send(args.pushes)


if __name__ == "__main__":
    main()
