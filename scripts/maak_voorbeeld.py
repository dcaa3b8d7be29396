"""Regenerate inputs/voorbeeld_nederland.xlsx (and its copy in the package, budgetkoppeling/data/) from
models/voorbeeld_nederland.toml.

Usage: python scripts/maak_voorbeeld.py [doel.xlsx]

Every number comes from the parameter library, which states its source or assumption;
national totals are spread over the 35 arbeidsmarktregio's by their ESF-ceiling shares.
"""

from __future__ import annotations

import csv
import sys
import tomllib
from pathlib import Path

from budgetkoppeling.io import schrijf_invoer

MAP = Path(__file__).resolve().parent.parent
PARAMETERS = MAP / "models" / "voorbeeld_nederland.toml"
DOEL = MAP / "inputs" / "voorbeeld_nederland.xlsx"
PAKKET = MAP / "budgetkoppeling" / "data" / "voorbeeld_nederland.xlsx"  # what `voorbeeld` reads, also installed


def lijst(waarde) -> list:
    return waarde if isinstance(waarde, list) else [waarde]


def regio_aandelen(parameters: dict) -> dict[str, tuple[str, float]]:
    """Region -> (centrumgemeente, share of the national total) from the ESF-ceiling key."""
    with open(MAP / "models" / parameters["verdeelsleutel"]["bestand"], encoding="utf-8") as bestand:
        rijen = list(csv.DictReader(bestand))
    totaal = sum(int(rij["esf_plafond_2014_2016_eur"]) for rij in rijen)
    return {
        rij["arbeidsmarktregio"]: (rij["centrumgemeente"], int(rij["esf_plafond_2014_2016_eur"]) / totaal)
        for rij in rijen
    }


def bladen(parameters: dict) -> dict[str, list[dict]]:
    regios = regio_aandelen(parameters)
    start, eind = parameters["planperiode"]["start"], parameters["planperiode"]["eind"]
    jaren = range(start, eind + 1)
    instellingen = parameters["instellingen"]
    fondsen = {fonds["naam"]: fonds for fonds in parameters["fondsen"]}

    budgetten = []
    for fonds in parameters["fondsen"]:
        for jaar in fonds["jaren"]:
            if fonds["landelijk"]:
                budgetten.append({"fonds": fonds["naam"], "jaar": jaar, "bedrag": fonds["budget_per_jaar"]})
            else:
                budgetten += [
                    {"fonds": fonds["naam"], "regio": regio, "jaar": jaar,
                     "bedrag": round(fonds["budget_per_jaar"] * aandeel)}
                    for regio, (_, aandeel) in regios.items()
                ]
    verplichtingen = []
    for verplichting in parameters["verplichtingen"]:
        fonds = fondsen[verplichting["fonds"]]
        verplichtingen += [
            {"fonds": fonds["naam"], "regio": regio, "jaar": verplichting["jaar"],
             "bedrag": round(fonds["budget_per_jaar"] * aandeel * verplichting["aandeel_van_budget"])}
            for regio, (_, aandeel) in regios.items()
        ]
    effecten = [
        {"instrument": instrument, "doelgroep": doelgroep, "plaatsingskans": kans}
        for instrument, kansen in parameters["effecten"].items() if isinstance(kansen, dict)
        for doelgroep, kans in kansen.items()
    ]
    financieringsregels = [
        {"fonds": regel["fonds"], "instrument": instrument, "doelgroep": doelgroep,
         "max_aandeel": regel["max_aandeel"]}
        for regel in parameters["financieringsregels"]
        for instrument in lijst(regel["instrument"]) for doelgroep in lijst(regel["doelgroep"])
    ]
    velden = ("regel", "regio", "fonds", "instrument", "doelgroep", "jaar", "grootheid", "operator", "waarde")
    return {
        "Instellingen": [
            {"sleutel": "planperiode_start", "waarde": start},
            {"sleutel": "planperiode_eind", "waarde": eind},
            {"sleutel": "disconteringsvoet", "waarde": instellingen["disconteringsvoet"]},
            {"sleutel": "kostenindexatie", "waarde": instellingen["kostenindexatie"]},
            {"sleutel": "doorloop_na_planperiode", "waarde": instellingen["doorloop_na_planperiode"]},
            {"sleutel": "besparing_jaren", "waarde": instellingen["besparing_jaren"]},
            {"sleutel": "oplosser", "waarde": instellingen["oplosser"]},
        ],
        "Regios": [
            {"regio": regio, "centrumgemeente": centrum, "omschrijving": f"aandeel verdeelsleutel {aandeel:.4%}"}
            for regio, (centrum, aandeel) in regios.items()
        ],
        "Fondsen": [
            {"fonds": f["naam"], "soort": f["soort"], "landelijk": "ja" if f["landelijk"] else "nee",
             "overheveling": f["overheveling"], "vervaljaar": f.get("vervaljaar"),
             "vaststellingsrisico": f.get("vaststellingsrisico")}
            for f in parameters["fondsen"]
        ],
        "Budgetten": budgetten,
        "Verplichtingen": verplichtingen,
        "Instrumenten": [
            {"instrument": i["naam"], "kosten_per_deelnemer": i["kosten"], "duur_jaren": i["duur"],
             "vertraging_jaren": i["vertraging"], "omschrijving": i["omschrijving"]}
            for i in parameters["instrumenten"]
        ],
        "Doelgroepen": [
            {"doelgroep": g["naam"], "gewicht": g["gewicht"], "uitkering_per_jaar": g["uitkering_per_jaar"]}
            for g in parameters["doelgroepen"]
        ],
        "Potentieel": [
            {"regio": regio, "doelgroep": g["naam"], "jaar": jaar,
             "aantal": round(g["potentieel_per_jaar"] * aandeel)}
            for regio, (_, aandeel) in regios.items() for g in parameters["doelgroepen"] for jaar in jaren
        ],
        "Effecten": effecten,
        "Financieringsregels": financieringsregels,
        "Koppelingen": [
            {k: koppeling[k] for k in ("koppeling", "fonds", "partner", "verhouding", "regio", "instrument",
                                       "doelgroep", "jaar")}
            for koppeling in parameters.get("koppelingen", [])
        ],
        "Afnemende_meeropbrengst": [
            {k: s[k] for k in ("instrument", "segment", "aandeel_potentieel", "factor")}
            for s in parameters["segmenten"]
        ],
        "Beleidsregels": [
            {**{k: r[k] for k in velden}, "actief": "ja"} for r in parameters["beleidsregels"]
        ],
        "Scenarios": [
            {k: s.get(k) for k in ("scenario", "aanpassing", "fonds", "regio", "instrument", "doelgroep",
                                   "jaar", "regel", "factor", "waarde")}
            for s in parameters["scenarios"]
        ],
        "Huidige_verdeling": huidige_verdeling(parameters, regios, list(jaren)),
        "Onzekerheid": [
            {k: o.get(k) for k in ("naam", "grootheid", "fonds", "regio", "instrument", "doelgroep", "jaar", "laag",
                                   "hoog", "verdeling", "samenhang")}
            for o in parameters.get("onzekerheid", [])
        ],
        "Realisatie": [rij for rij in huidige_verdeling(parameters, regios, list(jaren))
                       if rij["jaar"] in parameters["realisatie"]["jaren"]],
    }


def huidige_verdeling(parameters: dict, regios: dict, jaren: list[int]) -> list[dict]:
    """Today's hand-made plan: national starts spread with the key; schuldhulp a fixed number per region."""
    plan = parameters["huidige_verdeling"]
    rijen = []
    for regio, (_, aandeel) in regios.items():
        for start in plan["starts"]:
            for jaar in start.get("jaren", jaren):
                aantal = round(start["per_jaar"] * aandeel)
                if aantal > 0:
                    rijen.append({"regio": regio, "instrument": start["instrument"],
                                  "doelgroep": start["doelgroep"], "jaar": jaar, "deelnemers": aantal})
        for jaar in jaren:
            rijen.append({"regio": regio, "instrument": "schuldhulp", "doelgroep": "bijstand", "jaar": jaar,
                          "deelnemers": plan["schuldhulp_per_regio"]})
    return rijen


def main(parameters_pad: Path = PARAMETERS, maak_bladen=bladen, standaard: Path = DOEL,
         pakket: Path = PAKKET) -> None:
    """Write the workbook that ``maak_bladen`` makes of the parameter library to the path given on the command
    line, or to ``standaard`` and its copy in the package (``pakket``)."""
    doel = Path(sys.argv[1]) if len(sys.argv) > 1 else standaard
    with open(parameters_pad, "rb") as bestand:
        parameters = tomllib.load(bestand)
    schrijf_invoer(doel, maak_bladen(parameters))
    print(f"Geschreven: {doel}")
    if len(sys.argv) == 1:
        pakket.write_bytes(doel.read_bytes())
        print(f"Geschreven: {pakket}")


if __name__ == "__main__":
    main()
