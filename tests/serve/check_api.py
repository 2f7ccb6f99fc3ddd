#!/usr/bin/env python3
"""End-to-end test of `meetlat serve` (issue "meetlat serve"; docs/serve.md): every endpoint,
the error statuses, the write token, approvals feeding rule ML-08 through the ledger, overrides
beside the machine's outcome, hot reload, replay, and the hash chain of the decision log
(verify-log intact, then tampered with through Python's sqlite3 and detected).

Usage: check_api.py MEETLAT REPO_ROOT
"""
import json
import os
import pathlib
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_util import Server, wait_until  # noqa: E402

TOKEN = "test-token-1234"
AUTH = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}

# A small pack of our own for hot reload, and a slow one for the time limit. The slow rule runs
# for about two seconds (release and ASan builds alike: Lua itself is not instrumented) and the
# limit is one second, so that ordinary evaluations on a loaded machine stay far below it.
PROEF_MANIFEST = """[pack]
name = "proefpakket"
version = "1.0.0"
title = "Proef"
[applies_to]
soort = ["initiatief"]
"""
PROEF_RULE = """rule { id = "PR-01", title = "Proef", severity = "blocking", source = "s",
  quote = "q", check = function(s, p) return pass("versie een") end }
"""
TRAAG_RULE = """rule { id = "TR-01", title = "Traag", severity = "blocking", source = "s",
  quote = "q", check = function(s, p) local n = 0 for i = 1, 200000000 do n = n + i end
  return pass("klaar") end }
"""

failures = []


def check(cond, what):
    if cond:
        print("ok   ", what)
    else:
        print("FAIL ", what)
        failures.append(what)
    return cond


def error_code(body):
    return body.get("error", {}).get("code") if isinstance(body, dict) else None


def rule(report, rule_id):
    return next(r for r in report["rules"] if r["id"] == rule_id)


def main():
    meetlat, root = os.path.abspath(sys.argv[1]), pathlib.Path(sys.argv[2])
    examples = root / "examples" / "ijsselland"
    voldoet = (examples / "initiatief-voldoet.toml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        rules = tmp / "rules"
        (rules / "proefpakket" / "rules").mkdir(parents=True)
        (rules / "proefpakket" / "pack.toml").write_text(PROEF_MANIFEST)
        (rules / "proefpakket" / "rules" / "pr.lua").write_text(PROEF_RULE)
        (rules / "traag" / "rules").mkdir(parents=True)
        (rules / "traag" / "pack.toml").write_text(PROEF_MANIFEST.replace("proefpakket", "traag"))
        (rules / "traag" / "rules" / "tr.lua").write_text(TRAAG_RULE)
        db = tmp / "log.sqlite"
        srv = Server(meetlat, db, "--token", TOKEN, "--rules-path", str(rules),
                     "--max-body-kb", "64", "--timeout-ms", "1000", "--reload-interval", "100",
                     "--limit-instructions", "1000000000", "--limit-time", "60000",
                     "--workers", "2")
        try:
            run(srv, meetlat, root, tmp, rules, db, voldoet)
        finally:
            status = srv.stop()
        check(status == 0, f"SIGTERM stops the service cleanly (exit {status})")
        check("gestopt" in srv.stderr(), "the stop is reported on stderr")

        # --pack as the default choice, and a generated write token printed on stderr.
        env = {k: v for k, v in os.environ.items() if k != "MEETLAT_TOKEN"}
        srv2 = Server(meetlat, tmp / "tweede.sqlite", "--pack", str(rules / "proefpakket"),
                      "--rules-path", str(rules), env=env)
        try:
            m = re.search(r"schrijftoken: (\S+)", srv2.stderr())
            check(m is not None and len(m.group(1)) >= 32, "a generated token is printed")
            s, _, body = srv2.request("POST", "/v1/evaluate", voldoet,
                                      {"Content-Type": "application/toml"})
            check(s == 200 and [p["name"] for p in body["packs"]] == ["proefpakket"],
                  "--pack PATH is the default for requests without ?pack=")
            s, _, body = srv2.request("POST", "/v1/evaluate?pack=proefpakket", voldoet,
                                      {"Content-Type": "application/toml"})
            check(s == 200 and body["packs"][0]["name"] == "proefpakket",
                  "a --pack PATH pack is found by its name in ?pack=")
            d = body["decision"]["id"]
            req = json.dumps({"bedrag_cents": 100, "thema": "ambulantisering", "door": "K"})
            s, _, _ = srv2.request("POST", f"/v1/decisions/{d}/approve", req,
                                   {"Authorization": "Bearer " + (m.group(1) if m else ""),
                                    "Content-Type": "application/json"})
            check(s == 201, "the generated token authorises")
        finally:
            srv2.stop()

        # The log on disk: intact, then tampered with.
        v = subprocess.run([meetlat, "verify-log", "--db", str(db)], capture_output=True,
                           text=True)
        check(v.returncode == 0 and "intact" in v.stdout, "verify-log: intact (exit 0)")
        # Cutting off the newest entry leaves a valid chain; the hash noted before shows it.
        head = re.search(r"laatste hash (sha256:[0-9a-f]{64})", v.stdout)
        check(head is not None, "verify-log prints the last hash")
        truncated = tmp / "ingekort.sqlite"
        shutil.copy(db, truncated)
        con = sqlite3.connect(truncated)
        con.execute("DELETE FROM entries WHERE seq = (SELECT max(seq) FROM entries)")
        con.commit()
        con.close()
        v = subprocess.run([meetlat, "verify-log", "--db", str(truncated)], capture_output=True,
                           text=True)
        check(v.returncode == 0, "a truncated log still has an intact chain")
        v = subprocess.run([meetlat, "verify-log", "--db", str(truncated), "--anker",
                            head.group(1) if head else "x"], capture_output=True, text=True)
        check(v.returncode == 1 and "INGEKORT" in v.stdout,
              f"verify-log --anker finds the truncation (exit {v.returncode})")
        v = subprocess.run([meetlat, "verify-log", "--db", str(db), "--anker",
                            head.group(1) if head else "x"], capture_output=True, text=True)
        check(v.returncode == 0 and "gevonden" in v.stdout, "verify-log --anker on the full log")
        con = sqlite3.connect(db)
        con.execute("UPDATE entries SET content = replace(content, '\"voldoet\"', "
                    "'\"voldoet_niet\"') WHERE seq = 1")
        con.commit()
        con.close()
        v = subprocess.run([meetlat, "verify-log", "--db", str(db)], capture_output=True,
                           text=True)
        check(v.returncode == 1, f"verify-log after tampering exits 1 (got {v.returncode})")
        check("regel 1" in v.stdout and "first bad entry 1" in v.stdout,
              "verify-log names the first bad entry: " + v.stdout.strip().splitlines()[0])
        v = subprocess.run([meetlat, "verify-log", "--db", str(tmp / "bestaat-niet.sqlite")],
                           capture_output=True, text=True)
        check(v.returncode == 3, "verify-log on a missing file exits 3")
    if failures:
        print(f"\n{len(failures)} failed:", *failures, sep="\n  ")
        return 1
    print("\nall checks passed")
    return 0


def run(srv, meetlat, root, tmp, rules, db, voldoet):
    print("service at", srv.url)
    # --- health, packs, static -----------------------------------------------------------------
    s, _, body = srv.request("GET", "/v1/health")
    check(s == 200 and body["status"] == "ok", "GET /v1/health")
    s, _, body = srv.request("GET", "/v1/packs")
    names = {p["name"]: p for p in body["packs"]}
    check(s == 200 and {"begroting", "ijsselland-meetlat", "transformatiefonds-2018",
                        "proefpakket"} <= set(names), "GET /v1/packs lists the packs")
    check(all(p["hash"].startswith("sha256:") and p["version"] and p["title"] and p["loaded_at"]
              for p in body["packs"]), "packs have version, title, hash and loaded_at")
    check(body["errors"] == [], "no load errors")
    s, h, page = srv.request("GET", "/")
    check(s == 200 and h["Content-Type"].startswith("text/html") and "<html" in page,
          "GET / serves the web page")
    csp = h.get("Content-Security-Policy", "")
    check("default-src 'none'" in csp and "http" not in csp,
          "strict Content-Security-Policy without external sources")
    check(h.get("X-Content-Type-Options") == "nosniff", "nosniff")
    s, h, _ = srv.request("GET", "/index.html")
    check(s == 200 and h["Content-Type"].startswith("text/html"), "GET /index.html")
    s, _, body = srv.request("GET", "/bestaat-niet.js")
    check(s == 404 and error_code(body) == "niet_gevonden", "unknown file: 404 JSON")
    s, _, body = srv.request("GET", "/v1/onbekend")
    check(s == 404 and "error" in body, "unknown route: 404 JSON")
    s, _, body = srv.request("GET", "/../../etc/passwd")
    check(s in (400, 404), f"path traversal refused ({s})")

    # --- evaluate ------------------------------------------------------------------------------
    name = "examples/ijsselland/initiatief-voldoet.toml"
    s, _, first = srv.request("POST", "/v1/evaluate?name=" + name, voldoet,
                              {"Content-Type": "application/toml"})
    check(s == 200 and first["verdict"] == "voldoet", "POST /v1/evaluate (TOML): voldoet")
    dec = first.get("decision", {})
    check(isinstance(dec.get("id"), int) and dec.get("hash", "").startswith("sha256:")
          and dec.get("at", "").endswith("Z"), "the answer carries the logged decision")
    check(rule(first, "ML-08")["outcome"] == "pass", "ML-08 passes before any approval")
    check(first["packs"][0]["name"] == "ijsselland-meetlat" and
          first["packs"][0]["hash"] == names["ijsselland-meetlat"]["hash"],
          "the answer names the pack and its hash")
    # The same object as `meetlat check --format json` gives for the file.
    cli = subprocess.run([meetlat, "check", "--format", "json", name], cwd=root,
                         capture_output=True, text=True)
    cli_sub = json.loads(cli.stdout)["submissions"][0]
    http_sub = {k: v for k, v in first.items() if k != "decision"}
    check(http_sub == cli_sub, "the report object equals `meetlat check --format json`")

    # JSON without a Content-Type: sniffed.
    twin = subprocess.run([sys.executable, str(root / "scripts" / "toml2json.py"),
                           str(root / name)], capture_output=True, text=True).stdout
    s, _, body = srv.request("POST", "/v1/evaluate", twin)
    check(s == 200 and body["verdict"] == "voldoet" and body["file"] == "aanvraag.json",
          "JSON without Content-Type is sniffed")
    s, _, body = srv.request("POST", "/v1/evaluate", twin, {"Content-Type": "application/json"})
    check(s == 200 and body["decision"]["id"] > first["decision"]["id"], "application/json")
    s, _, body = srv.request("POST", "/v1/evaluate?pack=ijsselland-meetlat&pack=proefpakket",
                             voldoet, {"Content-Type": "application/toml; charset=utf-8"})
    check(s == 200 and [p["name"] for p in body["packs"]] == ["ijsselland-meetlat", "proefpakket"]
          and rule(body, "PR-01")["outcome"] == "pass", "?pack= repeatable")
    s, _, body = srv.request("POST", "/v1/evaluate", "[aanvraag\nkapot", {})
    check(s == 200 and body["verdict"] == "ongeldig" and body["input_errors"]
          and "decision" in body, "input errors: a logged decision with verdict ongeldig")
    ongeldig_id = body["decision"]["id"]

    # Error statuses.
    s, _, body = srv.request("POST", "/v1/evaluate?pack=bestaat-niet", voldoet,
                             {"Content-Type": "application/toml"})
    check(s == 400 and error_code(body) == "onbekend_pakket", "unknown pack: 400")
    s, _, body = srv.request("POST", "/v1/evaluate?pack=../rules/x", voldoet,
                             {"Content-Type": "application/toml"})
    check(s == 400, "a path as ?pack=: 400")
    s, _, body = srv.request("POST", "/v1/evaluate", voldoet, {"Content-Type": "text/plain"})
    check(s == 415 and error_code(body) == "onbekend_type", "text/plain: 415")
    s, _, body = srv.request("POST", "/v1/evaluate", "", {"Content-Type": "application/toml"})
    check(s == 400 and "error" in body, "empty body: 400")
    big = "# " + "x" * (70 * 1024) + "\n" + voldoet
    s, _, body = srv.request("POST", "/v1/evaluate", big, {"Content-Type": "application/toml"})
    check(s == 413 and "error" in body, "body over --max-body-kb: 413 JSON")
    before = count_decisions(srv)
    s, h, body = srv.request("POST", "/v1/evaluate?pack=traag", voldoet,
                             {"Content-Type": "application/toml"})
    check(s == 503 and error_code(body) == "tijdslimiet", f"over --timeout-ms: 503 ({s})")
    time.sleep(4)  # let the slow evaluation finish: it must not be logged
    check(count_decisions(srv) == before, "a timed-out evaluation is not logged")

    # --- decisions -----------------------------------------------------------------------------
    s, _, body = srv.request("GET", "/v1/decisions")
    rows = body["decisions"]
    check(s == 200 and rows[0]["id"] > rows[-1]["id"], "GET /v1/decisions: newest first")
    row = next(r for r in rows if r["id"] == first["decision"]["id"])
    check(row["titel"].startswith("Regionale verbreding") and row["regio"] == "IJsselland"
          and row["regeling"] == "ijsselland-meetlat" and row["soort"] == "initiatief"
          and row["verdict"] == "voldoet" and row["overrides"] == 0 and row["toegekend"] is None
          and row["hash"] == first["decision"]["hash"], "summary row fields")
    s, _, body = srv.request("GET", "/v1/decisions?verdict=ongeldig")
    check([r["id"] for r in body["decisions"]] == [ongeldig_id], "filter verdict")
    s, _, body = srv.request("GET", "/v1/decisions?q=THINK&regio=IJsselland"
                             "&regeling=ijsselland-meetlat")
    check(len(body["decisions"]) == 4, f"filter q/regio/regeling ({len(body['decisions'])})")
    today = first["decision"]["at"][:10]
    s, _, body = srv.request("GET", f"/v1/decisions?from={today}&to={today}")
    check(len(body["decisions"]) == len(rows), "filter from/to (today)")
    s, _, body = srv.request("GET", "/v1/decisions?to=2000-01-01")
    check(body["decisions"] == [], "filter to (long ago)")
    s, _, page1 = srv.request("GET", "/v1/decisions?limit=2")
    s2, _, page2 = srv.request("GET", f"/v1/decisions?limit=2&before={page1['next_before']}")
    check(len(page1["decisions"]) == 2 and page2["decisions"][0]["id"] <
          page1["decisions"][-1]["id"], "paging with limit and before")
    for bad in ("verdict=misschien", "limit=0", "limit=x", "from=gisteren", "before=abc"):
        s, _, body = srv.request("GET", "/v1/decisions?" + bad)
        check(s == 400 and "error" in body, f"bad parameter {bad}: 400")

    did = first["decision"]["id"]
    s, _, full = srv.request("GET", f"/v1/decisions/{did}")
    check(s == 200 and full["submission"]["text"] == voldoet
          and full["submission"]["format"] == "toml", "detail: the submission as sent")
    check(full["report"] == http_sub, "detail: the full report")
    check(full["engine"] and full["packs"][0]["hash"].startswith("sha256:")
          and full["packs"][0]["snapshot"] is True, "detail: engine, pack hashes, snapshot")
    check(full["hash"] == first["decision"]["hash"] and full["prev_hash"].startswith("sha256:"),
          "detail: hash and prev_hash")
    s, _, body = srv.request("GET", "/v1/decisions/999999")
    check(s == 404 and error_code(body) == "onbekend_besluit", "unknown decision: 404")

    # --- approvals and the ledger --------------------------------------------------------------
    s, _, ledger = srv.request("GET", "/v1/ledger")
    onderwijs = next(r for r in ledger["ledger"] if r["thema"] == "verbinding-jeugdhulp-onderwijs")
    check(s == 200 and onderwijs["budget_cents"] == 25_000_000
          and onderwijs["toegekend_cents"] == 0 and onderwijs["resterend_cents"] == 25_000_000
          and onderwijs["regio"] == "IJsselland", "GET /v1/ledger from the pack's parameters")
    approve = json.dumps({"bedrag": "€ 200.000,00", "thema": "verbinding-jeugdhulp-onderwijs",
                          "door": "Kwartiermaker", "toelichting": "Akkoord"})
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/approve", approve,
                             {"Content-Type": "application/json"})
    check(s == 401 and error_code(body) == "token_ontbreekt", "approve without token: 401")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/approve", approve,
                             {"Authorization": "Bearer fout", "Content-Type": "application/json"})
    check(s == 401 and error_code(body) == "token_onjuist", "approve with a wrong token: 401")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/approve",
                             json.dumps({"bedrag": "12.50", "door": "K"}), AUTH)
    check(s == 400 and error_code(body) == "ongeldig_bedrag", "ambiguous amount: 400")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/approve",
                             json.dumps({"bedrag_cents": 1.5, "door": "K"}), AUTH)
    check(s == 400, "a fraction of a cent: 400")
    s, _, body = srv.request("POST", f"/v1/decisions/{ongeldig_id}/approve",
                             json.dumps({"bedrag_cents": 100, "door": "K", "thema": "x"}), AUTH)
    check(s == 400, "an ongeldig decision cannot be approved")
    s, _, body = srv.request("POST", "/v1/decisions/999999/approve", approve, AUTH)
    check(s == 404, "approve an unknown decision: 404")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/approve", approve, AUTH)
    check(s == 201 and body["approval"]["bedrag_cents"] == 20_000_000
          and body["approval"]["decision"] == did, "approve: € 200.000,00 = 20000000 cents")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/approve", approve, AUTH)
    check(s == 409 and error_code(body) == "al_toegekend", "a second approval: 409")
    s, _, ledger = srv.request("GET", "/v1/ledger")
    onderwijs = next(r for r in ledger["ledger"] if r["thema"] == "verbinding-jeugdhulp-onderwijs")
    check(onderwijs["toegekend_cents"] == 20_000_000 and onderwijs["resterend_cents"] == 5_000_000,
          "the ledger's remaining budget went down")
    s, _, again = srv.request("POST", "/v1/evaluate", voldoet,
                              {"Content-Type": "application/toml"})
    ml08 = rule(again, "ML-08")
    check(ml08["outcome"] == "fail" and "200.000" in ml08["message"]
          and again["verdict"] == "voldoet_met_aandachtspunten",
          "re-evaluated, ML-08 sees the approved amount: " + ml08["message"][:90])
    s, _, body = srv.request("GET", "/v1/decisions?limit=50")
    row = next(r for r in body["decisions"] if r["id"] == did)
    check(row["toegekend"] == {"bedrag_cents": 20_000_000,
                               "thema": "verbinding-jeugdhulp-onderwijs"}, "summary: toegekend")

    # --- overrides -----------------------------------------------------------------------------
    ov = {"rule": "ML-03", "outcome": "fail", "motivatie": "Kennisdeling is te smal uitgewerkt.",
          "door": "Beleidsmedewerker"}
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/overrides", json.dumps(ov),
                             {"Content-Type": "application/json"})
    check(s == 401, "override without token: 401")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/overrides",
                             json.dumps(dict(ov, rule="XX-99")), AUTH)
    check(s == 400 and error_code(body) == "onbekende_regel", "override of an unknown rule: 400")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/overrides",
                             json.dumps(dict(ov, motivatie="   ")), AUTH)
    check(s == 400 and error_code(body) == "motivatie_ontbreekt", "empty motivation: 400")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/overrides",
                             json.dumps(dict(ov, outcome="error")), AUTH)
    check(s == 400, "outcome must be pass, fail or skip: 400")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/overrides", "{niet json", AUTH)
    check(s == 400 and error_code(body) == "ongeldige_json", "invalid JSON: 400")
    s, _, body = srv.request("POST", f"/v1/decisions/{did}/overrides", json.dumps(ov), AUTH)
    check(s == 201 and body["override"]["machine_outcome"] == "pass"
          and body["override"]["outcome"] == "fail", "override stored beside the machine outcome")
    s, _, full = srv.request("GET", f"/v1/decisions/{did}")
    check(len(full["overrides"]) == 1 and full["overrides"][0]["motivatie"] == ov["motivatie"]
          and rule(full["report"], "ML-03")["outcome"] == "pass",
          "detail: override shown, the machine's outcome unchanged")
    check(len(full["approvals"]) == 1 and full["approvals"][0]["bedrag_cents"] == 20_000_000,
          "detail: approval shown")
    s, _, body = srv.request("GET", "/v1/decisions?limit=50")
    row = next(r for r in body["decisions"] if r["id"] == did)
    check(row["overrides"] == 1, "summary: overrides counted")

    # --- replay --------------------------------------------------------------------------------
    s, _, rep = srv.request("POST", f"/v1/decisions/{did}/replay")
    check(s == 200 and rep["reproduces"] is True and rep["differences"] == []
          and rep["original"]["verdict"] == "voldoet" and rep["replay"]["verdict"] == "voldoet",
          "replay of a decision made before the approval reproduces (the logged ledger)")
    s, _, rep = srv.request("POST", f"/v1/decisions/{again['decision']['id']}/replay")
    check(s == 200 and rep["reproduces"] and rep["report_identical"],
          "replay after the approval reproduces, byte for byte")
    s, _, body = srv.request("POST", "/v1/decisions/999999/replay")
    check(s == 404, "replay of an unknown decision: 404")
    r = subprocess.run([meetlat, "replay", str(did), "--db", str(db)], capture_output=True,
                       text=True)
    check(r.returncode == 0 and "gereproduceerd" in r.stdout, "meetlat replay: exit 0")
    r = subprocess.run([meetlat, "replay", "999999", "--db", str(db)], capture_output=True,
                       text=True)
    check(r.returncode == 3, "meetlat replay of an unknown id: exit 3")
    r = subprocess.run([meetlat, "verify-log", "--db", str(db)], capture_output=True, text=True)
    check(r.returncode == 0, "verify-log while the service runs: intact")

    # --- hot reload ----------------------------------------------------------------------------
    rule_file = rules / "proefpakket" / "rules" / "pr.lua"
    rule_file.write_text(PROEF_RULE.replace("return pass", "return pass(") + "\n")
    ok = wait_until(lambda: srv.request("GET", "/v1/packs")[2]["errors"] != [], 60)
    s, _, body = srv.request("GET", "/v1/packs")
    check(ok and any(e["pack"] == "proefpakket" and e["file"].endswith("pr.lua")
                     for e in body["errors"]), "a broken edit shows its error in /v1/packs")
    s, _, body = srv.request("POST", "/v1/evaluate?pack=proefpakket", voldoet,
                             {"Content-Type": "application/toml"})
    check(s == 200 and rule(body, "PR-01")["message"] == "versie een",
          "the last good version keeps serving")
    rule_file.write_text(PROEF_RULE.replace("versie een", "versie twee"))
    ok = wait_until(lambda: srv.request("GET", "/v1/packs")[2]["errors"] == [], 60)
    s, _, body = srv.request("POST", "/v1/evaluate?pack=proefpakket", voldoet,
                             {"Content-Type": "application/toml"})
    check(ok and rule(body, "PR-01")["message"] == "versie twee", "a fixed edit is served")
    # The decision made with version one still replays with version one.
    old = next(r for r in reversed(srv.request("GET", "/v1/decisions?limit=100")[2]["decisions"])
               if any(p["name"] == "proefpakket" for p in r["packs"]))
    s, _, rep = srv.request("POST", f"/v1/decisions/{old['id']}/replay")
    check(rep["reproduces"], "a decision replays with its logged pack after the pack changed")


def count_decisions(srv):
    return len(srv.request("GET", "/v1/decisions?limit=500")[2]["decisions"])


if __name__ == "__main__":
    sys.exit(main())
