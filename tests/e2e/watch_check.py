#!/usr/bin/env python3
"""End-to-end test of `meetlat check --watch` (hot reload, issue "Policy staff's workflow").

A copy of the ijsselland-meetlat pack and one initiative go to a temporary folder; the watcher
runs on them while this script edits them, as a policy officer would:

  run 1  the initiative as it is: ML-08 passes (EUR 60.000 of a EUR 250.000 budget)
  run 2  params.toml lowers the budget to EUR 50.000: ML-08 now fails, nothing else changes
  run 3  a rule file gets a syntax error: the error is shown, naming the file, and the last good
         version (with the lowered budget) is still used, so ML-08 still fails
  run 4  the submission changes (a smaller amount): re-evaluated with the last good pack, ML-08
         passes again

Usage: watch_check.py MEETLAT REPO_ROOT
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 120  # seconds per run; generous for sanitizer builds on a busy machine


def main():
    meetlat, root = sys.argv[1], pathlib.Path(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        pack = tmp / "ijsselland-meetlat"
        shutil.copytree(root / "rules" / "ijsselland-meetlat", pack)
        inputs = tmp / "aanvragen"
        inputs.mkdir()
        submission = inputs / "initiatief.toml"
        shutil.copy(root / "examples" / "ijsselland" / "initiatief-voldoet.toml", submission)

        proc = subprocess.Popen(
            [meetlat, "check", "--color", "never", "--watch", "--watch-interval", "100",
             "--watch-max-runs", "4", "--pack", str(pack), str(inputs)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        runs = RunReader(proc.stdout)

        def outcome(text, rule):
            m = re.search(r"^\s+(\S)\s+" + re.escape(rule) + r"\s.*\[([^,\]]+)", text, re.M)
            assert m, f"{rule} missing from the report:\n{text}"
            return m.group(2)

        try:
            first = runs.next()
            expect(outcome(first, "ML-08") == "voldoet", "run 1: ML-08 passes", first)
            expect("Een regelpakket kon niet worden geladen" not in first, "run 1: no error", first)

            params = pack / "params.toml"
            text = params.read_text(encoding="utf-8")
            text = text.replace('"verbinding-jeugdhulp-onderwijs" = 250000',
                                '"verbinding-jeugdhulp-onderwijs" = 50000')
            write_changed(params, text)
            second = runs.next()
            expect(outcome(second, "ML-08") == "aandachtspunt", "run 2: ML-08 fails (advisory)", second)
            expect("€ 50.000" in second, "run 2: the new budget is in the message", second)
            for rule in ["ML-01", "ML-02", "ML-03", "ML-05", "ML-06"]:
                expect(outcome(second, rule) == "voldoet", f"run 2: {rule} unchanged", second)

            broken = sorted((pack / "rules").glob("ml01*.lua"))[0]
            write_changed(broken, broken.read_text(encoding="utf-8") + "\nrule { id = \n")
            third = runs.next()
            expect("Een regelpakket kon niet worden geladen; de vorige versie blijft in gebruik"
                   in third, "run 3: the load error is shown", third)
            expect(broken.name in third, "run 3: the error names the broken file", third)
            expect(outcome(third, "ML-08") == "aandachtspunt",
                   "run 3: the last good version (budget EUR 50.000) is still used", third)

            sub = submission.read_text(encoding="utf-8")
            write_changed(submission, sub.replace("gevraagd_bedrag = 60000",
                                                  "gevraagd_bedrag = 40000"))
            fourth = runs.next()
            expect(outcome(fourth, "ML-08") == "voldoet", "run 4: smaller amount passes", fourth)
            expect("€ 40.000" in fourth, "run 4: the new amount is in the message", fourth)
            proc.wait(timeout=TIMEOUT)
            expect(proc.returncode == 0, f"exit status 0 after run 4 (got {proc.returncode})",
                   proc.stderr.read())
        finally:
            if proc.poll() is None:
                proc.kill()
    print("watch: 4 runs as expected (reload, broken edit keeps last good, submission edit)")


class RunReader:
    """Collects stdout per run; a run ends with the line '[run N — ...]'."""

    def __init__(self, stream):
        self.lines, self.done, self.cond = [], [], threading.Condition()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        current = []
        for line in stream:
            current.append(line)
            if line.startswith("[run "):
                with self.cond:
                    self.done.append("".join(current))
                    self.cond.notify_all()
                current = []
        with self.cond:
            self.done.append(None)
            self.cond.notify_all()

    def next(self):
        with self.cond:
            if not self.cond.wait_for(lambda: self.done, timeout=TIMEOUT):
                fail("no report within the time limit")
            run = self.done.pop(0)
        if run is None:
            fail("meetlat stopped before the expected run")
        return run


def write_changed(path, text):
    # The watcher compares modification times and sizes; make sure the change is visible even on
    # file systems with a coarse clock.
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 10_000_000, before + 10_000_000))


def expect(ok, what, context):
    if not ok:
        fail(f"{what}\n--- output ---\n{context}")


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()
