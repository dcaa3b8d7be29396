"""The finance officer of Rijnmond, end to end (issue 15): the template from the CLI, filled in as in
Excel (five funds: ESF+ at 40% in two tranches, two O&O funds, a national sector pot;
commitments, nine instruments, five policy rules, four scenarios, a hand plan), then valideer,
optimaliseer, vergelijk and evalueer, and the typical mistakes, each with its Dutch message."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from .checker import controleer
from .uitvoercontrole import controleer_geen_formules_of_links, draai

R = "Rijnmond"
JAREN = (2026, 2027, 2028, 2029)
INSTRUMENTEN = [  # name, cost per participant per year, duration, years to placement
    ("jobcoaching", 6_500, 1, 1), ("loonkostensubsidie", 14_500, 2, 0), ("scholing", 4_000, 1, 1),
    ("proefplaatsing", 1_500, 1, 0), ("detachering", 9_000, 1, 0), ("werkfit", 3_000, 1, 1),
    ("taaltraject", 5_000, 1, 2), ("beschut werk", 18_000, 2, 0), ("schuldhulp", 1_200, 1, 1),
]
GROEPEN = {"bijstand": 1.0, "arbeidsbeperking": 1.3, "nieuwkomers": 1.1, "werk-naar-werk": 0.8}


def rijnmond() -> dict[str, list[dict]]:
    kans = {"jobcoaching": 0.35, "loonkostensubsidie": 0.55, "scholing": 0.3, "proefplaatsing": 0.25,
            "detachering": 0.45, "werkfit": 0.2, "taaltraject": 0.15, "beschut werk": 0.6, "schuldhulp": 0.1}
    effecten = [{"instrument": i, "doelgroep": g, "plaatsingskans": round(kans[i] * (0.8 if g == "bijstand" else 1), 3)}
                for i, *_ in INSTRUMENTEN for g in GROEPEN
                if not (i == "beschut werk" and g != "arbeidsbeperking")
                and not (i == "taaltraject" and g != "nieuwkomers")]
    return {
        "Instellingen": [{"sleutel": "planperiode_start", "waarde": 2026},
                         {"sleutel": "planperiode_eind", "waarde": 2029},
                         {"sleutel": "disconteringsvoet", "waarde": "0,02"},
                         {"sleutel": "kostenindexatie", "waarde": "0,025"},
                         {"sleutel": "doorloop_na_planperiode", "waarde": "nee"}],
        "Regios": [{"regio": R, "centrumgemeente": "Rotterdam"}],
        "Fondsen": [
            {"fonds": "Participatiebudget", "soort": "participatiebudget", "landelijk": "nee", "overheveling": 0.2},
            {"fonds": "ESF+", "soort": "esf", "landelijk": "nee", "overheveling": 0, "vervaljaar": 2029},
            {"fonds": "O&O Techniek", "soort": "oeo", "landelijk": "nee", "overheveling": 0},
            {"fonds": "O&O Zorg", "soort": "oeo", "landelijk": "nee", "overheveling": 0},
            {"fonds": "Sectorpot", "soort": "sector", "landelijk": "ja", "overheveling": 0},
        ],
        "Budgetten": (
            [{"fonds": "Participatiebudget", "regio": R, "jaar": t, "bedrag": 60_000_000} for t in JAREN]
            + [{"fonds": "ESF+", "regio": R, "jaar": t, "bedrag": 1_500_000} for t in JAREN for _tranche in (1, 2)]
            + [{"fonds": f, "regio": R, "jaar": t, "bedrag": 800_000} for f in ("O&O Techniek", "O&O Zorg")
               for t in JAREN]
            + [{"fonds": "Sectorpot", "jaar": t, "bedrag": 2_000_000} for t in JAREN]),
        "Verplichtingen": [{"fonds": "Participatiebudget", "regio": R, "jaar": 2026, "bedrag": 25_000_000},
                           {"fonds": "Participatiebudget", "regio": R, "jaar": 2027, "bedrag": 12_000_000}],
        "Instrumenten": [{"instrument": i, "kosten_per_deelnemer": k, "duur_jaren": d, "vertraging_jaren": v}
                         for i, k, d, v in INSTRUMENTEN],
        "Doelgroepen": [{"doelgroep": g, "gewicht": w} for g, w in GROEPEN.items()],
        "Potentieel": [{"regio": R, "doelgroep": g, "jaar": t, "aantal": a}
                       for g, a in (("bijstand", 9_000), ("arbeidsbeperking", 2_500), ("nieuwkomers", 1_500),
                                    ("werk-naar-werk", 2_000)) for t in JAREN],
        "Effecten": effecten,
        "Financieringsregels": [
            {"fonds": "Participatiebudget", "instrument": "alle", "doelgroep": "alle", "max_aandeel": 1},
            {"fonds": "ESF+", "instrument": "alle", "doelgroep": "alle", "max_aandeel": 0.4},
            {"fonds": "O&O Techniek", "instrument": "scholing", "doelgroep": "alle", "max_aandeel": 0.5},
            {"fonds": "O&O Zorg", "instrument": "scholing", "doelgroep": "alle", "max_aandeel": 0.5},
            {"fonds": "Sectorpot", "instrument": "detachering", "doelgroep": "alle", "max_aandeel": 0.5},
        ],
        "Afnemende_meeropbrengst": [{"instrument": "alle", "segment": 1, "aandeel_potentieel": 0.5, "factor": 1},
                                    {"instrument": "alle", "segment": 2, "aandeel_potentieel": 0.5, "factor": 0.7}],
        "Beleidsregels": [
            {"regel": "banenafspraak", "doelgroep": "arbeidsbeperking", "jaar": "elk", "grootheid": "plaatsingen",
             "operator": ">=", "waarde": 150},
            {"regel": "jobcoach capaciteit", "instrument": "jobcoaching", "jaar": "elk", "grootheid": "deelnemers",
             "operator": "<=", "waarde": 400},
            {"regel": "beschut werk minimum", "instrument": "beschut werk", "jaar": "2026-2027",
             "grootheid": "deelnemers", "operator": ">=", "waarde": 100},
            {"regel": "schuldhulp", "instrument": "schuldhulp", "jaar": "elk", "grootheid": "uitgaven",
             "operator": ">=", "waarde": 250_000},
            {"regel": "werk-naar-werk plafond", "doelgroep": "werk-naar-werk", "grootheid": "deelnemers",
             "operator": "<=", "waarde": 3_000, "actief": "ja"},
        ],
        "Scenarios": [
            {"scenario": "bezuiniging", "aanpassing": "budget", "fonds": "Participatiebudget", "jaar": "2027-2029",
             "factor": 0.9},
            {"scenario": "betere jobcoach", "aanpassing": "plaatsingskans", "instrument": "jobcoaching",
             "factor": 1.2},
            {"scenario": "zonder plafond", "aanpassing": "regel_actief", "regel": "werk-naar-werk plafond",
             "waarde": "nee"},
            {"scenario": "onhaalbaar", "aanpassing": "regel_waarde", "regel": "banenafspraak", "waarde": 100_000},
        ],
        "Huidige_verdeling": [
            {"regio": R, "instrument": "loonkostensubsidie", "doelgroep": "arbeidsbeperking", "jaar": 2026,
             "deelnemers": 900},
            {"regio": R, "instrument": "jobcoaching", "doelgroep": "bijstand", "jaar": 2026, "deelnemers": 400},
            {"regio": R, "instrument": "beschut werk", "doelgroep": "arbeidsbeperking", "jaar": 2026,
             "deelnemers": 100},
            {"regio": R, "instrument": "schuldhulp", "doelgroep": "bijstand", "jaar": 2026, "deelnemers": 300},
            {"regio": R, "instrument": "proefplaatsing", "doelgroep": "bijstand", "jaar": 2027, "deelnemers": 1_500},
        ],
        "Realisatie": [], "Realisatie_uitgaven": [],  # the template's example rows cleared: no herijking yet
    }


def vul_in(sjabloon: Path, doel: Path, bladen: dict[str, list[dict]]) -> None:
    """What a user does in Excel: replace the example rows of each sheet below its headers."""
    werkboek = openpyxl.load_workbook(sjabloon)
    for naam, rijen in bladen.items():
        blad = werkboek[naam]
        koppen = [c.value for c in blad[1]]
        blad.delete_rows(2, blad.max_row)
        for nummer, rij in enumerate(rijen, start=2):
            for kolom, kop in enumerate(koppen, start=1):
                if rij.get(kop) is not None:
                    blad.cell(nummer, kolom, rij[kop])
    werkboek.save(doel)


@pytest.fixture(scope="module")
def map_(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rijnmond")


@pytest.fixture(scope="module")
def invoer(map_) -> Path:
    sjabloon = map_ / "sjabloon.xlsx"
    assert draai("sjabloon", sjabloon)[0] == 0
    pad = map_ / "rijnmond.xlsx"
    vul_in(sjabloon, pad, rijnmond())
    return pad


def test_valideer_and_optimaliseer(invoer, map_):
    code, uit = draai("valideer", invoer)
    assert code == 0 and "De invoer is in orde: 1 regio, 5 fondsen, 9 instrumenten, 4 doelgroepen" in uit
    plan = map_ / "plan.xlsx"
    code, uit = draai("optimaliseer", invoer, "-o", plan, "--datum", "2026-12-02", "--json")
    assert code == 0, uit
    gegevens = json.loads(uit)
    assert controleer(invoer, plan) == []
    controleer_geen_formules_of_links(plan)
    samenvatting = pl.read_excel(plan, table_name="Samenvatting")
    cijfers = dict(zip(samenvatting["kpi"], samenvatting["waarde"]))
    assert cijfers["gewogen_plaatsingen"] == pytest.approx(gegevens["doelwaarde"])
    assert cijfers["bestaande_verplichtingen"] == pytest.approx(37_000_000)
    fondsen = pl.read_excel(plan, sheet_name="Fondsen")
    assert set(fondsen["fonds"]) == {"Participatiebudget", "ESF+", "O&O Techniek", "O&O Zorg", "Sectorpot"}
    assert "landelijk" in set(fondsen["regio"])
    esf = fondsen.filter(pl.col("fonds") == "ESF+")
    assert esf["budget"].to_list() == [3_000_000.0] * 4  # the two tranches of each year added up
    regels = pl.read_excel(plan, sheet_name="Beleidsregels")
    assert len(regels) == 4 + 4 + 1 + 4 + 1  # elk expands per year; the range rule is one
    info = dict(pl.read_excel(plan, sheet_name="Info").iter_rows())
    assert info["rekendatum"] == "2026-12-02"


def test_vergelijk_marks_the_unsolvable_scenario(invoer, map_):
    doel = map_ / "vergelijking.xlsx"
    code, uit = draai("vergelijk", invoer, "-o", doel, "--datum", "2026-12-02")
    assert code == 0, uit
    assert "Scenario 'onhaalbaar' heeft geen oplossing" in uit and "banenafspraak" in uit
    kerncijfers = pl.read_excel(doel, table_name="Vergelijking")
    assert kerncijfers.columns[:6] == ["kpi", "basis", "bezuiniging", "betere jobcoach", "zonder plafond",
                                       "onhaalbaar"]
    rij = {r["kpi"]: r for r in kerncijfers.iter_rows(named=True)}
    assert rij["uitgaven"]["bezuiniging"] < rij["uitgaven"]["basis"]
    assert rij["gewogen_plaatsingen"]["zonder plafond"] >= rij["gewogen_plaatsingen"]["basis"] - 1e-6
    assert rij["plaatsingen"]["onhaalbaar"] is None
    teksten = [c.value for r in openpyxl.load_workbook(doel)["Vergelijking"].iter_rows() for c in r
               if isinstance(c.value, str)]
    assert any(t.startswith("Scenario 'onhaalbaar' heeft geen oplossing") for t in teksten)


def test_evalueer_names_the_overdrawn_budget(invoer, map_):
    doel = map_ / "evaluatie.xlsx"
    code, uit = draai("evalueer", invoer, "-o", doel)
    assert code == 0, uit
    assert "Gewogen" in uit and "plaatsingen" in uit  # the row of item 17 (the table wraps at 80 columns)
    tekorten = pl.read_excel(doel, sheet_name="Tekorten")
    if tekorten.height:  # every shortfall names what it breaks, never a financing rule that allows the cell
        assert set(tekorten["soort"]) <= {"budget", "beleidsregel", "potentieel", "looptijd"}
    evaluatie = pl.read_excel(doel, table_name="Evaluatie")
    assert evaluatie["kpi"].to_list()[:2] == ["plaatsingen", "gewogen_plaatsingen"]


@pytest.mark.parametrize("fout, woorden", [
    # SPEC §4: text in Dutch notation (900.000 is 900000); a reading that is unclear is refused
    (lambda b: b["Budgetten"][0].update(bedrag="1.5"), ["Budgetten", "rij 2", "bedrag", "onduidelijk", "1,5"]),
    (lambda b: b["Instrumenten"][1].update(kosten_per_deelnemer="14,500"),
     ["Instrumenten", "rij 3", "kosten_per_deelnemer", "onduidelijk", "14.500"]),
    (lambda b: b["Budgetten"][0].update(fonds="Participatiebudet"), ["bedoelt u 'Participatiebudget'"]),
    (lambda b: b["Financieringsregels"][1].update(fonds="ESF"), ["bedoelt u 'ESF+'"]),
    (lambda b: b.pop("Instellingen") and b["Budgetten"][0].update(regio=None),
     ["Instellingen", "ontbreekt", "regionaal: vul de regio in"]),
    (lambda b: b["Scenarios"][2].update(waarde="misschien"), ["Scenarios", "waarde"]),
])
def test_the_typical_mistakes(fout, woorden, map_, tmp_path):
    bladen = rijnmond()
    fout(bladen)
    pad = tmp_path / "fout.xlsx"
    vul_in(map_ / "sjabloon.xlsx", pad, {k: v for k, v in bladen.items()})
    if "Instellingen" not in bladen:
        werkboek = openpyxl.load_workbook(pad)
        del werkboek["Instellingen"]
        werkboek.save(pad)
    code, uit = draai("valideer", pad)
    assert code == 3, uit
    for woord in woorden:
        assert woord in uit, (woord, uit)
    assert "Traceback" not in uit


def test_dutch_amounts_typed_as_text_are_read_exactly(map_, tmp_path):
    bladen = rijnmond()
    bladen["Budgetten"][0]["bedrag"] = "€ 60.000.000,00"
    bladen["Instrumenten"][1]["kosten_per_deelnemer"] = "14500"
    bladen["Financieringsregels"][1]["max_aandeel"] = "40%"
    pad = tmp_path / "tekst.xlsx"
    vul_in(map_ / "sjabloon.xlsx", pad, bladen)
    code, uit = draai("valideer", pad, "--json")
    assert code == 0, uit
