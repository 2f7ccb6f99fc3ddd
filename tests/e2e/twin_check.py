#!/usr/bin/env python3
"""Every example submission and its JSON twin get exactly the same report (submission-format.md).

For each examples/**/*.toml, writes the JSON twin to a temporary folder (scripts/toml2json.py),
runs `meetlat check --format json` on both, and compares the reports field by field, except the
file name and the line/column of input errors.

Usage: twin_check.py MEETLAT
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))


def report(meetlat, path):
    proc = subprocess.run([meetlat, "check", "--format", "json", path], cwd=ROOT,
                          capture_output=True, timeout=300)
    doc = json.loads(proc.stdout)
    sub = doc["submissions"][0]
    sub.pop("file")
    for err in sub["input_errors"]:
        err.pop("line", None)
        err.pop("column", None)
    return proc.returncode, sub


def main() -> int:
    meetlat = os.path.abspath(sys.argv[1])
    import toml2json  # noqa: E402  (the project's own converter)
    examples = []
    for base, _, files in os.walk(os.path.join(ROOT, "examples")):
        examples += [os.path.join(base, f) for f in files if f.endswith(".toml")]
    examples.sort()
    if not examples:
        print("no examples found")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for toml_path in examples:
            json_path = os.path.join(tmp, os.path.basename(toml_path)[:-5] + ".json")
            sys.argv = ["toml2json", toml_path, json_path]
            toml2json.main()
            code_t, rep_t = report(meetlat, toml_path)
            code_j, rep_j = report(meetlat, json_path)
            rel = os.path.relpath(toml_path, ROOT)
            if code_t != code_j or rep_t != rep_j:
                failures += 1
                print(f"FAILED {rel}: exit {code_t} vs {code_j}")
                for key in rep_t:
                    if rep_t.get(key) != rep_j.get(key):
                        print(f"  {key}:\n    toml: {json.dumps(rep_t.get(key))[:600]}\n"
                              f"    json: {json.dumps(rep_j.get(key))[:600]}")
            else:
                print(f"ok {rel}: {rep_t['verdict']}")
    print(f"{len(examples) - failures} twins agree, {failures} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
