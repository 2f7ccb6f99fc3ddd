#!/usr/bin/env python3
"""Runs one end-to-end case of the meetlat command and compares its output with golden files.

A case is a folder with case.toml:

    args = ["check", "--color", "never", "examples/ijsselland/plan-van-aanpak.toml"]
    exit = 1                      # expected exit status
    stdout = "stdout.txt"         # golden stdout (optional)
    stderr_contains = ["..."]     # substrings stderr must contain (optional)
    stdout_contains = ["..."]     # substrings stdout must contain (optional)
    json = true                   # stdout must be valid JSON (optional)

Commands run from the repository root, so paths in reports are relative. Content hashes of
packs and the engine version are normalised so that golden files only change when behaviour does.

Usage: run_case.py MEETLAT CASE_DIR [--update]
"""
import json
import os
import re
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def normalise(text: str) -> str:
    text = re.sub(r"sha256:[0-9a-f]{64}", "sha256:<hash>", text)
    text = re.sub(r"sha256:[0-9a-f]{12}…", "sha256:<hash>…", text)
    text = re.sub(r'"meetlat": "[^"]*"', '"meetlat": "<version>"', text)
    return text


def main() -> int:
    meetlat, case_dir = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    with open(os.path.join(case_dir, "case.toml"), "rb") as f:
        case = tomllib.load(f)
    env = dict(os.environ, NO_COLOR="1", MEETLAT_RULES_PATH="")
    env.pop("MEETLAT_RULES_PATH")
    proc = subprocess.run([meetlat] + case["args"], cwd=ROOT, env=env, capture_output=True,
                          timeout=case.get("timeout", 300))
    stdout = normalise(proc.stdout.decode("utf-8", "replace"))
    stderr = proc.stderr.decode("utf-8", "replace")
    problems = []
    if proc.returncode != case.get("exit", 0):
        problems.append(f"exit status {proc.returncode}, expected {case.get('exit', 0)}")
    if case.get("json"):
        try:
            json.loads(stdout)
        except json.JSONDecodeError as e:
            problems.append(f"stdout is not valid JSON: {e}")
    for needle in case.get("stdout_contains", []):
        if needle not in stdout:
            problems.append(f"stdout lacks {needle!r}")
    for needle in case.get("stderr_contains", []):
        if needle not in stderr:
            problems.append(f"stderr lacks {needle!r}")
    golden_name = case.get("stdout")
    if golden_name:
        golden_path = os.path.join(case_dir, golden_name)
        if update:
            with open(golden_path, "w", encoding="utf-8") as f:
                f.write(stdout)
        elif not os.path.exists(golden_path):
            problems.append(f"missing golden file {golden_path} (run with --update)")
        else:
            with open(golden_path, encoding="utf-8") as f:
                want = f.read()
            if want != stdout:
                import difflib
                diff = "".join(difflib.unified_diff(want.splitlines(True), stdout.splitlines(True),
                                                    "golden", "actual", n=2))
                problems.append("stdout differs from the golden file:\n" + diff[:8000])
    if problems:
        print(f"FAILED {case_dir}")
        for p in problems:
            print("  " + p)
        print("--- stderr ---\n" + stderr[:4000])
        return 1
    print(f"ok {case_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
