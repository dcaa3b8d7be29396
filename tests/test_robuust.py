"""Hostile text, real spreadsheet readers, equal outputs for equal inputs, and writes that
survive being killed, a full disk and a read-only folder."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import budgetkoppeling

from .conftest import naar_pdf_met_libreoffice
from .corpus import VIJANDIG, _vijandig, als_tabel, basis, schrijf_xlsx
from .uitvoercontrole import controleer_geen_formules_of_links, draai, is_volledig_plan, teksten

LINKS = {"regio": "https://voorbeeld.invalid/regio?a=1", "fonds": "mailto:fonds@voorbeeld.nl",
         "instrument": "www.voorbeeld.nl", "doelgroep": "file:///etc/passwd"}
DDE = "=cmd|' /C calc'!A0"


def vijandig_werkboek(pad: Path, namen: dict[str, str]) -> Path:
    rijen = basis()
    _vijandig(rijen, namen)
    for rij in rijen["Instrumenten"]:
        rij["omschrijving"] = DDE
    rijen["Scenarios"][0]["scenario"] = "@scenario =1+1"
    schrijf_xlsx(pad, als_tabel(rijen))
    return pad


def alle_uitvoer(invoer: Path, map_: Path) -> dict[str, Path]:
    """Every kind of output workbook the tool writes, from ``invoer`` (a valid workbook)."""
    kapot = map_ / "kapot.xlsx"
    rijen = basis()
    _vijandig(rijen, VIJANDIG)
    rijen["Budgetten"][0]["fonds"] = "=HYPERLINK(\"http://x.invalid\",\"onbekend fonds\")"
    rijen["Budgetten"][1]["bedrag"] = "+1+1"
    schrijf_xlsx(kapot, als_tabel(rijen))
    paden = {soort: map_ / f"{soort}.xlsx" for soort in ("plan", "vergelijking", "evaluatie", "foutrapport",
                                                           "sjabloon")}
    assert draai("optimaliseer", invoer, "-o", paden["plan"])[0] == 0
    assert draai("vergelijk", invoer, "-o", paden["vergelijking"], "--serieel")[0] == 0
    assert draai("evalueer", invoer, "-o", paden["evaluatie"])[0] == 0
    assert draai("valideer", kapot, "--rapport", paden["foutrapport"])[0] == 3
    assert draai("sjabloon", paden["sjabloon"])[0] == 0
    return paden


@pytest.fixture(scope="module")
def uitvoer_vijandig(tmp_path_factory) -> dict[str, Path]:
    map_ = tmp_path_factory.mktemp("vijandig")
    return alle_uitvoer(vijandig_werkboek(map_ / "invoer.xlsx", VIJANDIG), map_)


def test_no_user_text_becomes_a_formula_or_link_in_any_output(uitvoer_vijandig, tmp_path):
    for soort, pad in uitvoer_vijandig.items():
        controleer_geen_formules_of_links(pad)
        if soort not in ("sjabloon", "foutrapport"):  # the user's names are there, verbatim, as text
            gevonden = teksten(pad)
            namen = [naam for naam in VIJANDIG.values() if any(naam in tekst for tekst in gevonden)]
            assert len(namen) >= (4 if soort == "plan" else 2), (soort, namen)
    assert any("=HYPERLINK" in tekst for tekst in teksten(uitvoer_vijandig["foutrapport"]))
    links = alle_uitvoer(vijandig_werkboek(tmp_path / "invoer.xlsx", LINKS), tmp_path)
    for pad in links.values():
        controleer_geen_formules_of_links(pad)
    assert LINKS["regio"] in teksten(links["plan"])


def test_json_and_terminal_print_hostile_names_as_typed(tmp_path):
    invoer = vijandig_werkboek(tmp_path / "invoer.xlsx", {"fonds": "[/]", "regio": "[bold]x[/bold] :smile:"})
    code, uit = draai("optimaliseer", invoer, "-o", tmp_path / "plan.xlsx", "--json")
    assert code == 0
    assert "[/]" in json.loads(uit)["onbenut_per_fonds"]
    code, uit = draai("optimaliseer", invoer, "-o", tmp_path / "plan.xlsx")
    assert code == 0 and "[/]" in uit and "😄" not in uit


def test_every_kind_of_output_opens_in_openpyxl_and_libreoffice(uitvoer_vijandig, tmp_path):
    for soort, pad in uitvoer_vijandig.items():
        werkboek = openpyxl.load_workbook(pad)
        assert werkboek.sheetnames, soort
        for blad in werkboek.worksheets:
            assert sum(1 for _ in blad.iter_rows(values_only=True)) >= 1, (soort, blad.title)
    pdfs = naar_pdf_met_libreoffice(list(uitvoer_vijandig.values()), tmp_path)
    assert len(pdfs) == 5


# ----------------------------------------------------------------------------- determinism


def sha(pad: Path) -> str:
    return hashlib.sha256(pad.read_bytes()).hexdigest()


def test_equal_input_gives_byte_identical_workbooks(tmp_path):
    invoer = vijandig_werkboek(tmp_path / "invoer.xlsx", VIJANDIG)
    (tmp_path / "een").mkdir()
    (tmp_path / "twee").mkdir()
    eerste = alle_uitvoer(invoer, tmp_path / "een")
    tweede = alle_uitvoer(invoer, tmp_path / "twee")
    for soort in eerste:
        assert sha(eerste[soort]) == sha(tweede[soort]), soort
    parallel = tmp_path / "parallel.xlsx"
    assert draai("vergelijk", invoer, "-o", parallel)[0] == 0
    assert sha(parallel) == sha(eerste["vergelijking"])


def test_group_sums_are_taken_in_row_order_whatever_the_threads_do():
    """polars summed a group in parallel parts, in an order that varied from run to run: the
    national example's chart table under Samenvatting then differed in the last digit between two
    runs of the same input. groepsom adds in row order: equal to a plain loop, every time."""
    import polars as pl

    from budgetkoppeling.model import groepsom

    with budgetkoppeling.Sessie.open(budgetkoppeling.VOORBEELD) as sessie:
        allocatie = sessie.los_op().allocatie
    verwacht: dict[tuple, float] = {}
    for groep, jaar, aantal in allocatie.select("doelgroep", "plaatsingsjaar", "plaatsingen").iter_rows():
        verwacht[(groep, jaar)] = verwacht.get((groep, jaar), 0.0) + aantal
    for _ in range(100):
        sommen = groepsom(allocatie, ["doelgroep", "plaatsingsjaar"], plaatsingen="plaatsingen")
        assert {(g, j): w for g, j, w in sommen.iter_rows()} == verwacht  # exactly, not approximately
    leeg = groepsom(allocatie.clear(), "doelgroep", plaatsingen="plaatsingen")
    assert leeg.height == 0 and leeg.schema["plaatsingen"] == pl.Float64


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from([2026, 2027, None]),
                          st.floats(-1e9, 1e9, allow_nan=False)), max_size=60))
def test_group_sums_are_a_plain_loop_in_the_order_groups_first_appear(rijen):
    """groepsom against the loop it stands for: groups in the order they first appear, a null key a
    value of its own, each sum taken in row order (bit for bit)."""
    import polars as pl

    from budgetkoppeling.model import groepsom

    frame = pl.DataFrame(rijen, schema={"fonds": pl.String, "jaar": pl.Int64, "bedrag": pl.Float64}, orient="row")
    verwacht: dict[tuple, float] = {}
    for fonds, jaar, bedrag in rijen:
        verwacht[(fonds, jaar)] = verwacht.get((fonds, jaar), 0.0) + bedrag
    sommen = groepsom(frame, ["fonds", "jaar"], som="bedrag")
    assert list(sommen.iter_rows()) == [(*sleutel, som) for sleutel, som in verwacht.items()]
    assert groepsom(frame, "fonds", som="bedrag")["fonds"].to_list() == list(dict.fromkeys(r[0] for r in rijen))


# ----------------------------------------------------------------------------- atomic writes


def cli(*args: str | Path, **opties) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "budgetkoppeling", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **opties)


def tijdelijke(map_: Path) -> list[Path]:
    return sorted(map_.glob(".*.tmp"))


def test_killed_while_writing_leaves_the_old_file_or_a_complete_new_one(tmp_path):
    doel = tmp_path / "plan.xlsx"
    oud = b"het plan van gisteren"
    uitkomsten = []
    for wachttijd in (0.0, 0.15, 0.5):
        doel.write_bytes(oud)
        proces = cli("optimaliseer", budgetkoppeling.VOORBEELD, "-o", doel, "--stil", "--oplosser", "highs")
        begin = time.monotonic()
        while not tijdelijke(tmp_path) and proces.poll() is None and time.monotonic() - begin < 300:
            time.sleep(0.002)
        assert proces.poll() is None, "het proces was al klaar voordat het schrijven begon"
        time.sleep(wachttijd)
        proces.send_signal(signal.SIGKILL)
        proces.communicate()
        inhoud = doel.read_bytes()
        assert inhoud == oud or is_volledig_plan(doel), "half geschreven bestand"
        uitkomsten.append("oud" if inhoud == oud else "nieuw")
    assert "oud" in uitkomsten  # killed at the start of writing: the old plan stands
    assert tijdelijke(tmp_path), "a SIGKILLed run cannot clean up after itself"
    proces = cli("optimaliseer", budgetkoppeling.VOORBEELD, "-o", doel, "--stil")
    assert proces.wait(timeout=600) == 0
    assert is_volledig_plan(doel)
    assert tijdelijke(tmp_path) == [], "the next run removes what killed runs left behind"


def test_output_path_equal_to_input_is_refused(tmp_path):
    invoer = vijandig_werkboek(tmp_path / "invoer.xlsx", {})
    voor = sha(invoer)
    code, uit = draai("optimaliseer", invoer, "-o", invoer)
    assert code == 3 and "invoerbestand" in uit
    code, uit = draai("vergelijk", invoer, "-o", tmp_path / "." / "invoer.xlsx")
    assert code == 3 and "invoerbestand" in uit
    assert sha(invoer) == voor


def _bestandsgrens():  # runs in the child: files may not grow beyond 20 kB, as on a full disk
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_a_file_size_limit_gives_a_clear_message_and_leaves_nothing(tmp_path):
    invoer = vijandig_werkboek(tmp_path / "invoer.xlsx", {})
    uit = tmp_path / "uit"
    uit.mkdir()
    proces = cli("optimaliseer", invoer, "-o", uit / "plan.xlsx", preexec_fn=_bestandsgrens)
    stdout, stderr = proces.communicate(timeout=600)
    assert proces.returncode == 3, stdout + stderr
    assert "Kan" in stderr and "plan.xlsx" in stderr and "groter dan deze schijf" in stderr
    assert "Traceback" not in stdout + stderr
    assert list(uit.iterdir()) == []


def test_a_full_disk_gives_a_clear_message_and_leaves_nothing(tmp_path, monkeypatch):
    import xlsxwriter

    def vol(self):
        raise xlsxwriter.exceptions.FileCreateError(OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(xlsxwriter.Workbook, "close", vol)
    invoer = vijandig_werkboek(tmp_path / "invoer.xlsx", {})
    uit = tmp_path / "uit"
    uit.mkdir()
    code, melding = draai("optimaliseer", invoer, "-o", uit / "plan.xlsx")
    assert code == 3 and "de schijf is vol" in melding
    assert list(uit.iterdir()) == []


@contextlib.contextmanager
def als_niemand():
    """Run as user nobody meanwhile when the tests run as root (root ignores file permissions).

    Only the effective ids change, in this process: a child process as nobody could not even
    start where the checkout lies in a private folder.
    """
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_a_read_only_folder_gives_a_clear_message(tmp_path, tmp_path_factory):
    invoer = vijandig_werkboek(tmp_path / "invoer.xlsx", {})
    alleen_lezen = tmp_path / "alleen_lezen"
    alleen_lezen.mkdir()
    wortel = tmp_path_factory.getbasetemp().parent
    for map_ in (tmp_path, *tmp_path.parents):
        map_.chmod(map_.stat().st_mode | 0o005)  # others may enter and read, as on a shared drive
        if map_ == wortel:
            break
    invoer.chmod(0o644)
    alleen_lezen.chmod(0o555)
    assert draai("optimaliseer", invoer, "-o", tmp_path / "eerst.xlsx")[0] == 0  # every module loaded
    with als_niemand():
        code, melding = draai("optimaliseer", invoer, "-o", alleen_lezen / "plan.xlsx")
    assert code == 3, melding
    assert "geen schrijfrechten" in melding and "alleen_lezen" in melding
    assert "Traceback" not in melding
    assert list(alleen_lezen.iterdir()) == []
