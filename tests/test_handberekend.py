"""Tiny cases whose optimum is computed by hand, one or more per constraint family of SPEC §5.

Every case is solved with HiGHS and with CBC, written to a plan workbook and checked by
the independent checker; the objective must equal the hand-computed value.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import budgetkoppeling
from budgetkoppeling.errors import GeenOplossing

from .checker import controleer, doelwaarde
from .conftest import basis, regel, twee_instrumenten

OPLOSSERS = ["highs", "cbc"]


def los_op(werkboek, tmp_path, bladen, oplosser, **opties):
    invoer = werkboek(bladen)
    plan_pad = tmp_path / f"plan_{oplosser}.xlsx"
    plan = budgetkoppeling.optimaliseer(invoer, plan_pad, oplosser=oplosser, **opties)
    assert controleer(invoer, plan_pad) == []
    assert doelwaarde(plan_pad) == pytest.approx(plan.oplossing.doelwaarde, rel=1e-12)
    return plan


def budget(fonds, bedrag, jaar=2026, regio="A"):
    return {"fonds": fonds, "regio": regio, "jaar": jaar, "bedrag": bedrag}


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_budget_limits_participants(werkboek, tmp_path, oplosser):
    bladen = basis()
    bladen["Budgetten"] = [budget("P", 10_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(10)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(5)
    assert plan.kerncijfers["uitgaven"] == pytest.approx(10_000)
    assert plan.kerncijfers["kosten_per_plaatsing"] == pytest.approx(2_000)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_budget_verplichtingen_reduce_the_room(werkboek, tmp_path, oplosser):
    bladen = basis()
    bladen["Budgetten"] = [budget("P", 10_000)]
    bladen["Verplichtingen"] = [budget("P", 4_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(3)
    assert plan.kerncijfers["onbenut_budget"] == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_potentieel_caps_participants(werkboek, tmp_path, oplosser):
    bladen = basis()
    bladen["Budgetten"] = [budget("P", 1_000_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(100)
    assert plan.kerncijfers["onbenut_budget"] == pytest.approx(900_000)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_cofinanciering_esf_cap_forces_split_with_participatiebudget(werkboek, tmp_path, oplosser):
    # ESF pays at most 40%: P's 6,000 must cover the other 60% -> cost 10,000 -> 10 people.
    bladen = basis()
    bladen["Fondsen"].append({"fonds": "E", "soort": "esf", "overheveling": 0})
    bladen["Financieringsregels"].append({"fonds": "E", "instrument": "alle", "doelgroep": "alle", "max_aandeel": 0.4})
    bladen["Budgetten"] = [budget("P", 6_000), budget("E", 10_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(5)
    per_fonds = dict(zip(plan.financiering["fonds"], plan.financiering["bedrag"]))
    assert per_fonds["E"] == pytest.approx(4_000)
    assert per_fonds["P"] == pytest.approx(6_000)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_kosten_two_year_instrument_pays_in_both_years(werkboek, tmp_path, oplosser):
    # Start in 2026 only (doorloop nee); 2027's cost must fit 2027's budget too.
    bladen = basis(jaren=(2026, 2027))
    bladen["Instrumenten"] = [{"instrument": "I", "kosten_per_deelnemer": 1000, "duur_jaren": 2, "vertraging_jaren": 2}]
    bladen["Budgetten"] = [budget("P", 10_000, 2026), budget("P", 8_000, 2027)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(8)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(4)
    assert plan.allocatie["plaatsingsjaar"].to_list() == [2028]
    assert sorted(plan.financiering["jaar"].to_list()) == [2026, 2027]
    assert plan.allocatie["kosten"].to_list() == [pytest.approx(16_000)]


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_looptijd_doorloop_ja_reserves_the_costs_after_the_plan(werkboek, tmp_path, oplosser):
    # EUR 10,000 in 2026 pays 1,000 now and reserves 1,000 for 2027 per participant: 5, not 10
    bladen = basis(jaren=(2026,), doorloop_na_planperiode="ja")
    bladen["Instrumenten"] = [{"instrument": "I", "kosten_per_deelnemer": 1000, "duur_jaren": 2, "vertraging_jaren": 2}]
    bladen["Budgetten"] = [budget("P", 10_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(5)
    assert plan.kerncijfers["verplichtingen_na_planperiode"] == pytest.approx(5_000)
    assert plan.kerncijfers["reservering_na_planperiode"] == pytest.approx(5_000)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
@pytest.mark.parametrize("vervaljaar", [None, 2027])
def test_reservering_costs_after_the_plan_come_from_the_last_years_budget(werkboek, tmp_path, oplosser, vervaljaar):
    # Plan 2026-2027, a two-year instrument (EUR 1,000 a year), EUR 3,000 only in 2027. A start in
    # 2027 pays 1,000 in 2027 and reserves 1,000 (for 2028) from the same 2027 budget: 1.5
    # participants, 0.75 placements, EUR 1,500 spent and 1,500 reserved; a placement costs
    # 3,000 / 0.75 = 4,000. A fund that expires in 2027, the plan's last year, may still reserve.
    bladen = basis(jaren=(2026, 2027), doorloop_na_planperiode="ja")
    bladen["Instrumenten"][0]["duur_jaren"] = 2
    if vervaljaar is not None:
        bladen["Fondsen"][0]["vervaljaar"] = vervaljaar
    bladen["Budgetten"] = [budget("P", 3_000, 2027)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    kpi = plan.kerncijfers
    assert kpi["deelnemers"] == pytest.approx(1.5) and kpi["plaatsingen"] == pytest.approx(0.75)
    assert kpi["uitgaven"] == pytest.approx(1_500) and kpi["reservering_na_planperiode"] == pytest.approx(1_500)
    assert kpi["kosten_per_plaatsing"] == pytest.approx(4_000) and kpi["onbenut_budget"] == pytest.approx(0)
    assert sorted(zip(plan.financiering["jaar"], plan.financiering["bedrag"])) == [
        (2027, pytest.approx(1_500)), (2028, pytest.approx(1_500))]
    rij = plan.fondsen.filter(pl.col("jaar") == 2027).row(0, named=True)
    assert (rij["besteed"], rij["gereserveerd"], rij["onbenut"]) == (
        pytest.approx(1_500), pytest.approx(1_500), pytest.approx(0))


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_reservering_is_not_spending_for_rules(werkboek, tmp_path, oplosser):
    # a rule "uitgaven <= 1,000" counts 2027's payments only: 1 participant (1,000 now, 1,000 reserved)
    bladen = basis(jaren=(2026, 2027), doorloop_na_planperiode="ja")
    bladen["Instrumenten"][0]["duur_jaren"] = 2
    bladen["Budgetten"] = [budget("P", 3_000, 2027)]
    bladen["Beleidsregels"] = [regel(regel="plafond", grootheid="uitgaven", operator="<=", waarde=1_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(1)
    assert plan.kerncijfers["reservering_na_planperiode"] == pytest.approx(1_000)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_looptijd_forbids_trajectories_past_the_plan(werkboek, tmp_path, oplosser):
    bladen = basis(jaren=(2026,))
    bladen["Instrumenten"] = [{"instrument": "I", "kosten_per_deelnemer": 1000, "duur_jaren": 2}]
    bladen["Budgetten"] = [budget("P", 10_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(0)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_overheveling_of_twenty_percent(werkboek, tmp_path, oplosser):
    # Nobody can start in 2026; 20% of 2026's 10,000 moves to 2027 -> 2 people.
    bladen = basis(jaren=(2026, 2027))
    bladen["Fondsen"] = [{"fonds": "P", "soort": "participatiebudget", "overheveling": 0.2}]
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2027, "aantal": 100}]
    bladen["Budgetten"] = [budget("P", 10_000, 2026)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(2)
    assert plan.kerncijfers["onbenut_budget"] == pytest.approx(8_000)
    fondsen = plan.fondsen.to_dicts()
    assert fondsen[0]["overheveling_uit"] == pytest.approx(2_000)
    assert fondsen[1]["overheveling_in"] == pytest.approx(2_000)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_overheveling_money_is_lost_after_vervaljaar(werkboek, tmp_path, oplosser):
    # E expires in 2026 and may not carry over; only P's 1,000 in 2027 can pay.
    bladen = basis(jaren=(2026, 2027))
    bladen["Fondsen"].append({"fonds": "E", "soort": "esf", "overheveling": 0.5, "vervaljaar": 2026})
    bladen["Financieringsregels"].append({"fonds": "E"})
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2027, "aantal": 100}]
    bladen["Budgetten"] = [budget("E", 50_000, 2026), budget("P", 1_000, 2027)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(1)
    assert plan.kerncijfers["onbenut_budget"] == pytest.approx(50_000)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_budget_landelijk_pot_shared_by_two_regions(werkboek, tmp_path, oplosser):
    bladen = basis()
    bladen["Regios"] = [{"regio": "A"}, {"regio": "B"}]
    bladen["Fondsen"] = [{"fonds": "L", "soort": "sector", "landelijk": "ja"}]
    bladen["Financieringsregels"] = [{"fonds": "L"}]
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2026, "aantal": 6},
                            {"regio": "B", "doelgroep": "G", "jaar": 2026, "aantal": 4}]
    bladen["Budgetten"] = [{"fonds": "L", "jaar": 2026, "bedrag": 20_000}]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(5)
    assert dict(zip(plan.allocatie["regio"], plan.allocatie["deelnemers"])) == {
        "A": pytest.approx(6), "B": pytest.approx(4)}
    assert plan.fondsen.to_dicts()[0]["regio"] == "landelijk"
    assert plan.fondsen.to_dicts()[0]["onbenut"] == pytest.approx(10_000)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_budget_landelijk_pot_is_one_budget_for_all_regions(werkboek, tmp_path, oplosser):
    bladen = basis()
    bladen["Regios"] = [{"regio": "A"}, {"regio": "B"}]
    bladen["Fondsen"] = [{"fonds": "L", "soort": "sector", "landelijk": "ja"}]
    bladen["Financieringsregels"] = [{"fonds": "L"}]
    bladen["Potentieel"] = [{"regio": r, "doelgroep": "G", "jaar": 2026, "aantal": 100} for r in "AB"]
    bladen["Budgetten"] = [{"fonds": "L", "jaar": 2026, "bedrag": 15_000}]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(15)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_kosten_indexatie(werkboek, tmp_path, oplosser):
    # 2027 costs 1,000 x 1.1 = 1,100: 11,000 pays for 10 people.
    bladen = basis(jaren=(2026, 2027), kostenindexatie=0.1)
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2027, "aantal": 100}]
    bladen["Budgetten"] = [budget("P", 11_000, 2027)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(10)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_doelstelling_disconteringsvoet(werkboek, tmp_path, oplosser):
    # Placed one year later: 10 people x 0.5 / 1.25 = 4 weighted placements.
    bladen = basis(disconteringsvoet=0.25)
    bladen["Instrumenten"] = [{"instrument": "I", "kosten_per_deelnemer": 1000, "duur_jaren": 1, "vertraging_jaren": 1}]
    bladen["Budgetten"] = [budget("P", 10_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["plaatsingen"] == pytest.approx(5)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(4)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_doelstelling_discounting_prefers_earlier_placements(werkboek, tmp_path, oplosser):
    # Same money in one year; a slow instrument (placed a year later) loses to a fast one.
    bladen = basis(disconteringsvoet=0.1)
    bladen["Instrumenten"].append({"instrument": "Traag", "kosten_per_deelnemer": 1000, "duur_jaren": 1,
                                   "vertraging_jaren": 1})
    bladen["Effecten"].append({"instrument": "Traag", "doelgroep": "G", "plaatsingskans": 0.54})
    bladen["Budgetten"] = [budget("P", 10_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    # 0.54 / 1.1 = 0.491 < 0.5: all ten go to I.
    assert dict(zip(plan.allocatie["instrument"], plan.allocatie["deelnemers"])) == {"I": pytest.approx(10)}


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_segment_diminishing_returns(werkboek, tmp_path, oplosser):
    bladen = basis()
    bladen["Afnemende_meeropbrengst"] = [
        {"instrument": "alle", "segment": 1, "aandeel_potentieel": 0.5, "factor": 1},
        {"instrument": "alle", "segment": 2, "aandeel_potentieel": 0.5, "factor": 0.5},
    ]
    bladen["Budgetten"] = [budget("P", 1_000_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["plaatsingen"] == pytest.approx(0.5 * (50 + 25))


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_segment_sends_the_rest_to_the_next_instrument(werkboek, tmp_path, oplosser):
    # I's second segment is worth 0.5 x 0.2 = 0.1 per person; J gives 0.3: J takes the rest.
    bladen = basis()
    bladen["Instrumenten"].append({"instrument": "J", "kosten_per_deelnemer": 1000, "duur_jaren": 1,
                                   "vertraging_jaren": 0})
    bladen["Effecten"].append({"instrument": "J", "doelgroep": "G", "plaatsingskans": 0.3})
    bladen["Afnemende_meeropbrengst"] = [
        {"instrument": "I", "segment": 1, "aandeel_potentieel": 0.4, "factor": 1},
        {"instrument": "I", "segment": 2, "aandeel_potentieel": 0.6, "factor": 0.2},
    ]
    bladen["Budgetten"] = [budget("P", 60_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert dict(zip(plan.allocatie["instrument"], plan.allocatie["deelnemers"])) == {
        "I": pytest.approx(40), "J": pytest.approx(20)}
    assert plan.kerncijfers["plaatsingen"] == pytest.approx(20 + 6)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_doelstelling_gewicht_of_groups(werkboek, tmp_path, oplosser):
    bladen = basis()
    bladen["Doelgroepen"] = [{"doelgroep": "G", "gewicht": 2}, {"doelgroep": "H", "gewicht": 1}]
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2026, "aantal": 3},
                            {"regio": "A", "doelgroep": "H", "jaar": 2026, "aantal": 100}]
    bladen["Effecten"].append({"instrument": "I", "doelgroep": "H", "plaatsingskans": 0.9})
    bladen["Budgetten"] = [budget("P", 5_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(3 * 0.5 * 2 + 2 * 0.9)
    assert plan.kerncijfers["plaatsingen"] == pytest.approx(1.5 + 1.8)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
@pytest.mark.parametrize("grootheid, operator, waarde, verwacht", [
    ("deelnemers", "<=", 4, 0.5 * 4),                 # at most 4 people in total
    ("deelnemers", ">=", 3, 0.5 * 7 + 0.2 * 3),       # (on J) at least 3 people
    ("plaatsingen", "=", 1, 0.5 * 5 + 0.2 * 5),       # (on J) exactly 1 placement
    ("uitgaven", "<=", 4_000, 0.5 * 4),               # at most EUR 4,000 in total
    ("uitgaven", ">=", 2_000, 0.5 * 8 + 0.2 * 2),     # (on J) at least EUR 2,000
])
def test_beleidsregel_quantities_and_operators(werkboek, tmp_path, oplosser, grootheid, operator, waarde, verwacht):
    bladen = twee_instrumenten()
    instrument = "alle" if operator == "<=" else "J"
    bladen["Beleidsregels"] = [regel(instrument=instrument, grootheid=grootheid, operator=operator, waarde=waarde)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(verwacht)
    assert plan.beleidsregels["bindend"].to_list() == ["ja"]


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_beleidsregel_fonds_filter_on_uitgaven(werkboek, tmp_path, oplosser):
    bladen = basis()
    bladen["Fondsen"].append({"fonds": "Q", "soort": "overig"})
    bladen["Financieringsregels"].append({"fonds": "Q"})
    bladen["Budgetten"] = [budget("P", 10_000), budget("Q", 3_000)]
    bladen["Beleidsregels"] = [regel(fonds="P", grootheid="uitgaven", operator="<=", waarde=4_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(7)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
@pytest.mark.parametrize("filterwaarde, verwacht", [("alle", 12), ("elk", 16)])
def test_beleidsregel_alle_versus_elk(werkboek, tmp_path, oplosser, filterwaarde, verwacht):
    bladen = basis()
    bladen["Regios"] = [{"regio": "A"}, {"regio": "B"}]
    bladen["Potentieel"] = [{"regio": r, "doelgroep": "G", "jaar": 2026, "aantal": 100} for r in "AB"]
    bladen["Budgetten"] = [budget("P", 10_000, regio="A"), budget("P", 10_000, regio="B")]
    grens = 12 if filterwaarde == "alle" else 8
    bladen["Beleidsregels"] = [regel(regio=filterwaarde, grootheid="deelnemers", operator="<=", waarde=grens)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(verwacht)
    assert plan.beleidsregels.height == (1 if filterwaarde == "alle" else 2)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_beleidsregel_elk_jaar_in_placement_year(werkboek, tmp_path, oplosser):
    # Placements counted by year of placement: a cap of 1 placement in each plan year.
    bladen = basis(jaren=(2026, 2027))
    bladen["Budgetten"] = [budget("P", 10_000, 2026), budget("P", 10_000, 2027)]
    bladen["Beleidsregels"] = [regel(jaar="elk", grootheid="plaatsingen", operator="<=", waarde=1)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["plaatsingen"] == pytest.approx(2)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_beleidsregel_year_range_sums_over_those_years(werkboek, tmp_path, oplosser):
    # 2026-2028 with 100 potential and EUR 10,000 a year (10 participants a year). At most 12
    # participants in 2026 and 2027 together; 2028 is free: 12 + 10 = 22 participants.
    bladen = basis(jaren=(2026, 2027, 2028))
    bladen["Budgetten"] = [budget("P", 10_000, t) for t in (2026, 2027, 2028)]
    bladen["Beleidsregels"] = [regel(jaar="2026-2027", grootheid="deelnemers", operator="<=", waarde=12)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(22)
    assert plan.beleidsregels["bereikt"].to_list() == [pytest.approx(12)]


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_beleidsregel_inactive_rule_is_ignored(werkboek, tmp_path, oplosser):
    bladen = twee_instrumenten()
    bladen["Beleidsregels"] = [regel(grootheid="deelnemers", operator="<=", waarde=1, actief="nee")]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(5)
    assert plan.beleidsregels.height == 0


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_financiering_most_specific_rule_wins(werkboek, tmp_path, oplosser):
    # E pays 40% of everything but nothing of J (a named rule beats alle).
    bladen = twee_instrumenten()
    bladen["Effecten"][1]["plaatsingskans"] = 0.6
    bladen["Fondsen"].append({"fonds": "E", "soort": "esf"})
    bladen["Financieringsregels"] += [{"fonds": "E", "max_aandeel": 0.4},
                                      {"fonds": "E", "instrument": "J", "max_aandeel": 0}]
    bladen["Budgetten"] = [budget("P", 0), budget("E", 100_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(0)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_geheel_gives_whole_people(werkboek, tmp_path, oplosser):
    bladen = basis()
    bladen["Budgetten"] = [budget("P", 10_500)]
    lp = los_op(werkboek, tmp_path, bladen, oplosser)
    mip = los_op(werkboek, tmp_path, bladen, oplosser, geheel=True)
    assert lp.kerncijfers["deelnemers"] == pytest.approx(10.5)
    assert mip.kerncijfers["deelnemers"] == pytest.approx(10)
    assert mip.kerncijfers["gewogen_plaatsingen"] == pytest.approx(5)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_geheel_makes_each_cell_whole_not_each_segment(werkboek, tmp_path, oplosser):
    """Segment 1 holds 30.5 people at factor 1, the rest factor 0.5; money for 60.5 participants.
    Whole persons per cell: 60 = 30.5 + 29.5, placements 0.5 (30.5 + 0.5 x 29.5) = 22.625. Whole
    per segment would give 30 + 30 and 22.5."""
    bladen = basis()
    bladen["Budgetten"] = [budget("P", 60_500)]
    bladen["Afnemende_meeropbrengst"] = [
        {"instrument": "alle", "segment": 1, "aandeel_potentieel": 0.305, "factor": 1},
        {"instrument": "alle", "segment": 2, "aandeel_potentieel": 0.695, "factor": 0.5}]
    lp = los_op(werkboek, tmp_path, bladen, oplosser)
    mip = los_op(werkboek, tmp_path, bladen, oplosser, geheel=True)
    assert lp.kerncijfers["deelnemers"] == pytest.approx(60.5)
    assert lp.kerncijfers["gewogen_plaatsingen"] == pytest.approx(22.75)
    assert mip.kerncijfers["deelnemers"] == pytest.approx(60)
    assert mip.kerncijfers["gewogen_plaatsingen"] == pytest.approx(22.625)
    assert mip.kerncijfers["plaatsingen"] == pytest.approx(22.625)  # the Samenvatting agrees with Allocatie


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_budget_commitments_above_budget_name_fund_region_year_and_shortfall(werkboek, oplosser):
    bladen = basis(jaren=(2026, 2027))
    bladen["Budgetten"] = [budget("P", 10_000, 2026), budget("P", 10_000, 2027)]
    bladen["Verplichtingen"] = [budget("P", 12_500, 2027)]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen), oplosser=oplosser)
    assert len(fout.value.tekorten) == 1
    tekort = fout.value.tekorten[0]
    assert (tekort["fonds"], tekort["regio"], tekort["jaar"]) == ("P", "A", 2027)
    assert tekort["tekort"] == pytest.approx(2_500)
    assert "€ 2.500" in fout.value.melding


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_beleidsregel_minimum_without_money_names_the_rule(werkboek, oplosser):
    bladen = basis()
    bladen["Budgetten"] = [budget("P", 10_000)]
    bladen["Beleidsregels"] = [regel(regel="banenafspraak", grootheid="plaatsingen", operator=">=", waarde=8)]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen), oplosser=oplosser)
    soorten = {t["soort"] for t in fout.value.tekorten}
    assert "banenafspraak" in fout.value.melding
    # 8 placements need 16 people = 16,000 euros: the cheapest repair is 6,000 euros or 3 placements.
    totaal = sum(t["tekort"] for t in fout.value.tekorten)
    assert soorten <= {"budget", "beleidsregel"}
    assert totaal == pytest.approx(3) or totaal == pytest.approx(6_000)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_looptijd_named_when_a_minimum_needs_a_trajectory_past_the_plan(werkboek, oplosser):
    # I takes two years; plan 2026-2027 without run-on: nobody may start in 2027, so a minimum of
    # 5 starts in each year (jaar = elk) fails for 2027 by 5, and the diagnosis names the duration.
    bladen = basis(jaren=(2026, 2027), doorloop_na_planperiode="nee")
    bladen["Instrumenten"][0]["duur_jaren"] = 2
    bladen["Budgetten"] = [budget("P", 100_000, t) for t in (2026, 2027)]
    bladen["Beleidsregels"] = [regel(regel="beschut", jaar="elk", grootheid="deelnemers", operator=">=", waarde=5)]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen), oplosser=oplosser)
    assert [(t["soort"], round(t["tekort"], 6)) for t in fout.value.tekorten] == [("beleidsregel", 5)]
    assert "jaar=2027" in fout.value.tekorten[0]["regel"]
    assert any("duurt 2 jaar" in b and "2027" in b and "doorloop_na_planperiode" in b
               for b in fout.value.betrokken), fout.value.betrokken


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_financiering_split_prefers_expiring_then_eu_and_national_money(werkboek, tmp_path, oplosser):
    # 10 participants cost EUR 10,000; P (participatiebudget), E (esf) and S (sector, expires in
    # 2026) could each pay it all: S first, then E, the Participatiebudget only for the rest.
    bladen = basis()
    bladen["Fondsen"] += [{"fonds": "E", "soort": "esf"}, {"fonds": "S", "soort": "sector", "vervaljaar": 2026}]
    bladen["Financieringsregels"] += [{"fonds": "E"}, {"fonds": "S"}]
    bladen["Potentieel"][0]["aantal"] = 10
    bladen["Budgetten"] = [budget("P", 20_000), budget("E", 6_000), budget("S", 3_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(10)
    besteed = dict(zip(plan.fondsen["fonds"], plan.fondsen["besteed"]))
    assert besteed == {"S": pytest.approx(3_000), "E": pytest.approx(6_000), "P": pytest.approx(1_000)}


def test_highs_and_clp_give_the_same_split_where_the_first_solve_does_not():
    from budgetkoppeling import solve
    from budgetkoppeling.model import bouw
    from budgetkoppeling.validate import lees_en_valideer

    model = bouw(lees_en_valideer(budgetkoppeling.VOORBEELD))
    y = model.variabelen["y"]
    voorkeur = solve.financieringsvoorkeur(model)
    een = [solve._highs(model, False).waarden, solve._clp(model).waarden]
    twee = [solve._highs(model, False, voorkeur).waarden, solve._clp(model, voorkeur).waarden]
    verschil = [float(np.max(np.abs(a[y.start:y.start + y.aantal] - b[y.start:y.start + y.aantal])))
                for a, b in (een, twee)]
    assert verschil[0] > 1_000  # alternative optima: the national example's first solves differ by millions
    assert verschil[1] < 0.05  # the second phase: the same payments to the cent
    for waarden in twee:  # and the plan's weighted placements stay the optimum
        assert float(model.doel @ waarden) == pytest.approx(float(model.doel @ een[0]), rel=1e-9)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_besparing_on_benefits_is_reported_not_optimised(werkboek, tmp_path, oplosser):
    # EUR 10,000 buys 10 participants of I (chance 0.5) starting 2026, placed a year later: 5
    # placements in 2027, each ending EUR 12,000 of benefit for besparing_jaren = 2 years,
    # discounted at 10% for one year: 5 x 12,000 x 2 / 1.1 = 109,090.91; net cost 10,000 - that.
    bladen = basis(jaren=(2026, 2027), disconteringsvoet=0.1, besparing_jaren=2)
    bladen["Instrumenten"][0]["vertraging_jaren"] = 1
    bladen["Doelgroepen"][0]["uitkering_per_jaar"] = 12_000
    bladen["Budgetten"] = [budget("P", 10_000)]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    cijfers = plan.kerncijfers
    assert cijfers["besparing_uitkeringen"] == pytest.approx(5 * 12_000 * 2 / 1.1)
    assert cijfers["netto_kosten"] == pytest.approx(10_000 - 5 * 12_000 * 2 / 1.1)
    assert cijfers["gewogen_plaatsingen"] == pytest.approx(5 / 1.1)  # the objective is unchanged
    zonder = basis(jaren=(2026, 2027), disconteringsvoet=0.1)
    zonder["Instrumenten"][0]["vertraging_jaren"] = 1
    zonder["Budgetten"] = [budget("P", 10_000)]
    assert "besparing_uitkeringen" not in los_op(werkboek, tmp_path, zonder, oplosser).kerncijfers


def test_besparing_in_the_comparison_evaluation_and_terminal(werkboek, tmp_path):
    import polars as pl

    from budgetkoppeling.sjabloon import voorbeeld_rijen

    from .uitvoercontrole import draai

    pad = werkboek(voorbeeld_rijen())  # the template's example: bijstand ends EUR 14,000 a year
    code, uit = draai("optimaliseer", pad, "-o", tmp_path / "plan.xlsx")
    assert code == 0 and "Besparing op uitkeringen" in uit and "Netto kosten" in uit
    code, uit = draai("vergelijk", pad, "-o", tmp_path / "v.xlsx")
    assert code == 0 and "Netto" in uit  # the column header wraps at 80 columns
    kerncijfers = pl.read_excel(tmp_path / "v.xlsx", table_name="Vergelijking")
    rij = {r["kpi"]: r for r in kerncijfers.iter_rows(named=True)}
    assert rij["netto_kosten"]["basis"] == pytest.approx(rij["uitgaven"]["basis"]
                                                         - rij["besparing_uitkeringen"]["basis"])
    code, uit = draai("evalueer", pad, "-o", tmp_path / "e.xlsx")
    assert code == 0
    evaluatie = {r["kpi"]: r for r in pl.read_excel(tmp_path / "e.xlsx", table_name="Evaluatie").iter_rows(named=True)}
    huidig = evaluatie["besparing_uitkeringen"]["huidige_verdeling"]
    assert huidig > 0
    assert evaluatie["netto_kosten"]["huidige_verdeling"] == pytest.approx(
        evaluatie["uitgaven"]["huidige_verdeling"] - huidig)


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_koppeling_partner_matches_the_fund(werkboek, tmp_path, oplosser):
    # P has EUR 10,000 and S EUR 2,000, both may pay everything (I: EUR 1,000, chance 0.5). S must
    # pay at least as much as P (verhouding 1): P <= S <= 2,000, so EUR 4,000: 4 participants, 2
    # placements; without the koppeling 12 participants.
    bladen = basis()
    bladen["Fondsen"].append({"fonds": "S", "soort": "sector"})
    bladen["Financieringsregels"].append({"fonds": "S"})
    bladen["Budgetten"] = [budget("P", 10_000), budget("S", 2_000)]
    assert los_op(werkboek, tmp_path, bladen, oplosser).kerncijfers["deelnemers"] == pytest.approx(12)
    bladen["Koppelingen"] = [{"koppeling": "sectorplan", "fonds": "P", "partner": "S", "verhouding": 1,
                              "jaar": "elk"}]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(4)
    besteed = dict(zip(plan.fondsen["fonds"], plan.fondsen["besteed"]))
    assert besteed == {"P": pytest.approx(2_000), "S": pytest.approx(2_000)}
    assert any(n.startswith("koppeling_") for n in plan.oplossing.model.rijnamen())
    tekst = "\n".join(plan.toelichting["toelichting"])
    # one euro less matching lets P pay one more euro: 1/1,000 participant x 2 euros... gains 0.25
    # weighted placements per EUR 1,000 of relaxation: 25 per EUR 100,000
    assert "Koppeling 'sectorplan [jaar=2026]' is bindend: S betaalt precies 1 x wat P betaalt" in tekst
    import openpyxl

    rijen = list(openpyxl.load_workbook(tmp_path / f"plan_{oplosser}.xlsx")["Schaduwprijzen"].iter_rows(
        values_only=True))
    koppeling = [r for r in rijen if r[0] and str(r[0]).startswith("koppeling sectorplan")]
    assert koppeling and koppeling[0][5] == "€ 100.000" and koppeling[0][6] > 0


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_koppeling_that_cannot_be_met_is_named(werkboek, oplosser):
    # A minimum of 6 participants needs EUR 6,000; S (EUR 2,000) must match P at least 2 x.
    bladen = basis()
    bladen["Fondsen"].append({"fonds": "S", "soort": "sector"})
    bladen["Financieringsregels"].append({"fonds": "S"})
    bladen["Budgetten"] = [budget("P", 10_000), budget("S", 2_000)]
    bladen["Koppelingen"] = [{"koppeling": "sectorplan", "fonds": "P", "partner": "S", "verhouding": 2}]
    bladen["Beleidsregels"] = [regel(regel="minimum", grootheid="deelnemers", operator=">=", waarde=6)]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen), oplosser=oplosser)
    assert "sectorplan" in fout.value.melding or "minimum" in fout.value.melding


def test_second_phase_that_loses_objective_keeps_the_first_plan():
    """The guard behind the optimal face: a second-phase plan with fewer weighted placements than the
    first (beyond 1e-9) is not taken; one with the same objective is."""
    from budgetkoppeling import solve
    from budgetkoppeling.model import bouw
    from budgetkoppeling.validate import lees_en_valideer

    model = bouw(lees_en_valideer(budgetkoppeling.VOORBEELD))
    matrix = model.matrix("csc")
    eerste = solve._clp_hier(model, matrix, solve.Kostenvrij.van(model, matrix))
    slechter = solve._houd_optimum(model, eerste, eerste.waarden * 0.999)
    assert slechter is eerste
    gelijk = solve._houd_optimum(model, eerste, eerste.waarden.copy())
    assert gelijk is not eerste and np.array_equal(gelijk.waarden, eerste.waarden)
    assert gelijk.duals is eerste.duals
    assert solve._houd_optimum(model, eerste, None) is eerste


def _overgang(budget_p: float, band: float) -> dict:
    """Today's plan in region A, 2026: 4 in I (chance 0.5) and 6 in J (chance 0.2); K (chance 0.9)
    is new. Every instrument costs EUR 1,000."""
    bladen = twee_instrumenten(budget=budget_p)
    bladen["Instellingen"].append({"sleutel": "max_verschuiving", "waarde": band})
    bladen["Instrumenten"].append({"instrument": "K", "kosten_per_deelnemer": 1000, "duur_jaren": 1,
                                   "vertraging_jaren": 0})
    bladen["Effecten"].append({"instrument": "K", "doelgroep": "G", "plaatsingskans": 0.9})
    bladen["Huidige_verdeling"] = [
        {"regio": "A", "instrument": i, "doelgroep": "G", "jaar": 2026, "deelnemers": n} for i, n in (("I", 4),
                                                                                                    ("J", 6))]
    return bladen


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_overgang_keeps_each_instrument_in_its_band(werkboek, tmp_path, oplosser):
    # a = 0.5: I in [2, 6], J in [3, 9], the new K at most 0.5 x 10 = 5; ten participants of budget.
    # K takes its 5, J its minimum 3, I the other 2 (its minimum too): 4.5 + 0.6 + 1.0 = 6.1 placements.
    # Free, all ten would go to K: 9.
    plan = los_op(werkboek, tmp_path, _overgang(10_000, 0.5), oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(6.1)
    per_instrument = dict(zip(plan.allocatie["instrument"], plan.allocatie["deelnemers"]))
    assert per_instrument == {"I": pytest.approx(2), "J": pytest.approx(3), "K": pytest.approx(5)}
    namen = plan.oplossing.model.rijnamen()
    assert {"overgang_A_I_2026_min", "overgang_A_I_2026_max", "overgang_A_J_2026_min", "overgang_A_K_2026_max"} \
        <= set(namen)
    # what one percentage point more band gains, from the duals, equals a re-solve at a = 0.51
    # (K may take 5.1, J's minimum drops to 2.94 and I's to 1.96)
    from budgetkoppeling.uitleg import overgangprijzen

    prijzen = overgangprijzen(plan.oplossing)
    winst = float(prijzen["winst_per_procentpunt"].sum())
    breder = los_op(werkboek, tmp_path, _overgang(10_000, 0.51), oplosser)
    assert breder.kerncijfers["gewogen_plaatsingen"] - 6.1 == pytest.approx(winst, rel=1e-6)
    tekst = "\n".join(plan.toelichting["toelichting"])
    assert "binnen ±50% van de huidige verdeling" in tekst and "1 procentpunt breder" in tekst


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_overgang_too_tight_is_named_with_its_shortfall(werkboek, oplosser):
    # a = 0.1: I at least 3.6 and J at least 5.4, 9 participants, but the budget pays 8: one short
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(_overgang(8_000, 0.1)), oplosser=oplosser)
    tekorten = fout.value.tekorten
    assert [t["soort"] for t in tekorten] == ["overgang"]
    assert sum(t["tekort"] for t in tekorten) == pytest.approx(1.0)
    assert "binnen de band van ±10% rond de huidige" in fout.value.melding
    assert "max_verschuiving" in fout.value.melding


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_realisatie_fixes_the_realised_years_and_plans_the_rest(werkboek, tmp_path, oplosser):
    # 2026 and 2027 with EUR 10,000 each and 20% carry-over; I (chance 0.5) and J (chance 0.2) at
    # EUR 1,000. Realised in 2026: 4 in J, EUR 4,000, so EUR 2,000 carries over (20% cap) and 2027 has
    # EUR 12,000: 12 in I. Weighted: 0.8 + 6 = 6.8. The free plan puts 10 in I in each year: 10.
    bladen = twee_instrumenten()
    bladen["Instellingen"][1]["waarde"] = "2027"
    bladen["Fondsen"][0]["overheveling"] = 0.2
    bladen["Potentieel"].append({"regio": "A", "doelgroep": "G", "jaar": 2027, "aantal": 100})
    bladen["Budgetten"].append({"fonds": "P", "regio": "A", "jaar": 2027, "bedrag": 10_000})
    bladen["Realisatie"] = [{"regio": "A", "instrument": "J", "doelgroep": "G", "jaar": 2026, "deelnemers": 4}]
    invoer = werkboek(bladen)
    assert budgetkoppeling.optimaliseer(invoer, oplosser=oplosser).kerncijfers["gewogen_plaatsingen"] == \
        pytest.approx(10)
    plan_pad = tmp_path / f"plan_{oplosser}.xlsx"
    plan = budgetkoppeling.optimaliseer(invoer, plan_pad, oplosser=oplosser, vanaf=2027)
    assert controleer(invoer, plan_pad, vanaf=2027) == []
    assert plan.oplossing.doelwaarde == pytest.approx(6.8)
    per_cel = {(r["instrument"], r["startjaar"]): r["deelnemers"] for r in plan.allocatie.to_dicts()}
    assert per_cel == {("J", 2026): pytest.approx(4), ("I", 2027): pytest.approx(12)}
    assert {"realisatie_A_I_G_2026", "realisatie_A_J_G_2026"} <= set(plan.oplossing.model.rijnamen())


def _twee_gelijke_instrumenten(jaren=(2026, 2027, 2028, 2029)) -> dict:
    """I and J alike (EUR 1,000, one year, chance 0.5), EUR 10,000 a year: ten participants a year,
    split over I and J in any way; every split is optimal."""
    bladen = basis(jaren=jaren)
    bladen["Instrumenten"].append({"instrument": "J", "kosten_per_deelnemer": 1000, "duur_jaren": 1,
                                   "vertraging_jaren": 0})
    bladen["Effecten"].append({"instrument": "J", "doelgroep": "G", "plaatsingskans": 0.5})
    bladen["Budgetten"] = [budget("P", 10_000, t) for t in jaren]
    return bladen


def _per_instrument_per_jaar(plan) -> dict[tuple[str, int], float]:
    som = plan.allocatie.group_by("instrument", "startjaar").agg(pl.col("deelnemers").sum())
    return {(i, t): n for i, t, n in som.iter_rows()}


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_jaarverschil_the_steadiest_of_the_optimal_plans(werkboek, tmp_path, oplosser):
    # Without step 2 the tie-break of step 3 put I and J in alternate years (40 persons of change
    # over four years, measured); the steadiest optimum keeps each instrument's number every year.
    plan = los_op(werkboek, tmp_path, _twee_gelijke_instrumenten(), oplosser)
    aantallen = _per_instrument_per_jaar(plan)
    for instrument in ("I", "J"):
        reeks = [aantallen.get((instrument, t), 0.0) for t in (2026, 2027, 2028, 2029)]
        assert max(reeks) - min(reeks) == pytest.approx(0, abs=1e-5), (instrument, reeks)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(20)  # nothing given up for it


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_jaarverschil_on_a_large_face_by_the_interior_point_is_the_same_plan(werkboek, tmp_path, oplosser,
                                                                             monkeypatch):
    """A face with more than GROOT_VLAK free columns gets step (2) from HiGHS's interior point
    (solve._stap_2_inwendig), then step (3) from the chosen solver: the same steadiest plan as the simplex."""
    from budgetkoppeling import solve

    gewoon = _per_instrument_per_jaar(los_op(werkboek, tmp_path, _twee_gelijke_instrumenten(), oplosser))
    echt, spoor = solve._stap_2_inwendig, tmp_path / "stap_2.txt"

    def gevolgd(matrix, grenzen, kosten_2, rij_3):  # the solve runs in a forked child: it leaves a trace in a file
        grens = echt(matrix, grenzen, kosten_2, rij_3)
        onder, boven = grenzen[0], grenzen[1]
        spoor.write_text(f"{grens!r} {bool(np.all(onder < boven))}")
        return grens

    monkeypatch.setattr(solve, "GROOT_VLAK", 0)
    monkeypatch.setattr(solve, "_stap_2_inwendig", gevolgd)
    via_ipm = _per_instrument_per_jaar(los_op(werkboek, tmp_path, _twee_gelijke_instrumenten(), oplosser))
    grens, alleen_vrije = spoor.read_text().split()
    assert grens != "None"  # it ran and found the minimum ...
    assert alleen_vrije == "True"  # ... on the face's free columns only
    assert set(via_ipm) == set(gewoon)
    for sleutel, aantal in gewoon.items():
        assert via_ipm[sleutel] == pytest.approx(aantal, abs=1e-6), sleutel


def test_jaarverschil_by_the_interior_point_tries_crossover_where_its_own_point_is_not_optimal(werkboek, tmp_path,
                                                                                              monkeypatch):
    """Step (2) on a large face runs the interior point without crossover first; where that does not end optimal
    (here: stopped after one iteration), again with crossover: the same steadiest plan."""
    from budgetkoppeling import solve

    gewoon = _per_instrument_per_jaar(los_op(werkboek, tmp_path, _twee_gelijke_instrumenten(), "cbc"))
    echt, spoor = solve._highs_nauwkeurig, tmp_path / "pogingen.txt"

    def eerste_stopt_meteen():
        h = echt()
        pogingen = len(spoor.read_text().split()) if spoor.exists() else 0
        if pogingen == 0:
            h.setOptionValue("ipm_iteration_limit", 1)
        spoor.write_text("x " * (pogingen + 1))
        return h

    monkeypatch.setattr(solve, "GROOT_VLAK", 0)
    monkeypatch.setattr(solve, "_highs_nauwkeurig", eerste_stopt_meteen)
    via_ipm = _per_instrument_per_jaar(los_op(werkboek, tmp_path, _twee_gelijke_instrumenten(), "cbc"))
    assert len(spoor.read_text().split()) == 2  # the first attempt stopped, the second (crossover) solved
    assert set(via_ipm) == set(gewoon)
    for sleutel, aantal in gewoon.items():
        assert via_ipm[sleutel] == pytest.approx(aantal, abs=1e-6), sleutel


@pytest.mark.parametrize("oplosser", OPLOSSERS)
@pytest.mark.parametrize("vandaag", ["I", "J"])
def test_jaarverschil_starts_from_todays_plan(werkboek, tmp_path, oplosser, vandaag):
    # Today 10 participants in `vandaag`: the steadiest optimum keeps them there every year (change 0).
    bladen = _twee_gelijke_instrumenten()
    bladen["Huidige_verdeling"] = [{"regio": "A", "instrument": vandaag, "doelgroep": "G", "jaar": 2026,
                                    "deelnemers": 10}]
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    aantallen = _per_instrument_per_jaar(plan)
    assert [aantallen.get((vandaag, t), 0.0) for t in (2026, 2027, 2028, 2029)] == [pytest.approx(10, abs=1e-5)] * 4


def _met_esf_risico(risico: float = 0.1, **instellingen) -> dict:
    """P (participatiebudget) EUR 20,000, E (esf, at most 40% of a cost, vaststellingsrisico ``risico``)
    EUR 30,000; EUR 1,000 a participant at chance 0.5."""
    bladen = basis(**instellingen)
    bladen["Fondsen"].append({"fonds": "E", "soort": "esf", "vaststellingsrisico": risico})
    bladen["Financieringsregels"].append({"fonds": "E", "max_aandeel": 0.4})
    bladen["Budgetten"] = [budget("P", 20_000), budget("E", 30_000)]
    return bladen


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_vaststelling_the_reserve_fund_holds_the_expected_correction(werkboek, tmp_path, oplosser):
    # E pays 40% of the costs C, P the rest and holds 10% of E's payments: 0.6 C + 0.04 C <= 20,000, so
    # C = 31,250 (31.25 participants), E pays 12,500, P 18,750 and holds 1,250 (without the risk: C = 33,333)
    plan = los_op(werkboek, tmp_path, _met_esf_risico(), oplosser)
    kpi = plan.kerncijfers
    assert kpi["deelnemers"] == pytest.approx(31.25) and kpi["esf_risico"] == pytest.approx(1_250)
    rijen = {r["fonds"]: r for r in plan.fondsen.iter_rows(named=True)}
    assert (rijen["P"]["besteed"], rijen["P"]["esf_risico"], rijen["P"]["onbenut"]) == (
        pytest.approx(18_750), pytest.approx(1_250), pytest.approx(0, abs=1e-6))
    assert rijen["E"]["besteed"] == pytest.approx(12_500) and rijen["E"]["esf_risico"] == pytest.approx(0)
    zonder = los_op(werkboek, tmp_path, _met_esf_risico(0.0), oplosser)
    assert zonder.kerncijfers["deelnemers"] == pytest.approx(100 / 3) and "esf_risico" not in zonder.kerncijfers


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_vaststelling_in_the_reserve_fund_of_the_settings(werkboek, tmp_path, oplosser):
    # reservefonds Q (overig, pays nothing itself, EUR 500) holds 10% of what E pays: E pays at most 5,000,
    # P its whole 20,000, so C = 25,000 (25 participants; E pays 20%, not its 40%)
    bladen = _met_esf_risico(reservefonds="Q")
    bladen["Fondsen"].append({"fonds": "Q", "soort": "overig"})
    bladen["Budgetten"].append(budget("Q", 500))
    plan = los_op(werkboek, tmp_path, bladen, oplosser)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(25) and plan.kerncijfers["esf_risico"] == pytest.approx(500)
    rijen = {r["fonds"]: r for r in plan.fondsen.iter_rows(named=True)}
    assert (rijen["Q"]["besteed"], rijen["Q"]["esf_risico"]) == (pytest.approx(0), pytest.approx(500))
    assert (rijen["E"]["besteed"], rijen["P"]["besteed"]) == (pytest.approx(5_000), pytest.approx(20_000))


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_inbreng_lets_a_municipality_use_its_neighbours_money(werkboek, tmp_path, oplosser):
    """SPEC §9, tests/test_gemeenten.py: M2 (EUR 2,000, a quarter of the pool by inwoners) fills the pool with
    all it has, so the pool pays EUR 8,000 and M1 (EUR 10,000, only 5 people of its own) puts in EUR 6,000
    and pays EUR 4,000 itself: EUR 12,000, 12 participants, 6 weighted placements (7 and 3.5 without)."""
    from .test_gemeenten import regio_a

    plan = los_op(werkboek, tmp_path, regio_a(), oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(6)
    inbreng = {r["gemeente"]: r["inbreng"] for r in plan.per_gemeente.to_dicts()}
    assert inbreng == {"M1": pytest.approx(6_000), "M2": pytest.approx(2_000)}


@pytest.mark.parametrize("oplosser", OPLOSSERS)
def test_tegenprestatie_gives_each_municipality_its_share_back(werkboek, tmp_path, oplosser):
    """With min_tegenprestatie 0.8 the pool pays for M1's residents at least 0.8 x 0.75 P; M1 has 5 people:
    own + 0.6 P <= 5,000 with P <= 8,000, so EUR 8,200 and 4.1 weighted placements (6 without the floor)."""
    from .test_gemeenten import regio_a

    plan = los_op(werkboek, tmp_path, regio_a(alpha=0.8), oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(4.1)
    assert plan.kerncijfers["uitgaven"] == pytest.approx(8_200)
