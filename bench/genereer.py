"""Generate large, valid input workbooks (SPEC §4) for the benchmarks.

    python bench/genereer.py UIT.xlsx [--eenheden 400] [--instrumenten 15] [--doelgroepen 5]
                                      [--jaren 6] [--segmenten 3]

One planning unit per municipality (or region); three regional funds (Participatiebudget
with 20% carry-over, ESF+ with a 40% co-financing cap and an expiry year, an O&O fund for
part of the instruments) and one national sector pot; every instrument suits most groups;
diminishing returns in ``segmenten`` segments; policy rules with ``elk`` (a capacity per
unit per year, a banenafspraak minimum per year). Numbers are drawn from a fixed seed, so
one size always gives the same workbook.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from budgetkoppeling.io import schrijf_invoer  # noqa: E402

START = 2026


def rijen(eenheden: int, instrumenten: int, doelgroepen: int, jaren: int, segmenten: int,
          veel_regels: bool = False) -> dict[str, list[dict]]:
    """A generated workbook. ``veel_regels``: a structure unlike the default one, for the benchmark:
    trajectories may not run past the plan, and a capacity, spending and placement rule per region,
    instrument or group and year (about 60 rules per unit)."""
    kans = random.Random(20261123)
    jaarlijst = list(range(START, START + jaren))
    regios = [f"Gemeente {n:03d}" for n in range(1, eenheden + 1)]
    instr = [f"instrument {n:02d}" for n in range(1, instrumenten + 1)]
    groepen = [f"doelgroep {n}" for n in range(1, doelgroepen + 1)]
    inwoners = {r: kans.uniform(0.3, 3.0) for r in regios}  # relative size of each unit
    fondsen = [
        {"fonds": "Participatiebudget", "soort": "participatiebudget", "landelijk": "nee", "overheveling": 0.2},
        {"fonds": "ESF+", "soort": "esf", "landelijk": "nee", "overheveling": 0,
         "vervaljaar": jaarlijst[max(0, jaren - 2)]},
        {"fonds": "O&O-fonds", "soort": "oeo", "landelijk": "nee", "overheveling": 0.1},
        {"fonds": "Sectorpot", "soort": "sector", "landelijk": "ja", "overheveling": 0},
    ]
    budgetten = []
    for r in regios:
        for t in jaarlijst:
            budgetten.append({"fonds": "Participatiebudget", "regio": r, "jaar": t,
                              "bedrag": round(2_500_000 * inwoners[r] * kans.uniform(0.9, 1.1))})
            budgetten.append({"fonds": "O&O-fonds", "regio": r, "jaar": t, "bedrag": round(300_000 * inwoners[r])})
            if t <= jaarlijst[max(0, jaren - 2)]:
                budgetten.append({"fonds": "ESF+", "regio": r, "jaar": t, "bedrag": round(600_000 * inwoners[r])})
    budgetten += [{"fonds": "Sectorpot", "jaar": t, "bedrag": 4_000_000 * eenheden / 35} for t in jaarlijst]
    instrumentrijen = []
    for n, naam in enumerate(instr):
        duur = 1 + n % 3
        instrumentrijen.append({"instrument": naam, "kosten_per_deelnemer": round(kans.uniform(1_500, 14_000), -2),
                                "duur_jaren": duur, "vertraging_jaren": min(duur, 1 + n % 2)})
    effecten = [
        {"instrument": i, "doelgroep": g, "plaatsingskans": round(kans.uniform(0.05, 0.6), 3)}
        for i in instr for g in groepen if kans.random() < 0.85
    ]
    potentieel = [
        {"regio": r, "doelgroep": g, "jaar": t, "aantal": round(kans.uniform(50, 400) * inwoners[r])}
        for r in regios for g in groepen for t in jaarlijst
    ]
    segmentrijen = [
        {"instrument": "alle", "segment": s, "aandeel_potentieel": round(1 / segmenten, 12) if s < segmenten
         else round(1 - (segmenten - 1) * round(1 / segmenten, 12), 12), "factor": round(1 - 0.2 * (s - 1), 3)}
        for s in range(1, segmenten + 1)
    ]
    financieringsregels = [
        {"fonds": "Participatiebudget", "instrument": "alle", "doelgroep": "alle", "max_aandeel": 1},
        {"fonds": "ESF+", "instrument": "alle", "doelgroep": "alle", "max_aandeel": 0.4},
        *({"fonds": "O&O-fonds", "instrument": i, "doelgroep": "alle", "max_aandeel": 0.5} for i in instr[::3]),
        {"fonds": "Sectorpot", "instrument": instr[0], "doelgroep": "alle", "max_aandeel": 1},
    ]
    beleidsregels = [
        {"regel": "capaciteit", "regio": "elk", "fonds": "alle", "instrument": instr[0], "doelgroep": "alle",
         "jaar": "elk", "grootheid": "deelnemers", "operator": "<=", "waarde": 150},
        {"regel": "banenafspraak", "regio": "alle", "fonds": "alle", "instrument": "alle", "doelgroep": groepen[0],
         "jaar": "elk", "grootheid": "deelnemers", "operator": ">=", "waarde": 20 * eenheden},
    ]
    if veel_regels:
        beleidsregels += [
            {"regel": f"capaciteit {i}", "regio": "elk", "fonds": "alle", "instrument": i, "doelgroep": "alle",
             "jaar": "elk", "grootheid": "deelnemers", "operator": "<=", "waarde": 60 + 10 * n}
            for n, i in enumerate(instr[1:6])
        ] + [
            {"regel": f"minimum {i}", "regio": "elk", "fonds": "alle", "instrument": i, "doelgroep": "alle",
             "jaar": "elk", "grootheid": "uitgaven", "operator": ">=", "waarde": 20_000}
            for i in instr[6:8]
        ] + [
            {"regel": "plaatsingen per groep", "regio": "elk", "fonds": "alle", "instrument": "alle",
             "doelgroep": "elk", "jaar": "alle", "grootheid": "plaatsingen", "operator": ">=", "waarde": 5},
        ]
    return {
        "Instellingen": [
            {"sleutel": "planperiode_start", "waarde": START},
            {"sleutel": "planperiode_eind", "waarde": jaarlijst[-1]},
            {"sleutel": "disconteringsvoet", "waarde": 0.03},
            {"sleutel": "kostenindexatie", "waarde": 0.02},
            {"sleutel": "doorloop_na_planperiode", "waarde": "nee" if veel_regels else "ja"},
        ],
        "Regios": [{"regio": r} for r in regios],
        "Fondsen": fondsen,
        "Budgetten": budgetten,
        "Instrumenten": instrumentrijen,
        "Doelgroepen": [{"doelgroep": g, "gewicht": 1.2 if n == 0 else 1.0} for n, g in enumerate(groepen)],
        "Potentieel": potentieel,
        "Effecten": effecten,
        "Financieringsregels": financieringsregels,
        "Afnemende_meeropbrengst": segmentrijen,
        "Beleidsregels": beleidsregels,
    }


def scenarios(jaren: int) -> list[dict]:
    """Five scenarios of the kinds the national example has: budgets cut, stopped and raised, and
    better chances."""
    eind = START + jaren - 1
    return [
        {"scenario": "Participatiebudget -10%", "aanpassing": "budget", "fonds": "Participatiebudget",
         "jaar": f"{START + 1}-{eind}", "factor": 0.9},
        {"scenario": "ESF+ stopt", "aanpassing": "budget", "fonds": "ESF+", "jaar": f"{START + 3}-{eind}",
         "waarde": 0},
        {"scenario": "Sectorpot +50%", "aanpassing": "budget", "fonds": "Sectorpot", "factor": 1.5},
        {"scenario": "O&O-fonds -25%", "aanpassing": "budget", "fonds": "O&O-fonds", "factor": 0.75},
        {"scenario": "Kansen 10% beter", "aanpassing": "plaatsingskans", "factor": 1.1},
    ]


def genereer(doel: Path, eenheden: int = 400, instrumenten: int = 15, doelgroepen: int = 5, jaren: int = 6,
             segmenten: int = 3, veel_regels: bool = False, met_scenarios: bool = False) -> Path:
    bladen = rijen(eenheden, instrumenten, doelgroepen, jaren, segmenten, veel_regels)
    if met_scenarios:
        bladen["Scenarios"] = scenarios(jaren)
    schrijf_invoer(doel, bladen)
    return doel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("uit", type=Path)
    parser.add_argument("--eenheden", type=int, default=400)
    parser.add_argument("--instrumenten", type=int, default=15)
    parser.add_argument("--doelgroepen", type=int, default=5)
    parser.add_argument("--jaren", type=int, default=6)
    parser.add_argument("--segmenten", type=int, default=3)
    parser.add_argument("--veel-regels", action="store_true", help="the other structure: many rules, no run-on")
    parser.add_argument("--scenarios", action="store_true", help="with a Scenarios sheet of five scenarios")
    a = parser.parse_args()
    genereer(a.uit, a.eenheden, a.instrumenten, a.doelgroepen, a.jaren, a.segmenten, a.veel_regels, a.scenarios)
    print(f"Geschreven: {a.uit}")


if __name__ == "__main__":
    main()
