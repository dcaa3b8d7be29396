"""One golden LP file per constraint family: a tiny input each, written through the PuLP view.

The LP file shows a family exactly as the formulation writes it: its rows named
``<familie>_<keys>``, its coefficients and right-hand sides. A change in the model that
changes any of them fails here and shows the difference; after a deliberate change,
``BUDGETKOPPELING_GOLDEN=schrijf python3 run.py test tests/test_golden.py`` rewrites the files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import budgetkoppeling
from budgetkoppeling.model import FAMILIES, bouw

from .conftest import basis, regel

GOLDEN = Path(__file__).resolve().parent / "golden"
HANDBEREKEND = Path(__file__).resolve().parent / "test_handberekend.py"


def _budget(fonds, bedrag, jaar=2026, regio="A"):
    return {"fonds": fonds, "regio": regio, "jaar": jaar, "bedrag": bedrag}


def _segment():
    bladen = basis()
    bladen["Budgetten"] = [_budget("P", 50_000)]
    bladen["Afnemende_meeropbrengst"] = [
        {"instrument": "alle", "segment": 1, "aandeel_potentieel": 0.6, "factor": 1},
        {"instrument": "alle", "segment": 2, "aandeel_potentieel": 0.4, "factor": 0.5}]
    return bladen


def _potentieel():
    bladen = basis()
    bladen["Budgetten"] = [_budget("P", 50_000)]
    return bladen


def _looptijd():
    bladen = basis(jaren=(2026, 2027))
    bladen["Instrumenten"][0]["duur_jaren"] = 2
    bladen["Budgetten"] = [_budget("P", 50_000, t) for t in (2026, 2027)]
    return bladen


def _kosten():
    bladen = basis(jaren=(2026, 2027), kostenindexatie=0.1, doorloop_na_planperiode="ja")
    bladen["Instrumenten"][0]["duur_jaren"] = 2
    bladen["Budgetten"] = [_budget("P", 50_000, t) for t in (2026, 2027)]
    return bladen


def _financiering():
    bladen = basis()
    bladen["Fondsen"].append({"fonds": "Q", "soort": "overig"})
    bladen["Financieringsregels"].append({"fonds": "Q"})
    bladen["Budgetten"] = [_budget("P", 20_000), _budget("Q", 10_000)]
    return bladen


def _reservering():
    bladen = basis(jaren=(2026, 2027), doorloop_na_planperiode="ja")
    bladen["Instrumenten"][0]["duur_jaren"] = 2
    bladen["Budgetten"] = [_budget("P", 3_000, 2027)]
    return bladen


def _vaststelling():
    bladen = basis()
    bladen["Fondsen"].append({"fonds": "E", "soort": "esf", "vaststellingsrisico": 0.1})
    bladen["Financieringsregels"].append({"fonds": "E", "max_aandeel": 0.4})
    bladen["Budgetten"] = [_budget("P", 20_000), _budget("E", 30_000)]
    return bladen


def _cofinanciering():
    bladen = basis()
    bladen["Fondsen"].append({"fonds": "E", "soort": "esf"})
    bladen["Financieringsregels"].append({"fonds": "E", "max_aandeel": 0.4})
    bladen["Budgetten"] = [_budget("P", 20_000), _budget("E", 30_000)]
    return bladen


def _budget_familie():
    bladen = basis(jaren=(2026, 2027))
    bladen["Regios"].append({"regio": "B"})
    bladen["Potentieel"] += [{"regio": "B", "doelgroep": "G", "jaar": t, "aantal": 50} for t in (2026, 2027)]
    bladen["Fondsen"].append({"fonds": "L", "soort": "sector", "landelijk": "ja"})
    bladen["Financieringsregels"].append({"fonds": "L"})
    bladen["Budgetten"] = [_budget("P", 20_000, t) for t in (2026, 2027)] + [
        {"fonds": "L", "jaar": 2026, "bedrag": 15_000}]
    bladen["Verplichtingen"] = [_budget("P", 4_000)]
    return bladen


def _overheveling():
    bladen = basis(jaren=(2026, 2027))
    bladen["Fondsen"][0]["overheveling"] = 0.2
    bladen["Budgetten"] = [_budget("P", 30_000, 2026), _budget("P", 10_000, 2027)]
    return bladen


def _beleidsregel():
    bladen = basis(jaren=(2026, 2027))
    bladen["Budgetten"] = [_budget("P", 50_000, t) for t in (2026, 2027)]
    bladen["Beleidsregels"] = [
        regel(regel="maximum", jaar="elk", grootheid="deelnemers", operator="<=", waarde=30),
        regel(regel="plaatsingen", grootheid="plaatsingen", operator=">=", waarde=10),
        regel(regel="uitgaven", fonds="P", grootheid="uitgaven", operator="=", waarde=40_000)]
    return bladen


def _koppeling():
    bladen = basis(jaren=(2026, 2027))
    bladen["Fondsen"].append({"fonds": "S", "soort": "sector"})
    bladen["Financieringsregels"].append({"fonds": "S"})
    bladen["Budgetten"] = [_budget(f, b, t) for f, b in (("P", 10_000), ("S", 2_000)) for t in (2026, 2027)]
    bladen["Koppelingen"] = [{"koppeling": "sectorplan", "fonds": "P", "partner": "S", "verhouding": 0.5,
                              "jaar": "elk"}]
    return bladen


def _overgang():
    bladen = basis(max_verschuiving=0.2)
    bladen["Instrumenten"].append({"instrument": "J", "kosten_per_deelnemer": 1000, "duur_jaren": 1,
                                   "vertraging_jaren": 0})
    bladen["Effecten"].append({"instrument": "J", "doelgroep": "G", "plaatsingskans": 0.2})
    bladen["Budgetten"] = [_budget("P", 50_000)]
    bladen["Huidige_verdeling"] = [{"regio": "A", "instrument": "I", "doelgroep": "G", "jaar": 2026,
                                    "deelnemers": 30}]
    return bladen


def _realisatie():
    bladen = basis(jaren=(2026, 2027))
    bladen["Budgetten"] = [_budget("P", 50_000, t) for t in (2026, 2027)]
    bladen["Realisatie"] = [{"regio": "A", "instrument": "I", "doelgroep": "G", "jaar": 2026, "deelnemers": 30}]
    bladen["Realisatie_uitgaven"] = [_budget("P", 30_000)]
    return bladen


def _inbreng():
    from .test_gemeenten import regio_a

    return regio_a()


def _tegenprestatie():
    from .test_gemeenten import regio_a

    return regio_a(alpha=0.8)


GEVALLEN = {
    "segment": _segment, "potentieel": _potentieel, "looptijd": _looptijd, "kosten": _kosten,
    "financiering": _financiering, "reservering": _reservering, "cofinanciering": _cofinanciering,
    "vaststelling": _vaststelling, "budget": _budget_familie, "inbreng": _inbreng, "tegenprestatie": _tegenprestatie,
    "overheveling": _overheveling, "beleidsregel": _beleidsregel, "koppeling": _koppeling,
    "overgang": _overgang, "realisatie": _realisatie,
}


def test_every_family_has_a_golden_case_a_hand_computed_test_a_checker_and_a_not_blind_case():
    from .checker import CONTROLES

    assert set(GEVALLEN) == set(FAMILIES)
    handberekend = set(re.findall(r"^def test_([a-z]+)_", HANDBEREKEND.read_text(encoding="utf-8"), re.MULTILINE))
    assert set(FAMILIES) <= handberekend, set(FAMILIES) - handberekend
    assert list(CONTROLES) == list(FAMILIES)
    assert set(STRENGER) == set(FAMILIES)


def _zet(blad: str, rij: int, **waarden):
    def zet(bladen):
        bladen[blad][rij].update(waarden)
    return zet


# per family: a change of the input, after the plan was made, that the plan then breaks; the family's
# own check must say so (the checker is not blind to it)
STRENGER = {
    "segment": lambda bladen: (_zet("Afnemende_meeropbrengst", 0, aandeel_potentieel=0.3)(bladen),
                               _zet("Afnemende_meeropbrengst", 1, aandeel_potentieel=0.7)(bladen)),
    "potentieel": _zet("Potentieel", 0, aantal=10),
    "looptijd": _zet("Instrumenten", 0, vertraging_jaren=1),
    "kosten": _zet("Instrumenten", 0, kosten_per_deelnemer=1_100),
    "financiering": lambda bladen: bladen["Financieringsregels"].__setitem__(1, {"fonds": "Q", "instrument": "alle",
                                                                                 "doelgroep": "alle",
                                                                                 "max_aandeel": 0}),
    "reservering": _zet("Fondsen", 0, vervaljaar=2026),
    "cofinanciering": _zet("Financieringsregels", 1, max_aandeel=0.2),
    "vaststelling": _zet("Fondsen", 1, vaststellingsrisico=0.2),
    "budget": _zet("Verplichtingen", 0, bedrag=9_000),
    "inbreng": _zet("Gemeenten", 0, inwoners=1_000),  # the key changes: a[m] x P is no longer what M1 put in
    "tegenprestatie": _zet("Fondsen", 1, min_tegenprestatie=1),
    "overheveling": _zet("Fondsen", 0, overheveling=0.05),
    "beleidsregel": _zet("Beleidsregels", 0, waarde=5),
    "koppeling": _zet("Koppelingen", 0, verhouding=0.9),
    "overgang": lambda bladen: bladen["Instellingen"].append({"sleutel": "max_verschuiving", "waarde": 0.05})
    if not any(r["sleutel"] == "max_verschuiving" for r in bladen["Instellingen"]) else
    next(r for r in bladen["Instellingen"] if r["sleutel"] == "max_verschuiving").update(waarde=0.05),
    "realisatie": _zet("Realisatie", 0, deelnemers=31),
}


@pytest.mark.parametrize("familie", list(GEVALLEN))
def test_the_checker_of_each_family_is_not_blind(familie, werkboek, tmp_path):
    """The golden case's plan passes every check; with the input made stricter afterwards, the
    family's own check (tests/checker.py) finds what the plan now breaks."""
    from .checker import per_familie

    vanaf = 2027 if familie == "realisatie" else None
    bladen = GEVALLEN[familie]()
    invoer = werkboek(bladen)
    plan = tmp_path / "plan.xlsx"
    budgetkoppeling.optimaliseer(invoer, plan, vanaf=vanaf, oplosser="highs")
    assert all(fouten == [] for fouten in per_familie(invoer, plan, vanaf=vanaf).values())
    STRENGER[familie](bladen)
    strenger = per_familie(werkboek(bladen), plan, vanaf=vanaf)
    assert strenger[familie], (familie, strenger)
    assert all(fout.startswith(f"{familie}:") for fout in strenger[familie])


@pytest.mark.parametrize("familie", list(GEVALLEN))
def test_golden_lp_file(familie, werkboek, tmp_path):
    invoer = budgetkoppeling.valideer(werkboek(GEVALLEN[familie]()))
    if familie == "realisatie":  # a herijking from 2027
        from budgetkoppeling.herijking import herijk

        invoer = herijk(invoer, 2027)
    pad = tmp_path / f"{familie}.lp"
    bouw(invoer).als_pulp().writeLP(str(pad))
    tekst = pad.read_text(encoding="utf-8")
    if familie == "segment":  # a bound of x, not a row
        assert re.search(r"^ x_A_I_G_2026_1 <= 60$", tekst, re.MULTILINE), tekst
    else:
        assert re.search(rf"^{familie}_\w+:", tekst, re.MULTILINE), tekst
    golden = GOLDEN / f"{familie}.lp"
    if os.environ.get("BUDGETKOPPELING_GOLDEN") == "schrijf":
        golden.write_text(tekst, encoding="utf-8")
    assert tekst == golden.read_text(encoding="utf-8")
