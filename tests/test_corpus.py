"""Every workbook of the corpus (tests/corpus.py) through the CLI: the right exit code, a Dutch
message naming sheet, row and column (or the file), no traceback, the input untouched, and no
output or temporary file left behind unless the run succeeded."""

from __future__ import annotations

from collections import Counter

import pytest

from .corpus import GEVALLEN, Geval
from .uitvoercontrole import controleer_geen_formules_of_links, draai, map_inhoud


def test_the_corpus_is_large_and_covers_every_category():
    per_categorie = Counter(g.categorie for g in GEVALLEN)
    assert len(GEVALLEN) >= 60
    assert len({g.naam for g in GEVALLEN}) == len(GEVALLEN)
    assert set(per_categorie) >= {"bestand", "structuur", "waarden", "instellingen", "fondsen", "formules",
                                  "namen", "dubbel", "tekst", "groot", "geen_oplossing"}
    assert {g.verwacht for g in GEVALLEN} == {0, 3, 4}


@pytest.mark.parametrize("geval", GEVALLEN, ids=lambda g: g.naam)
def test_corpus_case(geval: Geval, tmp_path, monkeypatch):
    invoer_map = tmp_path / "invoer"
    invoer_map.mkdir()
    invoer = invoer_map / geval.bestandsnaam
    geval.maak(invoer)
    uit = tmp_path / "uit"
    uit.mkdir()
    monkeypatch.chdir(uit)
    voor = map_inhoud(invoer_map)

    code, melding = draai("optimaliseer", invoer, "-o", uit / "plan.xlsx")
    assert code == geval.verwacht, melding
    assert "Traceback" not in melding
    for woord in geval.woorden:
        assert woord.casefold() in melding.casefold(), (woord, melding)
    assert map_inhoud(invoer_map) == voor, "het invoerbestand is veranderd"
    if code == 0:
        assert sorted(p.name for p in uit.iterdir()) == ["plan.xlsx"]
        controleer_geen_formules_of_links(uit / "plan.xlsx")
    else:
        assert list(uit.iterdir()) == [], "na een fout blijft er niets achter"

    verwacht_valideer = 3 if geval.verwacht == 3 else 0
    code, melding = draai("valideer", invoer)
    assert code == verwacht_valideer, melding
    assert map_inhoud(invoer_map) == voor
    assert list(uit.iterdir()) == ([] if geval.verwacht else [uit / "plan.xlsx"])


@pytest.mark.parametrize("naam", ["zipbom_witruimte", "zipbom_verhouding", "te_veel_rijen", "a1_en_xfd1048576",
                                  "a1_en_cv1048576", "liegende_inhoudsopgave"])
def test_hostile_archives_are_refused_in_bounded_memory(naam, tmp_path):
    """The bombs are refused from the archive's directory and a streamed scan: the process's peak
    memory stays far below what unpacking them would take (520 MB, 1 million rows)."""
    import subprocess
    import sys

    geval = next(g for g in GEVALLEN if g.naam == naam)
    pad = tmp_path / geval.bestandsnaam
    geval.maak(pad)
    # the child reports its own peak (VmHWM: the high-water mark of its memory after exec; the
    # rusage of a child would include the test process it was forked from)
    meet = ("import atexit, sys\n"
            "def piek():\n"
            "    regel = next(r for r in open('/proc/self/status') if r.startswith('VmHWM:'))\n"
            "    print('PIEK', regel.split()[1], file=sys.stderr)\n"
            "atexit.register(piek)\n"
            "from budgetkoppeling.cli import main\n"
            "main(['valideer', sys.argv[1]], prog_name='budgetkoppeling')\n")
    proces = subprocess.run([sys.executable, "-c", meet, str(pad)], capture_output=True, text=True, timeout=120)
    assert proces.returncode == 3, proces.stderr
    assert "kan niet gelezen worden" in proces.stderr
    piek_kb = int(proces.stderr.split("PIEK")[1].split()[0])
    assert piek_kb < 400 * 1024, f"piekgeheugen {piek_kb / 1024:.0f} MB"
