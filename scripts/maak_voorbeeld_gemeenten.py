"""Regenerate inputs/voorbeeld_gemeenten.xlsx (and its copy in the package, budgetkoppeling/data/) from
models/voorbeeld_gemeenten.toml: the national example at municipal level (SPEC §9).

Usage: python scripts/maak_voorbeeld_gemeenten.py [doel.xlsx]

The regional example's workbook (scripts/maak_voorbeeld.py) with the municipalities of today's
division: the 2015 division with the mergers since applied. The Participatiebudget and the BUIG are
each municipality's own; every region gets a pot that its municipalities fill. Figures that name a
region are split over its municipalities as the parameter library says; the split is exact to the
euro, so that the municipalities of a region add up to it.

``budgetkoppeling voorbeeld --gemeenten`` runs it. Its split within a region is equal: the repository has no
CBS figures per municipality (models/voorbeeld_gemeenten.toml states it); the 342-municipality model takes
minutes, the benchmark and the tests use one region of it (:func:`regio_bladen`).
"""

from __future__ import annotations

import csv
import sys
import tomllib
from pathlib import Path

MAP = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(MAP / "scripts"))

import maak_voorbeeld  # noqa: E402

PARAMETERS = MAP / "models" / "voorbeeld_gemeenten.toml"
DOEL = MAP / "inputs" / "voorbeeld_gemeenten.xlsx"
PAKKET = MAP / "budgetkoppeling" / "data" / "voorbeeld_gemeenten.xlsx"


def gemeenten(parameters: dict) -> dict[str, str]:
    """Today's municipalities and their region: the 2015 division, each merger applied in order."""
    with open(MAP / "models" / parameters["gemeenten"]["bestand"], encoding="utf-8") as bestand:
        regio = {rij["gemeente"]: rij["arbeidsmarktregio"] for rij in csv.DictReader(bestand)}
    for fusie in parameters["herindeling"]:
        onbekend = [deel for deel in fusie["delen"] if deel not in regio]
        if onbekend:
            sys.exit(f"Herindeling {fusie['jaar']}: onbekende gemeente(n) {onbekend}")
        regios = {regio[deel] for deel in fusie["delen"]}
        if len(regios) > 1 and "regio" not in fusie and "gemeente" in fusie:
            sys.exit(f"Herindeling {fusie['jaar']} ({fusie['gemeente']}): de delen liggen in {sorted(regios)}; "
                     "zeg met regio en regio_aanname welke regio")
        nieuw = fusie.get("regio") or regios.pop()
        for deel in fusie["delen"]:
            del regio[deel]
        if "gemeente" in fusie:
            regio[fusie["gemeente"]] = nieuw
    if len(regio) != parameters["gemeenten"]["aantal"]:
        sys.exit(f"{len(regio)} gemeenten na de herindelingen, verwacht {parameters['gemeenten']['aantal']}")
    return dict(sorted(regio.items(), key=lambda paar: paar[0].casefold().lstrip("'")))


def verdeel(bedrag: float, aantal: int) -> list[float]:
    """``bedrag`` in ``aantal`` equal parts of whole euros (whole persons where the figure is a count) that add
    up to it exactly: the first parts get the remainder."""
    basis, rest = divmod(round(bedrag), aantal)
    return [basis + (1 if n < rest else 0) for n in range(aantal)]


def bladen(parameters: dict) -> dict[str, list[dict]]:
    with open(MAP / "models" / parameters["basis"], "rb") as bestand:
        regionaal = maak_voorbeeld.bladen(tomllib.load(bestand))
    regio_van = gemeenten(parameters)
    per_regio: dict[str, list[str]] = {}
    for gemeente, regio in regio_van.items():
        per_regio.setdefault(regio, []).append(gemeente)
    verdeling, pot = parameters["verdeling"], parameters["pot"]
    eigen = set(verdeling["gemeentelijke_fondsen"])

    def per_gemeente(rijen: list[dict]) -> list[dict]:
        """A municipal fund's rows of a region: one per municipality, the amount split exactly."""
        uit = []
        for rij in rijen:
            if rij["fonds"] not in eigen:
                uit.append(rij)
                continue
            leden = per_regio[rij["regio"]]
            uit += [{**rij, "gemeente": m, "bedrag": deel} for m, deel in zip(leden, verdeel(rij["bedrag"],
                                                                                                len(leden)))]
        return uit

    uitkomst = dict(regionaal)
    uitkomst["Gemeenten"] = [{"gemeente": m, "regio": r} for m, r in regio_van.items()]
    uitkomst["Fondsen"] = [{**f, "niveau": "gemeente"} if f["fonds"] in eigen else f for f in regionaal["Fondsen"]] + [
        {"fonds": pot["naam"], "soort": pot["soort"], "landelijk": "nee", "niveau": "regio", "overheveling": 0,
         "inbreng_uit": pot["inbreng_uit"], "verdeelsleutel": pot["verdeelsleutel"],
         "min_tegenprestatie": pot["min_tegenprestatie"]}]
    uitkomst["Budgetten"] = per_gemeente(regionaal["Budgetten"])
    uitkomst["Verplichtingen"] = per_gemeente(regionaal["Verplichtingen"])
    uitkomst["Financieringsregels"] = regionaal["Financieringsregels"] + [
        {**regel, "fonds": pot["naam"]} for regel in regionaal["Financieringsregels"]
        if regel["fonds"] == pot["betaalt_als"]]
    # Potentieel, Huidige_verdeling and Realisatie keep their region rows: the model spreads them over the
    # municipalities (by bijstand, by inwoners where a region has none, and equally where it has neither)
    return uitkomst


def regio_bladen(parameters: dict, regio: str, met_pot: bool = True) -> dict[str, list[dict]]:
    """The example cut to one region (a regional model of municipalities, for the benchmark and the tests): its
    municipalities, its regional budgets, the national pots scaled by the region's share of the ESF key
    (stated in its Regios row), without the national banenafspraak minimum (one region cannot meet a
    national minimum); ``met_pot=False`` also without the region's pot."""
    rijen = bladen(parameters)
    aandeel = next(float(r["omschrijving"].split()[-1].rstrip("%").replace(",", ".")) / 100
                   for r in rijen["Regios"] if r["regio"] == regio)
    for blad in ("Regios", "Gemeenten", "Potentieel", "Huidige_verdeling", "Realisatie"):
        rijen[blad] = [r for r in rijen[blad] if r["regio"] == regio]
    for blad in ("Budgetten", "Verplichtingen"):
        rijen[blad] = [r if r.get("regio") else {**r, "bedrag": round(r["bedrag"] * aandeel)}
                       for r in rijen[blad] if r.get("regio") in (None, regio)]
    landelijk = {r["regel"] for r in rijen["Beleidsregels"] if r["regio"] == "alle"}
    rijen["Beleidsregels"] = [r for r in rijen["Beleidsregels"] if r["regel"] not in landelijk]
    rijen["Scenarios"] = [r for r in rijen["Scenarios"] if r.get("regel") not in landelijk]
    if not met_pot:
        pot = parameters["pot"]["naam"]
        rijen["Fondsen"] = [r for r in rijen["Fondsen"] if r["fonds"] != pot]
        rijen["Financieringsregels"] = [r for r in rijen["Financieringsregels"] if r["fonds"] != pot]
    return rijen


if __name__ == "__main__":
    maak_voorbeeld.main(PARAMETERS, bladen, DOEL, PAKKET)
