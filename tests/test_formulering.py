"""The written formulation (models/formulering.md) and the code name the same families."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import pulp
import pytest

import budgetkoppeling
from budgetkoppeling import model
from budgetkoppeling.model import FAMILIES, bouw

DOCUMENT = Path(__file__).resolve().parent.parent / "models" / "formulering.md"


def test_every_family_is_documented_and_built_by_its_own_function():
    tekst = DOCUMENT.read_text(encoding="utf-8")
    gedocumenteerd = re.findall(r"^### `(\w+)`", tekst, flags=re.MULTILINE)
    assert gedocumenteerd == list(FAMILIES)
    for familie in FAMILIES:
        functie = getattr(model, f"add_{familie}")
        assert f"add_{familie}" in tekst
        assert functie.__doc__.startswith(familie), functie.__doc__


def test_every_constraint_of_the_example_is_named_after_its_family():
    invoer = budgetkoppeling.valideer(budgetkoppeling.VOORBEELD)
    gebouwd = bouw(invoer)
    namen = gebouwd.rijnamen()
    assert len(namen) == len(set(namen)) == gebouwd.aantal_rijen
    for familie, rijen in gebouwd.families.items():
        assert all(naam.split("_", 1)[0] == familie for naam in namen[rijen.start:rijen.start + rijen.aantal])
    # segment: the upper bound of x, not a row; overgang only with max_verschuiving, realisatie only
    # in a herijking (--vanaf), reservering only with doorloop_na_planperiode = ja, inbreng and
    # tegenprestatie only with municipalities (tests/test_gemeenten.py); every other family is in the
    # national example
    assert set(gebouwd.families) == set(FAMILIES) - {"segment", "overgang", "realisatie", "reservering", "inbreng",
                                                     "tegenprestatie"}
    assert np.isfinite(gebouwd.variabelen["x"].boven).sum() > 0
    assert list(gebouwd.variabelen) == ["k", "x", "y", "c", "z"]  # k before x: the measured column order
    kolomnamen = gebouwd.kolomnamen()
    assert len(kolomnamen) == len(set(kolomnamen)) == gebouwd.aantal_kolommen


def _pulp_als_arrays(probleem: pulp.LpProblem, kolomnamen: list[str]):
    """PuLP's own reading of its problem, as (row name, sorted (column, coef), lower, upper) and bounds."""
    kolom = {naam: j for j, naam in enumerate(kolomnamen)}
    rijen = []
    for rij in probleem.constraints():
        naam = rij.name
        grens = -rij.constant
        onder = grens if rij.sense != pulp.LpConstraintLE else -np.inf
        boven = grens if rij.sense != pulp.LpConstraintGE else np.inf
        rijen.append((naam, sorted((kolom[v.name], a) for v, a in rij.items()), onder, boven))
    return rijen


def test_the_pulp_view_is_the_same_lp_as_the_arrays():
    """Same matrix, row and column bounds, objective and names; and CBC through PuLP finds the
    objective that HiGHS finds on the arrays."""
    from budgetkoppeling.solve import los_op

    gebouwd = bouw(budgetkoppeling.valideer(budgetkoppeling.VOORBEELD))
    probleem = gebouwd.als_pulp()
    kolomnamen, rijnamen = gebouwd.kolomnamen(), gebouwd.rijnamen()
    variabelen = probleem.variablesDict()
    assert sorted(variabelen) == sorted(kolomnamen)
    assert [rij.name for rij in probleem.constraints()] == rijnamen
    matrix = gebouwd.matrix("csr")
    onder, boven = gebouwd.rijgrenzen()
    for r, (naam, termen, rij_onder, rij_boven) in enumerate(_pulp_als_arrays(probleem, kolomnamen)):
        begin, eind = matrix.indptr[r], matrix.indptr[r + 1]
        assert termen == sorted(zip(matrix.indices[begin:eind].tolist(), matrix.data[begin:eind].tolist())), naam
        assert (rij_onder, rij_boven) == (onder[r], boven[r]), naam
    kolom_onder, kolom_boven = gebouwd.kolomgrenzen()
    for j, naam in enumerate(kolomnamen):
        v = variabelen[naam]
        assert (v.lowBound, v.upBound) == (kolom_onder[j], None if np.isinf(kolom_boven[j]) else kolom_boven[j])
    doel = np.zeros(gebouwd.aantal_kolommen)
    kolom = {naam: j for j, naam in enumerate(kolomnamen)}
    for v, a in probleem.objective.items():
        doel[kolom[v.name]] = a
    assert np.array_equal(doel, gebouwd.doel)
    assert probleem.sense == pulp.LpMaximize
    assert probleem.solve(pulp.HiGHS(msg=False)) == pulp.LpStatusOptimal
    assert pulp.value(probleem.objective) == pytest.approx(los_op(gebouwd, "highs").doelwaarde, rel=1e-6)


def test_a_repeated_term_is_added_up_in_the_matrix():
    """Two terms on one (row, column) are one matrix entry with their sum, in every view."""
    from budgetkoppeling.model import Model

    model = Model(invoer=None)
    model.add_variabelen("k", pl.DataFrame({"regio": ["a", "b"], "instrument": ["i", "i"], "doelgroep": ["g", "g"],
                                            "jaar": [2026, 2026]}))
    model.add_rijen("kosten", pl.DataFrame({"regio": ["a"], "instrument": ["i"], "doelgroep": ["g"], "jaar": [2026]}),
                    -np.inf, 4.0, [0, 0, 0], [0, 1, 0], [1.0, 2.0, 0.5])
    model.doel = np.array([1.0, 1.0])
    matrix = model.matrix("csr")
    assert matrix.indices.tolist() == [0, 1] and matrix.data.tolist() == [1.5, 2.0]
    probleem = model.als_pulp()
    assert {v.name: a for v, a in probleem.get_constraint_by_name("kosten_a_i_g_2026").items()} == {
        "k_a_i_g_2026": 1.5, "k_b_i_g_2026": 2.0}


def test_rows_that_always_hold_are_left_out_of_the_plan_and_relaxed_in_the_diagnosis(werkboek):
    """Shortfall columns come from one pass after building (Model.sluit_af): a budget row of a fund
    that no cell may use, and a rule that matches no cell and holds, are no rows of the plan; the
    elastic model keeps them, each with its shortfall column, and the rules keep their own rows."""
    from budgetkoppeling.model import bouw_elastisch
    from budgetkoppeling.validate import lees_en_valideer

    from .conftest import regel, twee_instrumenten

    bladen = twee_instrumenten()
    bladen["Fondsen"].append({"fonds": "Q", "soort": "overig"})
    bladen["Budgetten"].append({"fonds": "Q", "regio": "A", "jaar": 2026, "bedrag": 500})
    bladen["Beleidsregels"] = [regel(regel="leeg", fonds="Q", grootheid="uitgaven", operator="<=", waarde=100),
                               regel(regel="vol", instrument="J", grootheid="deelnemers", operator="<=", waarde=5)]
    invoer = lees_en_valideer(werkboek(bladen))
    plan, elastisch = bouw(invoer), bouw_elastisch(invoer)

    assert plan.sleutels_van("budget")["fonds"].to_list() == ["P"]
    assert sorted(elastisch.sleutels_van("budget")["fonds"].to_list()) == ["P", "Q"]
    assert plan.sleutels_van("beleidsregel")["regel"].to_list() == ["vol"]
    assert elastisch.sleutels_van("beleidsregel")["regel"].to_list() == ["leeg", "vol"]
    for gebouwd in (plan, elastisch):
        namen = gebouwd.rijnamen()
        for uitgebreid in gebouwd.regels:
            if uitgebreid.rij is not None:
                assert namen[uitgebreid.rij] == uitgebreid.naam
    assert [r.rij is None for r in plan.regels] == [True, False]
    assert plan.tekortwaarden(np.zeros(plan.aantal_kolommen)) == []
    gerelaxeerd = {(info["familie"], info["rij"], info["richting"])
                   for info, _waarde in elastisch.tekortwaarden(np.zeros(elastisch.aantal_kolommen))}
    assert {("beleidsregel", 0, "max"), ("beleidsregel", 1, "max")} <= gerelaxeerd
    assert {("budget", rij, "max") for rij in range(2)} <= gerelaxeerd


def test_a_rules_cells_are_grouped_per_elk_value_in_their_order_and_no_cells_give_no_groups():
    from budgetkoppeling.model import _per_groep

    cellen = pl.DataFrame({"regio": ["b", "a", "b"], "jaar": ["2026", "2026", "2026"], "_kolom": [3, 1, 2],
                           "_coef": [1.0, 2.0, 3.0]})
    groepen = _per_groep(cellen, ["regio", "jaar"])
    assert list(groepen) == [("b", "2026"), ("a", "2026")]
    assert groepen[("b", "2026")][0].tolist() == [3, 2] and groepen[("b", "2026")][1].tolist() == [1.0, 3.0]
    assert groepen[("a", "2026")][0].tolist() == [1] and groepen[("a", "2026")][1].tolist() == [2.0]
    assert _per_groep(cellen.head(0), ["regio", "jaar"]) == {}
