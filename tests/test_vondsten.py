"""Issue 27's smaller findings, each as a user meets it: notices beside the errors, a missing Potentieel
row, the wording of the memo and the explanation, files that are not regular files, a read-only output,
no usable temporary folder, an ASCII-only terminal and thousands of unknown columns."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import budgetkoppeling
from budgetkoppeling.cli import main
from budgetkoppeling.errors import InvoerFout
from budgetkoppeling.sjabloon import voorbeeld_rijen

from .conftest import basis


def test_notices_come_with_the_errors(werkboek):
    """Issue 27.10: 'Let op' notices appeared only once no errors remained."""
    bladen = voorbeeld_rijen()
    bladen["Potentieel"] = [r for r in bladen["Potentieel"] if r["jaar"] != 2027 or r["doelgroep"] != "bijstand"]
    bladen["Budgetten"][0]["bedrag"] = -5  # an error
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    tekst = fout.value.tekst()
    assert "Blad 'Budgetten', rij 2, kolom 'bedrag'" in tekst
    assert "Let op: Potentieel: doelgroep 'bijstand'" in tekst  # a notice of the checks, not of reading


def test_a_missing_potentieel_row_is_a_notice(werkboek):
    """Issue 27.10: a missing Potentieel row (a region, group and year) silently meant 0."""
    bladen = basis(jaren=(2026, 2027))
    bladen["Regios"].append({"regio": "B"})
    bladen["Potentieel"].append({"regio": "B", "doelgroep": "G", "jaar": 2026, "aantal": 50})
    bladen["Budgetten"] = [{"fonds": "P", "regio": r, "jaar": t, "bedrag": 10_000} for r in "AB" for t in (2026, 2027)]
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    [melding] = [m for m in invoer.meldingen if "ontbreekt een rij" in m]
    assert "doelgroep 'G'" in melding and "'B' 2027" in melding and "betekent 0" in melding


def test_thousands_of_unknown_columns_give_twenty_notices_and_a_count(tmp_path):
    """Issue 27.23: 20,000 unknown columns printed 20,000 notices."""
    from .corpus import schrijf_xlsx

    bladen = voorbeeld_rijen()
    tabellen = {naam: [list(rijen[0])] + [list(r.values()) for r in rijen] for naam, rijen in bladen.items() if rijen}
    tabellen["Regios"][0] += [f"onbekend {n}" for n in range(2_000)]
    tabellen["Regios"][1] += ["x"] * 2_000
    pad = tmp_path / "kolommen.xlsx"
    schrijf_xlsx(pad, tabellen)
    resultaat = CliRunner().invoke(main, ["valideer", str(pad)])
    assert resultaat.exit_code == 0, resultaat.output
    assert resultaat.output.count("Let op:") == 20
    assert "... en nog 1.980 meldingen" in resultaat.output or "... en nog 1.9" in resultaat.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX")
def test_an_input_that_is_not_a_regular_file_is_refused(tmp_path):
    """Issue 27.22: /dev/zero as input filled memory, a FIFO blocked."""
    fifo = tmp_path / "pijp.xlsx"
    os.mkfifo(fifo)
    for pad in (fifo, Path("/dev/zero")):
        proces = subprocess.run([sys.executable, "-m", "budgetkoppeling", "valideer", str(pad)], capture_output=True,
                                text=True, timeout=60)
        assert proces.returncode == 3, proces.stderr
        assert "geen gewoon bestand" in proces.stderr and "Traceback" not in proces.stderr


def test_an_output_that_is_not_a_regular_file_or_is_read_only_is_refused(werkboek, tmp_path):
    """Issue 27.22 and 27.23: '-o' onto a device node replaced it (as root); a read-only output file was
    blamed on the folder."""
    invoer = werkboek(voorbeeld_rijen())
    map_ = tmp_path / "een_map.xlsx"
    map_.mkdir()
    resultaat = CliRunner().invoke(main, ["optimaliseer", str(invoer), "-o", str(map_)])
    assert resultaat.exit_code in (2, 3) and "Traceback" not in resultaat.output
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pijp.xlsx"
        os.mkfifo(fifo)
        resultaat = CliRunner().invoke(main, ["optimaliseer", str(invoer), "-o", str(fifo)])
        assert resultaat.exit_code == 3 and "geen gewoon bestand" in resultaat.output
        assert stat.S_ISFIFO(fifo.stat().st_mode)  # left as it was
    alleen_lezen = tmp_path / "oud.xlsx"
    alleen_lezen.write_bytes(b"oud")
    alleen_lezen.chmod(0o444)
    resultaat = CliRunner().invoke(main, ["optimaliseer", str(invoer), "-o", str(alleen_lezen)])
    if not os.access(alleen_lezen, os.W_OK):
        assert resultaat.exit_code == 3 and "alleen-lezen" in resultaat.output
        assert alleen_lezen.read_bytes() == b"oud"


def test_no_usable_temporary_folder_is_a_dutch_message(werkboek, tmp_path):
    """Issue 27.23: --oplosser cbc --geheel without a usable temp folder gave exit 1 in English."""
    invoer = werkboek(basis() | {"Budgetten": [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 10_000}]})
    omgeving = {**os.environ, "TMPDIR": str(tmp_path / "bestaat_niet"), "TMP": str(tmp_path / "bestaat_niet"),
                "TEMP": str(tmp_path / "bestaat_niet")}
    proces = subprocess.run([sys.executable, "-m", "budgetkoppeling", "optimaliseer", str(invoer), "-o",
                             str(tmp_path / "p.xlsx"), "--geheel", "--oplosser", "cbc"], capture_output=True,
                            text=True, timeout=120, env=omgeving, cwd=tmp_path)
    assert "Traceback" not in proces.stderr
    if proces.returncode != 0:  # tempfile falls back to the working folder when it can write there
        assert "tijdelijke map" in proces.stderr and "TMPDIR" in proces.stderr


def test_an_ascii_terminal_prints_what_it_can_and_never_fails_after_writing(werkboek, tmp_path):
    """Issue 27.23: an ASCII-only terminal gave exit 1 after the plan was written (the euro sign)."""
    invoer = werkboek(voorbeeld_rijen())
    omgeving = {**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
    proces = subprocess.run([sys.executable, "-m", "budgetkoppeling", "optimaliseer", str(invoer), "-o",
                             str(tmp_path / "p.xlsx")], capture_output=True, timeout=120, env=omgeving)
    assert proces.returncode == 0, proces.stderr.decode(errors="replace")
    assert b"Plan geschreven" in proces.stdout and b"?" in proces.stdout


def test_the_memo_says_why_a_scenario_changes_nothing_and_never_minus_zero_percent(werkboek, tmp_path):
    """Issue 27.13: 'gelijk aan de basis' with no reason when a rule does not bind; '(-0%)' for a tiny change."""
    import polars as pl

    from budgetkoppeling.rapport.memo import _verschil

    assert _verschil(213_229_000.0, 213_242_000.0, True) == "-€ 13.000 (-minder dan 0,1%)"
    bladen = voorbeeld_rijen()
    bladen["Beleidsregels"].append({"regel": "ruim", "regio": "alle", "fonds": "alle", "instrument": "alle",
                                    "doelgroep": "alle", "jaar": "alle", "grootheid": "deelnemers", "operator": "<=",
                                    "waarde": 1_000_000, "actief": "ja"})
    bladen["Scenarios"] = [{"scenario": "zonder ruim", "aanpassing": "regel_actief", "regel": "ruim", "waarde": "nee"}]
    pad = tmp_path / "v.xlsx"
    budgetkoppeling.vergelijk(werkboek(bladen), pad)
    memo = pl.read_excel(pad, sheet_name="Toelichting")
    [reden] = memo.filter(pl.col("onderwerp") == "waarom gelijk")["toelichting"].to_list()
    assert "beleidsregel 'ruim' is in de basis niet bindend" in reden


def test_a_shared_pot_of_sub_regions_is_not_all_of_the_netherlands(werkboek):
    """Issue 27.13: a pot shared by sub-regions (landelijk = ja) was reported 'in heel Nederland'."""
    bladen = basis()
    bladen["Fondsen"] = [{"fonds": "P", "soort": "participatiebudget", "landelijk": "ja"}]
    bladen["Budgetten"] = [{"fonds": "P", "jaar": 2026, "bedrag": 10_000}]
    plan = budgetkoppeling.optimaliseer(werkboek(bladen))
    tekst = " ".join(plan.toelichting["toelichting"])
    assert "heel Nederland" not in tekst and "de gedeelde pot (alle regio's in dit werkboek)" in tekst


def test_help_shows_dutch_metavars():
    """Issue 27.13: click's 'FLOAT RANGE', 'INTEGER RANGE' and 'TEXT' in help; sjabloon's argument INVOER."""
    for opdracht in ("voorbeeld", "sjabloon", "valideer", "optimaliseer", "vergelijk", "evalueer", "onzekerheid"):
        hulp = CliRunner().invoke(main, [opdracht, "--help"]).output
        for engels in ("FLOAT", "INTEGER", "RANGE", "TEXT", "PATH"):
            assert engels not in hulp, (opdracht, engels)
    assert "sjabloon [OPTIES] WERKBOEK" in CliRunner().invoke(main, ["sjabloon", "--help"]).output
