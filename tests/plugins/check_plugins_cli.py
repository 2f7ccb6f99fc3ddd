#!/usr/bin/env python3
"""`meetlat plugins`: lists the built-in plugins (exit 0), and with the folder of deliberately
broken plugins refuses each of them with a message naming the file and the symbol (exit 1).
`meetlat check` still runs with a broken plugin on the path (a warning, not a failure).

Usage: check_plugins_cli.py MEETLAT TEST_PLUGIN_DIR
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(meetlat, args, extra_env=None):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("MEETLAT_PLUGIN_PATH", None)
    env.update(extra_env or {})
    p = subprocess.run([meetlat] + args, cwd=ROOT, env=env, capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main() -> int:
    meetlat, broken = os.path.abspath(sys.argv[1]), sys.argv[2]
    problems = []
    code, out, _ = run(meetlat, ["plugins"])
    if code != 0:
        problems.append(f"meetlat plugins: exit {code}")
    for needle in ("nl 1.0.0 — ", "nl.iban_geldig", "nl.zoek_bedrag", "rapport 1.0.0", "    html ",
                   "    junit ", "    csv ", "    markdown ", "brief 1.0.0", "3 plugins geladen, 0 geweigerd"):
        if needle not in out:
            problems.append(f"meetlat plugins lacks {needle!r}")

    code, out, _ = run(meetlat, ["plugins", "--plugin-path", broken])
    if code != 1:
        problems.append(f"meetlat plugins --plugin-path {broken}: exit {code}, expected 1")
    expected = {
        "abi2": "meetlat_plugin_v1: gebouwd voor ABI-versie 2, deze meetlat ondersteunt 1",
        "geen-entry": "meetlat_plugin_v1 ontbreekt (geen Meetlat-plugin?)",
        "magie": "meetlat_plugin_v1: verkeerd magisch getal",
        "init-faalt": "init (meetlat_plugin_v1) faalde: geen verbinding met het register",
        "dubbele-functie": "register_function('dubbel', 'naam'): dubbel.naam is al geregistreerd "
                           "door deze plugin",
        "dubbel-formaat": "register_format('dubbel'): formaat 'dubbel' is al geregistreerd door "
                          "deze plugin",
        "json-formaat": "register_format('json'): formaat 'json' is een formaat van meetlat zelf",
    }
    for name, message in expected.items():
        line = f"  {broken}/meetlat-test-{name}.so: {message}"
        if line not in out:
            problems.append(f"refusal of {name} missing: {line!r}")
    # kaapt-nl comes before the built-in nl in the search path, so it loads and nl is refused.
    if "/meetlat-nl.so: register_function('nl', 'bedrag'): nl.bedrag is al geregistreerd door" not in out:
        problems.append("nl should be refused after test-kaapt-nl took nl.bedrag")
    if "geweigerd\n" not in out.splitlines()[-1] + "\n":
        problems.append("no summary line")

    # A broken plugin on the path: check warns and still works with the other plugins.
    code, out, err = run(meetlat, ["check", "--format", "markdown", "examples/ijmond"],
                         {"MEETLAT_PLUGIN_PATH": broken})
    if "meetlat: plugin geweigerd: " not in err or "# Voorcontrole van aanvragen" not in out:
        problems.append(f"check with broken plugins on the path: exit {code}, stderr {err[:300]}")

    for p in problems:
        print("FAIL " + p)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
