#!/usr/bin/env python3
"""Writes the JSON twin of a TOML submission (submission-format.md: "a JSON submission must give
exactly the same verdict as its TOML twin"). Dates become "YYYY-MM-DD" strings.

Usage: scripts/toml2json.py SUBMISSION.toml [OUT.json]
"""
import datetime
import json
import sys
import tomllib


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    return value


def main() -> int:
    with open(sys.argv[1], "rb") as f:
        data = plain(tomllib.load(f))
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
