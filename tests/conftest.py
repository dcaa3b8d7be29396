from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from budgetkoppeling.io import schrijf_invoer


def basis(jaren=(2026,), **instellingen) -> dict[str, list[dict]]:
    """One region A, one fund P, one instrument I (EUR 1,000, 1 year, placed at once), group G.

    Potential 100 a year, chance 0.5; P has no budget yet: each test sets its own.
    """
    rijen = {
        "Instellingen": [
            {"sleutel": "planperiode_start", "waarde": jaren[0]},
            {"sleutel": "planperiode_eind", "waarde": jaren[-1]},
        ] + [{"sleutel": k, "waarde": v} for k, v in instellingen.items()],
        "Regios": [{"regio": "A"}],
        "Fondsen": [{"fonds": "P", "soort": "participatiebudget"}],
        "Budgetten": [],
        "Instrumenten": [{"instrument": "I", "kosten_per_deelnemer": 1000, "duur_jaren": 1, "vertraging_jaren": 0}],
        "Doelgroepen": [{"doelgroep": "G"}],
        "Potentieel": [{"regio": "A", "doelgroep": "G", "jaar": t, "aantal": 100} for t in jaren],
        "Effecten": [{"instrument": "I", "doelgroep": "G", "plaatsingskans": 0.5}],
        "Financieringsregels": [{"fonds": "P"}],
    }
    return copy.deepcopy(rijen)


def regel(**velden) -> dict:
    """A Beleidsregels row: every filter `alle` unless given."""
    return {"regel": "r", "regio": "alle", "fonds": "alle", "instrument": "alle", "doelgroep": "alle",
            "jaar": "alle", "actief": "ja", **velden}


def twee_instrumenten(kans_j: float = 0.2, kosten_j: float = 1000, budget: float = 10_000) -> dict:
    """:func:`basis` plus a second instrument J (chance ``kans_j``) and ``budget`` euros in 2026."""
    bladen = basis()
    bladen["Instrumenten"].append({"instrument": "J", "kosten_per_deelnemer": kosten_j, "duur_jaren": 1,
                                   "vertraging_jaren": 0})
    bladen["Effecten"].append({"instrument": "J", "doelgroep": "G", "plaatsingskans": kans_j})
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": budget}]
    return bladen


@pytest.fixture(scope="module")
def sjabloonwerkboek(tmp_path_factory) -> Path:
    """The template (``sjabloon``) with its example region, once per test module in a folder of its own."""
    from budgetkoppeling import maak_sjabloon

    pad = tmp_path_factory.mktemp("sjabloon") / "invoer.xlsx"
    maak_sjabloon(pad)
    return pad


@pytest.fixture
def werkboek(tmp_path):
    """Write sheets (a dict of rows) to a fresh .xlsx in tmp_path and return its path."""
    teller = iter(range(1_000_000))

    def maak(bladen: dict[str, list[dict]], naam: str | None = None) -> Path:
        pad = tmp_path / (naam or f"invoer_{next(teller)}.xlsx")
        schrijf_invoer(pad, bladen)
        return pad

    return maak


def naar_pdf_met_libreoffice(paden: list[Path], map_: Path) -> list[Path]:
    """Convert workbooks with LibreOffice headless, as a user's spreadsheet program would open them.

    Without LibreOffice the test is skipped, except where ``BUDGETKOPPELING_VEREIS_LIBREOFFICE``
    is set (``.ci/run`` installs LibreOffice and sets it): there a missing program fails the test.
    """
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("BUDGETKOPPELING_VEREIS_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) ontbreekt, maar .ci/run vereist het")
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it so CI runs this test")
    profiel = map_ / "lo-profiel"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profiel}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(map_), *map(str, paden)], check=True, capture_output=True, timeout=600)
    pdfs = [map_ / f"{pad.stem}.pdf" for pad in paden]
    for pdf in pdfs:
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), pdf
    return pdfs
