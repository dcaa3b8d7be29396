"""Sessie (SPEC §12): a warm re-solve after each kind of Scenarios row gives the CLI's plan for the
same rows, to the cent; bad rows get the sheet's messages; a change of shape is rebuilt unseen."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest

import budgetkoppeling
from budgetkoppeling import Sessie
from budgetkoppeling.errors import GeenOplossing, InvoerFout
from budgetkoppeling.sjabloon import voorbeeld_rijen

# one row of every kind of aanpassing (SPEC §4), applied one after another
RIJEN = [
    {"aanpassing": "budget", "fonds": "ESF+", "factor": 1.25},
    {"aanpassing": "kosten", "instrument": "scholing", "factor": 0.8},
    {"aanpassing": "plaatsingskans", "instrument": "jobcoaching", "doelgroep": "bijstand", "waarde": 0.3},
    {"aanpassing": "potentieel", "doelgroep": "arbeidsbeperking", "jaar": "2027-2028", "factor": 0.7},
    {"aanpassing": "regel_waarde", "regel": "banenafspraak", "waarde": 35},
    {"aanpassing": "regel_actief", "regel": "banenafspraak", "waarde": "nee"},
    {"aanpassing": "max_verschuiving", "waarde": "20%"},
    {"aanpassing": "regel_actief", "regel": "banenafspraak", "waarde": "ja"},
    {"aanpassing": "budget", "fonds": "Participatiebudget", "jaar": "2026", "factor": 0.95},
]
TABELLEN = ("Samenvatting", "Allocatie", "Financiering", "Fondsen", "Beleidsregels")


def gelijk_op_de_cent(een, ander) -> None:
    """Every table of two plans: the same rows, text equal and numbers within half a cent."""
    for naam in TABELLEN:
        links, rechts = een.tabellen[naam], ander.tabellen[naam]
        assert links.columns == rechts.columns and links.height == rechts.height, naam
        for kolom in links.columns:
            if links[kolom].dtype.is_numeric():
                verschil = (links[kolom].cast(pl.Float64) - rechts[kolom].cast(pl.Float64)).abs().max()
                assert verschil is None or verschil <= 0.005, (naam, kolom, verschil)
            else:
                assert links[kolom].to_list() == rechts[kolom].to_list(), (naam, kolom)


@pytest.fixture(scope="module")
def invoer_met_scenarios(tmp_path_factory):
    """The template's region with scenario s1 .. s9: the first k rows of RIJEN."""
    from budgetkoppeling.io import schrijf_invoer

    bladen = voorbeeld_rijen()
    bladen["Scenarios"] = [{"scenario": f"s{k}", **rij} for k in range(1, len(RIJEN) + 1) for rij in RIJEN[:k]]
    pad = tmp_path_factory.mktemp("sessie") / "invoer.xlsx"
    schrijf_invoer(pad, bladen)
    return pad


@pytest.mark.parametrize("oplosser", ["highs", "cbc"])
def test_a_warm_plan_after_each_kind_of_row_is_the_cli_plan_to_the_cent(invoer_met_scenarios, oplosser):
    with Sessie.open(invoer_met_scenarios, oplosser=oplosser) as sessie:
        gelijk_op_de_cent(sessie.los_op(), budgetkoppeling.optimaliseer(invoer_met_scenarios, oplosser=oplosser))
        warm = []
        for k, rij in enumerate(RIJEN, start=1):
            sessie.pas_aan(rij)
            plan = sessie.los_op()
            warm.append(sessie.warm)
            cli = budgetkoppeling.optimaliseer(invoer_met_scenarios, scenario=f"s{k}", oplosser=oplosser)
            gelijk_op_de_cent(plan, cli)
            assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(
                cli.kerncijfers["gewogen_plaatsingen"], abs=1e-6)
    # the budget, cost, chance, potential and limit changes start from the previous basis; switching
    # the rule off or on and the band change the model's shape and are loaded anew
    assert warm == [True, True, True, True, True, False, False, False, True]


def test_the_cli_with_the_sessions_rows_gives_the_sessions_plan(invoer_met_scenarios, werkboek):
    with Sessie.open(invoer_met_scenarios, scenario="s2") as sessie:
        sessie.pas_aan({"aanpassing": "budget", "fonds": "alle", "factor": "0,9"}, RIJEN[4])
        plan = sessie.los_op()
        rijen = sessie.scenario_rijen("mijn keuze")
    assert rijen["scenario"].to_list() == ["mijn keuze"] * 4
    assert rijen["aanpassing"].to_list() == ["budget", "kosten", "budget", "regel_waarde"]
    bladen = voorbeeld_rijen()
    bladen["Scenarios"] = [{k: v for k, v in rij.items() if v is not None} for rij in rijen.to_dicts()]
    kopie = werkboek(bladen)
    uit = subprocess.run([sys.executable, "-m", "budgetkoppeling", "optimaliseer", str(kopie), "--scenario",
                          "mijn keuze", "--json", "-o", str(kopie.with_name("plan.xlsx"))],
                         capture_output=True, text=True, check=True)
    samenvatting = json.loads(uit.stdout)
    assert samenvatting["kerncijfers"]["gewogen_plaatsingen"] == pytest.approx(
        plan.kerncijfers["gewogen_plaatsingen"], abs=0.005)


def test_a_bad_row_gets_the_sheets_message_and_changes_nothing(invoer_met_scenarios):
    with Sessie.open(invoer_met_scenarios) as sessie:
        voor = sessie.los_op().kerncijfers
        sessie.pas_aan(RIJEN[0])
        with pytest.raises(InvoerFout) as fout:
            sessie.pas_aan({"aanpassing": "budget", "fonds": "ESF", "factor": 2},
                           {"aanpassing": "max_verschuiving", "waarde": 1.5},
                           {"aanpassing": "kosten", "factor": "1.250"})
        waar = list(dict.fromkeys((p.blad, p.rij, p.kolom) for p in fout.value.problemen))
        assert waar == [("Scenarios", 3, "fonds"), ("Scenarios", 4, "waarde"), ("Scenarios", 5, "factor")]
        assert "bedoelt u 'ESF+'" in fout.value.problemen[0].melding
        assert any("tussen 0 en 1" in p.melding for p in fout.value.problemen)
        with pytest.raises(InvoerFout, match="buiten 0 tot 1"):
            sessie.pas_aan({"aanpassing": "plaatsingskans", "factor": 3})
        assert sessie.scenario_rijen().height == 1  # only the good row of before
        sessie.herstel()
        assert sessie.scenario_rijen().height == 0
        assert sessie.los_op().kerncijfers == pytest.approx(voor)


def test_no_plan_raises_the_diagnosis_and_a_move_back_recovers(invoer_met_scenarios):
    with Sessie.open(invoer_met_scenarios, oplosser="highs") as sessie:
        voor = sessie.los_op().kerncijfers["gewogen_plaatsingen"]
        sessie.pas_aan({"aanpassing": "regel_waarde", "regel": "banenafspraak", "waarde": 5000})
        with pytest.raises(GeenOplossing) as fout:
            sessie.los_op()
        assert "banenafspraak" in fout.value.melding
        sessie.herstel()
        assert sessie.los_op().kerncijfers["gewogen_plaatsingen"] == pytest.approx(voor, abs=1e-6)


def test_an_unknown_scenario_fails_at_open(invoer_met_scenarios):
    with pytest.raises(InvoerFout, match="onbekend scenario"):
        Sessie.open(invoer_met_scenarios, scenario="s99")


def test_a_plan_writes_its_workbook_and_never_over_the_input(invoer_met_scenarios, tmp_path):
    from budgetkoppeling.errors import BestandFout

    with Sessie.open(invoer_met_scenarios) as sessie:
        plan = sessie.los_op()
    plan.schrijf(tmp_path / "plan.xlsx")
    gelezen = pl.read_excel(tmp_path / "plan.xlsx", sheet_name="Samenvatting")
    geschreven = [float(w) for w in gelezen["waarde"].to_list()[:3]]
    assert geschreven == pytest.approx(plan.tabellen["Samenvatting"]["waarde"].to_list()[:3])
    with pytest.raises(BestandFout):
        plan.schrijf(invoer_met_scenarios)


def test_every_result_gives_its_workbooks_tables_as_frames(invoer_met_scenarios, tmp_path):
    """Frames first (issue 29.7): what the workbook shows, without opening it."""
    vergelijking = budgetkoppeling.vergelijk(invoer_met_scenarios, tmp_path / "v.xlsx", scenarios=["s1", "s9"])
    tabellen = vergelijking.tabellen
    assert list(tabellen) == ["Vergelijking", "Plaatsingen_per_jaar", "Verschil", "Per_fonds", "Per_regio",
                              "Per_instrument", "Toelichting", "Info"]
    geschreven = pl.read_excel(tmp_path / "v.xlsx", sheet_name="Per_fonds")
    assert geschreven.columns == tabellen["Per_fonds"].columns
    assert geschreven["fonds"].to_list() == tabellen["Per_fonds"]["fonds"].to_list()
    basis = vergelijking.uitkomsten[0].kerncijfers
    kpi = dict(zip(tabellen["Vergelijking"]["kpi"], tabellen["Vergelijking"]["basis"]))
    assert kpi["gewogen_plaatsingen"] == pytest.approx(basis["gewogen_plaatsingen"])
    evaluatie = budgetkoppeling.evalueer(invoer_met_scenarios)
    assert list(evaluatie.tabellen) == ["Evaluatie", "Verschil_met_optimum", "Tekorten", "Per_instrument",
                                        "Huidige_allocatie", "Info"]
    assert evaluatie.tabellen["Huidige_allocatie"].height == len(evaluatie.huidige_allocatie)


def test_a_plan_gives_its_rows_and_rules_as_frames(invoer_met_scenarios):
    """Readers ask the Oplossing, not the model (issue 29.2): a family's rows with bounds, sum and dual."""
    with Sessie.open(invoer_met_scenarios, oplosser="highs") as sessie:
        oplossing = sessie.los_op().oplossing
    budget = oplossing.rijen("budget")
    assert budget.columns == ["fonds", "regio", "jaar", "onder", "boven", "teken", "activiteit", "dual", "rij"]
    assert set(budget["teken"]) == {"<="}
    assert (budget["activiteit"] <= budget["boven"] + 1e-6).all()
    bindend = budget.filter(pl.col("dual") > 1e-9)
    assert bindend.height > 0
    assert ((bindend["boven"] - bindend["activiteit"]).abs() < 1e-6).all()  # a priced row is used up
    assert not oplossing.heeft("koppeling") and oplossing.rijen("koppeling").height == 0
    regels = oplossing.regels()
    assert "banenafspraak" in set(regels["regel"]) and regels.height >= 3  # elk: one per year
    assert oplossing.gewogen_plaatsingen == pytest.approx(oplossing.doelwaarde)
