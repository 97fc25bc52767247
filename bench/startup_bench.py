"""Cold start and idle memory of the serving process, against a hello-world baseline.

Starts `python run.py` on a fresh data dir (the first start migrates an empty database),
polls GET /api/v1/health until it answers 200, records the time from spawn to that first
answer, waits for the process to settle, and reads its RSS (VmRSS, and VmHWM as the peak)
from /proc. The baseline, in the same run, is a hello-world Flask app under waitress.
Run: python3 bench/startup_bench.py [--runs 5] [--data-dir DIR]  (DIR: an existing data dir,
e.g. with a synced catalog, is copied first so every run starts from the same state).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HELLO = textwrap.dedent("""
    import sys
    from flask import Flask
    from waitress import serve
    app = Flask(__name__)
    @app.get("/api/v1/health")
    def hello():
        return "hello"
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=4)
""")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proc_status(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) // 1024
    return out


def measure(cmd: list[str], port: int, env: dict, settle: float) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/api/v1/health"
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.01)
        first_answer = time.perf_counter() - start
        time.sleep(settle)
        status = proc_status(proc.pid)
        return {"first_answer_s": first_answer, "rss_mb": status["VmRSS"], "peak_mb": status["VmHWM"]}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds idle before reading RSS")
    parser.add_argument("--data-dir", help="copy this data dir for every run (default: empty)")
    args = parser.parse_args()

    results = {"anihome": [], "hello-world": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            if args.data_dir:
                shutil.copytree(args.data_dir, data)
            port = free_port()
            env = dict(os.environ, ANIHOME_DATA_DIR=str(data), ANIHOME_PORT=str(port),
                       ANIHOME_HOST="127.0.0.1", ANIHOME_LOG_LEVEL="WARNING")
            results["anihome"].append(measure([sys.executable, "run.py"], port, env, args.settle))
        port = free_port()
        results["hello-world"].append(measure([sys.executable, "-c", HELLO, str(port)], port,
                                              dict(os.environ), args.settle))

    print(f"runs={args.runs} data_dir={'copy of ' + args.data_dir if args.data_dir else 'empty'}")
    print(f"{'process':<12} {'first answer s (median/max)':>28} {'idle RSS MB (median)':>22} {'peak MB':>8}")
    for name, rows in results.items():
        times = [r["first_answer_s"] for r in rows]
        print(f"{name:<12} {statistics.median(times):>17.3f} / {max(times):.3f}"
              f" {statistics.median(r['rss_mb'] for r in rows):>22}"
              f" {max(r['peak_mb'] for r in rows):>8}")


if __name__ == "__main__":
    main()
