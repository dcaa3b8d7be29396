"""Municipalities (SPEC §9): the municipality as the unit of planning, a regional pool filled by a key
(family inbreng), the fairness floor (family tegenprestatie), Per_gemeente, and the validation of it all.

The hand-computed region: A with M1 (3,000 inwoners, 100 bijstand, 5 people who can start) and M2
(1,000 inwoners, 300 bijstand, 75 people); each municipality's Participatiebudget P (M1 EUR 10,000,
M2 EUR 2,000), a regional pool R filled from P by inwoners (a = 0.75 and 0.25). One instrument of
EUR 1,000 with chance 0.5.

- Without a pool each pays for its own: M1 5 people (its potential), M2 2: 7 participants, 3.5.
- With the pool M2's residents can use M1's money: M2 puts its whole EUR 2,000 in, so the pool pays
  EUR 8,000; M1 puts in EUR 6,000 and pays EUR 4,000 itself: EUR 12,000 in all, 12 participants, 6.
- With min_tegenprestatie 1 the pool pays for M1's residents 0.75 P and M1 has only 5 people:
  own + 0.75 P <= 5,000 and own_2 + 0.25 P <= 2,000, so at most EUR 7,000: 3.5 (the floor costs 2.5).
- With 0.8: M1's residents get at least 0.6 P; P = 8,000, M1 pays EUR 200 itself besides:
  EUR 8,200, 4.1 (the floor costs 1.9).
"""

from __future__ import annotations

import openpyxl
import polars as pl
import pytest

import budgetkoppeling
from budgetkoppeling.errors import InvoerFout

from .checker import controleer, doelwaarde, per_familie
from .conftest import basis

OPLOSSERS = ["highs", "cbc"]


def regio_a(alpha=None, sleutel=None, pool=True) -> dict[str, list[dict]]:
    bladen = basis()
    bladen["Gemeenten"] = [{"gemeente": "M1", "regio": "A", "inwoners": 3000, "bijstand": 100},
                           {"gemeente": "M2", "regio": "A", "inwoners": 1000, "bijstand": 300}]
    bladen["Fondsen"] = [{"fonds": "P", "soort": "participatiebudget", "niveau": "gemeente"}]
    bladen["Financieringsregels"] = [{"fonds": "P"}]
    if pool:
        bladen["Fondsen"].append({"fonds": "R", "soort": "overig", "niveau": "regio", "inbreng_uit": "P",
                                  "verdeelsleutel": sleutel, "min_tegenprestatie": alpha})
        bladen["Financieringsregels"].append({"fonds": "R"})
    bladen["Budgetten"] = [{"fonds": "P", "gemeente": "M1", "jaar": 2026, "bedrag": 10_000},
                           {"fonds": "P", "gemeente": "M2", "jaar": 2026, "bedrag": 2_000}]
    bladen["Potentieel"] = [{"regio": "A", "gemeente": "M1", "doelgroep": "G", "jaar": 2026, "aantal": 5},
                            {"regio": "A", "gemeente": "M2", "doelgroep": "G", "jaar": 2026, "aantal": 75}]
    return bladen


def plan_van(werkboek, tmp_path, bladen, oplosser="highs"):
    invoer = werkboek(bladen)
    pad = tmp_path / f"plan_{oplosser}.xlsx"
    plan = budgetkoppeling.optimaliseer(invoer, pad, oplosser=oplosser)
    assert controleer(invoer, pad) == []
    assert doelwaarde(pad) == pytest.approx(plan.oplossing.doelwaarde, rel=1e-12)
    return plan, invoer, pad


@pytest.mark.parametrize("oplosser", OPLOSSERS)
@pytest.mark.parametrize(("pool", "alpha", "gewogen", "deelnemers"), [
    (False, None, 3.5, 7), (True, None, 6.0, 12), (True, 1.0, 3.5, 7), (True, 0.8, 4.1, 8.2)])
def test_the_pool_and_its_floor_as_computed_by_hand(werkboek, tmp_path, oplosser, pool, alpha, gewogen, deelnemers):
    plan, _invoer, _pad = plan_van(werkboek, tmp_path, regio_a(alpha, pool=pool), oplosser)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(gewogen)
    assert plan.kerncijfers["deelnemers"] == pytest.approx(deelnemers)


def test_per_gemeente_says_who_pays_and_who_benefits(werkboek, tmp_path):
    plan, _invoer, pad = plan_van(werkboek, tmp_path, regio_a(alpha=0.8))
    rijen = {r["gemeente"]: r for r in plan.per_gemeente.to_dicts()}
    # P = 8,000: M1 puts in 0.75 P, M2 0.25 P; M1 pays EUR 200 of its own for its own residents
    assert rijen["M1"]["inbreng"] == pytest.approx(6_000)
    assert rijen["M2"]["inbreng"] == pytest.approx(2_000)
    assert rijen["M1"]["eigen_uitgaven"] == pytest.approx(200)
    assert rijen["M1"]["uit_regionale_fondsen"] + rijen["M2"]["uit_regionale_fondsen"] == pytest.approx(8_000)
    assert rijen["M1"]["netto_kosten"] == pytest.approx(6_200)
    # the floor binds for M1: the pool pays for its residents exactly 0.8 x 0.75 x P
    assert rijen["M1"]["uit_regionale_fondsen"] == pytest.approx(0.6 * 8_000)
    # every municipal figure sums to its region's, to the cent
    assert sum(r["inbreng"] for r in rijen.values()) == pytest.approx(8_000, abs=0.005)
    assert sum(r["deelnemers"] for r in rijen.values()) == pytest.approx(plan.kerncijfers["deelnemers"], abs=1e-9)
    sleutels = {r["gemeente"]: r for r in plan.sleutelvergelijking.to_dicts()}
    assert sleutels["M1"]["inbreng_inwoners"] == pytest.approx(6_000)  # 3,000 of 4,000 inwoners
    assert sleutels["M1"]["inbreng_bijstand"] == pytest.approx(2_000)  # 100 of 400 households
    assert sleutels["M2"]["inbreng_bijstand"] == pytest.approx(6_000)
    assert sleutels["M1"]["inbreng_gebruik"] == pytest.approx(4_800)
    # M2 has nothing left beside its EUR 2,000: the bijstand key (EUR 6,000) does not fit its budget
    assert sleutels["M2"]["past_in_budget"] == "nee"
    # the workbook: a gemeente column after regio in Allocatie, Financiering and Fondsen
    for blad in ("Allocatie", "Financiering", "Fondsen"):
        kolommen = pl.read_excel(pad, sheet_name=blad).columns
        assert kolommen[kolommen.index("regio") + 1] == "gemeente", blad


def test_the_checker_sees_a_wrong_municipal_figure(werkboek, tmp_path):
    _plan, invoer, pad = plan_van(werkboek, tmp_path, regio_a(alpha=0.8))
    boek = openpyxl.load_workbook(pad)
    blad = boek["Per_gemeente"]
    kop = [c.value for c in blad[1]]
    blad.cell(row=2, column=kop.index("inbreng") + 1, value=5_999)
    blad.cell(row=2, column=kop.index("deelnemers") + 1, value=4)
    boek.save(pad)
    fouten = per_familie(invoer, pad)
    assert any("inbreng" in f for f in fouten["inbreng"])
    assert any("deelnemers" in f for f in fouten["inbreng"])


def test_a_region_row_is_spread_over_its_municipalities_by_bijstand(werkboek, tmp_path):
    bladen = regio_a(pool=False)
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2026, "aantal": 8}]
    bladen["Budgetten"] = [{"fonds": "P", "gemeente": m, "jaar": 2026, "bedrag": 100_000} for m in ("M1", "M2")]
    plan, _invoer, _pad = plan_van(werkboek, tmp_path, bladen)
    deelnemers = {r["gemeente"]: r["deelnemers"] for r in plan.per_gemeente.to_dicts()}
    assert deelnemers == {"M1": pytest.approx(2.0), "M2": pytest.approx(6.0)}  # 100 : 300 households
    info = dict(zip(plan.info["sleutel"], plan.info["waarde"]))
    assert "bijstand" in info["verdeeld_over_gemeenten"]


def test_a_rule_on_a_region_sums_over_its_municipalities(werkboek, tmp_path):
    bladen = regio_a()
    bladen["Beleidsregels"] = [{"regel": "hoogstens 6", "regio": "A", "grootheid": "deelnemers", "operator": "<=",
                                "waarde": 6},
                               {"regel": "M2 minstens 4", "gemeente": "M2", "grootheid": "deelnemers",
                                "operator": ">=", "waarde": 4}]
    plan, _invoer, _pad = plan_van(werkboek, tmp_path, bladen)
    deelnemers = {r["gemeente"]: r["deelnemers"] for r in plan.per_gemeente.to_dicts()}
    assert sum(deelnemers.values()) == pytest.approx(6)
    assert deelnemers["M2"] >= 4 - 1e-9


def test_every_municipal_input_problem_at_once(werkboek):
    bladen = regio_a()
    bladen["Gemeenten"] += [{"gemeente": "M3", "regio": "Onbekend", "inwoners": 10},
                            {"gemeente": "M1", "regio": "A", "inwoners": 5},
                            {"gemeente": "M4", "regio": "A", "bijstand": 3}]  # no inwoners: the key needs them
    bladen["Fondsen"].append({"fonds": "S", "soort": "overig", "inbreng_uit": "R"})  # R is not of niveau gemeente
    bladen["Fondsen"].append({"fonds": "T", "soort": "overig", "inbreng_uit": "P", "verdeelsleutel": "tabel"})
    bladen["Verdeelsleutel"] = [{"fonds": "T", "gemeente": "M1", "aandeel": 0.5},
                                {"fonds": "T", "gemeente": "M2", "aandeel": 0.4}]
    bladen["Budgetten"].append({"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 5})  # no gemeente
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    gevonden = {(p.blad, p.rij, p.kolom) for p in fout.value.problemen}
    assert ("Gemeenten", 4, "regio") in gevonden  # an unknown region
    assert ("Gemeenten", 5, "gemeente") in gevonden  # M1 twice
    assert ("Gemeenten", 6, "inwoners") in gevonden  # the inwoners key needs the number
    assert ("Fondsen", 4, "inbreng_uit") in gevonden  # R is not of niveau gemeente
    assert ("Verdeelsleutel", 2, "aandeel") in gevonden  # 0.5 + 0.4 is not 1
    assert ("Budgetten", 4, "gemeente") in gevonden  # a municipal fund's row without its municipality
    teksten = " ".join(p.melding for p in fout.value.problemen)
    assert "één regio" in teksten and "tellen op tot 0,9" in teksten


def test_a_gemeente_without_the_gemeenten_sheet_is_refused(werkboek):
    bladen = basis()
    bladen["Potentieel"][0]["gemeente"] = "M1"
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 1_000}]
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    assert [(p.blad, p.kolom) for p in fout.value.problemen] == [("Potentieel", "gemeente")]


def test_the_toelichting_names_the_limiting_municipality_and_the_cost_of_the_floor(werkboek, tmp_path):
    plan, _invoer, pad = plan_van(werkboek, tmp_path, regio_a(alpha=0.8))
    zinnen = " ".join(plan.toelichting["toelichting"])
    # M2 has put in all it has: every euro more in the pool costs it 25 cents it does not have
    assert "De regionale pot R in A wordt in 2026 begrensd door M2" in zinnen
    assert "begrensd door M1" not in zinnen  # M1 keeps EUR 3,800
    # 6 weighted placements without the floor, 4.1 with it (the module docstring)
    assert "bindt voor M1" in zinnen and "1,9 gewogen plaatsingen meer" in zinnen
    assert "R is in 2026 volledig besteed" not in zinnen  # a pool's money is what the municipalities put in
    regels = pl.read_excel(pad, sheet_name="Schaduwprijzen").to_dicts()
    assert any(r["fonds"] == "tegenprestatie R voor M1" for r in regels)


def test_vergelijk_shows_each_municipality_per_scenario(werkboek, tmp_path):
    """A scenario on one municipality's budget (the gemeente filter) and one on its region's (the regio filter
    takes the region's municipal budgets). With M2's EUR 4,000 the floor binds M1 at own + 0.6 P <= 5,000:
    P = 8,333, and M2 pays 0.25 P and EUR 1,917 itself: EUR 10,250."""
    bladen = regio_a(alpha=0.8)
    bladen["Scenarios"] = [{"scenario": "ruimer", "aanpassing": "budget", "fonds": "P", "gemeente": "M2", "factor": 2},
                           {"scenario": "krapper", "aanpassing": "budget", "regio": "A", "factor": 0.5}]
    pad = tmp_path / "vergelijking.xlsx"
    vergelijking = budgetkoppeling.vergelijk(werkboek(bladen), pad, parallel=False)
    deelnemers = {u.scenario: u.kerncijfers["deelnemers"] for u in vergelijking.uitkomsten}
    assert deelnemers == {"basis": pytest.approx(8.2), "ruimer": pytest.approx(10.25), "krapper": pytest.approx(6)}
    netto = {r["gemeente"]: r for r in pl.read_excel(pad, sheet_name="Per_gemeente").head(2).to_dicts()}
    assert float(netto["M2"]["ruimer"]) == pytest.approx(4_000)
    assert float(netto["M1"]["basis"]) == pytest.approx(6_200)


def test_the_diagnosis_names_the_municipality_whose_money_falls_short(werkboek):
    """The pool has EUR 12,000 of commitments: M2 must put in a quarter, EUR 3,000, and has EUR 2,000."""
    from budgetkoppeling.errors import GeenOplossing

    bladen = regio_a(alpha=0.8)
    bladen["Verplichtingen"] = [{"fonds": "R", "regio": "A", "jaar": 2026, "bedrag": 12_000}]
    with pytest.raises(GeenOplossing) as fout:
        budgetkoppeling.optimaliseer(werkboek(bladen))
    assert "Fonds 'P' van gemeente 'M2' (regio 'A'), jaar 2026: er ontbreekt € 1.000" in str(fout.value)
    tekorten = [(t["fonds"], t["gemeente"], t["tekort"]) for t in fout.value.tekorten]
    assert tekorten == [("P", "M2", pytest.approx(1_000))]


@pytest.fixture(scope="module")
def gemeentensjabloon(tmp_path_factory):
    from budgetkoppeling import maak_sjabloon

    pad = tmp_path_factory.mktemp("gemeenten") / "mijn_gemeenten.xlsx"
    maak_sjabloon(pad, gemeenten=True)
    return pad


def test_the_template_with_municipalities_plans_and_checks(gemeentensjabloon, tmp_path):
    """sjabloon --gemeenten: four municipalities, the Werkbedrijf filled by inwoners, a floor of 0.8. Its plan,
    its herijking pass the checker; the municipalities add up to the region."""
    for opties, vanaf in (({}, None), ({"vanaf": 2027}, 2027)):
        pad = tmp_path / f"plan_{len(opties)}_{vanaf}.xlsx"
        plan = budgetkoppeling.optimaliseer(gemeentensjabloon, pad, **opties)
        assert controleer(gemeentensjabloon, pad, vanaf=vanaf) == []
        assert plan.per_gemeente["plaatsingen"].sum() == pytest.approx(plan.kerncijfers["plaatsingen"])
    info = dict(zip(plan.info["sleutel"], plan.info["waarde"]))
    assert info["gemeenten"] == "4 gemeenten in 1 regio"
    assert "1 regio (4 gemeenten)" in budgetkoppeling.valideer(gemeentensjabloon).op_scherm()[0]


def test_the_guides_claim_that_the_key_matters(gemeentensjabloon, werkboek, tmp_path):
    """docs/handleiding.md, chapter 11: with the key gelijk Heidegem puts in as much as Voorbeeldstad, its net
    cost about doubles, the floor binds for Akkerdorp and Heidegem (1.5 weighted placements), and the plan
    yields over 2 weighted placements less than with inwoners."""
    from budgetkoppeling.sjabloon import voorbeeld_gemeenten_rijen

    inwoners = budgetkoppeling.optimaliseer(gemeentensjabloon, tmp_path / "inwoners.xlsx")
    bladen = voorbeeld_gemeenten_rijen()
    bladen["Fondsen"][-1]["verdeelsleutel"] = "gelijk"
    gelijk = budgetkoppeling.optimaliseer(werkboek(bladen), tmp_path / "gelijk.xlsx")
    verlies = inwoners.kerncijfers["gewogen_plaatsingen"] - gelijk.kerncijfers["gewogen_plaatsingen"]
    assert 2 < verlies < 3
    netto = {naam: dict(groep.group_by("gemeente").agg(pl.col("netto_kosten").sum()).iter_rows())
             for naam, groep in (("inwoners", inwoners.per_gemeente), ("gelijk", gelijk.per_gemeente))}
    assert 1.8 < netto["gelijk"]["Heidegem"] / netto["inwoners"]["Heidegem"] < 2.4
    zinnen = " ".join(gelijk.toelichting["toelichting"])
    assert "bindt voor Akkerdorp en Heidegem" in zinnen and "1,5 gewogen plaatsingen meer" in zinnen
    # every Participatiebudget is spent: a key that asks a municipality for more does not fit (nee); under
    # gelijk the three smaller municipalities put in more than under any other key, so every other key fits
    assert set(inwoners.sleutelvergelijking["past_in_budget"]) == {"nee"}
    past = dict(gelijk.sleutelvergelijking.select("gemeente", "past_in_budget").iter_rows())
    assert past == {"Voorbeeldstad": "nee", "Rivierstad": "ja", "Akkerdorp": "ja", "Heidegem": "ja"}


def test_uncertainty_about_one_municipality_touches_its_residents_only(werkboek, tmp_path):
    """An Onzekerheid row with a gemeente filter: Heidegem's chances at half, the plan held fixed, lose exactly
    half of Heidegem's weighted placements (the template has no discount; weights 1.2 and 1)."""
    from budgetkoppeling.sjabloon import voorbeeld_gemeenten_rijen

    bladen = voorbeeld_gemeenten_rijen()
    bladen["Onzekerheid"] = [{"naam": "heidegem", "grootheid": "plaatsingskans", "gemeente": "Heidegem", "laag": 0.5,
                              "hoog": 1}]
    invoer = werkboek(bladen)
    plan = budgetkoppeling.optimaliseer(invoer)
    gewicht = {"arbeidsbeperking": 1.2, "bijstand": 1.0}
    cellen = plan.allocatie.select("gemeente", "doelgroep", "plaatsingen").iter_rows()
    heidegem = sum(gewicht[g] * p for m, g, p in cellen if m == "Heidegem")
    budgetkoppeling.onzekerheid(invoer, tmp_path / "onzekerheid.xlsx", trekkingen=4)
    rij = pl.read_excel(tmp_path / "onzekerheid.xlsx", sheet_name="Gevoeligheid").row(0, named=True)
    assert rij["gewogen_bij_laag"] == pytest.approx(plan.kerncijfers["gewogen_plaatsingen"] - 0.5 * heidegem)
    assert heidegem > 10


def test_a_financing_rule_for_one_municipality(werkboek, tmp_path):
    """Financieringsregels with a gemeente: the pool may not pay for M2's residents. Then the pool can only pay
    for M1's, who have 5 places and their own money for them: the pool is useless and each pays for its own,
    7 participants and 3.5 weighted placements (6 when the pool may pay for both)."""
    bladen = regio_a()
    bladen["Financieringsregels"].append({"fonds": "R", "gemeente": "M2", "max_aandeel": 0})
    plan, _invoer, _pad = plan_van(werkboek, tmp_path, bladen)
    assert plan.kerncijfers["gewogen_plaatsingen"] == pytest.approx(3.5)
    assert plan.financiering.filter((pl.col("fonds") == "R") & (pl.col("gemeente") == "M2")).height == 0


def test_a_herijking_reads_each_municipalitys_own_ledger(werkboek, tmp_path):
    """Realisatie_uitgaven of a municipal fund names the gemeente. M2 paid EUR 2,500 in 2026 against a budget of
    EUR 2,000: the ledger is the truth, M2 overspent by EUR 500, and the plan of 2027 passes the checker."""
    bladen = regio_a(alpha=0.8)
    for blad in ("Budgetten",):
        bladen[blad] += [{**r, "jaar": 2027} for r in bladen[blad]]
    bladen["Instellingen"] = [{"sleutel": "planperiode_start", "waarde": 2026},
                              {"sleutel": "planperiode_eind", "waarde": 2027}]
    bladen["Potentieel"] += [{**r, "jaar": 2027} for r in bladen["Potentieel"]]
    bladen["Realisatie"] = [{"regio": "A", "gemeente": "M2", "instrument": "I", "doelgroep": "G", "jaar": 2026,
                             "deelnemers": 2.5}]
    bladen["Realisatie_uitgaven"] = [{"fonds": "P", "regio": "A", "gemeente": "M2", "jaar": 2026, "bedrag": 2_500}]
    invoer = werkboek(bladen)
    pad = tmp_path / "herijking.xlsx"
    plan = budgetkoppeling.optimaliseer(invoer, pad, vanaf=2027)
    assert controleer(invoer, pad, vanaf=2027) == []
    fondsen = {(r["fonds"], r["gemeente"], r["jaar"]): r for r in plan.fondsen.to_dicts()}
    assert fondsen[("P", "M2", 2026)]["overschreden"] == pytest.approx(500)
    assert plan.kerncijfers["overschreden"] == pytest.approx(500)


def test_a_pool_without_the_gemeenten_sheet_gets_one_clear_message(werkboek):
    bladen = regio_a()
    del bladen["Gemeenten"]
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 1_000}]
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2026, "aantal": 5}]
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    meldingen = [(p.blad, p.kolom, p.melding) for p in fout.value.problemen]
    assert [(b, k) for b, k, _m in meldingen] == [("Fondsen", "niveau")]
    assert "vraagt om het blad Gemeenten" in meldingen[0][2]


def test_the_what_if_page_on_municipalities_gives_what_optimaliseer_gives(gemeentensjabloon, tmp_path):
    """verken on the template with municipalities (SPEC §10 on SPEC §9): the page loads, and a slider on a
    municipal fund (each municipality's Participatiebudget) gives through /api/plan what optimaliseer gives
    for the same row as a scenario, the pool's inbreng included."""
    from starlette.testclient import TestClient

    from budgetkoppeling.verkenner import Verkenner, app

    from .test_verken import ADRES, is_wat_optimaliseer_geeft, vraag

    rij = {"aanpassing": "budget", "fonds": "Participatiebudget", "factor": 0.9}
    verkenner = Verkenner(gemeentensjabloon)
    try:
        with TestClient(app(verkenner), base_url=ADRES) as klant:
            assert vraag(klant, verkenner, "/").status_code == 200
            pagina = vraag(klant, verkenner, "/api/plan", [rij]).json()
            geopend = vraag(klant, verkenner, "/api/plan").json()
    finally:
        verkenner.sluit()
    is_wat_optimaliseer_geeft(pagina, gemeentensjabloon, [rij], tmp_path)
    assert pagina["kerncijfers"]["gewogen_plaatsingen"] < geopend["kerncijfers"]["gewogen_plaatsingen"]


def test_a_national_run_points_to_per_gemeente_instead_of_a_table_of_hundreds(werkboek, tmp_path):
    """More than 40 municipalities (the national example has 342): the terminal says where they are, not a table."""
    from click.testing import CliRunner

    from budgetkoppeling.cli import main

    bladen = regio_a(pool=False)
    bladen["Gemeenten"] = [{"gemeente": f"M{n}", "regio": "A", "inwoners": 1000 + n} for n in range(41)]
    bladen["Budgetten"] = [{"fonds": "P", "gemeente": f"M{n}", "jaar": 2026, "bedrag": 1_000} for n in range(41)]
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2026, "aantal": 100}]
    resultaat = CliRunner().invoke(main, ["optimaliseer", str(werkboek(bladen)), "-o", str(tmp_path / "p.xlsx")])
    assert resultaat.exit_code == 0, resultaat.output
    assert "Per gemeente: 41 gemeenten in 1 regio, te veel voor het scherm: zie het blad Per_gemeente." in \
        " ".join(resultaat.output.split())
    assert "Per gemeente, over de planperiode" not in resultaat.output
