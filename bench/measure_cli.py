#!/usr/bin/env python3
"""End-to-end measurements of `meetlat check` on a folder of generated submissions: wall time
with --jobs 1 and --jobs 2, and the peak resident memory of the process (ru_maxrss).

Usage: measure_cli.py MEETLAT DIR [--jobs 1,2] [--repeat 3] [--format json-compact]
"""
import argparse
import os
import resource
import subprocess
import sys
import time


def run(meetlat, folder, jobs, fmt):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.run([meetlat, "check", "--format", fmt, "--jobs", str(jobs), folder],
                              stdout=null, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1, 2):
        sys.exit(f"meetlat failed ({proc.returncode}): {proc.stderr.decode()[:2000]}")
    return wall, cpu, after.ru_maxrss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("meetlat")
    ap.add_argument("folder")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--format", default="json-compact")
    args = ap.parse_args()
    count = sum(1 for _, _, fs in os.walk(args.folder) for f in fs
                if f.endswith((".toml", ".json")))
    print(f"{count} submissions in {args.folder}, output --format {args.format} to /dev/null")
    best = {}
    for jobs in [int(j) for j in args.jobs.split(",")]:
        walls = []
        for _ in range(args.repeat):
            # ru_maxrss of RUSAGE_CHILDREN is the largest child so far, so measure peak memory in a
            # fresh interpreter per configuration when it matters (see bench/README.md).
            wall, cpu, rss = run(args.meetlat, args.folder, jobs, args.format)
            walls.append(wall)
        best[jobs] = min(walls)
        print(f"  --jobs {jobs}: best {best[jobs]:.2f} s of {args.repeat} "
              f"({count / best[jobs]:.0f} submissions/s), peak RSS so far {rss / 1024:.1f} MiB")
    if 1 in best and 2 in best:
        print(f"  speed-up with --jobs 2: {best[1] / best[2]:.2f} ×")


if __name__ == "__main__":
    main()
