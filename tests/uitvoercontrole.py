"""Checks on what a run leaves: the CLI's exit and message, the files in a folder, and the XML
inside written workbooks (user text stays text, never a formula or a link)."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree


def draai(*args) -> tuple[int, str]:
    """Run the CLI in-process; an exception other than the exit itself fails the test."""
    from click.testing import CliRunner

    from budgetkoppeling.cli import main

    resultaat = CliRunner().invoke(main, [str(a) for a in args])
    if resultaat.exception is not None and not isinstance(resultaat.exception, SystemExit):
        raise AssertionError(f"onverwachte fout: {resultaat.exception!r}\n{resultaat.output}")
    return resultaat.exit_code, resultaat.output


def map_inhoud(map_: Path) -> dict[str, str]:
    """Every file in ``map_`` with the SHA-256 of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(map_.iterdir())}


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def teksten(pad: Path) -> set[str]:
    """Every string a workbook holds in its cells (shared and inline strings)."""
    gevonden: set[str] = set()
    with zipfile.ZipFile(pad) as archief:
        for naam in archief.namelist():
            if naam == "xl/sharedStrings.xml" or naam.startswith("xl/worksheets/sheet"):
                boom = ElementTree.fromstring(archief.read(naam))
                for si in boom.iter(f"{{{NS['m']}}}si"):
                    gevonden.add("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
                for is_ in boom.iter(f"{{{NS['m']}}}is"):
                    gevonden.add("".join(t.text or "" for t in is_.iter(f"{{{NS['m']}}}t")))
    return gevonden


KEUZELIJST_FORMULE = re.compile(
    rb'<f>IF\((Regios|Gemeenten|Fondsen|Instrumenten|Doelgroepen)!A(\d+)="","",\1!A\2\)</f>')


def controleer_geen_formules_of_links(pad: Path) -> None:
    """No cell formula, no hyperlink, no external link and no user-defined name in ``pad``. The
    template's hidden Keuzelijsten sheet may hold only its own formulas: IF(Regios!A2="","",Regios!A2)."""
    from budgetkoppeling.io import _bladpaden

    with zipfile.ZipFile(pad) as archief:
        namen = archief.namelist()
        assert not [n for n in namen if "externalLink" in n], namen
        keuzelijsten = _bladpaden(archief).get("Keuzelijsten")
        for naam in namen:
            data = archief.read(naam)
            if naam == keuzelijsten:
                formules = re.findall(rb"<f[ >/].*?</f>", data)
                assert formules and all(KEUZELIJST_FORMULE.fullmatch(f) for f in formules), naam
            elif naam.startswith("xl/worksheets/sheet"):
                assert not re.search(rb"<f[ >/]", data), f"formule in {naam}"
                assert b"<hyperlink" not in data, f"link in {naam}"
            if naam.endswith(".rels"):
                assert b"relationships/hyperlink" not in data, f"link in {naam}"
                assert b'TargetMode="External"' not in data, f"externe verwijzing in {naam}"
            if naam == "xl/workbook.xml":
                for gedefinieerd in re.findall(rb'<definedName name="([^"]*)"', data):
                    assert gedefinieerd.startswith(b"_xlnm."), gedefinieerd


def is_volledig_plan(pad: Path) -> bool:
    """Whether ``pad`` is a complete plan workbook: every zip member intact and the sheets readable."""
    import openpyxl

    try:
        with zipfile.ZipFile(pad) as archief:
            if archief.testzip() is not None:
                return False
        return "Allocatie" in openpyxl.load_workbook(pad, read_only=True).sheetnames
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
