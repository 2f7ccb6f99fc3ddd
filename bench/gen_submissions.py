#!/usr/bin/env python3
"""Generates realistic submissions for the benchmarks: transformatieplannen of about 20 KB (ten
activities with the IJmond stramien, a begroting of about thirty posts in five categories with
subtotals, onvoorzien, totaal, uitspraken and a subsidie balance) and initiatives with a full
meetlat. About a fifth of them contain a realistic mistake (a subtotal off, a short toelichting,
an amount over budget), so that failing rules and their messages are part of the measurement.

Deterministic for a given --seed. Files are named 000000.toml, 000001.json, ...

Usage: gen_submissions.py --out DIR --count N [--format toml|json|both] [--seed S]
                          [--initiative-share 0.3]
"""
import argparse
import json
import os
import random

WORDS = ("jeugdhulp gezin kind jongere ouders school onderwijs wijkteam preventie ondersteuning "
         "samenwerking huisarts praktijkondersteuner regio gemeente aanbieder expertise "
         "vakmanschap normaliseren ambulant thuis opgroeien veilig gezond kansrijk netwerk "
         "integraal regie toegang wachttijd inkoop contract monitoring evaluatie resultaat "
         "doelgroep kwetsbaar zelfstandig crisis scheiding pleegzorg verblijf begeleiding "
         "coördinatie één-op-één vroegsignalering opvoeding lerend transformatie actielijn").split()
REGIONS = [("IJmond", 301291), ("IJsselland", 1082131), ("Midden-Limburg West", 193355),
           ("Friesland", 1373904), ("Rivierenland", 537530)]
CATEGORIES = ["Organisatie", "Ambulantisering", "Jeugdhulp en Onderwijs",
              "Doorontwikkeling Inkoop", "Gedwongen kader"]
THEMAS = ["ambulantisering", "verbinding-jeugdhulp-onderwijs", "doorontwikkeling-inkoop",
          "gedwongen-kader"]


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def text(rng, sentences, per):
    return " ".join(sentence(rng, rng.randint(per - 4, per + 4)) for _ in range(sentences))


def plan(rng, faulty):
    region, allocation = rng.choice(REGIONS)
    years = [2018, 2019, 2020]
    acts = []
    for i in range(10):
        acts.append({
            "onderwerp": sentence(rng, 6)[:-1],
            "actielijnen": sorted(rng.sample(range(1, 7), rng.randint(1, 2))),
            "doel": text(rng, 2, 12),
            "aanleiding": text(rng, 2, 10),
            "inzet": text(rng, 2, 14),
            "merkbaar": text(rng, 1, 14),
            "monitoring": text(rng, 1, 14),
            "eindproducten": [sentence(rng, 5) for _ in range(3)],
            "partners": [rng.choice(WORDS).capitalize() + " " + rng.choice(WORDS) for _ in range(5)],
            "bijdrage": {str(y): allocation // 12 - rng.randint(0, 2000) for y in years},
        })
    if faulty and rng.random() < 0.3:
        acts[3]["bijdrage"]["2019"] += allocation  # over the allocation (TF-09)
    bjaren = [2020, 2021, 2022]
    posts, subtotals = [], []
    sums = {y: 0 for y in bjaren}
    for c, cat in enumerate(CATEGORIES):
        cat_sum = {y: 0 for y in bjaren}
        for p in range(6):
            uren, tarief, weken = rng.choice([8, 16, 24, 32]), rng.choice([35, 95, 110]), 46
            amount = uren * tarief * weken
            post = {"categorie": cat, "omschrijving": f"{sentence(rng, 3)[:-1]} {p + 1}",
                    "bedrag": {str(y): amount for y in bjaren}}
            if p < 2:
                post["berekening"] = {"uren_per_week": uren, "tarief": tarief, "weken": weken}
            posts.append(post)
            for y in bjaren:
                cat_sum[y] += amount
        stated = dict(cat_sum)
        if faulty and c == 3 and rng.random() < 0.5:
            stated[2020] -= 41800  # a post left out of the subtotal (BG-01), as in seed 004
        subtotals.append({"categorie": cat, "bedrag": {str(y): stated[y] for y in bjaren}})
        for y in bjaren:
            sums[y] += stated[y]
    onvoorzien = {y: sums[y] * 75 // 1000 for y in bjaren}
    totaal = {y: sums[y] + onvoorzien[y] for y in bjaren}
    toegekend = sum(totaal.values()) + 100000
    saldo, balance = {}, toegekend - 50000
    for y in bjaren:
        balance -= totaal[y]
        saldo[str(y)] = balance
    uitspraken = [{"post": posts[i * 6]["omschrijving"], "categorie": posts[i * 6]["categorie"],
                   "tekst": sentence(rng, 12), "bedrag": posts[i * 6]["bedrag"]["2020"]}
                  for i in range(5)]
    criteria = {}
    for key in ["expertteam", "wachttijden", "meerjarige_inkoop", "informatievoorziening",
                "visie_lokale_teams"]:
        ok = not (faulty and rng.random() < 0.15)
        criteria[key] = {"voldaan": ok, "toelichting": text(rng, 2, 12) if not ok else ""}
    return {
        "aanvraag": {"soort": "transformatieplan", "regeling": "transformatiefonds-2018",
                     "regio": region, "titel": "Transformatieplan " + region, "ingediend": "2018-09-28",
                     "indiener": "Gemeente " + rng.choice(WORDS).capitalize(), "periode": [2018, 2020],
                     "gemeenten": [rng.choice(WORDS).capitalize() for _ in range(4)],
                     "contact": {"naam": "M. de Vries", "functie": "beleidsadviseur jeugd",
                                 "email": "m.devries@example.nl"}},
        "uitkering": {"grootste_gemeente": "Velsen"},
        "basis_op_orde": criteria,
        "activiteit": acts,
        "begroting": {"jaren": bjaren, "post": posts, "subtotaal": subtotals,
                      "onvoorzien": {"bedrag": {str(y): onvoorzien[y] for y in bjaren}},
                      "totaal": {"bedrag": {str(y): totaal[y] for y in bjaren}},
                      "uitspraak": uitspraken},
        "subsidie": {"toegekend": toegekend, "besteed_voor_begroting": 50000, "saldo": saldo},
    }


def initiative(rng, faulty):
    thema = rng.choice(THEMAS[:2])
    answer = lambda: text(rng, 2, 12)  # noqa: E731
    short = faulty and rng.random() < 0.5
    return {
        "aanvraag": {"soort": "initiatief", "regeling": "ijsselland-meetlat", "regio": "IJsselland",
                     "titel": sentence(rng, 5)[:-1], "ingediend": "2020-04-14",
                     "indiener": "Stichting " + rng.choice(WORDS).capitalize()},
        "initiatief": {"omschrijving": text(rng, 3, 14), "thema": thema,
                       "gevraagd_bedrag": rng.randint(5, 400) * 1000,
                       "beoogde_resultaten": [sentence(rng, 8) for _ in range(3)],
                       "nulmeting": text(rng, 2, 12)},
        "meetlat": {
            "stip_op_de_horizon": {"bijdragen": ["veilig", "gezond"], "toelichting": answer()},
            "bestuurlijke_doelen": {"bijdragen": ["normaliseren"], "toelichting": answer()},
            "transformatiethema": {"bijdrage": "ambulantisering",
                                   "toelichting": "Te kort." if short else answer()},
            "nieuw": {"nieuw": False, "voorbeelden_elders": ["IJmond"], "toelichting": answer()},
            "lerend_samenwerken": {"antwoord": True, "toelichting": answer()},
            "positieve_gezondheid": {"antwoord": True, "toelichting": answer()},
        },
    }


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        if len(v) == 10 and v[4] == "-" and v[7] == "-" and v[:4].isdigit():
            return v  # a date
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def to_toml(doc):
    out = []

    def table(prefix, t):
        scalars = {k: v for k, v in t.items()
                   if not (isinstance(v, dict) and k not in ("bedrag", "bijdrage", "berekening", "saldo", "weken"))
                   and not (isinstance(v, list) and v and isinstance(v[0], dict))}
        out.append(f"[{prefix}]")
        for k, v in scalars.items():
            out.append(f"{k} = {toml_value(v)}")
        out.append("")
        for k, v in t.items():
            if k in scalars:
                continue
            if isinstance(v, dict):
                table(f"{prefix}.{k}", v)
            else:
                for item in v:
                    out.append(f"[[{prefix}.{k}]]")
                    for ik, iv in item.items():
                        out.append(f"{ik} = {toml_value(iv)}")
                    out.append("")

    for key, value in doc.items():
        if isinstance(value, list):
            for item in value:
                out.append(f"[[{key}]]")
                for ik, iv in item.items():
                    out.append(f"{ik} = {toml_value(iv)}")
                out.append("")
        else:
            table(key, value)
    return "\n".join(out)


# The expensive paths of the soak pack (bench/soak/packs/soak-vijandig/rules/sv.lua).
HOSTILE_CASES = ["lus", "geheugen", "patroon", "bericht", "sorteren", "fouttabel", "zwak",
                 "invoegen", "naam", "terugverwijzing"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--format", choices=["toml", "json", "both"], default="toml")
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--initiative-share", type=float, default=0.3)
    ap.add_argument("--hostile-share", type=float, default=0.0,
                    help="share of submissions with a [vijandig] table that drives the soak "
                         "pack bench/soak/packs/soak-vijandig into an expensive path (soak.sh)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    hostile_rng = random.Random(args.seed + 1)
    for i in range(args.count):
        faulty = rng.random() < 0.2
        doc = initiative(rng, faulty) if rng.random() < args.initiative_share else plan(rng, faulty)
        # A separate generator keeps the corpus without --hostile-share identical to before.
        if args.hostile_share > 0 and hostile_rng.random() < args.hostile_share:
            doc["vijandig"] = {"geval": HOSTILE_CASES[hostile_rng.randrange(len(HOSTILE_CASES))]}
        if args.format in ("toml", "both"):
            with open(os.path.join(args.out, f"{i:06d}.toml"), "w", encoding="utf-8") as f:
                f.write(to_toml(doc))
        if args.format in ("json", "both"):
            with open(os.path.join(args.out, f"{i:06d}.json"), "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
