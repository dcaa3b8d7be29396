"""Fuzzing: mutate a valid workbook (drop or rename a column, change a cell's type or value, add
or remove rows or a sheet) and demand what the corpus demands of every case: exit 0, 3 or 4 and
nothing else, no traceback, the input untouched, no output or temporary file after a failure, and
a plan that the independent checker accepts after a success.

CI runs a small number of examples; ``make fuzz`` (BUDGETKOPPELING_FUZZ=2000) runs many more.
"""

from __future__ import annotations

import copy
import datetime
import os
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetkoppeling.cli import main

from .checker import controleer
from .corpus import Tabel, als_tabel, basis, schrijf_xlsx
from .uitvoercontrole import map_inhoud

GROOT = "BUDGETKOPPELING_FUZZ" in os.environ  # make fuzz: many random examples; CI: a fixed, small set
VOORBEELDEN = int(os.environ.get("BUDGETKOPPELING_FUZZ", "40"))
BASIS = als_tabel(basis())
BLADEN = sorted(BASIS)
TEKST = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)  # what a cell can hold
NAMEN = sorted({str(w) for regels in BASIS.values() for regel in regels for w in regel if isinstance(w, str)})

waarden = st.one_of(
    st.none(),
    st.sampled_from(NAMEN),
    st.sampled_from(["alle", "elk", "", " ", "ja", "nee", "=1+1", "#REF!", "1e300", "0,5", "2027-2026", "-",
                     "NaN", "inf", "2026.5", "12,000.50", "@x", "https://x.invalid", "[/]"]),
    st.integers(min_value=-10**6, max_value=10**6),
    st.integers(min_value=2020, max_value=2035),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.floats(min_value=0, max_value=1),
    TEKST,
    st.datetimes(min_value=datetime.datetime(1990, 1, 1), max_value=datetime.datetime(2100, 1, 1)),
)

mutatie = st.one_of(
    st.tuples(st.just("kolom_weg"), st.sampled_from(BLADEN), st.integers(0, 20)),
    st.tuples(st.just("kolom_hernoemd"), st.sampled_from(BLADEN), st.integers(0, 20),
              st.one_of(TEKST, st.sampled_from(["regio", "jaar", "fonds", "bedrag", " JAAR "]))),
    st.tuples(st.just("cel"), st.sampled_from(BLADEN), st.integers(0, 50), st.integers(0, 20), waarden),
    st.tuples(st.just("rij_erbij"), st.sampled_from(BLADEN), st.integers(0, 50), st.integers(0, 20), waarden),
    st.tuples(st.just("rij_weg"), st.sampled_from(BLADEN), st.integers(0, 50)),
    st.tuples(st.just("blad_weg"), st.sampled_from(BLADEN)),
)


def pas_toe(tabel: Tabel, stap: tuple) -> None:
    soort, blad = stap[0], stap[1]
    if blad not in tabel:
        return
    regels = tabel[blad]
    breedte = max((len(r) for r in regels), default=0)
    if soort == "blad_weg":
        del tabel[blad]
    elif soort == "kolom_weg" and breedte:
        k = stap[2] % breedte
        for regel in regels:
            del regel[k:k + 1]
    elif soort == "kolom_hernoemd" and regels and breedte:
        regels[0][stap[2] % breedte] = stap[3]
    elif soort == "cel" and len(regels) > 1 and breedte:
        regel = regels[1 + stap[2] % (len(regels) - 1)]
        k = stap[3] % breedte
        if k < len(regel):
            regel[k] = stap[4]
    elif soort == "rij_erbij" and len(regels) > 1 and breedte:
        nieuw = list(regels[1 + stap[2] % (len(regels) - 1)])
        k = stap[3] % breedte
        if k < len(nieuw):
            nieuw[k] = stap[4]
        regels.insert(1 + stap[2] % len(regels), nieuw)
    elif soort == "rij_weg" and len(regels) > 1:
        del regels[1 + stap[2] % (len(regels) - 1)]


@settings(max_examples=VOORBEELDEN, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=not GROOT)
@given(st.lists(mutatie, min_size=1, max_size=4))
def test_mutated_workbooks_give_exit_0_3_or_4_and_nothing_else(stappen):
    tabel = copy.deepcopy(BASIS)
    for stap in stappen:
        pas_toe(tabel, stap)
    with tempfile.TemporaryDirectory() as tijdelijk:
        invoer_map, uit = Path(tijdelijk, "invoer"), Path(tijdelijk, "uit")
        invoer_map.mkdir()
        uit.mkdir()
        invoer = invoer_map / "invoer.xlsx"
        schrijf_xlsx(invoer, tabel)
        voor = map_inhoud(invoer_map)
        resultaat = CliRunner().invoke(main, ["optimaliseer", str(invoer), "-o", str(uit / "plan.xlsx")])
        assert resultaat.exception is None or isinstance(resultaat.exception, SystemExit), resultaat.output
        assert resultaat.exit_code in (0, 3, 4), resultaat.output
        assert "Traceback" not in resultaat.output
        assert map_inhoud(invoer_map) == voor
        if resultaat.exit_code == 0:
            assert sorted(p.name for p in uit.iterdir()) == ["plan.xlsx"]
            assert controleer(invoer, uit / "plan.xlsx") == []
        else:
            assert list(uit.iterdir()) == []
            assert "Blad '" in resultaat.output or "Fonds '" in resultaat.output or resultaat.exit_code == 4, \
                resultaat.output
