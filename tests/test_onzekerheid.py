"""Issue 16, first step: the Onzekerheid sheet (SPEC §4) and its draws (SPEC §8)."""

from __future__ import annotations

import numpy as np
import pytest

import budgetkoppeling
from budgetkoppeling.errors import InvoerFout
from budgetkoppeling.onzekerheid import kolommen, trekkingen
from budgetkoppeling.sjabloon import voorbeeld_rijen


def _met(*rijen: dict) -> dict:
    bladen = voorbeeld_rijen()
    leeg = {"fonds": None, "regio": None, "instrument": None, "doelgroep": None, "jaar": None, "verdeling": None,
            "samenhang": None}
    bladen["Onzekerheid"] = [{**leeg, **rij} for rij in rijen]
    return bladen


def test_the_templates_rows_are_read_with_their_defaults(werkboek):
    invoer = budgetkoppeling.valideer(werkboek(voorbeeld_rijen()))
    regels = {r.naam: r for r in invoer.onzekerheid}
    assert set(regels) == {"effect_jobcoaching", "esf_tranche_2027", "loonkosten"}
    assert regels["effect_jobcoaching"].filters == {"fonds": None, "regio": None, "instrument": "jobcoaching",
                                                    "doelgroep": None, "jaar": None}
    assert (regels["esf_tranche_2027"].laag, regels["esf_tranche_2027"].verdeling) == (0.5, "uniform")
    assert regels["loonkosten"].filters["jaar"] == "2027-2028" and regels["loonkosten"].samenhang == "per_regio"
    standaard = budgetkoppeling.valideer(werkboek(_met(
        {"naam": "x", "grootheid": "budget", "laag": "90%", "hoog": "1,1"}))).onzekerheid[0]
    assert (standaard.laag, standaard.hoog, standaard.verdeling, standaard.samenhang) == (
        pytest.approx(0.9), pytest.approx(1.1), "driehoek", "gedeeld")


@pytest.mark.parametrize("rij, kolom, woorden", [
    ({"naam": "a", "grootheid": "plaatsingskans", "laag": 1.2, "hoog": 1.5}, "laag", "1 of minder"),
    ({"naam": "a", "grootheid": "plaatsingskans", "laag": 0.5, "hoog": 0.9}, "hoog", "1 of meer"),
    ({"naam": "a", "grootheid": "plaatsingskans", "fonds": "ESF+", "laag": 0.5, "hoog": 1}, "fonds",
     "bij plaatsingskans gelden alleen de filters regio, instrument, doelgroep"),
    ({"naam": "a", "grootheid": "kosten", "doelgroep": "bijstand", "laag": 1, "hoog": 1.1}, "doelgroep",
     "bij kosten gelden alleen de filters regio, instrument, jaar"),
    ({"naam": "a", "grootheid": "budget", "instrument": "scholing", "laag": 0.8, "hoog": 1}, "instrument",
     "bij budget gelden alleen de filters fonds, regio, jaar"),
    ({"naam": "a", "grootheid": "budget", "fonds": "ESF", "laag": 0.8, "hoog": 1}, "fonds", "bedoelt u 'ESF+'"),
    ({"naam": "a", "grootheid": "budget", "jaar": "elk", "laag": 0.8, "hoog": 1}, "jaar", "alle zijn"),
    ({"naam": "a", "grootheid": "effect", "laag": 0.8, "hoog": 1}, "grootheid", "plaatsingskans"),
    ({"naam": "a", "grootheid": "budget", "laag": 0.8, "hoog": 1, "verdeling": "normaal"}, "verdeling", "driehoek"),
])
def test_a_wrong_row_is_refused_with_sheet_row_and_column(werkboek, rij, kolom, woorden):
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(_met(rij)))
    [probleem] = fout.value.problemen
    assert (probleem.blad, probleem.rij, probleem.kolom) == ("Onzekerheid", 2, kolom)
    assert woorden in probleem.tekst()


def test_a_name_is_unique(werkboek):
    rij = {"naam": "a", "grootheid": "budget", "laag": 0.8, "hoog": 1}
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(_met(rij, rij)))
    assert [(p.rij, p.kolom) for p in fout.value.problemen] == [(3, "naam")]


def test_draws_are_seeded_per_draw_and_do_not_depend_on_their_number(werkboek):
    invoer = budgetkoppeling.valideer(werkboek(voorbeeld_rijen()))
    vijftig, tweehonderd = trekkingen(invoer, 50), trekkingen(invoer, 200)
    assert tweehonderd.head(50).equals(vijftig)
    assert not trekkingen(invoer, 50, zaad=7).equals(vijftig)
    assert vijftig.columns == ["trekking", "effect_jobcoaching", "esf_tranche_2027", "loonkosten [Voorbeeldregio]"]
    assert vijftig["trekking"].to_list() == list(range(1, 51))


def test_draws_follow_their_distribution(werkboek):
    invoer = budgetkoppeling.valideer(werkboek(_met(
        {"naam": "driehoek", "grootheid": "plaatsingskans", "laag": 0.7, "hoog": 1.3},
        {"naam": "uniform", "grootheid": "budget", "laag": 0.5, "hoog": 1, "verdeling": "uniform"},
        {"naam": "zeker", "grootheid": "kosten", "laag": 1, "hoog": 1},
        {"naam": "regio", "grootheid": "kosten", "laag": 1, "hoog": 1.2, "samenhang": "per_regio"})))
    frame = trekkingen(invoer, 4000)
    driehoek, uniform = frame["driehoek"].to_numpy(), frame["uniform"].to_numpy()
    assert driehoek.min() >= 0.7 and driehoek.max() <= 1.3 and abs(np.median(driehoek) - 1) < 0.02
    assert abs(driehoek.mean() - 1.0) < 0.01  # (0.7 + 1 + 1.3) / 3
    assert uniform.min() >= 0.5 and uniform.max() <= 1 and abs(uniform.mean() - 0.75) < 0.01
    assert (frame["zeker"] == 1.0).all()
    regio = frame["regio [Voorbeeldregio]"].to_numpy()  # mode 1, mean (1 + 1 + 1.2) / 3
    assert regio.min() >= 1 and abs(regio.mean() - 3.2 / 3) < 0.01


def test_per_regio_has_a_factor_per_region_and_landelijk_for_a_national_fund(werkboek):
    bladen = _met({"naam": "b", "grootheid": "budget", "laag": 0.8, "hoog": 1, "samenhang": "per_regio"})
    bladen["Regios"].append({"regio": "Tweede", "centrumgemeente": "Tweestad"})
    bladen["Fondsen"].append({"fonds": "Rijk", "soort": "sector", "landelijk": "ja", "overheveling": 0})
    bladen["Financieringsregels"].append({"fonds": "Rijk", "instrument": "alle", "doelgroep": "alle",
                                          "max_aandeel": 1})
    bladen["Budgetten"].append({"fonds": "Rijk", "regio": None, "jaar": 2026, "bedrag": 100_000})
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    assert [naam for _r, _g, naam in kolommen(invoer)] == ["b [Voorbeeldregio]", "b [Tweede]", "b [landelijk]"]
    frame = trekkingen(invoer, 30)
    assert frame["b [Voorbeeldregio]"].to_list() != frame["b [Tweede]"].to_list()  # independent per region
