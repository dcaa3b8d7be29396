"""The explanation layer: shadow prices by finite differences, reduced-cost thresholds,
infeasibility named down to the euro, and every sentence of the Toelichting."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

import budgetkoppeling
from budgetkoppeling.diagnose import los_op_of_verklaar as los_op
from budgetkoppeling.errors import GeenOplossing
from budgetkoppeling.io import schrijf_invoer
from budgetkoppeling.model import bouw
from budgetkoppeling.rapport import Plan
from budgetkoppeling.uitleg import drempels, schaduwprijzen

from .conftest import basis, regel, twee_instrumenten
from .test_eigenschappen import werkboeken

VIER = ["fonds", "regio", "jaar", "extra_plaatsingen_per_100k"]


def oplossen(invoer, oplosser="highs"):
    return los_op(bouw(invoer), oplosser)


def met_budget(invoer, sleutel, delta):
    nieuw = copy.deepcopy(invoer)
    nieuw.budget[sleutel] = nieuw.budget.get(sleutel, 0.0) + delta
    return nieuw


def controleer_schaduwprijs(invoer, sleutel, dual_per_euro, delta):
    """The dual lies between the right and left derivatives; equals them where the basis holds.

    The derivatives come from HiGHS re-solves (objective accurate to about 1e-9); the duals of
    both solvers arrive in full precision (CBC's through its binary solution file), so the
    margin is 1e-6 relative for both.
    """
    midden = oplossen(invoer).doelwaarde
    rechts = (oplossen(met_budget(invoer, sleutel, delta)).doelwaarde - midden) / delta
    if invoer.budget.get(sleutel, 0.0) - invoer.verplichtingen.get(sleutel, 0.0) >= delta:
        links = (midden - oplossen(met_budget(invoer, sleutel, -delta)).doelwaarde) / delta
    else:
        links = float("inf")
    relatief = 1e-6
    absoluut = 1e-11
    marge = relatief * abs(rechts) + absoluut
    assert rechts - marge <= dual_per_euro <= links + marge, (sleutel, rechts, dual_per_euro, links)
    if abs(links - rechts) <= marge:
        assert dual_per_euro == pytest.approx(rechts, rel=relatief, abs=absoluut)
    return rechts, links


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bladen=werkboeken())
def test_shadow_prices_match_finite_differences(bladen):
    with tempfile.TemporaryDirectory() as map_:
        pad = Path(map_) / "invoer.xlsx"
        schrijf_invoer(pad, bladen)
        invoer = budgetkoppeling.valideer(pad)
    for oplosser in ("highs", "cbc"):
        oplossing = oplossen(invoer, oplosser)
        prijzen = schaduwprijzen(oplossing)
        for fonds, regio, jaar, per_100k in prijzen.head(2).select(VIER).iter_rows():
            sleutel = (fonds, regio, jaar)  # a national pot's region is "landelijk" in the input's keys too
            controleer_schaduwprijs(invoer, sleutel, per_100k / 100_000, 50.0)


def test_shadow_prices_of_the_national_example():
    invoer = budgetkoppeling.valideer(budgetkoppeling.VOORBEELD)
    prijzen = schaduwprijzen(oplossen(invoer))
    assert prijzen["extra_plaatsingen_per_100k"][0] > 0
    for fonds, regio, jaar, per_100k in prijzen.head(2).select(VIER).iter_rows():
        sleutel = (fonds, regio, jaar)
        controleer_schaduwprijs(invoer, sleutel, per_100k / 100_000, 1_000.0)


def test_shadow_price_includes_the_carry_over_cap(werkboek):
    # Potential only in 2027; 20% of 2026's budget may move there: EUR 1 more in 2026 -> EUR 0.2 in 2027.
    bladen = basis(jaren=(2026, 2027))
    bladen["Fondsen"] = [{"fonds": "P", "soort": "participatiebudget", "overheveling": 0.2}]
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2027, "aantal": 100}]
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 10_000}]
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    prijzen = dict(((f, r, j), p) for f, r, j, p in schaduwprijzen(oplossen(invoer)).select(VIER).iter_rows())
    assert prijzen[("P", "A", 2026)] == pytest.approx(0.2 * 0.5 / 1000 * 100_000)
    assert prijzen[("P", "A", 2027)] == pytest.approx(0.5 / 1000 * 100_000)


# ----------------------------------------------------------------------------- thresholds


def gebruikt(werkboek, bladen, instrument) -> float:
    plan = budgetkoppeling.optimaliseer(werkboek(bladen))
    return float(plan.allocatie.filter(plan.allocatie["instrument"] == instrument)["deelnemers"].sum())


@pytest.mark.parametrize("oplosser", ["highs", "cbc"])
def test_thresholds_of_an_unused_instrument(werkboek, oplosser):
    # I: chance 0.5 for EUR 1,000. J (0.3) would need a chance above 0.5, or a cost below EUR 600.
    invoer = budgetkoppeling.valideer(werkboek(twee_instrumenten(kans_j=0.3)))
    (drempel,) = drempels(oplossen(invoer, oplosser))
    assert drempel.instrument == "J"
    assert drempel.kansen["G"] == (0.3, pytest.approx(0.5))
    assert drempel.kosten_drempel == pytest.approx(600)


def test_crossing_the_chance_threshold_brings_the_instrument_in(werkboek):
    assert gebruikt(werkboek, twee_instrumenten(kans_j=0.5 * 1.001), "J") > 0
    assert gebruikt(werkboek, twee_instrumenten(kans_j=0.5 * 0.999), "J") == 0


def test_crossing_the_cost_threshold_brings_the_instrument_in(werkboek):
    assert gebruikt(werkboek, twee_instrumenten(kans_j=0.3, kosten_j=600 * 0.999), "J") > 0
    assert gebruikt(werkboek, twee_instrumenten(kans_j=0.3, kosten_j=600 * 1.001), "J") == 0


def test_threshold_on_the_national_example(tmp_path):
    invoer = budgetkoppeling.valideer(budgetkoppeling.VOORBEELD)
    # the example uses every instrument; with werkfit's chances halved it uses that one no more
    for (instrument, groep), kans in list(invoer.effecten.items()):
        if instrument == "werkfit traject":
            invoer.effecten[(instrument, groep)] = kans / 2
    kandidaten = [(d.instrument, g, kans, nodig) for d in drempels(oplossen(invoer))
                  for g, (kans, nodig) in d.kansen.items() if nodig is not None and kans < nodig < 1]
    assert kandidaten
    instrument, groep, _kans, nodig = min(kandidaten, key=lambda k: k[3] - k[2])
    for factor, verwacht in ((1.001, True), (0.999, False)):
        ander = copy.deepcopy(invoer)
        ander.effecten[(instrument, groep)] = nodig * factor
        oplossing = oplossen(ander)
        inzet = sum(w for (r, i, g, t, s), w in oplossing.x.items() if i == instrument)
        assert (inzet > 1e-6) == verwacht, (instrument, groep, nodig, factor, inzet)


# ----------------------------------------------------------------------------- infeasibility


def test_precheck_commitments_above_budget(werkboek):
    bladen = basis()
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 1_000}]
    bladen["Verplichtingen"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 1_250.5}]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen))
    (tekort,) = fout.value.tekorten
    assert (tekort["fonds"], tekort["regio"], tekort["jaar"]) == ("P", "A", 2026)
    assert tekort["tekort"] == pytest.approx(250.5)
    assert "er ontbreekt € 250,50" in fout.value.melding


def test_precheck_minimum_rule_without_any_cell(werkboek):
    bladen = basis()
    bladen["Doelgroepen"].append({"doelgroep": "H"})
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 1_000}]
    bladen["Beleidsregels"] = [regel(regel="banenafspraak", doelgroep="H", grootheid="plaatsingen", operator=">=",
                                     waarde=5)]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen))
    assert fout.value.tekorten[0]["regel"] == "banenafspraak"
    assert fout.value.tekorten[0]["tekort"] == 5
    assert "geen enkele combinatie" in fout.value.melding


@pytest.mark.parametrize("oplosser", ["highs", "cbc"])
def test_impossible_banenafspraak_names_the_rule_and_the_placements(werkboek, oplosser):
    # Potential 100 at chance 0.5: at most 50 placements; the rule asks 80.
    bladen = basis()
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 10_000_000}]
    bladen["Beleidsregels"] = [regel(regel="banenafspraak", grootheid="plaatsingen", operator=">=", waarde=80)]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen), oplosser=oplosser)
    (tekort,) = fout.value.tekorten
    assert tekort["regel"] == "banenafspraak" and tekort["tekort"] == pytest.approx(30)
    assert "het verschil is 30 plaatsingen" in fout.value.melding
    assert any("potentieel van G in A" in b for b in fout.value.betrokken)


@pytest.mark.parametrize("oplosser", ["highs", "cbc"])
def test_two_contradictory_rules_are_both_named(werkboek, oplosser):
    bladen = basis()
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 100_000}]
    bladen["Beleidsregels"] = [regel(regel="minstens", grootheid="deelnemers", operator=">=", waarde=10),
                               regel(regel="hoogstens", grootheid="deelnemers", operator="<=", waarde=6)]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen), oplosser=oplosser)
    assert sum(t["tekort"] for t in fout.value.tekorten) == pytest.approx(4)
    assert "minstens" in fout.value.melding and "hoogstens" in fout.value.melding


@pytest.mark.parametrize("oplosser", ["highs", "cbc"])
def test_esf_without_partner_names_the_cofinancing_cap(werkboek, oplosser):
    bladen = basis()
    bladen["Fondsen"] = [{"fonds": "ESF+", "soort": "esf"}]
    bladen["Financieringsregels"] = [{"fonds": "ESF+", "max_aandeel": 0.4}]
    bladen["Budgetten"] = [{"fonds": "ESF+", "regio": "A", "jaar": 2026, "bedrag": 100_000}]
    bladen["Beleidsregels"] = [regel(regel="minimaal", grootheid="deelnemers", operator=">=", waarde=3)]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen), oplosser=oplosser)
    (tekort,) = fout.value.tekorten
    assert tekort["regel"] == "minimaal" and tekort["tekort"] == pytest.approx(3)
    assert any("Fonds 'ESF+' betaalt ten hoogste 40% van de kosten" in b for b in fout.value.betrokken)


# ----------------------------------------------------------------------------- the memo


def toelichting(werkboek, bladen, **opties) -> str:
    plan = budgetkoppeling.optimaliseer(werkboek(bladen), **opties)
    assert isinstance(plan, Plan)
    return "\n".join(plan.toelichting["toelichting"])


def test_memo_on_a_binding_budget(werkboek):
    tekst = toelichting(werkboek, twee_instrumenten(kans_j=0.3))
    assert "Het plan plaatst naar verwachting 5 mensen in werk, met 10 deelnemers en € 10.000" in tekst
    assert "P is in 2026 volledig besteed." in tekst
    assert "De meeste extra plaatsingen per extra euro levert P in A in 2026: 50 gewogen plaatsingen" in tekst
    assert "Instrument 'J' wordt niet ingezet. Het zou worden ingezet bij een plaatsingskans boven 50% voor G " \
           "(nu 30%) of bij kosten onder € 600 per deelnemer per jaar (nu € 1.000)." in tekst


def test_memo_on_exhausted_potential_and_unused_money(werkboek):
    bladen = basis()
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 1_000_000}]
    bladen["Fondsen"].append({"fonds": "Leeg", "soort": "overig"})
    tekst = toelichting(werkboek, bladen)
    assert "Van P blijft € 900.000 onbenut (in 2026). Reden: het potentieel van de doelgroepen" in tekst
    assert "Het potentieel van de doelgroep G is in 1 van de 1 combinaties van regio en jaar volledig benut" in tekst
    assert "Geen enkel budget is beperkend" in tekst
    assert "Voor Leeg is geen budget opgegeven." in tekst


def test_memo_reasons_no_eligible_instrument_and_cofinancing(werkboek):
    bladen = basis()
    bladen["Fondsen"] += [{"fonds": "Zonder", "soort": "overig"}, {"fonds": "ESF+", "soort": "esf"}]
    bladen["Financieringsregels"].append({"fonds": "ESF+", "max_aandeel": 0.4})
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 6_000},
                           {"fonds": "Zonder", "regio": "A", "jaar": 2026, "bedrag": 5_000},
                           {"fonds": "ESF+", "regio": "A", "jaar": 2026, "bedrag": 50_000}]
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    assert any("Zonder" in m and "nergens voor betalen" in m for m in invoer.meldingen)
    tekst = toelichting(werkboek, bladen)
    assert "Van Zonder blijft € 5.000 onbenut (in 2026). Reden: geen enkel instrument of doelgroep" in tekst
    assert "Van ESF+ blijft € 46.000 onbenut (in 2026). Reden: dit fonds betaalt ten hoogste 40% van de kosten" in tekst


def test_memo_generic_reason(werkboek):
    bladen = basis()
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 1_000_000}]
    bladen["Beleidsregels"] = [regel(regel="plafond", grootheid="deelnemers", operator="<=", waarde=10)]
    tekst = toelichting(werkboek, bladen)
    # issue 27.5: the cause is the rule that binds (relaxing it uses the money), not a generic sentence
    assert "Van P blijft € 990.000 onbenut (in 2026). Reden: beleidsregel 'plafond' houdt het plan tegen." in tekst
    assert "Beleidsregel 'plafond' is bindend. De regel kost plaatsingen: één deelnemer ruimer als bovengrens " \
           "levert tot 0,5 gewogen plaatsingen op." in tekst


def test_memo_on_rules(werkboek):
    bladen = twee_instrumenten(kans_j=0.3)
    bladen["Budgetten"][0]["bedrag"] = 50_000
    bladen["Regios"].append({"regio": "B"})
    bladen["Potentieel"].append({"regio": "B", "doelgroep": "G", "jaar": 2026, "aantal": 100})
    bladen["Budgetten"].append({"fonds": "P", "regio": "B", "jaar": 2026, "bedrag": 50_000})
    bladen["Instrumenten"].append({"instrument": "K", "kosten_per_deelnemer": 1000, "duur_jaren": 1,
                                   "vertraging_jaren": 0})
    bladen["Effecten"].append({"instrument": "K", "doelgroep": "G", "plaatsingskans": 0.01})
    bladen["Beleidsregels"] = [
        regel(regel="plafond", regio="elk", instrument="I", grootheid="deelnemers", operator="<=", waarde=4),
        regel(regel="vloer", regio="A", instrument="K", grootheid="deelnemers", operator=">=", waarde=2),
        regel(regel="precies", regio="B", instrument="J", grootheid="plaatsingen", operator="=", waarde=0.3),
    ]
    tekst = toelichting(werkboek, bladen)
    # In B the last euro goes to K (chance 0.01): one more place on I gains 0.5 - 0.01.
    assert "Beleidsregel 'plafond' is bindend in 2 van de 2 gevallen. De regel kost plaatsingen: één deelnemer " \
           "ruimer als bovengrens levert tot 0,49 gewogen plaatsingen op (in plafond [regio=B])" in tekst
    assert "Beleidsregel 'vloer' is bindend. De regel kost plaatsingen: één deelnemer minder als ondergrens" in tekst
    assert "Beleidsregel 'precies' is bindend. De regel kost plaatsingen: de grens één plaatsing" in tekst


def test_memo_on_unused_instruments_that_tie_or_never_enter(werkboek):
    gelijk = twee_instrumenten(kans_j=0.5)
    gelijk["Beleidsregels"] = [regel(regel="alleen I", instrument="J", grootheid="deelnemers", operator="<=",
                                     waarde=0)]
    bladen = basis(disconteringsvoet=0.5)
    bladen["Instrumenten"].append({"instrument": "Traag", "kosten_per_deelnemer": 1, "duur_jaren": 1,
                                   "vertraging_jaren": 3})
    bladen["Effecten"].append({"instrument": "Traag", "doelgroep": "G", "plaatsingskans": 0.9})
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 1_000_000}]
    bladen["Effecten"][0]["plaatsingskans"] = 0.95
    tekst = toelichting(werkboek, bladen)
    assert "Instrument 'Traag' wordt niet ingezet, en zou ook bij een plaatsingskans van 100% niet worden " \
           "ingezet" in tekst
    gelijk = twee_instrumenten(kans_j=0.5)
    gelijk["Potentieel"][0]["aantal"] = 100
    plan = budgetkoppeling.optimaliseer(werkboek(gelijk))
    tekst = "\n".join(plan.toelichting["toelichting"])
    ongebruikt = {"I", "J"} - set(plan.allocatie["instrument"])
    assert ongebruikt, "with equal instruments one of them stays unused"
    assert f"Instrument '{ongebruikt.pop()}' wordt niet ingezet, maar is even goed als wat wel wordt ingezet" in tekst


def test_memo_with_whole_participants(werkboek):
    tekst = toelichting(werkboek, twee_instrumenten(kans_j=0.3), geheel=True)
    assert "Het plan rekent met hele deelnemers." in tekst


def test_schaduwprijzen_sheet(werkboek, tmp_path):
    import openpyxl

    bladen = twee_instrumenten(kans_j=0.3)
    bladen["Beleidsregels"] = [regel(regel="plafond", instrument="I", grootheid="deelnemers", operator="<=",
                                     waarde=4)]
    pad = werkboek(bladen)
    budgetkoppeling.optimaliseer(pad, tmp_path / "plan.xlsx")
    rijen = list(openpyxl.load_workbook(tmp_path / "plan.xlsx")["Schaduwprijzen"].iter_rows(values_only=True))
    assert rijen[0] == ("fonds", "regio", "jaar", "extra_plaatsingen_per_100k", "geldig_van", "geldig_tot", None)
    # I is capped at 4; the rest of the money goes to J (0.3 per EUR 1,000): 30 per EUR 100,000, from a
    # budget of 4,000 (below it only I is funded, at 50) to 100,000 (then the potential of 100 is used up)
    assert rijen[1][:3] == ("P", "A", 2026) and rijen[1][3] == pytest.approx(30)
    assert rijen[1][4:6] == (pytest.approx(4_000), pytest.approx(100_000))
    regelrij = next(r for r in rijen if r[0] == "plafond")
    assert regelrij[4:] == ("grens verhogen", "deelnemer", pytest.approx(0.2))
    assert not any(r[0] and str(r[0]).startswith("Hele deelnemers") for r in rijen)
    budgetkoppeling.optimaliseer(pad, tmp_path / "geheel.xlsx", geheel=True)
    rijen = list(openpyxl.load_workbook(tmp_path / "geheel.xlsx")["Schaduwprijzen"].iter_rows(values_only=True))
    assert any(r[0] and str(r[0]).startswith("Hele deelnemers") for r in rijen)


def test_lists_of_years_read_as_dutch_also_when_empty():
    from budgetkoppeling.uitleg import jaren_tekst, opsomming

    assert opsomming([]) == ""
    assert jaren_tekst([2027]) == "2027"
    assert jaren_tekst([2026, 2028]) == "2026 en 2028"
    assert jaren_tekst([2028, 2026, 2027]) == "2026 tot en met 2028"


def test_memo_unused_esf_names_the_cofinancing_and_the_exhausted_partner(werkboek):
    # ESF+ pays at most 40%; P (6,000) is exhausted, so 10 participants at most, while the
    # potential of H (2 people) is also used up: the cause of the unused ESF+ money is the
    # co-financing (a dual on ESF+'s cap), not the potential.
    bladen = basis()
    bladen["Doelgroepen"].append({"doelgroep": "H"})
    bladen["Potentieel"].append({"regio": "A", "doelgroep": "H", "jaar": 2026, "aantal": 2})
    bladen["Effecten"].append({"instrument": "I", "doelgroep": "H", "plaatsingskans": 0.9})
    bladen["Fondsen"].append({"fonds": "ESF+", "soort": "esf"})
    bladen["Financieringsregels"].append({"fonds": "ESF+", "max_aandeel": 0.4})
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 6_000},
                           {"fonds": "ESF+", "regio": "A", "jaar": 2026, "bedrag": 50_000}]
    tekst = toelichting(werkboek, bladen)
    assert "Het potentieel van de doelgroep H is in 1 van de 1 combinaties" in tekst  # H's potential is used up
    assert ("Van ESF+ blijft € 46.000 onbenut (in 2026). Reden: dit fonds betaalt ten hoogste 40% van de kosten "
            "(cofinanciering), en er is niet genoeg ander geld om de rest te betalen (P is volledig besteed).") in tekst


def test_memo_instrument_without_any_group(werkboek):
    bladen = twee_instrumenten()
    bladen["Instrumenten"].append({"instrument": "Zonder", "kosten_per_deelnemer": 10, "duur_jaren": 1,
                                   "vertraging_jaren": 0})
    tekst = toelichting(werkboek, bladen)
    assert "Instrument 'Zonder' wordt niet ingezet: het blad Effecten noemt geen enkele doelgroep" in tekst
    assert "andere grenzen" not in tekst


def test_memo_euro_rule_gain_per_100k_not_rounded_to_nothing(werkboek):
    # K places 1% for EUR 1,000; a minimum of EUR 2,000 on K costs (0.5 - 0.01) / 1,000 weighted
    # placements per euro: 49 per EUR 100,000.
    bladen = twee_instrumenten(kans_j=0.01)
    bladen["Beleidsregels"] = [regel(regel="schuldhulp", instrument="J", grootheid="uitgaven", operator=">=",
                                     waarde=2_000)]
    tekst = toelichting(werkboek, bladen)
    assert "Beleidsregel 'schuldhulp' is bindend. De regel kost plaatsingen: € 100.000 minder als ondergrens " \
           "levert tot 49 gewogen plaatsingen op." in tekst


def test_whole_persons_shadow_prices_come_from_the_fractional_model_and_leftover_money_says_why(werkboek):
    # EUR 10,500 for I (EUR 1,000, chance 0.5) and 100 potential: 10.5 participants as fractions,
    # 10 whole ones; EUR 500 stays. The fractional model values the budget at 0.5 per 1,000 euros.
    bladen = basis()
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 10_500}]
    plan = budgetkoppeling.optimaliseer(werkboek(bladen), geheel=True)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(10)
    assert plan.schaduwprijzen["extra_plaatsingen_per_100k"][0] == pytest.approx(50)  # not 0
    tekst = "\n".join(plan.toelichting["toelichting"])
    assert "Bij hele aantallen bestaan schaduwprijzen niet" in tekst
    assert "Van P blijft € 500 onbenut (in 2026). Reden: het plan rekent met hele deelnemers. Met gebroken " \
           "aantallen zou dit geld wel plaatsingen opleveren" in tekst
    assert "levert binnen de regels geen extra plaatsingen op" not in tekst


def _toelichting(werkboek, bladen) -> dict[str, list[str]]:
    plan = Plan(los_op(bouw(budgetkoppeling.valideer(werkboek(bladen))), "highs"), Path(""))
    teksten: dict[str, list[str]] = {}
    for onderwerp, tekst in plan.toelichting.iter_rows():
        teksten.setdefault(onderwerp, []).append(tekst)
    return teksten


def test_unused_money_at_the_end_of_the_plan_names_the_duration(werkboek):
    # I lasts 2 years and may not run past 2027: nothing can start in 2027, so P's 2027 money pays
    # only the second year of the 2026 cohort (potential 10 in 2026: EUR 10,000 of the 50,000)
    bladen = basis(jaren=(2026, 2027))
    bladen["Instrumenten"][0]["duur_jaren"] = 2
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": t, "aantal": 10} for t in (2026, 2027)]
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": t, "bedrag": 50_000} for t in (2026, 2027)]
    eerste, tweede = _toelichting(werkboek, bladen)["P"]
    # 2026: the potential of 10 is used up; 2027: nothing may start, the money pays the 2026 cohort
    assert eerste.startswith("Van P blijft € 40.000 onbenut (in 2026). Reden: het potentieel")
    assert tweede.startswith("Van P blijft € 40.000 onbenut (in 2027). Reden: in 2027 kan geen traject meer "
                             "starten dat dit fonds mag betalen (I duurt 2 jaar)")


def test_unused_money_of_a_matched_fund_names_the_koppeling_and_the_exhausted_partner(werkboek):
    # S may pay half of I, P the other half; P must match S euro for euro (koppeling), and P has only
    # EUR 2,000: S can spend 2,000 of its 10,000 although the potential (100) is far from used
    bladen = basis()
    bladen["Fondsen"].append({"fonds": "S", "soort": "sector"})
    bladen["Financieringsregels"] = [{"fonds": "P", "max_aandeel": 0.5}, {"fonds": "S", "max_aandeel": 0.5}]
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 2_000},
                           {"fonds": "S", "regio": "A", "jaar": 2026, "bedrag": 10_000}]
    bladen["Koppelingen"] = [{"koppeling": "sectorplan", "fonds": "S", "partner": "P", "verhouding": 1}]
    tekst = " ".join(_toelichting(werkboek, bladen)["S"])
    assert "€ 8.000 onbenut" in tekst
    # issue 27.5: neither the koppeling nor S's cap alone frees the money (verified by re-solving): both together
    assert ("Reden: grenzen die samen dit geld vasthouden: elke euro uit dit fonds moet door P worden gematcht "
            "(koppeling 'sectorplan', 1 x) en die kan niet meer matchen; een fonds mag maar een deel van de kosten "
            "betalen (cofinanciering) en voor de rest is niet genoeg ander geld (P is volledig besteed). Pas als ze "
            "allemaal ruimer worden") in tekst


# ----------------------------------------------------------------------------- where a price holds


def _helling(invoer, sleutel, van: float, tot: float) -> float:
    """Weighted placements per euro between budget ``van`` and ``tot`` of ``sleutel``, by two re-solves."""
    def doel(bedrag):
        nieuw = copy.deepcopy(invoer)
        nieuw.budget[sleutel] = bedrag
        return oplossen(nieuw).doelwaarde
    return (doel(tot) - doel(van)) / (tot - van)


@pytest.mark.parametrize("oplosser", ["highs", "cbc"])
def test_a_price_holds_within_its_range_and_not_beyond(werkboek, oplosser):
    # EUR 10,000, 1,000 a participant at chance 0.5, potential 100: 50 per 100k from a budget of 0 up
    # to 100,000; beyond it the potential is used up and more money yields nothing
    bladen = basis()
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 10_000}]
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    prijs = schaduwprijzen(los_op(bouw(invoer), oplosser, bewaar_basis=True)).row(0, named=True)
    assert (prijs["extra_plaatsingen_per_100k"], prijs["geldig_van"], prijs["geldig_tot"]) == (
        pytest.approx(50), pytest.approx(0, abs=1e-6), pytest.approx(100_000))
    sleutel = ("P", "A", 2026)
    assert _helling(invoer, sleutel, 60_000, 99_000) * 100_000 == pytest.approx(50)
    assert _helling(invoer, sleutel, 100_000, 101_000) == pytest.approx(0, abs=1e-12)


def test_a_price_of_the_national_example_holds_inside_its_range():
    """Inside the range the budget curve has the price as its slope (re-solved); the range is the
    basis's, so it holds at least there (beyond it a degenerate optimum may keep the price)."""
    invoer = budgetkoppeling.valideer(budgetkoppeling.VOORBEELD)
    prijzen = schaduwprijzen(los_op(bouw(invoer), "highs", bewaar_basis=True))
    begrensd = prijzen.filter(pl.col("geldig_tot").is_not_null() & (pl.col("extra_plaatsingen_per_100k") > 0))
    for rij in (begrensd.row(begrensd.height // 2, named=True),):  # one (the note of issue 28 checks two more)
        sleutel = (rij["fonds"], rij["regio"], rij["jaar"])
        van, tot = rij["geldig_van"], rij["geldig_tot"]
        assert van <= invoer.budget[sleutel] <= tot
        binnen = _helling(invoer, sleutel, van + 0.25 * (tot - van), van + 0.75 * (tot - van))
        assert binnen * 100_000 == pytest.approx(rij["extra_plaatsingen_per_100k"], rel=1e-6)


def test_the_range_of_a_row_equals_highs_own_ranging(werkboek):
    """Without carry-over the budget's range is the row's: HiGHS's getRanging on the same LP and basis."""
    import highspy

    from budgetkoppeling.solve import _highs_lp

    invoer = budgetkoppeling.valideer(werkboek(twee_instrumenten(budget=50_000)))
    model = bouw(invoer)
    oplossing = los_op(model, "highs", bewaar_basis=True)
    prijzen = schaduwprijzen(oplossing)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(_highs_lp(model, model.matrix("csr")))
    h.run()
    status, bereik = h.getRanging()
    rij = model.families["budget"].start
    assert status == highspy.HighsStatus.kOk
    # I (0.5 per 1,000) until the potential of 100 is used: 50 per 100k, for a budget of 0 to 100,000
    assert prijzen["extra_plaatsingen_per_100k"][0] == pytest.approx(50)
    assert (prijzen["geldig_van"][0], prijzen["geldig_tot"][0]) == (pytest.approx(0, abs=1e-6), pytest.approx(100_000))
    assert prijzen["geldig_van"][0] == pytest.approx(max(0.0, bereik.row_bound_dn.value_[rij]), abs=1e-6)
    assert prijzen["geldig_tot"][0] == pytest.approx(bereik.row_bound_up.value_[rij])
