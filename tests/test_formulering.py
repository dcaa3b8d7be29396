"""The written formulation (models/formulering.md) and the code name the same families."""

from __future__ import annotations

import re
from pathlib import Path

import pulp

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
