"""The input template: sheets, native tables, dropdowns, number checks and comments from the schemas."""

from __future__ import annotations

import os
import shutil
import subprocess

import openpyxl
import pytest

import budgetkoppeling
from budgetkoppeling.schemas import BLADEN


@pytest.fixture(scope="module")
def sjabloon(tmp_path_factory):
    pad = tmp_path_factory.mktemp("sjabloon") / "invoer.xlsx"
    budgetkoppeling.maak_sjabloon(pad)
    return pad


def test_sheets_tables_and_comments_come_from_the_schemas(sjabloon):
    werkboek = openpyxl.load_workbook(sjabloon)
    assert werkboek.sheetnames == ["Uitleg"] + [blad.naam for blad in BLADEN] + ["Keuzelijsten"]
    assert werkboek["Keuzelijsten"].sheet_state == "hidden"
    assert "budgetkoppeling valideer" in " ".join(str(c.value) for c in werkboek["Uitleg"]["A"])
    for blad in BLADEN:
        werkblad = werkboek[blad.naam]
        assert list(werkblad.tables) == [blad.naam]
        for nummer, (kolom, schema) in enumerate(blad.kolommen.items(), start=1):
            cel = werkblad.cell(1, nummer)
            assert cel.value == kolom
            assert cel.comment is not None and cel.comment.text.startswith(schema.description)


def validaties(werkblad) -> dict[str, object]:
    per_kolom = {}
    for validatie in werkblad.data_validations.dataValidation:
        kolom = str(validatie.sqref).split(":")[0].rstrip("0123456789")
        per_kolom[werkblad[f"{kolom}1"].value] = validatie
    return per_kolom


def test_dropdowns_and_number_checks(sjabloon):
    werkboek = openpyxl.load_workbook(sjabloon)
    budgetten = validaties(werkboek["Budgetten"])
    assert budgetten["fonds"].type == "list" and budgetten["fonds"].formula1 == "Fondsen!$A$2:$A$1001"
    assert budgetten["regio"].formula1 == "Regios!$A$2:$A$1001"
    assert budgetten["bedrag"].type == "decimal" and budgetten["bedrag"].operator == "greaterThanOrEqual"
    effecten = validaties(werkboek["Effecten"])
    assert effecten["plaatsingskans"].operator in (None, "between")  # between is the default
    assert (effecten["plaatsingskans"].formula1, effecten["plaatsingskans"].formula2) == ("0", "1")
    assert validaties(werkboek["Fondsen"])["soort"].formula1 == '"participatiebudget,buig,esf,oeo,sector,overig"'
    regels = validaties(werkboek["Beleidsregels"])
    assert regels["operator"].formula1 == '"<=,>=,="'
    assert regels["regio"].showErrorMessage is False  # a name, alle or elk
    assert validaties(werkboek["Scenarios"])["aanpassing"].type == "list"
    assert validaties(werkboek["Instrumenten"])["duur_jaren"].type == "whole"


def test_filter_dropdowns_offer_alle_and_elk_and_the_names(sjabloon):
    werkboek = openpyxl.load_workbook(sjabloon)
    lijsten = werkboek["Keuzelijsten"]

    def aanbod(blad: str, kolom: str) -> list:
        bron = validaties(werkboek[blad])[kolom].formula1
        assert bron.startswith("Keuzelijsten!"), bron
        letter = bron.split("!$")[1].split("$")[0]
        cellen = [lijsten[f"{letter}{r}"].value for r in range(2, 6)]
        return cellen

    assert aanbod("Beleidsregels", "regio")[:3] == ["alle", "elk", '=IF(Regios!A2="","",Regios!A2)']
    assert aanbod("Beleidsregels", "instrument")[:2] == ["alle", "elk"]
    assert aanbod("Scenarios", "fonds")[:2] == ["alle", '=IF(Fondsen!A2="","",Fondsen!A2)']  # no elk there
    assert aanbod("Financieringsregels", "doelgroep")[0] == "alle"


def test_columns_fit_and_every_sheet_prints_landscape_one_page_wide(sjabloon):
    werkboek = openpyxl.load_workbook(sjabloon)
    instellingen = werkboek["Instellingen"]
    assert instellingen.column_dimensions["A"].width >= len("doorloop_na_planperiode") + 2
    for blad in BLADEN:
        werkblad = werkboek[blad.naam]
        assert werkblad.page_setup.orientation == "landscape", blad.naam
        assert not werkblad.sheet_properties.pageSetUpPr or not werkblad.sheet_properties.pageSetUpPr.fitToPage
        assert int(werkblad.page_setup.scale or 100) >= 73, blad.naam  # 8 points or more (tests/test_uitvoertabellen)
        assert werkblad.print_title_rows in ("1:1", "$1:$1")


def test_leeg_has_headers_only(tmp_path):
    pad = tmp_path / "leeg.xlsx"
    budgetkoppeling.maak_sjabloon(pad, leeg=True)
    werkboek = openpyxl.load_workbook(pad)
    for blad in BLADEN:
        rijen = [r for r in werkboek[blad.naam].iter_rows(min_row=2, values_only=True) if any(r)]
        assert rijen == []


@pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("BUDGETKOPPELING_VEREIS_LIBREOFFICE"),
                    reason="LibreOffice (soffice) is not installed; .ci/run installs it so CI runs this test")
def test_template_saved_again_by_libreoffice_still_validates_and_optimises(sjabloon, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(sjabloon)],
                   check=True, capture_output=True, timeout=240)
    opnieuw = tmp_path / sjabloon.name
    assert opnieuw.exists()
    origineel = budgetkoppeling.optimaliseer(sjabloon)
    na_libreoffice = budgetkoppeling.optimaliseer(opnieuw)
    assert na_libreoffice.oplossing.doelwaarde == pytest.approx(origineel.oplossing.doelwaarde, rel=1e-9)
