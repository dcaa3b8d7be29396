"""Scenarios (SPEC §4): every kind of aanpassing and filter changes exactly the cells it should."""

from __future__ import annotations

import pytest

import budgetkoppeling
from budgetkoppeling.errors import InvoerFout
from budgetkoppeling.scenarios import pas_toe, scenario_namen
from budgetkoppeling.sjabloon import VOORBEELD_REGIO, voorbeeld_rijen

R = VOORBEELD_REGIO


def invoer_met(werkboek, *rijen: dict):
    bladen = voorbeeld_rijen()
    bladen["Scenarios"] = [{"scenario": "s", **rij} for rij in rijen]
    return budgetkoppeling.valideer(werkboek(bladen))


def veranderd(voor: dict, na: dict) -> dict:
    return {k: (voor[k], na[k]) for k in voor if voor[k] != na[k]}


def test_basis_is_first_and_unchanged(werkboek):
    invoer = invoer_met(werkboek, {"aanpassing": "budget", "factor": 2})
    assert scenario_namen(invoer) == ["basis", "s"]
    assert pas_toe(invoer, "basis") is invoer


def test_budget_factor_with_fund_and_year_range(werkboek):
    invoer = invoer_met(werkboek, {"aanpassing": "budget", "fonds": "Participatiebudget", "jaar": "2027-2028",
                                   "factor": 0.9})
    assert veranderd(invoer.budget, pas_toe(invoer, "s").budget) == {
        ("Participatiebudget", R, 2027): (2_000_000, pytest.approx(1_800_000)),
        ("Participatiebudget", R, 2028): (2_000_000, pytest.approx(1_800_000)),
    }


def test_budget_waarde_for_a_single_year_and_alle(werkboek):
    invoer = invoer_met(werkboek, {"aanpassing": "budget", "fonds": "alle", "regio": R, "jaar": "2026",
                                   "waarde": 0})
    assert veranderd(invoer.budget, pas_toe(invoer, "s").budget) == {
        ("Participatiebudget", R, 2026): (2_000_000, 0),
        ("ESF+", R, 2026): (500_000, 0),
    }


def test_budget_filter_on_another_region_changes_nothing(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Regios"].append({"regio": "Andere regio"})
    bladen["Scenarios"] = [{"scenario": "s", "aanpassing": "budget", "regio": "Andere regio", "factor": 2}]
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    assert veranderd(invoer.budget, pas_toe(invoer, "s").budget) == {}


def test_kosten_per_instrument(werkboek):
    invoer = invoer_met(werkboek, {"aanpassing": "kosten", "instrument": "scholing", "factor": 1.5})
    na = pas_toe(invoer, "s").instrumenten
    assert {n: i.kosten for n, i in na.items()} == {"jobcoaching": 4_500, "loonkostensubsidie": 12_000,
                                                     "scholing": pytest.approx(5_250)}


def test_plaatsingskans_per_instrument_and_group(werkboek):
    invoer = invoer_met(werkboek, {"aanpassing": "plaatsingskans", "instrument": "loonkostensubsidie",
                                   "doelgroep": "bijstand", "factor": 1.2})
    assert veranderd(invoer.effecten, pas_toe(invoer, "s").effecten) == {
        ("loonkostensubsidie", "bijstand"): (0.45, pytest.approx(0.54))}


def test_plaatsingskans_above_one_is_a_clear_error(werkboek):
    invoer = invoer_met(werkboek, {"aanpassing": "plaatsingskans", "instrument": "loonkostensubsidie",
                                   "factor": 2})
    with pytest.raises(InvoerFout) as fout:
        pas_toe(invoer, "s")
    tekst = fout.value.tekst()
    assert "Blad 'Scenarios', rij 2, kolom 'factor'" in tekst
    assert "buiten 0 tot 1" in tekst and "loonkostensubsidie / arbeidsbeperking" in tekst


def test_potentieel_per_group_and_year_range(werkboek):
    invoer = invoer_met(werkboek, {"aanpassing": "potentieel", "doelgroep": "bijstand", "jaar": "2027-2030",
                                   "waarde": 10})
    assert veranderd(invoer.potentieel, pas_toe(invoer, "s").potentieel) == {
        (R, "bijstand", 2027): (600, 10), (R, "bijstand", 2028): (600, 10)}


def test_regel_waarde_and_regel_actief(werkboek):
    invoer = invoer_met(
        werkboek,
        {"aanpassing": "regel_waarde", "regel": "banenafspraak", "waarde": 30},
        {"aanpassing": "regel_actief", "regel": "jobcoach_capaciteit", "waarde": 0},
    )
    na = {r.regel: r for r in pas_toe(invoer, "s").beleidsregels}
    assert (na["banenafspraak"].waarde, na["banenafspraak"].actief) == (30, True)
    assert (na["jobcoach_capaciteit"].waarde, na["jobcoach_capaciteit"].actief) == (60, False)


@pytest.mark.parametrize("uit, aan", [("nee", "ja"), ("NEE ", "Ja"), (0, 1)])
def test_regel_actief_takes_ja_and_nee(werkboek, uit, aan):
    invoer = invoer_met(werkboek, {"aanpassing": "regel_actief", "regel": "jobcoach_capaciteit", "waarde": uit})
    assert not {r.regel: r for r in pas_toe(invoer, "s").beleidsregels}["jobcoach_capaciteit"].actief
    bladen = voorbeeld_rijen()
    for rij in bladen["Beleidsregels"]:
        rij["actief"] = "nee"
    bladen["Scenarios"] = [{"scenario": "s", "aanpassing": "regel_actief", "regel": "banenafspraak", "waarde": aan}]
    weer = {r.regel: r for r in pas_toe(budgetkoppeling.valideer(werkboek(bladen)), "s").beleidsregels}
    assert weer["banenafspraak"].actief and not weer["jobcoach_capaciteit"].actief


@pytest.mark.parametrize("waarde", ["misschien", 2])
def test_regel_actief_refuses_other_values_in_words_a_finance_officer_uses(werkboek, waarde):
    with pytest.raises(InvoerFout) as fout:
        invoer_met(werkboek, {"aanpassing": "regel_actief", "regel": "jobcoach_capaciteit", "waarde": waarde})
    tekst = fout.value.tekst()
    assert "Scenarios" in tekst and "waarde" in tekst
    assert "eindig" not in tekst
    if waarde == 2:
        assert "ja (aan) of nee (uit)" in tekst


def test_rows_apply_in_order(werkboek):
    invoer = invoer_met(
        werkboek,
        {"aanpassing": "budget", "fonds": "ESF+", "jaar": "2026", "waarde": 100},
        {"aanpassing": "budget", "fonds": "ESF+", "jaar": "2026", "factor": 3},
    )
    assert pas_toe(invoer, "s").budget[("ESF+", R, 2026)] == pytest.approx(300)
    omgekeerd = invoer_met(
        werkboek,
        {"aanpassing": "budget", "fonds": "ESF+", "jaar": "2026", "factor": 3},
        {"aanpassing": "budget", "fonds": "ESF+", "jaar": "2026", "waarde": 100},
    )
    assert pas_toe(omgekeerd, "s").budget[("ESF+", R, 2026)] == 100


def test_scenario_does_not_change_the_base(werkboek):
    invoer = invoer_met(werkboek, {"aanpassing": "budget", "factor": 0})
    voor = dict(invoer.budget)
    pas_toe(invoer, "s")
    assert invoer.budget == voor


def test_unknown_scenario(werkboek):
    invoer = invoer_met(werkboek, {"aanpassing": "budget", "factor": 2})
    with pytest.raises(InvoerFout) as fout:
        pas_toe(invoer, "droom")
    assert "onbekend scenario" in fout.value.tekst() and "basis, s" in fout.value.tekst()


@pytest.mark.parametrize("rij, kolom, woorden", [
    ({"aanpassing": "budget", "fonds": "Onbekend", "factor": 2}, "fonds", "Fondsen"),
    ({"aanpassing": "kosten", "instrument": "Onbekend", "factor": 2}, "instrument", "Instrumenten"),
    ({"aanpassing": "regel_waarde", "regel": "Onbekend", "waarde": 2}, "regel", "Beleidsregels"),
    ({"aanpassing": "budget", "factor": 2, "waarde": 3}, "factor", "precies één"),
    ({"aanpassing": "budget"}, "factor", "precies één"),
    ({"aanpassing": "budget", "jaar": "volgend jaar", "factor": 2}, "jaar", "2028-2030"),
    ({"aanpassing": "verdubbelen", "factor": 2}, "aanpassing", "plaatsingskans"),
])
def test_scenarios_sheet_is_validated(werkboek, rij, kolom, woorden):
    bladen = voorbeeld_rijen()
    bladen["Scenarios"] = [{"scenario": "s", **rij}]
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    assert any(p.blad == "Scenarios" and p.rij == 2 and p.kolom == kolom and woorden in p.tekst()
               for p in fout.value.problemen), fout.value.tekst()
