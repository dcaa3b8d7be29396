"""Clp's LP without the cost columns (solve.Kostenvrij): the same LP, its answers mapped back exactly."""

from __future__ import annotations

import numpy as np
import pytest

import budgetkoppeling
from budgetkoppeling.model import bouw
from budgetkoppeling.solve import CLP_BASIS, Kostenvrij, _clp_laad, _clp_uitkomst
from tests.conftest import basis


def _invoeren(werkboek):
    bladen = basis(jaren=(2026, 2027, 2028))
    bladen["Instrumenten"].append({"instrument": "J", "kosten_per_deelnemer": 700, "duur_jaren": 2,
                                   "vertraging_jaren": 0})  # a cost paid over two years: two k per cell
    bladen["Effecten"].append({"instrument": "J", "doelgroep": "G", "plaatsingskans": 0.3})
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": t, "bedrag": 20_000} for t in (2026, 2027, 2028)]
    return [budgetkoppeling.valideer(budgetkoppeling.VOORBEELD), budgetkoppeling.valideer(werkboek(bladen))]


def _los(model, vrij):
    from cylp.cy import CyClpSimplex

    simplex = CyClpSimplex()
    teken = _clp_laad(simplex, model, model.matrix("csc"), vrij=vrij)
    simplex.initialSolve()
    return simplex, _clp_uitkomst(simplex, teken, model, vrij)


def test_the_lp_without_cost_columns_is_the_same_lp(werkboek):
    for invoer in _invoeren(werkboek):
        model = bouw(invoer)
        matrix = model.matrix("csc")
        vrij = Kostenvrij.van(model, matrix)
        assert vrij is not None
        assert vrij.matrix.shape == (model.aantal_rijen - model.families["kosten"].aantal,
                                     model.aantal_kolommen - model.variabelen["k"].aantal)
        simplex, uitkomst = _los(model, vrij)
        _, vol = _los(model, None)
        assert model.doel @ uitkomst.waarden == pytest.approx(model.doel @ vol.waarden, rel=1e-9)
        # the mapped plan satisfies every row and bound of the model itself
        onder, boven = model.kolomgrenzen()
        rij_onder, rij_boven = model.rijgrenzen()
        activiteit = matrix @ uitkomst.waarden
        schaal = 1.0 + np.abs(activiteit)
        assert np.all(activiteit >= rij_onder - 1e-7 * schaal) and np.all(activiteit <= rij_boven + 1e-7 * schaal)
        assert np.all(uitkomst.waarden >= onder - 1e-9) and np.all(uitkomst.waarden <= boven + 1e-9)
        # the mapped duals price every column as the LP does, and leave k a reduced cost of 0
        gereduceerd = model.doel - matrix.T @ uitkomst.duals
        lp_gereduceerd = -np.array(simplex.dualVariableSolution)  # Clp minimised -doel
        assert np.allclose(gereduceerd[vrij.kolommen], lp_gereduceerd, atol=1e-7)
        assert np.allclose(gereduceerd[vrij.k], 0.0, atol=1e-7)


def test_a_basis_goes_up_and_down_unchanged_and_starts_warm(werkboek):
    invoer = _invoeren(werkboek)[0]
    model = bouw(invoer)
    vrij = Kostenvrij.van(model, model.matrix("csc"))
    simplex, _ = _los(model, vrij)
    kolommen, rijen = (np.asarray(s, np.int8) for s in simplex.getBasisStatus())
    op = vrij.basis_op(kolommen, rijen, model.aantal_kolommen, model.aantal_rijen)
    assert np.all(op[0][vrij.k] == CLP_BASIS) and np.sum(op[0] == CLP_BASIS) + np.sum(op[1] == CLP_BASIS) == \
        model.aantal_rijen  # a basis: as many basic columns and rows as rows
    neer = vrij.basis_neer(*op)
    assert np.array_equal(neer[0], kolommen) and np.array_equal(neer[1], rijen)
    verkeerd = op[0].copy()
    verkeerd[vrij.k.start] = 3
    assert vrij.basis_neer(verkeerd, op[1]) is None  # not a basis of this LP


def test_no_substitution_where_k_could_go_below_zero(werkboek):
    """A term in a kosten row that could make k negative (here a negative cost) leaves the LP as it is."""
    import dataclasses

    model = bouw(_invoeren(werkboek)[1])
    assert Kostenvrij.van(model, model.matrix("csc")) is not None
    kosten = model.families["kosten"]
    coef = kosten.coef.copy()
    coef[np.flatnonzero(coef < 0)[0]] = 500.0
    model.families["kosten"] = dataclasses.replace(kosten, coef=coef)
    assert Kostenvrij.van(model, model.matrix("csc")) is None
