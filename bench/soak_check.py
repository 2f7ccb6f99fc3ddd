#!/usr/bin/env python3
"""Runs `meetlat check --format json-compact ...` on a folder, samples the process's resident
memory from /proc while it runs, and checks that every submission is accounted for.

Usage: soak_check.py --corpus DIR --rss-csv FILE [--sample-every S] -- MEETLAT ARGS...

The report is read from the pipe as it streams (a 100 000-submission report is about 600 MB) and
never stored: each submission object starts with {"file":"...","verdict":"..."} (rule objects
start with "pack"; quotes inside strings are escaped), which this script counts per file and per
verdict (and, with --expect-pass, the outcomes of a sentinel rule). It then checks that the files
reported are exactly the .toml/.json files in the corpus, each exactly once, and prints the RSS
over time: the median of each tenth of the run, the highest sample, and a least-squares slope
over the second half. Flat memory: the medians per tenth do not climb.

Exit status 0 when everything is accounted for, 1 otherwise.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

HEADER = re.compile(rb'\{"file":"((?:[^"\\]|\\.)*)","verdict":"([a-z_]+)"')


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def slope(points):
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    den = sum((p[0] - mx) ** 2 for p in points)
    return sum((p[0] - mx) * (p[1] - my) for p in points) / den if den else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--rss-csv", required=True)
    ap.add_argument("--sample-every", type=float, default=0.5)
    ap.add_argument("--expect-pass", action="append", default=[], metavar="RULE_ID",
                    help="every evaluation of this rule must pass (a sentinel after a hostile rule)")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    expected = sorted(os.path.join(a.corpus, f) for f in os.listdir(a.corpus)
                      if f.endswith((".toml", ".json")) and not f.startswith("."))

    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, bufsize=0)
    samples = []  # (seconds, rss KiB, submissions reported so far)
    seen = {}
    verdicts = {}
    sentinels = {rid: {} for rid in a.expect_pass}  # rule id -> outcome -> count
    sentinel_re = {rid: re.compile(rb'"id":"' + re.escape(rid.encode()) +
                                   rb'","title":"(?:[^"\\]|\\.)*","severity":"[a-z]+",'
                                   rb'"outcome":"([a-z]+)"') for rid in a.expect_pass}
    done = threading.Event()

    def sampler():
        while not done.is_set():
            r = rss_kib(proc.pid)
            if r is not None:
                samples.append((time.monotonic() - start, r, sum(verdicts.values())))
            done.wait(a.sample_every)

    t = threading.Thread(target=sampler, daemon=True)
    t.start()
    pending = b""
    total_bytes = 0
    while True:
        chunk = proc.stdout.read(1 << 20)
        total_bytes += len(chunk)
        buf = pending + chunk
        # Matches starting before `limit` are complete (each is far shorter than 4 KiB); the rest
        # waits for the next chunk.
        limit = len(buf) if not chunk else max(0, len(buf) - 4096)
        for m in HEADER.finditer(buf, 0, len(buf)):
            if m.start() >= limit:
                break
            name = json.loads(b'"' + m.group(1) + b'"')
            seen[name] = seen.get(name, 0) + 1
            v = m.group(2).decode()
            verdicts[v] = verdicts.get(v, 0) + 1
        for rid, rx in sentinel_re.items():
            for m in rx.finditer(buf):
                if m.start() >= limit:
                    break
                o = m.group(1).decode()
                sentinels[rid][o] = sentinels[rid].get(o, 0) + 1
        pending = buf[limit:]
        if not chunk:
            break
    rc = proc.wait()
    done.set()
    t.join()
    elapsed = time.monotonic() - start

    with open(a.rss_csv, "w") as f:
        f.write("seconds,rss_kib,reported\n")
        for s, r, n in samples:
            f.write(f"{s:.2f},{r},{n}\n")

    problems = []
    dup = [k for k, v in seen.items() if v != 1]
    missing = [f for f in expected if f not in seen]
    expected_set = set(expected)
    extra = [f for f in seen if f not in expected_set]
    if dup:
        problems.append(f"{len(dup)} files reported more than once, e.g. {dup[:3]}")
    if missing:
        problems.append(f"{len(missing)} files not reported, e.g. {missing[:3]}")
    if extra:
        problems.append(f"{len(extra)} unexpected files reported, e.g. {extra[:3]}")
    for rid, outcomes in sentinels.items():
        if not outcomes or set(outcomes) != {"pass"}:
            problems.append(f"{rid} did not always pass: {outcomes}")
    if rc not in (0, 1, 2):
        problems.append(f"exit status {rc}")

    print(f"command: {' '.join(cmd)}")
    print(f"exit status {rc}, {elapsed:.1f} s, {total_bytes / 1e6:.0f} MB of report")
    print(f"files in corpus {len(expected)}, submissions reported {sum(seen.values())}, "
          f"distinct {len(seen)}")
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    for rid, outcomes in sentinels.items():
        print(f"{rid}: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    if samples:
        rss = [r for _, r, _ in samples]
        k = max(1, len(rss) // 10)
        tenths = [statistics.median(rss[i:i + k]) / 1024 for i in range(0, k * 10, k) if rss[i:i + k]]
        half = [(s, r) for s, r, _ in samples if s >= samples[-1][0] / 2]
        print(f"RSS samples {len(rss)} (every {a.sample_every} s), median per tenth of the run "
              f"(MiB): " + " ".join(f"{m:.1f}" for m in tenths))
        print(f"RSS max {max(rss) / 1024:.1f} MiB; least-squares slope over the second half "
              f"{slope(half) / 1024 * 60:+.2f} MiB/min (noisy: single samples swing by tens of MiB "
              f"when rules hit their memory cap)")
    for p in problems:
        print("PROBLEM: " + p)
    print("every submission accounted for" if not problems else "NOT all accounted for")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
