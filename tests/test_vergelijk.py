"""vergelijk and evalueer: figures equal single runs, parallel equals serial, hand plans checked by hand."""

from __future__ import annotations

import json

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

import budgetkoppeling
from budgetkoppeling.cli import main
from budgetkoppeling.errors import InvoerFout
from budgetkoppeling.evaluatie import evalueer, hand_plan_cijfers
from budgetkoppeling.rapport import KPIS
from budgetkoppeling.sjabloon import voorbeeld_rijen
from budgetkoppeling.vergelijking import vergelijk

from .conftest import twee_instrumenten

SCENARIOS = [
    {"scenario": "bezuiniging", "aanpassing": "budget", "fonds": "Participatiebudget", "jaar": "2027-2028",
     "factor": 0.9},
    {"scenario": "betere jobcoach", "aanpassing": "plaatsingskans", "instrument": "jobcoaching", "factor": 1.2},
    {"scenario": "geen banenafspraak", "aanpassing": "regel_actief", "regel": "banenafspraak", "waarde": 0},
    {"scenario": "onmogelijk", "aanpassing": "regel_waarde", "regel": "banenafspraak", "waarde": 10_000},
]


@pytest.fixture
def scenario_werkboek(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Scenarios"] = SCENARIOS
    return werkboek(bladen)


def tabel(pad, blad: str) -> list[tuple]:
    return list(openpyxl.load_workbook(pad)[blad].iter_rows(values_only=True))


def test_comparison_equals_single_runs(scenario_werkboek, tmp_path):
    doel = tmp_path / "vergelijking.xlsx"
    resultaat = vergelijk(scenario_werkboek, doel)
    assert [u.scenario for u in resultaat.uitkomsten] == ["basis", "bezuiniging", "betere jobcoach",
                                                           "geen banenafspraak", "onmogelijk"]
    frame = pl.read_excel(doel, sheet_name="Vergelijking")  # SPEC §6: the header is row 1
    assert frame.columns[:6] == ["kpi", "basis", "bezuiniging", "betere jobcoach", "geen banenafspraak",
                                 "onmogelijk"]
    assert frame.columns[6] == "eenheid"
    # below it the placements per year (SPEC §6: a second table after one empty row); the first
    # table alone, numbers as numbers, by its name
    tabel_ = pl.read_excel(doel, table_name="Vergelijking")
    assert tabel_.columns == frame.columns
    # bijstand has a benefit (savings rows); ESF+ has a settlement risk (esf_risico)
    assert tabel_["kpi"].to_list() == list(KPIS) + ["besparing_uitkeringen", "netto_kosten", "esf_risico"]
    waarden = {rij["kpi"]: rij for rij in tabel_.iter_rows(named=True)}
    for naam in ("basis", "bezuiniging", "betere jobcoach", "geen banenafspraak"):
        plan = budgetkoppeling.optimaliseer(scenario_werkboek, scenario=naam)
        for kpi in plan.kerncijfers:
            assert waarden[kpi][naam] == pytest.approx(plan.kerncijfers[kpi], rel=1e-9, abs=1e-9), (naam, kpi)
    assert all(waarden[kpi]["onmogelijk"] is None for kpi in waarden)
    info = dict(tabel(doel, "Info")[1:])
    assert info["status onmogelijk"].startswith("geen oplossing")
    assert "banenafspraak" in info["status onmogelijk"]
    assert info["status basis"] == "optimaal"


def test_per_sheets_and_differences(scenario_werkboek, tmp_path):
    doel = tmp_path / "vergelijking.xlsx"
    vergelijk(scenario_werkboek, doel, ["bezuiniging"])
    werkboek = openpyxl.load_workbook(doel)
    assert werkboek.sheetnames == ["Vergelijking", "Verschil", "Per_fonds", "Per_regio", "Per_instrument",
                                   "Toelichting", "Info"]
    assert len(werkboek["Vergelijking"]._charts) == 4
    basis_plan = budgetkoppeling.optimaliseer(scenario_werkboek)
    krimp = budgetkoppeling.optimaliseer(scenario_werkboek, scenario="bezuiniging")
    verschil = {rij[-1]: rij[1:3] for rij in tabel(doel, "Verschil")[1:]}  # the code (kpi) is the last column
    absoluut, procent = verschil["plaatsingen"]
    assert absoluut == pytest.approx(krimp.kerncijfers["plaatsingen"] - basis_plan.kerncijfers["plaatsingen"])
    assert procent == pytest.approx(absoluut / basis_plan.kerncijfers["plaatsingen"])
    per_fonds = {rij[0]: rij[1:] for rij in tabel(doel, "Per_fonds")[1:]}
    assert per_fonds["Participatiebudget"][0] == pytest.approx(
        float(basis_plan.fondsen.filter(basis_plan.fondsen["fonds"] == "Participatiebudget")["besteed"].sum()))
    per_instrument = {rij[0]: rij[1:] for rij in tabel(doel, "Per_instrument")[1:] if rij[0] is not None}
    assert sum(v[1] for v in per_instrument.values()) == pytest.approx(krimp.kerncijfers["deelnemers"])


def test_parallel_and_serial_give_identical_workbooks(scenario_werkboek, tmp_path):
    vergelijk(scenario_werkboek, tmp_path / "parallel.xlsx", parallel=True)
    serieel = vergelijk(scenario_werkboek, tmp_path / "serieel.xlsx", parallel=False)
    assert not serieel.parallel
    assert (tmp_path / "parallel.xlsx").read_bytes() == (tmp_path / "serieel.xlsx").read_bytes()


def test_automatic_choice_is_serial_below_the_measured_size(scenario_werkboek, tmp_path, monkeypatch):
    from budgetkoppeling import vergelijking
    from budgetkoppeling.validate import lees_en_valideer
    from budgetkoppeling.vergelijking import PARALLEL_VANAF, omvang

    klein = vergelijk(scenario_werkboek, tmp_path / "klein.xlsx")  # parallel=None: the size decides
    assert omvang(lees_en_valideer(scenario_werkboek)) < PARALLEL_VANAF and not klein.parallel
    # the national example is below the measured size too; with the limit at its size it goes parallel
    voorbeeld = omvang(lees_en_valideer(budgetkoppeling.VOORBEELD))
    assert voorbeeld < PARALLEL_VANAF
    monkeypatch.setattr(vergelijking, "PARALLEL_VANAF", voorbeeld)
    groot = vergelijk(budgetkoppeling.VOORBEELD, tmp_path / "groot.xlsx", ["Jobcoaching 20% beter"])
    assert groot.parallel


def test_vergelijk_cli(scenario_werkboek, tmp_path):
    resultaat = CliRunner().invoke(main, ["vergelijk", str(scenario_werkboek), "-o", str(tmp_path / "v.xlsx"),
                                          "--scenario", "bezuiniging", "--json"], catch_exceptions=False)
    assert resultaat.exit_code == 0
    gegevens = json.loads(resultaat.stdout)
    assert [s["scenario"] for s in gegevens["scenarios"]] == ["basis", "bezuiniging"]
    scherm = CliRunner().invoke(main, ["vergelijk", str(scenario_werkboek), "-o", str(tmp_path / "w.xlsx")])
    assert scherm.exit_code == 0
    assert "Scenario 'onmogelijk' heeft geen oplossing" in scherm.output
    fout = CliRunner().invoke(main, ["vergelijk", str(scenario_werkboek), "--scenario", "droom"])
    assert fout.exit_code == 3


# ----------------------------------------------------------------------------- evalueer


def hand(bladen: dict, *cellen: tuple) -> dict:
    bladen["Huidige_verdeling"] = [
        {"regio": r, "instrument": i, "doelgroep": g, "jaar": t, "deelnemers": n} for r, i, g, t, n in cellen]
    return bladen


@pytest.mark.parametrize("oplosser", ["highs", "cbc"])
def test_feasible_hand_plan_against_the_optimum(werkboek, tmp_path, oplosser):
    # Hand plan: 6 people on J (chance 0.2) -> 1.2 placements for EUR 6,000.
    pad = werkboek(hand(twee_instrumenten(), ("A", "J", "G", 2026, 6)))
    resultaat = evalueer(pad, tmp_path / "evaluatie.xlsx", oplosser=oplosser)
    assert resultaat.uitvoerbaar and resultaat.tekorten == []
    assert resultaat.huidig["plaatsingen"] == pytest.approx(1.2)
    assert resultaat.huidig["uitgaven"] == pytest.approx(6_000)
    # Same money on I (chance 0.5): 3 placements; 1.2 placements on I cost EUR 2,400; all money: 5.
    assert resultaat.zelfde_geld.kerncijfers["plaatsingen"] == pytest.approx(3)
    assert resultaat.zelfde_plaatsingen.kerncijfers["uitgaven"] == pytest.approx(2_400)
    assert resultaat.zelfde_plaatsingen.kerncijfers["gewogen_plaatsingen"] == pytest.approx(1.2)
    assert resultaat.optimum.kerncijfers["plaatsingen"] == pytest.approx(5)
    kerncijfers = {r["kpi"]: r for r in pl.read_excel(tmp_path / "evaluatie.xlsx", table_name="Evaluatie")
                   .iter_rows(named=True)}
    verschil = {r["verschil"]: r["waarde"] for r in pl.read_excel(tmp_path / "evaluatie.xlsx",
                                                                   table_name="Verschil_met_optimum")
                .iter_rows(named=True)}
    assert verschil["extra_plaatsingen_zelfde_geld"] == pytest.approx(1.8)
    assert verschil["besparing_zelfde_plaatsingen"] == pytest.approx(3_600)
    plaatsingen = kerncijfers["plaatsingen"]
    assert [plaatsingen[k] for k in ("huidige_verdeling", "optimum_zelfde_geld", "optimum_zelfde_plaatsingen",
                                     "optimum_heel_budget")] == [
        pytest.approx(1.2), pytest.approx(3), pytest.approx(1.2 / 0.5 * 0.5), pytest.approx(5)]
    assert plaatsingen["omschrijving"] == "Verwachte plaatsingen"  # a person reads the description first


def test_hand_plan_over_budget_names_fund_region_year_and_shortfall(werkboek, tmp_path):
    pad = werkboek(hand(twee_instrumenten(), ("A", "I", "G", 2026, 12)))
    resultaat = evalueer(pad, tmp_path / "evaluatie.xlsx")
    assert not resultaat.uitvoerbaar
    assert [(t["soort"], t["fonds"], t["regio"], t["jaar"]) for t in resultaat.tekorten] == [
        ("budget", "P", "A", 2026)]
    assert resultaat.tekorten[0]["tekort"] == pytest.approx(2_000)
    assert resultaat.huidig["plaatsingen"] == pytest.approx(6)
    assert resultaat.optimum.kerncijfers["gewogen_plaatsingen"] >= 5 - 1e-9
    rijen = tabel(tmp_path / "evaluatie.xlsx", "Tekorten")
    assert rijen[1][:3] == ("budget", "P", "A") and rijen[1][7] == pytest.approx(2_000)


def test_hand_plan_breaking_a_rule_and_the_potential(werkboek, tmp_path):
    bladen = twee_instrumenten(budget=1_000_000)
    bladen["Beleidsregels"] = [{"regel": "cap", "instrument": "J", "grootheid": "deelnemers", "operator": "<=",
                                "waarde": 4}]
    pad = werkboek(hand(bladen, ("A", "J", "G", 2026, 7), ("A", "I", "G", 2026, 100)))
    resultaat = evalueer(pad)
    gevonden = {(t["soort"], t.get("regel")): t["tekort"] for t in resultaat.tekorten}
    assert gevonden == {("beleidsregel", "cap"): pytest.approx(3), ("potentieel", None): pytest.approx(7)}


def test_hand_plan_in_a_cell_without_potential_or_past_the_plan(werkboek):
    bladen = twee_instrumenten()
    bladen["Instrumenten"].append({"instrument": "Lang", "kosten_per_deelnemer": 100, "duur_jaren": 2})
    bladen["Effecten"].append({"instrument": "Lang", "doelgroep": "G", "plaatsingskans": 0.5})
    bladen["Doelgroepen"].append({"doelgroep": "H"})
    bladen["Effecten"].append({"instrument": "I", "doelgroep": "H", "plaatsingskans": 0.5})
    resultaat = evalueer(werkboek(hand(bladen, ("A", "I", "H", 2026, 2), ("A", "Lang", "G", 2026, 1))))
    assert {t["soort"]: t["tekort"] for t in resultaat.tekorten} == {"potentieel": 2, "looptijd": 1}
    assert not resultaat.uitvoerbaar


def test_direct_hand_figures_equal_the_fixed_lp(werkboek):
    """The hand plan's figures computed from the sheet equal those of the LP with participants fixed."""
    bladen = voorbeeld_rijen()
    bladen["Huidige_verdeling"] = [
        {"regio": "Voorbeeldregio", "instrument": i, "doelgroep": g, "jaar": t, "deelnemers": n}
        for i, g, t, n in (("loonkostensubsidie", "bijstand", 2026, 40), ("scholing", "bijstand", 2027, 350),
                           ("loonkostensubsidie", "bijstand", 2027, 40), ("jobcoaching", "arbeidsbeperking", 2026, 25),
                           ("jobcoaching", "arbeidsbeperking", 2027, 25), ("jobcoaching", "arbeidsbeperking", 2028, 50))
    ]
    pad = werkboek(bladen)
    resultaat = evalueer(pad)
    assert resultaat.uitvoerbaar, resultaat.tekorten
    invoer = budgetkoppeling.valideer(pad)
    direct, _ = hand_plan_cijfers(invoer)
    for kpi in ("plaatsingen", "gewogen_plaatsingen", "deelnemers", "uitgaven"):
        assert resultaat.huidig[kpi] == pytest.approx(direct[kpi], rel=1e-9)
    assert resultaat.optimum.kerncijfers["gewogen_plaatsingen"] >= resultaat.huidig["gewogen_plaatsingen"]


def test_evalueer_cli_and_missing_sheet(werkboek, tmp_path):
    pad = werkboek(hand(twee_instrumenten(), ("A", "I", "G", 2026, 12)))
    resultaat = CliRunner().invoke(main, ["evalueer", str(pad), "-o", str(tmp_path / "e.xlsx")])
    assert resultaat.exit_code == 0
    assert "niet uitvoerbaar" in resultaat.output and "€ 2.000" in resultaat.output
    gegevens = json.loads(CliRunner().invoke(main, ["evalueer", str(pad), "-o", str(tmp_path / "f.xlsx"),
                                                    "--json"]).stdout)
    assert gegevens["uitvoerbaar"] is False
    zonder = CliRunner().invoke(main, ["evalueer", str(werkboek(twee_instrumenten()))])
    assert zonder.exit_code == 3
    assert "Huidige_verdeling" in zonder.output


def test_scenario_names_that_excel_would_take_for_one_column(werkboek, tmp_path):
    """Issue 27.19: 'Bezuiniging' beside 'bezuiniging', or a scenario named 'KPI', made xlsxwriter skip the
    tables with only a warning (exit 0, Per_fonds empty)."""
    import warnings

    bladen = voorbeeld_rijen()
    bladen["Scenarios"] = [
        {"scenario": "bezuiniging", "aanpassing": "budget", "factor": 0.9},
        {"scenario": "Bezuiniging", "aanpassing": "budget", "factor": 0.8},
    ]
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    [probleem] = fout.value.problemen
    assert (probleem.blad, probleem.rij, probleem.kolom) == ("Scenarios", 3, "scenario")
    assert "hoofdletters" in probleem.melding
    bladen["Scenarios"] = [{"scenario": "KPI", "aanpassing": "budget", "factor": 0.9},
                           {"scenario": "Fonds", "aanpassing": "budget", "factor": 0.8}]
    pad = tmp_path / "v.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # xlsxwriter's warning about a duplicate header is a failure here
        vergelijk(werkboek(bladen), pad)
    vergelijking = tabel(pad, "Vergelijking")
    assert vergelijking[0][:4] == ("kpi", "basis", "KPI (scenario)", "Fonds (scenario)")
    per_fonds = pl.read_excel(pad, sheet_name="Per_fonds")
    assert per_fonds.height > 0 and {"KPI (scenario)", "Fonds (scenario)"} <= set(per_fonds.columns)
