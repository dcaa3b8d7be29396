"""The bundled national example at municipal level (SPEC §9, issue 30): generated from its parameter library,
every municipality of today's division with its region, and one region of it planned and checked.

The whole example (342 municipalities) takes minutes to plan: `bench/meet.py --groottes gemeenten` runs it. Here
one region of it is planned: its split within a region is equal (the toml says why), so the municipal plan
reaches exactly what the same region planned as one unit reaches, an independent check of the pool's rows."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

import budgetkoppeling
from budgetkoppeling.io import schrijf_invoer

from .checker import controleer, doelwaarde

MAP = Path(__file__).resolve().parent.parent
REGIO = "Zuid-Limburg"


def _script():
    spec = importlib.util.spec_from_file_location("maak_voorbeeld_gemeenten",
                                                  MAP / "scripts" / "maak_voorbeeld_gemeenten.py")
    sys.path.insert(0, str(MAP / "scripts"))
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(MAP / "scripts"))
    return module


@pytest.fixture(scope="module")
def parameters() -> dict:
    with open(MAP / "models" / "voorbeeld_gemeenten.toml", "rb") as bestand:
        return tomllib.load(bestand)


def test_the_municipal_example_is_generated_from_its_parameter_library(tmp_path):
    doel = tmp_path / "voorbeeld_gemeenten.xlsx"
    subprocess.run([sys.executable, str(MAP / "scripts" / "maak_voorbeeld_gemeenten.py"), str(doel)], check=True,
                   capture_output=True)
    assert doel.read_bytes() == budgetkoppeling.VOORBEELD_GEMEENTEN.read_bytes(), (
        "budgetkoppeling/data/voorbeeld_gemeenten.xlsx is not what models/voorbeeld_gemeenten.toml makes: "
        "run python scripts/maak_voorbeeld_gemeenten.py")
    assert (MAP / "inputs" / "voorbeeld_gemeenten.xlsx").read_bytes() == doel.read_bytes()


def test_every_municipality_in_one_region_and_the_money_of_its_region():
    """342 municipalities in the 35 regions; each region's Participatiebudget and BUIG are exactly the regional
    example's, now split over its municipalities; every region has its pot with a floor of 0.8."""
    gemeentelijk = budgetkoppeling.valideer(budgetkoppeling.VOORBEELD_GEMEENTEN)
    regionaal = budgetkoppeling.valideer(budgetkoppeling.VOORBEELD)
    assert len(gemeentelijk.gemeenten) == 342
    assert set(gemeentelijk.regio_van.values()) == set(regionaal.regios) and len(regionaal.regios) == 35
    bedragen = defaultdict(float)
    for (fonds, eenheid, jaar), bedrag in gemeentelijk.budget.items():
        if gemeentelijk.fondsen[fonds].niveau == "gemeente":
            bedragen[(fonds, gemeentelijk.regio_van[eenheid], jaar)] += bedrag
    verwacht = {sleutel: bedrag for sleutel, bedrag in regionaal.budget.items()
                if sleutel[0] in ("Participatiebudget", "BUIG")}
    assert bedragen == pytest.approx(verwacht, abs=0.5) and set(bedragen) == set(verwacht)
    pot = gemeentelijk.fondsen["Regionaal werkbudget"]
    assert (pot.niveau, pot.inbreng_uit, pot.verdeelsleutel, pot.min_tegenprestatie) == (
        "regio", "Participatiebudget", "gelijk", 0.8)


def _als_een_eenheid(rijen: dict[str, list[dict]], pot: str) -> dict[str, list[dict]]:
    """The same region planned as one unit: no Gemeenten, no pot, the municipal budgets added up per year."""
    regionaal = {blad: [dict(r) for r in lijst] for blad, lijst in rijen.items() if blad != "Gemeenten"}
    regionaal["Fondsen"] = [{k: v for k, v in f.items() if k not in ("niveau", "inbreng_uit", "verdeelsleutel",
                                                                     "min_tegenprestatie")}
                            for f in rijen["Fondsen"] if f["fonds"] != pot]
    regionaal["Financieringsregels"] = [r for r in rijen["Financieringsregels"] if r["fonds"] != pot]
    for blad in ("Budgetten", "Verplichtingen"):
        som: dict[tuple, dict] = {}
        for rij in rijen[blad]:
            rij = {k: v for k, v in rij.items() if k != "gemeente"}
            sleutel = tuple((k, v) for k, v in rij.items() if k != "bedrag")
            som.setdefault(sleutel, {**rij, "bedrag": 0})["bedrag"] += rij["bedrag"]
        regionaal[blad] = list(som.values())
    return regionaal


def test_one_region_of_it_plans_checks_and_reaches_what_the_region_as_one_unit_reaches(parameters, tmp_path):
    script = _script()
    rijen = script.regio_bladen(parameters, REGIO)
    assert len(rijen["Gemeenten"]) == 16
    invoer, plan = tmp_path / "zuid_limburg.xlsx", tmp_path / "plan.xlsx"
    schrijf_invoer(invoer, rijen)
    resultaat = budgetkoppeling.optimaliseer(invoer, plan)
    assert controleer(invoer, plan) == []  # every row recomputed from the written workbook, Per_gemeente included
    een = tmp_path / "een_eenheid.xlsx"
    schrijf_invoer(een, _als_een_eenheid(rijen, parameters["pot"]["naam"]))
    als_een = budgetkoppeling.optimaliseer(een, tmp_path / "plan_een.xlsx")
    # equal municipalities with a pot that may pay for every one of them lose nothing against one unit
    assert doelwaarde(plan) == pytest.approx(als_een.oplossing.doelwaarde, rel=1e-9)
    assert resultaat.per_gemeente["gemeente"].n_unique() == 16
