"""Herijking (``optimaliseer --vanaf``): the realised years fixed, the later ones re-planned."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

import budgetkoppeling
from budgetkoppeling.cli import main
from budgetkoppeling.errors import InvoerFout
from budgetkoppeling.sjabloon import voorbeeld_rijen

from .checker import controleer
from .conftest import basis


def _realisatie_van(plan, tot: int) -> tuple[list[dict], list[dict]]:
    """The plan's own starts and fund payments before ``tot``, as Realisatie and Realisatie_uitgaven rows."""
    starts = [{"regio": r["regio"], "instrument": r["instrument"], "doelgroep": r["doelgroep"], "jaar": r["startjaar"],
               "deelnemers": r["deelnemers"]} for r in plan.allocatie.filter(pl.col("startjaar") < tot).to_dicts()]
    landelijk = {f for f, g in plan.oplossing.model.invoer.fondsen.items() if g.landelijk}
    # the ledger's amount includes the commitments (SPEC §4)
    betaald = (plan.fondsen.filter((pl.col("jaar") < tot) & (pl.col("besteed") + pl.col("verplichtingen") > 0))
               .select("fonds", "regio", "jaar", "besteed", "verplichtingen").to_dicts())
    uitgaven = [{"fonds": b["fonds"], "regio": None if b["fonds"] in landelijk else b["regio"], "jaar": b["jaar"],
                 "bedrag": b["besteed"] + b["verplichtingen"]} for b in betaald]
    return starts, uitgaven


def test_realised_as_planned_gives_the_plans_later_years_back(werkboek, tmp_path):
    bladen = voorbeeld_rijen()
    del bladen["Realisatie"], bladen["Realisatie_uitgaven"]
    # without the ESF+ settlement reserve: a ledger records payments, not a reserve held, so in a
    # realised year the reserve's money counts as unspent (the ledger is the truth, SPEC §4)
    bladen["Fondsen"] = [{**fonds, "vaststellingsrisico": None} for fonds in bladen["Fondsen"]]
    plan = budgetkoppeling.optimaliseer(werkboek(bladen))
    bladen["Realisatie"], bladen["Realisatie_uitgaven"] = _realisatie_van(plan, 2027)
    invoer = werkboek(bladen)
    pad = tmp_path / "herijking.xlsx"
    herijking = budgetkoppeling.optimaliseer(invoer, pad, vanaf=2027)
    assert herijking.oplossing.doelwaarde == pytest.approx(plan.oplossing.doelwaarde, rel=1e-9)
    assert herijking.bevindingen == []
    sleutel = ["regio", "instrument", "doelgroep", "startjaar"]
    later = plan.allocatie.filter(pl.col("startjaar") >= 2027).select(*sleutel, "deelnemers")
    opnieuw = herijking.allocatie.filter(pl.col("startjaar") >= 2027).select(*sleutel, "deelnemers")
    samen = later.join(opnieuw, on=sleutel, how="full", coalesce=True).fill_null(0.0)
    assert (samen["deelnemers"] - samen["deelnemers_right"]).abs().max() < 1e-6
    assert controleer(invoer, pad, vanaf=2027) == []
    perioden = dict(zip(herijking.allocatie["startjaar"], herijking.allocatie["periode"]))
    assert perioden == {2026: "realisatie", 2027: "plan", 2028: "plan"}


def test_vanaf_the_first_year_is_the_ordinary_plan(werkboek):
    invoer = werkboek(voorbeeld_rijen())
    gewoon = budgetkoppeling.optimaliseer(invoer)
    vanaf_start = budgetkoppeling.optimaliseer(invoer, vanaf=2026)
    assert vanaf_start.oplossing.model.vanaf is None
    assert vanaf_start.oplossing.doelwaarde == gewoon.oplossing.doelwaarde
    assert "periode" not in vanaf_start.allocatie.columns


def test_an_overspent_realisation_is_a_finding_with_its_amount(werkboek, tmp_path):
    # EUR 10,000 a year, I at EUR 1,000 (chance 0.5): 15 started in 2026, EUR 5,000 over budget;
    # from 2027 the plan starts the 10 the budget pays: 7.5 + 5 placements
    bladen = basis(jaren=(2026, 2027))
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": t, "bedrag": 10_000} for t in (2026, 2027)]
    bladen["Realisatie"] = [{"regio": "A", "instrument": "I", "doelgroep": "G", "jaar": 2026, "deelnemers": 15}]
    invoer = werkboek(bladen)
    pad = tmp_path / "plan.xlsx"
    plan = budgetkoppeling.optimaliseer(invoer, pad, vanaf=2027)
    assert plan.oplossing.doelwaarde == pytest.approx(12.5)
    [bevinding] = plan.bevindingen
    assert bevinding["soort"] == "budget" and bevinding["bedrag"] == pytest.approx(5_000)
    assert "fonds 'P' is € 5.000 overschreden" in bevinding["tekst"]
    assert controleer(invoer, pad, vanaf=2027) == []
    # a no-break space keeps € and its amount on one line in the workbook
    toelichting = "\n".join(pl.read_excel(pad, sheet_name="Toelichting")["toelichting"]).replace("\u00a0", " ")
    assert "Herijking vanaf 2027" in toelichting and "€ 5.000 overschreden" in toelichting
    fondsen = pl.read_excel(pad, sheet_name="Fondsen")
    # issue 27.4: an overspend is never netted into onbenut
    assert dict(zip(fondsen["jaar"], fondsen["onbenut"])) == {2026: 0, 2027: pytest.approx(0)}
    assert dict(zip(fondsen["jaar"], fondsen["overschreden"])) == {2026: pytest.approx(5_000), 2027: 0}
    samenvatting = dict(plan.samenvatting.select("kpi", "waarde").iter_rows())
    assert samenvatting["overschreden"] == pytest.approx(5_000) and samenvatting["onbenut_budget"] >= 0
    assert "P is in 2026 overschreden, samen € 5.000" in toelichting  # not "volledig besteed"
    assert "2026 en 2027 volledig besteed" not in toelichting and "in 2026 volledig besteed" not in toelichting
    # and the CLI says so, with exit 0
    uitslag = CliRunner().invoke(main, ["optimaliseer", str(invoer), "-o", str(tmp_path / "cli.xlsx"), "--vanaf",
                                        "2027"])
    assert uitslag.exit_code == 0, uitslag.output
    assert "Bevinding: Realisatie 2026" in uitslag.output


def test_realised_spending_and_starts_above_the_potential(werkboek):
    # 120 started where the potential was 100; the fund says it paid EUR 100,000 of the EUR 120,000
    bladen = basis(jaren=(2026, 2027))
    bladen["Fondsen"].append({"fonds": "Q", "soort": "overig"})
    bladen["Financieringsregels"].append({"fonds": "Q"})
    bladen["Budgetten"] = [{"fonds": f, "regio": "A", "jaar": t, "bedrag": 200_000} for f in "PQ" for t in (2026, 2027)]
    bladen["Realisatie"] = [{"regio": "A", "instrument": "I", "doelgroep": "G", "jaar": 2026, "deelnemers": 120}]
    bladen["Realisatie_uitgaven"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 100_000}]
    plan = budgetkoppeling.optimaliseer(werkboek(bladen), vanaf=2027)
    assert plan.bevindingen[0]["soort"] == "potentieel" and plan.bevindingen[0]["bedrag"] == pytest.approx(20)
    assert len(plan.bevindingen) == 1  # Q paid the other EUR 20,000: no mismatch
    betaald = plan.financiering.filter(pl.col("jaar") == 2026)
    assert dict(zip(betaald["fonds"], betaald["bedrag"])) == {"P": pytest.approx(100_000), "Q": pytest.approx(20_000)}
    assert plan.oplossing.doelwaarde == pytest.approx(60 + 50)  # 120 x 0.5, then the potential of 2027


def test_bad_vanaf_and_a_missing_realisation_are_refused(werkboek, tmp_path):
    runner = CliRunner()
    invoer = werkboek(voorbeeld_rijen())
    uitslag = runner.invoke(main, ["optimaliseer", str(invoer), "-o", str(tmp_path / "x.xlsx"), "--vanaf", "2035"])
    assert uitslag.exit_code == 3 and "buiten de planperiode 2026-2028" in uitslag.output
    bladen = voorbeeld_rijen()
    del bladen["Realisatie"]
    with pytest.raises(InvoerFout, match="Realisatie"):
        budgetkoppeling.optimaliseer(werkboek(bladen), vanaf=2027)
    assert not (tmp_path / "x.xlsx").exists()


def test_the_template_replans_from_2027(werkboek, tmp_path):
    invoer = werkboek(voorbeeld_rijen())
    pad = tmp_path / "h.xlsx"
    plan = budgetkoppeling.optimaliseer(invoer, pad, vanaf=2027)
    assert plan.bevindingen == []
    assert controleer(invoer, pad, vanaf=2027) == []
    gerealiseerd = plan.allocatie.filter(pl.col("periode") == "realisatie")
    assert gerealiseerd["deelnemers"].sum() == pytest.approx(58 + 30 + 41 + 130)
    anders = voorbeeld_rijen()
    anders["Realisatie"][-1]["deelnemers"] = 131  # the checker is not blind to the realised years
    assert any(f.startswith("realisatie:") for f in controleer(werkboek(anders), pad, vanaf=2027))


def test_the_national_example_replans_from_2028(tmp_path):
    from budgetkoppeling.evaluatie import hand_plan_cijfers

    pad = tmp_path / "herijking.xlsx"
    plan = budgetkoppeling.optimaliseer(budgetkoppeling.VOORBEELD, pad, vanaf=2028)
    assert controleer(budgetkoppeling.VOORBEELD, pad, vanaf=2028) == []
    assert plan.bevindingen == []  # the hand plan of 2026-2027 kept every budget
    invoer = plan.oplossing.model.invoer
    hand = hand_plan_cijfers(invoer)[0]["gewogen_plaatsingen"]
    vrij = budgetkoppeling.optimaliseer(budgetkoppeling.VOORBEELD).oplossing.doelwaarde
    assert hand < plan.oplossing.doelwaarde < vrij
    gerealiseerd = plan.allocatie.filter(pl.col("periode") == "realisatie")
    assert gerealiseerd["deelnemers"].sum() == pytest.approx(
        sum(n for (_r, _i, _g, t), n in invoer.huidige_verdeling.items() if t < 2028))


def _grootboekgeval(werkboek, bedrag_2026: float, overheveling: float = 0.5):
    """Issue 27.3 by hand. P: EUR 10,000 budget a year, 50% may be carried; I costs EUR 1,000 (chance 0.5);
    8 started in 2026 (EUR 8,000 of cost) and a commitment of EUR 1,000; the ledger of 2026 says P paid
    ``bedrag_2026`` (commitments included)."""
    bladen = basis(jaren=(2026, 2027))
    bladen["Fondsen"] = [{"fonds": "P", "soort": "participatiebudget", "overheveling": overheveling}]
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": t, "bedrag": 10_000} for t in (2026, 2027)]
    bladen["Verplichtingen"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 1_000}]
    bladen["Realisatie"] = [{"regio": "A", "instrument": "I", "doelgroep": "G", "jaar": 2026, "deelnemers": 8}]
    bladen["Realisatie_uitgaven"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": bedrag_2026}]
    return werkboek(bladen)


@pytest.mark.parametrize("bedrag, overheveling_uit, overschreden, onbenut", [
    (9_000, 1_000, 0, 0),  # as the cells cost: EUR 1,000 left, all of it carried (cap EUR 5,000)
    (6_000, 4_000, 0, 0),  # the ledger paid less than the cells cost: its EUR 4,000 left is carried, not the 1,000
    (3_000, 5_000, 0, 2_000),  # EUR 7,000 left, the cap carries 5,000: 2,000 unused
    (13_150, 0, 3_150, 0),  # overspent: nothing to carry, EUR 3,150 overschreden, onbenut never negative
])
def test_the_ledger_sets_spending_carry_over_and_overspend(werkboek, tmp_path, bedrag, overheveling_uit,
                                                         overschreden, onbenut):
    invoer = _grootboekgeval(werkboek, bedrag)
    pad = tmp_path / "plan.xlsx"
    plan = budgetkoppeling.optimaliseer(invoer, pad, vanaf=2027)
    fondsen = pl.read_excel(pad, sheet_name="Fondsen").filter(pl.col("jaar") == 2026).row(0, named=True)
    assert fondsen["besteed"] == pytest.approx(bedrag - 1_000)  # the ledger, without the commitment column
    assert fondsen["overheveling_uit"] == pytest.approx(overheveling_uit)
    assert fondsen["overschreden"] == pytest.approx(overschreden)
    assert fondsen["onbenut"] == pytest.approx(onbenut)
    # 2027: EUR 10,000 + the carry-over pays participants at EUR 1,000 (potential 100): 0.5 placements each
    assert plan.oplossing.doelwaarde == pytest.approx(4 + (10_000 + overheveling_uit) / 1_000 * 0.5)
    assert controleer(invoer, pad, vanaf=2027) == []
    assert 2026 not in plan.schaduwprijzen["jaar"].to_list()  # issue 27.2: realised years are facts, without a price
    teksten = " ".join(b["tekst"] for b in plan.bevindingen)
    assert "volgt de gerealiseerde kosten" not in teksten
    if overschreden:
        assert f"€ {overschreden:,}".replace(",", ".") + " overschreden" in teksten
    if bedrag != 9_000:  # the cells cost EUR 8,000 and the commitment 1,000: one line for the difference
        assert [b["soort"] for b in plan.bevindingen].count("realisatie_uitgaven") == 1


def test_an_overspend_penalty_never_reaches_the_prices_or_the_explanation(werkboek, tmp_path):
    """Issue 27.2: BUIG ranked first at 100.000 gewogen plaatsingen per € 100.000 (the penalty)."""
    invoer = _grootboekgeval(werkboek, 13_150)
    pad = tmp_path / "plan.xlsx"
    plan = budgetkoppeling.optimaliseer(invoer, pad, vanaf=2027)
    # 2027: EUR 100,000 pays 100 participants at 0.5
    assert plan.schaduwprijzen["extra_plaatsingen_per_100k"].max() == pytest.approx(50)
    # a no-break space keeps € and its amount on one line in the workbook
    toelichting = "\n".join(pl.read_excel(pad, sheet_name="Toelichting")["toelichting"]).replace("\u00a0", " ")
    assert "100.000 gewogen" not in toelichting and "50 gewogen plaatsingen per € 100.000" in toelichting
