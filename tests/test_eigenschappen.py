"""Property tests on hypothesis-generated valid workbooks.

For every generated workbook: the plan passes the independent checker, HiGHS and CBC
agree on the optimum, more budget never gives fewer weighted placements, and
``geheel`` gives whole participants and an objective no higher than the LP's.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import budgetkoppeling
from budgetkoppeling.io import schrijf_invoer

from .checker import controleer

START = 2026


@st.composite
def werkboeken(draw) -> dict[str, list[dict]]:
    aantal_jaren = draw(st.integers(1, 3))
    jaren = list(range(START, START + aantal_jaren))
    regios = [f"Regio {n}" for n in range(draw(st.integers(1, 3)))]
    instrumenten = [f"instrument-{n}" for n in range(draw(st.integers(1, 3)))]
    groepen = [f"groep {n}" for n in range(draw(st.integers(1, 2)))]
    fondsen = []
    for n in range(draw(st.integers(1, 3))):
        fondsen.append({
            "fonds": f"Fonds[{n}]",
            "soort": draw(st.sampled_from(["participatiebudget", "esf", "oeo", "sector", "overig"])),
            "landelijk": draw(st.sampled_from(["ja", "nee"])),
            "overheveling": draw(st.sampled_from([0, 0.2, 0.5])),
            "vervaljaar": draw(st.sampled_from([None] + jaren)),
        })

    def laatste_jaar(fonds):
        return fonds["vervaljaar"] or jaren[-1]

    budgetten, verplichtingen = [], []
    for fonds in fondsen:
        pot_regios = [None] if fonds["landelijk"] == "ja" else regios
        for regio in pot_regios:
            for jaar in jaren:
                if jaar > laatste_jaar(fonds) or not draw(st.booleans()):
                    continue
                bedrag = draw(st.integers(0, 60_000))
                budgetten.append({"fonds": fonds["fonds"], "regio": regio, "jaar": jaar, "bedrag": bedrag})
                if draw(st.booleans()):
                    verplichtingen.append({"fonds": fonds["fonds"], "regio": regio, "jaar": jaar,
                                           "bedrag": round(bedrag * draw(st.sampled_from([0, 0.1, 0.3])))})
    paren = [(i, g) for i in instrumenten for g in groepen]
    gekozen = draw(st.lists(st.sampled_from(paren), min_size=1, max_size=len(paren), unique=True))
    financieringsregels = []
    for fonds in fondsen:
        instrument = draw(st.sampled_from(["alle"] + instrumenten))
        doelgroep = draw(st.sampled_from(["alle"] + groepen))
        financieringsregels.append({"fonds": fonds["fonds"], "instrument": instrument, "doelgroep": doelgroep,
                                    "max_aandeel": draw(st.sampled_from([1, 0.4, 0.5, 0.8]))})
    regels = []
    for n in range(draw(st.integers(0, 2))):
        grootheid = draw(st.sampled_from(["deelnemers", "uitgaven", "plaatsingen"]))
        regels.append({
            "regel": f"regel {n}",
            "regio": draw(st.sampled_from(["alle", "elk"] + regios)),
            "fonds": draw(st.sampled_from(["alle", "elk"] + [f["fonds"] for f in fondsen]))
            if grootheid == "uitgaven" else "alle",
            "instrument": draw(st.sampled_from(["alle", "elk"] + instrumenten)),
            "doelgroep": draw(st.sampled_from(["alle", "elk"] + groepen)),
            "jaar": draw(st.sampled_from(["alle", "elk"] + [str(j) for j in jaren])),
            "grootheid": grootheid, "operator": "<=",
            "waarde": draw(st.sampled_from([0, 3, 10, 5_000])),
            "actief": draw(st.sampled_from(["ja", "ja", "nee"])),
        })
    segmenten = []
    if draw(st.booleans()):
        segmenten = [
            {"instrument": "alle", "segment": 1, "aandeel_potentieel": 0.4, "factor": 1},
            {"instrument": "alle", "segment": 2, "aandeel_potentieel": 0.6, "factor": 0.6},
        ]
    return {
        "Instellingen": [
            {"sleutel": "planperiode_start", "waarde": START},
            {"sleutel": "planperiode_eind", "waarde": jaren[-1]},
            {"sleutel": "disconteringsvoet", "waarde": draw(st.sampled_from([0, 0.05]))},
            {"sleutel": "kostenindexatie", "waarde": draw(st.sampled_from([0, 0.03]))},
            {"sleutel": "doorloop_na_planperiode", "waarde": draw(st.sampled_from(["ja", "nee"]))},
        ],
        "Regios": [{"regio": r} for r in regios],
        "Fondsen": fondsen,
        "Budgetten": budgetten,
        "Verplichtingen": verplichtingen,
        "Instrumenten": [
            {"instrument": i, "kosten_per_deelnemer": draw(st.integers(500, 5_000)),
             "duur_jaren": draw(st.integers(1, 2)), "vertraging_jaren": draw(st.integers(0, 2))}
            for i in instrumenten
        ],
        "Doelgroepen": [{"doelgroep": g, "gewicht": draw(st.sampled_from([0.5, 1, 2]))} for g in groepen],
        "Potentieel": [
            {"regio": r, "doelgroep": g, "jaar": j, "aantal": draw(st.integers(0, 40))}
            for r in regios for g in groepen for j in jaren
        ],
        "Effecten": [{"instrument": i, "doelgroep": g, "plaatsingskans": draw(st.sampled_from([0.1, 0.35, 0.8]))}
                     for i, g in gekozen],
        "Financieringsregels": financieringsregels,
        "Afnemende_meeropbrengst": segmenten,
        "Beleidsregels": regels,
    }


def schrijf(map_: Path, naam: str, bladen) -> Path:
    pad = map_ / naam
    schrijf_invoer(pad, bladen)
    return pad


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bladen=werkboeken())
def test_plans_are_valid_optimal_and_monotone(bladen):
    with tempfile.TemporaryDirectory() as tijdelijk:
        map_ = Path(tijdelijk)
        invoer = schrijf(map_, "invoer.xlsx", bladen)

        highs = budgetkoppeling.optimaliseer(invoer, map_ / "highs.xlsx", oplosser="highs")
        assert controleer(invoer, map_ / "highs.xlsx") == []
        cbc = budgetkoppeling.optimaliseer(invoer, map_ / "cbc.xlsx", oplosser="cbc")
        assert controleer(invoer, map_ / "cbc.xlsx") == []
        assert cbc.oplossing.doelwaarde == pytest.approx(highs.oplossing.doelwaarde, rel=1e-6, abs=1e-7)

        meer = copy.deepcopy(bladen)
        for rij in meer["Budgetten"]:
            rij["bedrag"] = rij["bedrag"] * 1.5 + 1_000
        ruimer = budgetkoppeling.optimaliseer(schrijf(map_, "meer.xlsx", meer), oplosser="highs")
        assert ruimer.oplossing.doelwaarde >= highs.oplossing.doelwaarde - 1e-6

        geheel = budgetkoppeling.optimaliseer(invoer, map_ / "geheel.xlsx", oplosser="highs", geheel=True)
        assert controleer(invoer, map_ / "geheel.xlsx") == []
        assert geheel.oplossing.doelwaarde <= highs.oplossing.doelwaarde + 1e-6
        # whole persons per cell (the segments split them continuously)
        assert all(abs(x - round(x)) < 1e-6 for x in geheel.allocatie["deelnemers"])
