"""The bundled national example: generated from the parameter library, solved, checked."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import budgetkoppeling
from budgetkoppeling.cli import main

from .checker import controleer

MAP = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    pad = tmp_path_factory.mktemp("voorbeeld") / "plan.xlsx"
    resultaat = CliRunner().invoke(main, ["voorbeeld", "-o", str(pad), "--json"], catch_exceptions=False)
    assert resultaat.exit_code == 0, resultaat.output
    return pad, json.loads(resultaat.stdout)


def test_example_is_generated_from_the_parameter_library(tmp_path):
    doel = tmp_path / "opnieuw.xlsx"
    subprocess.run([sys.executable, str(MAP / "scripts" / "maak_voorbeeld.py"), str(doel)], check=True,
                   capture_output=True)
    assert doel.read_bytes() == budgetkoppeling.VOORBEELD.read_bytes(), (
        "inputs/voorbeeld_nederland.xlsx differs from what models/voorbeeld_nederland.toml gives: "
        "run python scripts/maak_voorbeeld.py")
    assert (MAP / "inputs" / "voorbeeld_nederland.xlsx").read_bytes() == budgetkoppeling.VOORBEELD.read_bytes()


def test_every_parameter_states_a_source_or_assumption():
    with open(MAP / "models" / "voorbeeld_nederland.toml", "rb") as bestand:
        parameters = tomllib.load(bestand)
    for soort in ("fondsen", "verplichtingen", "instrumenten", "doelgroepen", "financieringsregels",
                  "beleidsregels", "onzekerheid"):
        for item in parameters[soort]:
            assert any(k == "bron" or k.endswith("aanname") or k == "aanname" for k in item), (soort, item)
    assert parameters["effecten"]["bron"]
    assert parameters["segmenten"][0]["aanname"]


def test_example_covers_the_required_content():
    invoer = budgetkoppeling.valideer(budgetkoppeling.VOORBEELD)
    assert len(invoer.regios) == 35
    assert (invoer.start, invoer.eind) == (2026, 2030)
    assert len(invoer.instrumenten) >= 10
    assert set(invoer.doelgroepen) == {"arbeidsbeperking", "bijstand", "nieuwkomers", "werk-naar-werk"}
    soorten = [f.soort for f in invoer.fondsen.values()]
    assert soorten.count("oeo") == 2 and "esf" in soorten and "participatiebudget" in soorten
    assert invoer.fondsen["ESF+"].vervaljaar == 2027
    assert soorten.count("buig") == 1 and invoer.koppelingen
    assert any(f.landelijk and f.soort == "sector" for f in invoer.fondsen.values())
    assert invoer.verplichtingen
    assert any(len(s) > 1 for s in invoer.segmenten.values())


def test_example_plan_passes_the_checker(plan):
    pad, gegevens = plan
    assert controleer(budgetkoppeling.VOORBEELD, pad) == []
    cijfers = gegevens["kerncijfers"]
    assert cijfers["plaatsingen"] > 0
    assert cijfers["uitgaven"] <= cijfers["budget_totaal"]


def test_example_plan_has_every_sheet_and_two_charts(plan):
    import openpyxl

    pad, _ = plan
    werkboek = openpyxl.load_workbook(pad)
    assert werkboek.sheetnames == ["Samenvatting", "Allocatie", "Financiering", "Fondsen", "Schaduwprijzen",
                                   "Beleidsregels", "Toelichting", "Info"]
    assert len(werkboek["Samenvatting"]._charts) == 2
    for blad in werkboek.worksheets:
        assert blad.tables, blad.title
        assert blad.freeze_panes == "A2"
    kop = [c.value for c in werkboek["Fondsen"][1]]
    assert kop == ["fonds", "regio", "jaar", "budget", "verplichtingen", "overheveling_in", "besteed",
                   "overheveling_uit", "onbenut", "esf_risico"]  # the Participatiebudget holds ESF+'s reserve
    assert "€" in werkboek["Fondsen"]["D2"].number_format


def test_council_scenarios_on_the_example(tmp_path):
    """The six council questions all solve, and each moves the optimum the way it must."""
    from budgetkoppeling.vergelijking import vergelijk

    resultaat = vergelijk(budgetkoppeling.VOORBEELD, tmp_path / "vergelijking.xlsx")
    doel = {u.scenario: u.kerncijfers["gewogen_plaatsingen"] for u in resultaat.uitkomsten}
    assert [u.status for u in resultaat.uitkomsten] == ["optimaal"] * 7
    basis = doel.pop("basis")
    assert doel["Participatiebudget -10% vanaf 2027"] < basis
    assert doel["ESF+ stopt na 2026"] < basis
    # more state money for the sectorplan buys nothing: the sector's matching (koppeling) binds
    assert doel["Sectorplan +10 mln per jaar"] == pytest.approx(basis, rel=1e-9)
    assert doel["Jobcoaching 20% beter"] > basis
    assert doel["Banenafspraak 4.000 per jaar"] < basis
    # a step from today's hand plan gains less than the free optimum, more than the hand plan
    from budgetkoppeling.evaluatie import hand_plan_cijfers

    hand = hand_plan_cijfers(resultaat.invoer)[0]["gewogen_plaatsingen"]
    assert hand < doel["Stap van 20%"] < basis


def test_example_money_flows_as_in_dutch_practice(plan):
    """Issue 13: the BUIG pays only loonkostensubsidie and the Participatiebudget none of it; the
    money binds (the Participatiebudget has a shadow price in every region and year, the bijstand
    potential is not used up anywhere); the sector's matching of the sectorplan binds."""
    import polars as pl

    from budgetkoppeling.model import bouw
    from budgetkoppeling.solve import los_op

    oplossing = los_op(bouw(budgetkoppeling.valideer(budgetkoppeling.VOORBEELD)))
    y = oplossing.waarde("y").filter(pl.col("waarde") > 1e-6)
    assert set(y.filter(pl.col("fonds") == "BUIG")["instrument"]) == {"loonkostensubsidie"}
    participatiebudget = y.filter(pl.col("fonds") == "Participatiebudget")
    assert "loonkostensubsidie" not in participatiebudget["instrument"].to_list()
    assert set(y.filter(pl.col("fonds") == "Inburgering")["instrument"]) == {"taaltraject"}
    budget = oplossing.dual("budget").filter(pl.col("fonds") == "Participatiebudget")
    assert (budget["dual"].abs() > 1e-9).all() and budget.height == 35 * 5
    potentieel = oplossing.dual("potentieel").filter(pl.col("doelgroep") == "bijstand")
    assert (potentieel["dual"].abs() < 1e-9).all()  # people wait: the money, not the potential, limits
    koppeling = oplossing.dual("koppeling")
    assert koppeling.height > 0 and (koppeling["dual"].abs() > 1e-9).all()
    _, gegevens = plan
    cijfers = gegevens["kerncijfers"]
    assert 0 < cijfers["besparing_uitkeringen"] < cijfers["uitgaven"]
    assert cijfers["netto_kosten"] == pytest.approx(cijfers["uitgaven"] - cijfers["besparing_uitkeringen"])


def test_example_with_cbc_passes_the_checker(tmp_path):
    """Budgets of hundreds of millions: CBC's text solution (8 significant digits) lost euros per
    cell, so funds paid more than a cell cost; its binary solution keeps every digit."""
    plan = tmp_path / "plan_cbc.xlsx"
    budgetkoppeling.optimaliseer(budgetkoppeling.VOORBEELD, plan, oplosser="cbc")
    assert controleer(budgetkoppeling.VOORBEELD, plan) == []
