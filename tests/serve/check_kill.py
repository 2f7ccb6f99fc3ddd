#!/usr/bin/env python3
"""Durability of the decision log (issue "meetlat serve": "every evaluation committed BEFORE the
answer is sent"): concurrent clients post initiatives, the service is killed with SIGKILL in the
middle of the load, and afterwards every decision id that was answered must be in the log, with
the content that was answered, and `meetlat verify-log` must find the chain intact.

Usage: check_kill.py MEETLAT REPO_ROOT
"""
import os
import pathlib
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_util import Server  # noqa: E402

CLIENTS = 8
LOAD_SECONDS = 2.0


def main():
    meetlat, root = os.path.abspath(sys.argv[1]), pathlib.Path(sys.argv[2])
    examples = sorted((root / "examples" / "ijsselland").glob("initiatief-*.toml"))
    texts = [p.read_text(encoding="utf-8") for p in examples]
    with tempfile.TemporaryDirectory() as tmp:
        db = pathlib.Path(tmp) / "log.sqlite"
        srv = Server(meetlat, db, "--token", "t", "--workers", "2")
        answered = {}  # decision id -> (hash, verdict)
        errors = []
        lock = threading.Lock()
        stop = threading.Event()

        def client(n):
            i = n
            while not stop.is_set():
                text = texts[i % len(texts)]
                i += 1
                try:
                    s, _, body = srv.request("POST", "/v1/evaluate", text,
                                             {"Content-Type": "application/toml"}, timeout=30)
                except (OSError, ConnectionError, ValueError):
                    continue  # the server is gone: that request was not answered
                if s == 200:
                    with lock:
                        answered[body["decision"]["id"]] = (body["decision"]["hash"],
                                                            body["verdict"])
                elif s != 503:
                    errors.append((s, body))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(LOAD_SECONDS)
        with lock:
            before_kill = len(answered)
        srv.kill()  # SIGKILL: no clean shutdown, no final commit
        stop.set()
        for t in threads:
            t.join(60)
        print(f"{len(answered)} answered decisions ({before_kill} before SIGKILL was sent)")
        ok = True
        if errors:
            print("unexpected statuses:", errors[:3])
            ok = False
        if before_kill < 10:
            print("FAIL: too few decisions answered under load to test anything")
            ok = False

        con = sqlite3.connect(db)
        logged = {seq: (h, v) for seq, h, v in con.execute(
            "SELECT seq, hash, verdict FROM entries WHERE kind = 'decision'")}
        con.close()
        missing = [i for i in answered if i not in logged]
        wrong = [i for i in answered if i in logged and logged[i] != answered[i]]
        print(f"{len(logged)} decisions in the log after the kill")
        if missing:
            print("FAIL: answered but not in the log:", missing[:10])
            ok = False
        if wrong:
            print("FAIL: logged differently from the answer:", wrong[:10])
            ok = False
        v = subprocess.run([meetlat, "verify-log", "--db", str(db)], capture_output=True,
                           text=True)
        print(v.stdout.strip())
        if v.returncode != 0:
            print("FAIL: verify-log after SIGKILL exits", v.returncode)
            ok = False
        # The log is usable again: a new service continues the chain.
        srv2 = Server(meetlat, db, "--token", "t", "--workers", "1")
        s, _, body = srv2.request("POST", "/v1/evaluate", texts[0],
                                  {"Content-Type": "application/toml"})
        srv2.stop()
        if s != 200 or body["decision"]["id"] != max(logged) + 1:
            print("FAIL: a restarted service does not continue the log", s)
            ok = False
        v = subprocess.run([meetlat, "verify-log", "--db", str(db)], capture_output=True,
                           text=True)
        if v.returncode != 0:
            print("FAIL: verify-log after restart:", v.stdout)
            ok = False
    print("all checks passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
