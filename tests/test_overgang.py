"""Overgang: a plan within ±max_verschuiving of today's (Huidige_verdeling), in every place a user meets it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import budgetkoppeling
from budgetkoppeling.cli import main
from budgetkoppeling.errors import InvoerFout
from budgetkoppeling.evaluatie import evalueer, hand_plan_cijfers
from budgetkoppeling.sjabloon import voorbeeld_rijen

from .checker import controleer, doelwaarde

STAP = "stap van 20%"  # the template's scenario that sets max_verschuiving 0.2


def _met_band(band) -> dict:
    bladen = voorbeeld_rijen()
    bladen["Instellingen"].append({"sleutel": "max_verschuiving", "waarde": band})
    return bladen


def test_the_band_holds_in_the_written_plan_and_costs_placements(werkboek, tmp_path):
    invoer = werkboek(_met_band("20%"))
    vrij = budgetkoppeling.optimaliseer(werkboek(voorbeeld_rijen()))
    plan_pad = tmp_path / "plan.xlsx"
    plan = budgetkoppeling.optimaliseer(invoer, plan_pad)
    assert plan.oplossing.model.invoer.max_verschuiving == pytest.approx(0.2)
    assert controleer(invoer, plan_pad) == []
    # the checker is not blind: the free plan breaks the band
    vrij_pad = tmp_path / "vrij.xlsx"
    budgetkoppeling.optimaliseer(werkboek(voorbeeld_rijen()), vrij_pad)
    assert any(f.startswith("overgang:") for f in controleer(invoer, vrij_pad))
    hand = hand_plan_cijfers(plan.oplossing.model.invoer)[0]["gewogen_plaatsingen"]
    assert hand - 1e-6 <= doelwaarde(plan_pad) <= vrij.oplossing.doelwaarde + 1e-6
    assert doelwaarde(plan_pad) < vrij.oplossing.doelwaarde - 1  # the band binds in the template


def test_a_scenario_sets_the_band_and_equals_the_setting(werkboek, tmp_path):
    runner = CliRunner()
    invoer = werkboek(voorbeeld_rijen())
    uitslag = runner.invoke(main, ["vergelijk", str(invoer), "-o", str(tmp_path / "v.xlsx"), "--json",
                                   "--scenario", STAP])
    assert uitslag.exit_code == 0, uitslag.output
    import json

    scenarios = {s["scenario"]: s for s in json.loads(uitslag.stdout)["scenarios"]}
    met_instelling = budgetkoppeling.optimaliseer(werkboek(_met_band("0,2")))
    assert scenarios[STAP]["kerncijfers"]["gewogen_plaatsingen"] == pytest.approx(
        met_instelling.oplossing.doelwaarde, rel=1e-9)
    plan_pad = tmp_path / "stap.xlsx"
    budgetkoppeling.optimaliseer(invoer, plan_pad, scenario=STAP)
    assert controleer(invoer, plan_pad, max_verschuiving=0.2) == []
    assert controleer(invoer, plan_pad, max_verschuiving=0.05) != []


def test_evalueer_sets_the_optimum_within_the_band_beside_the_free_one(werkboek, tmp_path):
    invoer = werkboek(voorbeeld_rijen())
    evaluatie = evalueer(invoer, tmp_path / "e.xlsx")
    assert evaluatie.band == 0.2  # the default when Instellingen sets none
    hand = evaluatie.huidig["gewogen_plaatsingen"]
    band = evaluatie.binnen_band.kerncijfers["gewogen_plaatsingen"]
    vrij = evaluatie.optimum.kerncijfers["gewogen_plaatsingen"]
    assert hand < band < vrij
    assert band == pytest.approx(budgetkoppeling.optimaliseer(werkboek(_met_band(0.2))).oplossing.doelwaarde,
                                 rel=1e-9)
    # with the setting, the band is the setting, and the three other optima stay free
    breed = evalueer(werkboek(_met_band(0.5)), tmp_path / "e2.xlsx")
    assert breed.band == 0.5
    assert breed.optimum.kerncijfers["gewogen_plaatsingen"] == pytest.approx(vrij, rel=1e-9)
    assert band < breed.binnen_band.kerncijfers["gewogen_plaatsingen"] <= vrij + 1e-6
    import openpyxl

    blad = openpyxl.load_workbook(tmp_path / "e.xlsx")["Evaluatie"]
    rijen = list(blad.iter_rows(values_only=True))
    assert rijen[0][5] == "optimum_binnen_band"
    gewogen = next(r for r in rijen if r[7] == "gewogen_plaatsingen")  # the code (kpi) in the last column
    assert gewogen[5] == pytest.approx(band)
    extra = next(r for r in rijen if r[3] == "extra_gewogen_binnen_band")
    assert extra[1] == pytest.approx(band - hand)


def test_cli_evalueer_prints_the_gain_of_the_step(werkboek, tmp_path):
    uitslag = CliRunner().invoke(main, ["evalueer", str(werkboek(voorbeeld_rijen())), "-o", str(tmp_path / "e.xlsx")])
    assert uitslag.exit_code == 0, uitslag.output
    assert "Binnen ±20% van de huidige verdeling" in uitslag.output


@pytest.mark.parametrize("waarde, melding", [
    ("1,5", "max_verschuiving moet tussen 0 en 1 liggen"),
    ("veel", "'max_verschuiving' moet een getal zijn"),
])
def test_a_bad_band_is_refused_with_its_cell(werkboek, waarde, melding):
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(_met_band(waarde)))
    [probleem] = fout.value.problemen
    assert (probleem.blad, probleem.kolom) == ("Instellingen", "waarde") and melding in probleem.melding


def test_a_band_needs_todays_plan(werkboek):
    bladen = _met_band(0.2)
    del bladen["Huidige_verdeling"]
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    teksten = [p.tekst() for p in fout.value.problemen]
    assert any("Instellingen" in t and "Huidige_verdeling" in t for t in teksten)
    assert any("Scenarios" in t and "Huidige_verdeling" in t for t in teksten)  # the template's scenario


def test_a_scenario_band_takes_a_value_for_the_whole_plan(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Scenarios"] = [{"scenario": "x", "aanpassing": "max_verschuiving", "regio": "Voorbeeldregio",
                            "factor": 2}]
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    plekken = {(p.blad, p.kolom) for p in fout.value.problemen}
    assert plekken == {("Scenarios", "regio"), ("Scenarios", "factor")}


def test_a_region_without_todays_plan_is_warned(werkboek):
    bladen = _met_band(0.2)
    bladen["Regios"].append({"regio": "Leeg"})
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    assert any("'Leeg' heeft geen deelnemers in 2026 tot en met 2028" in m for m in invoer.meldingen)
