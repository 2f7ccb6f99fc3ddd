#!/usr/bin/env python3
"""The report formats of the plugins, checked mechanically on every example and on the broken
inputs (docs/plugins.md). Golden files live in tests/e2e/cases/plugin-*; this checks shape:

  html      well-formed XML (polyglot HTML5), balanced HTML5 tags (html.parser), self-contained
            (no scripts, no external resources), Dutch, a print style, one section per submission
  junit     valid XML; one <testsuite> per submission, one <testcase> per rule (or one for
            unreadable input); the counts in the attributes match the elements
  csv       UTF-8 with BOM, ';'-separated, RFC 4180; 15 columns; one row per submission and rule
  markdown  one '## ' heading per submission
  brief     one letter per submission (form feeds between), no unexplained placeholders

Each format must give the exit status of the JSON report; the CSV is also compared byte for byte
with golden/ijsselland.csv (the other formats' goldens are tests/e2e/cases/plugin-*).
Usage: check_formats.py MEETLAT [--update]
"""
import csv
import html.parser
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNS = [
    ["examples"],
    ["--pack", "begroting", "--max-file-size", "4", "tests/e2e/inputs/broken"],
    ["--pack", "tests/e2e/packs/hostile", "tests/e2e/inputs/initiatief.toml"],
]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
problems = []


def run(meetlat, fmt, args):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("MEETLAT_RULES_PATH", None)
    proc = subprocess.run([meetlat, "check", "--format", fmt] + args, cwd=ROOT, env=env,
                          capture_output=True, timeout=300)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


class Balance(html.parser.HTMLParser):
    """Strict tag balance: every non-void element closed, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags = [], [], set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in VOID:
            self.errors.append(f"<{tag} /> is not a void element")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


def check_html(out, report, where):
    try:
        ET.fromstring(out.split("\n", 1)[1])  # after <!DOCTYPE html>
    except ET.ParseError as e:
        problems.append(f"{where}: not well-formed: {e}")
    b = Balance()
    b.feed(out)
    b.close()
    if b.stack:
        problems.append(f"{where}: unclosed {b.stack}")
    problems.extend(f"{where}: {e}" for e in b.errors)
    if not out.startswith("<!DOCTYPE html>\n"):
        problems.append(f"{where}: no HTML5 doctype")
    for bad in ("<script", "<link", "<img", "src=", "url(", "@import", "http://", "https://"):
        if bad in out.replace('xmlns="http://www.w3.org/1999/xhtml"', ""):
            problems.append(f"{where}: not self-contained ({bad})")
    for needed in ('lang="nl"', "@media print", "<meta charset=\"utf-8\" />"):
        if needed not in out:
            problems.append(f"{where}: lacks {needed}")
    if out.count('<section class="aanvraag"') != len(report["submissions"]):
        problems.append(f"{where}: sections != submissions")


def check_junit(out, report, where):
    try:
        root = ET.fromstring(out.encode("utf-8"))
    except ET.ParseError as e:
        problems.append(f"{where}: not well-formed: {e}")
        return
    suites = root.findall("testsuite")
    if root.tag != "testsuites" or len(suites) != len(report["submissions"]):
        problems.append(f"{where}: {len(suites)} suites for {len(report['submissions'])}")
        return
    for suite, sub in zip(suites, report["submissions"]):
        cases = suite.findall("testcase")
        want = len(sub["rules"]) + (1 if sub["input_errors"] else 0)
        counts = {k: sum(len(c.findall(k)) for c in cases) for k in ("failure", "error", "skipped")}
        if (len(cases) != want or int(suite.get("tests")) != want
                or int(suite.get("failures")) != counts["failure"]
                or int(suite.get("errors")) != counts["error"]
                or int(suite.get("skipped")) != counts["skipped"]
                or suite.get("name") != sub["file"]):
            problems.append(f"{where}: counts of suite {sub['file']} do not match")
        for case, rule in zip(cases[1:] if sub["input_errors"] else cases, sub["rules"]):
            kind = {"fail": "failure", "error": "error", "skip": "skipped"}.get(rule["outcome"])
            if kind and case.find(kind) is None:
                problems.append(f"{where}: {rule['id']} lacks <{kind}>")


def check_csv(out, report, where):
    if not out.startswith("\ufeff"):
        problems.append(f"{where}: no byte order mark")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"), newline=""), delimiter=";"))
    if rows[0][:3] != ["bestand", "titel", "soort"] or len(rows[0]) != 15:
        problems.append(f"{where}: header {rows[0]}")
    want = sum(len(s["rules"]) + (1 if s["input_errors"] or not s["rules"] else 0)
               for s in report["submissions"])
    if len(rows) - 1 != want:
        problems.append(f"{where}: {len(rows) - 1} rows, expected {want}")
    for i, row in enumerate(rows):
        if len(row) != 15:
            problems.append(f"{where}: row {i} has {len(row)} columns")
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@"):
                problems.append(f"{where}: row {i} starts a formula: {cell[:20]!r}")
    if "\r\n" not in out or out.replace("\r\n", "").count("\n") != sum(
            cell.count("\n") for row in rows for cell in row):
        problems.append(f"{where}: rows must end with CRLF")


def check_markdown(out, report, where):
    heads = [line for line in out.splitlines() if line.startswith("## ") and
             not line.startswith("## Overzicht")]
    if len(heads) != len(report["submissions"]):
        problems.append(f"{where}: {len(heads)} headings for {len(report['submissions'])}")


def check_brief(out, report, where):
    letters = out.split("\f\n")
    if len(letters) != len(report["submissions"]):
        problems.append(f"{where}: {len(letters)} letters for {len(report['submissions'])}")
    for needle in ("Beste aanvrager,", "Hoe gaat het verder?", "Met vriendelijke groet,"):
        if out.count(needle) != len(letters):
            problems.append(f"{where}: not every letter has {needle!r}")
    for bad in ("{{", "}}", "TODO", "XXX", "[naam", "<naam", "..."):
        if bad in out:
            problems.append(f"{where}: placeholder-like text {bad!r}")
    if max(len(line) for line in out.splitlines()) > 400:
        problems.append(f"{where}: a line is far too long")


GOLDEN_ARGS = ["examples/ijsselland", "tests/e2e/inputs/broken/01_syntax.toml"]
GOLDEN_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "ijsselland.csv")


def check_csv_golden(meetlat, update):
    """CSV byte for byte (BOM, ';', CRLF): run_case.py compares text, which would hide CRLF."""
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.run([meetlat, "check", "--format", "csv"] + GOLDEN_ARGS, cwd=ROOT, env=env,
                          capture_output=True, timeout=300)
    if update:
        with open(GOLDEN_CSV, "wb") as f:
            f.write(proc.stdout)
    with open(GOLDEN_CSV, "rb") as f:
        if f.read() != proc.stdout:
            problems.append(f"csv differs from {GOLDEN_CSV} (update with --update)")


def main() -> int:
    meetlat = os.path.abspath(sys.argv[1])
    check_csv_golden(meetlat, "--update" in sys.argv[2:])
    checks = {"html": check_html, "junit": check_junit, "csv": check_csv,
              "markdown": check_markdown, "brief": check_brief}
    for args in RUNS:
        status, text, _ = run(meetlat, "json", args)
        report = json.loads(text)
        for fmt, check in checks.items():
            where = f"--format {fmt} {' '.join(args)}"
            got, out, err = run(meetlat, fmt, args)
            if got != status:
                problems.append(f"{where}: exit {got}, json gave {status}; {err.strip()}")
            if err.strip():
                problems.append(f"{where}: stderr: {err.strip()[:300]}")
            check(out, report, where)
            print(f"checked {where}")
    for p in problems:
        print("FAIL " + p)
    print(f"{len(RUNS) * len(checks) * 1} format runs, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
