"""The written formulation (models/formulering.md) and the code name the same families."""

from __future__ import annotations

import re
from pathlib import Path

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
    namen = [naam for rijen in gebouwd.constraints.values() for naam in rijen]
    assert len(namen) == len(set(namen)) == gebouwd.probleem.numConstraints()
    assert all(naam.split("_", 1)[0] == familie
               for familie, rijen in gebouwd.constraints.items() for naam in rijen)
    assert set(gebouwd.constraints) == set(FAMILIES) - {"segment"}  # segment: the upper bound of x
    assert sum(v.upBound is not None for v in gebouwd.x.values()) > 0
    assert gebouwd.probleem.sense == pulp.LpMaximize


def test_the_matrix_handed_to_the_solvers_is_the_pulp_problem():
    """Every term of every row lands in its own variable's column, with its coefficient and the
    row's bounds; the objective negated only for a solver fed the minimisation."""
    import numpy as np

    from budgetkoppeling.solve import _matrix

    gebouwd = bouw(budgetkoppeling.valideer(budgetkoppeling.VOORBEELD))
    kolommen = gebouwd.kolommen()
    kolom_van = {v.name: j for j, v in enumerate(kolommen)}
    for minimaliseer, teken in ((False, 1.0), (True, -1.0)):
        rijen, lp = _matrix(gebouwd.probleem, kolommen, minimaliseer=minimaliseer)
        start, index, waarde, onder, boven = (np.asarray(a).tolist() for a in (
            lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_, lp.row_lower_, lp.row_upper_))
        assert len(rijen) == gebouwd.probleem.numConstraints() == lp.num_row_
        for r in range(len(rijen)):
            verwacht = sorted((kolom_van[v.name], a) for v, a in rijen[r].items())
            gevonden = sorted(zip(index[start[r]:start[r + 1]], waarde[start[r]:start[r + 1]]))
            assert gevonden == verwacht, rijen[r].name
            grens = -rijen[r].constant
            assert (onder[r] == grens) == (rijen[r].sense != pulp.LpConstraintLE)
            assert (boven[r] == grens) == (rijen[r].sense != pulp.LpConstraintGE)
        doel = np.zeros(len(kolommen))
        for v, a in gebouwd.probleem.objective.items():
            doel[kolom_van[v.name]] = teken * a
        assert np.array_equal(np.asarray(lp.col_cost_), doel)


def test_a_row_with_a_variable_outside_the_columns_is_refused():
    from budgetkoppeling.solve import _matrix

    probleem = pulp.LpProblem("klein", pulp.LpMaximize)
    a, b = probleem.add_variable("a", lowBound=0), probleem.add_variable("b", lowBound=0)
    probleem += pulp.LpAffineExpression([(a, 1.0), (b, 2.0)])
    probleem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression([(a, 1.0), (b, 1.0)]), pulp.LpConstraintLE,
                                             rhs=4.0), name="som")
    rijen, lp = _matrix(probleem, [b, a])
    assert list(lp.a_matrix_.index_) == [1, 0] and list(lp.col_cost_) == [2.0, 1.0]
    with pytest.raises(ValueError, match="geen kolom"):
        _matrix(probleem, [a])
