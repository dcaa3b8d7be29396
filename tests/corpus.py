"""The corpus of broken, odd and hostile input workbooks, generated from one valid workbook.

Every case is a small function that writes one file; nothing here is a hand-made binary.
``python -m tests.corpus MAP`` writes the whole corpus into MAP (with ``overzicht.csv``) to
open the files by hand; ``tests/test_corpus.py`` runs every case through the CLI.

Each case names the exit code it must give (0 valid, 3 invalid input, 4 no solution) and
words the message must contain (the sheet, Excel row and column, or the file).
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from budgetkoppeling.schemas import BLADEN
from budgetkoppeling.sjabloon import VOORBEELD_REGIO, voorbeeld_rijen

Rijen = dict[str, list[dict]]
Tabel = dict[str, list[list]]  # sheet name -> [header, row, row, ...], exactly as written


@dataclass(frozen=True)
class Geval:
    naam: str
    categorie: str
    verwacht: int
    woorden: tuple[str, ...]
    maak: Callable[[Path], None] = field(repr=False)
    achtervoegsel: str = ".xlsx"

    @property
    def bestandsnaam(self) -> str:
        return f"{self.naam}{self.achtervoegsel}"


GEVALLEN: list[Geval] = []


def geval(categorie: str, verwacht: int, *woorden: str, achtervoegsel: str = ".xlsx"):
    """Register the decorated writer as a case named after the function."""

    def registreer(maak: Callable[[Path], None]) -> Callable[[Path], None]:
        GEVALLEN.append(Geval(maak.__name__, categorie, verwacht, woorden, maak, achtervoegsel))
        return maak

    return registreer


# --- writers -------------------------------------------------------------------------------

def als_tabel(rijen: Rijen) -> Tabel:
    """Rows to tables: per sheet the schema's columns that occur (or are required), in schema order."""
    tabel: Tabel = {}
    for blad in BLADEN:
        if blad.naam not in rijen:
            continue
        aanwezig = {k for rij in rijen[blad.naam] for k in rij}
        kolommen = [k for k in blad.kolommen if k in aanwezig or blad.kolommen[k].required]
        kolommen += sorted(aanwezig - set(kolommen))
        tabel[blad.naam] = [kolommen] + [[rij.get(k) for k in kolommen] for rij in rijen[blad.naam]]
    return tabel


def schrijf_xlsx(pad: Path | io.BytesIO, tabel: Tabel, aanpassing: Callable | None = None) -> None:
    """Write with openpyxl, every string as a string (never a formula); ``aanpassing(wb)`` may then
    add what only a spreadsheet program makes: merged cells, hidden sheets, formulas, error values."""
    from openpyxl import Workbook

    werkboek = Workbook()
    werkboek.remove(werkboek.active)
    for naam, regels in tabel.items():
        blad = werkboek.create_sheet(naam)
        for r, regel in enumerate(regels, start=1):
            for k, waarde in enumerate(regel, start=1):
                if waarde is None:
                    continue
                cel = blad.cell(row=r, column=k, value=waarde)
                if isinstance(waarde, str):
                    cel.data_type = "s"
    if aanpassing is not None:
        aanpassing(werkboek)
    werkboek.save(pad)


def xlsx_bytes(rijen: Rijen | None = None) -> bytes:
    buffer = io.BytesIO()
    schrijf_xlsx(buffer, als_tabel(rijen or basis()))
    return buffer.getvalue()


def basis() -> Rijen:
    """The valid workbook every case starts from: the template's example region, plus a national fund."""
    rijen = voorbeeld_rijen()
    rijen["Fondsen"].append({"fonds": "Sectorpot", "soort": "sector", "landelijk": "ja", "overheveling": 0})
    rijen["Budgetten"].append({"fonds": "Sectorpot", "jaar": 2026, "bedrag": 250_000})
    rijen["Financieringsregels"].append({"fonds": "Sectorpot", "instrument": "scholing", "doelgroep": "alle"})
    return rijen


def met(aanpassing: Callable[[Rijen], object], aanpassing_wb: Callable | None = None) -> Callable[[Path], None]:
    """A writer: the basis workbook, changed by ``aanpassing(rijen)``."""

    def maak(pad: Path) -> None:
        rijen = basis()
        aanpassing(rijen)
        schrijf_xlsx(pad, als_tabel(rijen), aanpassing_wb)

    return maak


def zet(blad: str, index: int, **waarden) -> Callable[[Rijen], None]:
    """Set cells of row ``index`` (0 = first data row = Excel row 2) of ``blad``."""
    return lambda rijen: rijen[blad][index].update(waarden)


def schrijf_ods(pad: Path, tabel: Tabel) -> None:
    """A minimal OpenDocument spreadsheet, written from its specification."""
    bladen = []
    for naam, regels in tabel.items():
        rijen_xml = []
        for regel in regels:
            cellen = []
            for waarde in regel:
                if waarde is None:
                    cellen.append("<table:table-cell/>")
                elif isinstance(waarde, (int, float)):
                    cellen.append(f'<table:table-cell office:value-type="float" office:value="{waarde}">'
                                  f"<text:p>{waarde}</text:p></table:table-cell>")
                else:
                    cellen.append(f'<table:table-cell office:value-type="string"><text:p>{escape(str(waarde))}'
                                  "</text:p></table:table-cell>")
            rijen_xml.append("<table:table-row>" + "".join(cellen) + "</table:table-row>")
        bladen.append(f'<table:table table:name="{escape(naam)}">' + "".join(rijen_xml) + "</table:table>")
    inhoud = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>" + "".join(bladen) + "</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(pad, "w") as archief:
        archief.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archief.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archief.writestr("content.xml", inhoud, zipfile.ZIP_DEFLATED)


def schrijf_xls(pad: Path, tabel: Tabel) -> None:
    """An Excel 97-2003 workbook (BIFF8), as old municipal systems still export."""
    import xlwt

    werkboek = xlwt.Workbook()
    for naam, regels in tabel.items():
        blad = werkboek.add_sheet(naam)
        for r, regel in enumerate(regels):
            for k, waarde in enumerate(regel):
                if waarde is not None:
                    blad.write(r, k, waarde)
    werkboek.save(str(pad))


# --- 1. files that are not (readable) workbooks ------------------------------------------------

@geval("bestand", 3, "niet_zip.xlsx", "geen Excel-werkboek")
def niet_zip(pad):
    pad.write_bytes(bytes(range(7, 256)) * 20)


@geval("bestand", 3, "leeg.xlsx", "leeg")
def leeg(pad):
    pad.write_bytes(b"")


@geval("bestand", 3, "afgekapt.xlsx", "beschadigd")
def afgekapt(pad):
    inhoud = xlsx_bytes()
    pad.write_bytes(inhoud[: len(inhoud) // 2])  # a half-synced network file


@geval("bestand", 3, "zip_zonder_werkboek.xlsx", "beschadigd")
def zip_zonder_werkboek(pad):
    with zipfile.ZipFile(pad, "w") as archief:
        archief.writestr("notities.txt", "geen werkboek")


@geval("bestand", 3, "csv_als_xlsx.xlsx", "CSV")
def csv_als_xlsx(pad):
    pad.write_text("fonds;regio;jaar;bedrag\nParticipatiebudget;Voorbeeldregio;2026;2000000\n", encoding="utf-8")


@geval("bestand", 3, "html_als_xlsx.xlsx", "HTML")
def html_als_xlsx(pad):
    pad.write_text("<html><body><table><tr><td>fonds</td></tr></table></body></html>", encoding="utf-8")


@geval("bestand", 3, "wachtwoord.xlsx", "wachtwoord")
def wachtwoord(pad):
    from msoffcrypto.format.ooxml import OOXMLFile

    with pad.open("wb") as uit:
        OOXMLFile(io.BytesIO(xlsx_bytes())).encrypt("geheim", uit)


@geval("bestand", 0, achtervoegsel=".ods")
def opendocument(pad):
    schrijf_ods(pad, als_tabel(basis()))


@geval("bestand", 0, achtervoegsel=".xls")
def excel_97(pad):
    schrijf_xls(pad, als_tabel(basis()))


@geval("bestand", 3, "afgekapt_xls.xls", "beschadigd", achtervoegsel=".xls")
def afgekapt_xls(pad):
    schrijf_xls(pad, als_tabel(basis()))
    inhoud = pad.read_bytes()
    pad.write_bytes(inhoud[: len(inhoud) // 3])


# --- 2. structure: sheets and columns ----------------------------------------------------------

@geval("structuur", 3, "Blad 'Instrumenten'", "ontbreekt")
def ontbrekend_blad(pad):
    met(lambda r: r.pop("Instrumenten"))(pad)


@geval("structuur", 3, "Blad 'Budgetten'", "rij 1", "kolom 'bedrag'", "ontbreekt")
def ontbrekende_kolom(pad):
    tabel = als_tabel(basis())
    tabel["Budgetten"] = [regel[:3] for regel in tabel["Budgetten"]]
    schrijf_xlsx(pad, tabel)


@geval("structuur", 3, "Blad 'Instrumenten'", "kosten_per_deelnemer", "kosten")
def hernoemde_kolom(pad):
    tabel = als_tabel(basis())
    tabel["Instrumenten"][0][1] = "kosten"
    schrijf_xlsx(pad, tabel)


@geval("structuur", 0)
def extra_kolommen(pad):
    tabel = als_tabel(basis())
    for regels in tabel.values():
        regels[0].append("opmerking van de ambtenaar")
        for regel in regels[1:]:
            regel.append("zie mail van 3 maart")
    schrijf_xlsx(pad, tabel)


@geval("structuur", 0)
def namen_met_hoofdletters_en_spaties(pad):
    tabel = {f"  {naam.upper()} ": [[f" {kop.title()}  " for kop in regels[0]], *regels[1:]]
             for naam, regels in als_tabel(basis()).items()}
    schrijf_xlsx(pad, tabel)


@geval("structuur", 3, "Blad 'Regios'", "twee keer")
def blad_twee_keer(pad):
    tabel = als_tabel(basis())
    tabel[" Regios"] = tabel["Regios"]
    schrijf_xlsx(pad, tabel)


@geval("structuur", 3, "Blad 'Instrumenten'", "kolom 'duur_jaren'", "twee keer")
def kolom_twee_keer(pad):
    tabel = als_tabel(basis())
    for regel in tabel["Instrumenten"]:
        regel.append(regel[2])
    schrijf_xlsx(pad, tabel)


@geval("structuur", 0)
def verborgen_blad(pad):
    def verberg(wb):
        wb["Verplichtingen"].sheet_state = "hidden"
        wb["Scenarios"].sheet_state = "veryHidden"

    met(lambda r: None, verberg)(pad)


@geval("structuur", 3, "Blad 'Potentieel'", "rij 3", "kolom 'regio'", "leeg")
def samengevoegde_cellen(pad):
    # A region typed once and merged down over its rows: only the first cell holds the value.
    met(lambda r: None, lambda wb: wb["Potentieel"].merge_cells("A2:A4"))(pad)


@geval("structuur", 3, "Blad 'Instrumenten'", "kolom 'duur_jaren'", "ontbreekt", "kolom C heeft geen kop")
def samengevoegde_kop(pad):
    met(lambda r: None, lambda wb: wb["Instrumenten"].merge_cells("B1:C1"))(pad)


@geval("structuur", 0)
def lege_rijen_in_het_midden(pad):
    tabel = als_tabel(basis())
    for regels in tabel.values():
        for plek in range(len(regels) - 1, 1, -1):
            regels.insert(plek, [None] * len(regels[0]))
    schrijf_xlsx(pad, tabel)


@geval("structuur", 3, "Blad 'Instrumenten'", "geen rijen")
def blad_alleen_kop(pad):
    met(lambda r: r["Instrumenten"].clear())(pad)


@geval("structuur", 3, "Blad 'Regios'", "kolom 'regio'", "ontbreekt")
def blad_zonder_kop(pad):
    tabel = als_tabel(basis())
    tabel["Regios"] = []
    schrijf_xlsx(pad, tabel)


@geval("structuur", 0)
def onbekend_blad(pad):
    tabel = als_tabel(basis())
    tabel["Notities"] = [["wie", "wat"], ["Anna", "budget 2027 nog bevestigen"]]
    schrijf_xlsx(pad, tabel)


# --- 3. values in the wrong form or range --------------------------------------------------------

@geval("waarden", 3, "Blad 'Instrumenten'", "rij 2", "kolom 'kosten_per_deelnemer'", "duizend")
def tekst_in_getalcel(pad):
    met(zet("Instrumenten", 0, kosten_per_deelnemer="duizend"))(pad)


@geval("waarden", 0)
def getal_als_tekst(pad):  # '2.000.000' typed as text and '0,35' with a decimal comma: accepted
    met(lambda r: (r["Budgetten"][0].update(bedrag="2000000"),
                   r["Effecten"][0].update(plaatsingskans="0,35")))(pad)


@geval("waarden", 3, "Blad 'Budgetten'", "rij 2", "kolom 'bedrag'", "NaN")
def nan_in_bedrag(pad):
    met(zet("Budgetten", 0, bedrag="NaN"))(pad)


@geval("waarden", 3, "Blad 'Budgetten'", "rij 3", "kolom 'bedrag'", "inf")
def oneindig_bedrag(pad):
    met(zet("Budgetten", 1, bedrag="inf"))(pad)


@geval("waarden", 3, "Blad 'Budgetten'", "rij 2", "kolom 'bedrag'", "te groot")
def bedrag_1e300(pad):
    met(zet("Budgetten", 0, bedrag=1e300))(pad)


@geval("waarden", 3, "Blad 'Potentieel'", "rij 2", "kolom 'aantal'", "te groot")
def potentieel_1e300(pad):
    met(zet("Potentieel", 0, aantal=1e300))(pad)


@geval("waarden", 3, "Blad 'Budgetten'", "rij 2", "kolom 'bedrag'", "-5")
def negatief_bedrag(pad):
    met(zet("Budgetten", 0, bedrag=-5))(pad)


@geval("waarden", 3, "Blad 'Verplichtingen'", "rij 2", "kolom 'bedrag'")
def negatieve_verplichting(pad):
    met(zet("Verplichtingen", 0, bedrag=-400_000))(pad)


@geval("waarden", 3, "Blad 'Budgetten'", "rij 2", "kolom 'jaar'", "2026.5")
def gebroken_jaar(pad):
    met(zet("Budgetten", 0, jaar=2026.5))(pad)


@geval("waarden", 3, "Blad 'Potentieel'", "rij 2", "kolom 'jaar'", "jaartal")
def jaar_als_datum(pad):
    met(zet("Potentieel", 0, jaar=datetime.datetime(2026, 1, 1)))(pad)


@geval("waarden", 3, "Blad 'Budgetten'", "rij 2", "kolom 'jaar'", "planperiode")
def jaar_buiten_planperiode(pad):
    met(zet("Budgetten", 0, jaar=2035))(pad)


@geval("waarden", 3, "Blad 'Effecten'", "rij 2", "kolom 'plaatsingskans'", "1.5")
def kans_boven_een(pad):
    met(zet("Effecten", 0, plaatsingskans=1.5))(pad)


@geval("waarden", 3, "Blad 'Effecten'", "rij 3", "kolom 'plaatsingskans'")
def kans_negatief(pad):
    met(zet("Effecten", 1, plaatsingskans=-0.1))(pad)


@geval("waarden", 3, "Blad 'Instrumenten'", "rij 2", "kolom 'duur_jaren'")
def duur_nul(pad):
    met(zet("Instrumenten", 0, duur_jaren=0))(pad)


@geval("waarden", 3, "Blad 'Instrumenten'", "rij 3", "kolom 'duur_jaren'", "1.5")
def duur_gebroken(pad):
    met(zet("Instrumenten", 1, duur_jaren=1.5))(pad)


@geval("waarden", 3, "Blad 'Financieringsregels'", "rij 3", "kolom 'max_aandeel'")
def aandeel_boven_een(pad):
    met(zet("Financieringsregels", 1, max_aandeel=1.4))(pad)


@geval("waarden", 3, "Blad 'Fondsen'", "rij 2", "kolom 'overheveling'")
def overheveling_boven_een(pad):
    met(zet("Fondsen", 0, overheveling=2))(pad)


@geval("waarden", 3, "Blad 'Afnemende_meeropbrengst'", "aandeel_potentieel", "1")
def segmenten_niet_samen_een(pad):
    met(zet("Afnemende_meeropbrengst", 1, aandeel_potentieel=0.3))(pad)


@geval("waarden", 3, "Blad 'Afnemende_meeropbrengst'", "rij 3", "kolom 'factor'")
def stijgende_factor(pad):
    met(zet("Afnemende_meeropbrengst", 1, factor=1.3))(pad)


@geval("waarden", 3, "Blad 'Beleidsregels'", "rij 2", "kolom 'operator'", "=<")
def verkeerde_operator(pad):
    met(zet("Beleidsregels", 0, operator="=<"))(pad)


@geval("waarden", 3, "Blad 'Beleidsregels'", "rij 3", "kolom 'grootheid'", "banen")
def verkeerde_grootheid(pad):
    met(zet("Beleidsregels", 1, grootheid="banen"))(pad)


@geval("waarden", 3, "Blad 'Beleidsregels'", "rij 2", "kolom 'fonds'")
def fondsfilter_bij_deelnemers(pad):
    met(zet("Beleidsregels", 0, fonds="ESF+"))(pad)


@geval("waarden", 3, "Blad 'Fondsen'", "rij 2", "kolom 'soort'", "subsidie")
def onbekende_fondssoort(pad):
    met(zet("Fondsen", 0, soort="subsidie"))(pad)


@geval("waarden", 3, "Blad 'Fondsen'", "rij 3", "kolom 'landelijk'", "misschien")
def ja_nee_onzin(pad):
    met(zet("Fondsen", 1, landelijk="misschien"))(pad)


@geval("instellingen", 3, "Blad 'Instellingen'", "planperiode_eind")
def instelling_ontbreekt(pad):
    met(lambda r: r["Instellingen"].pop(1))(pad)


@geval("instellingen", 3, "Blad 'Instellingen'", "planperiode")
def planperiode_omgekeerd(pad):
    met(zet("Instellingen", 0, waarde="2029"))(pad)


@geval("instellingen", 3, "Blad 'Instellingen'", "rij 8", "kolom 'sleutel'", "disconteringsvoet", "komt al voor")
def instelling_tegenstrijdig(pad):
    met(lambda r: r["Instellingen"].append({"sleutel": "disconteringsvoet", "waarde": 0.03}))(pad)


@geval("instellingen", 3, "Blad 'Instellingen'", "rij 7", "kolom 'waarde'", "gurobi")
def onbekende_oplosser(pad):
    met(zet("Instellingen", 5, waarde="gurobi"))(pad)


@geval("instellingen", 3, "Blad 'Instellingen'", "rij 8", "kolom 'sleutel'", "budgetplafond")
def onbekende_instelling(pad):
    met(lambda r: r["Instellingen"].append({"sleutel": "budgetplafond", "waarde": 5}))(pad)


@geval("fondsen", 3, "Blad 'Budgetten'", "rij 2", "kolom 'regio'")
def regionaal_fonds_zonder_regio(pad):
    met(lambda r: r["Budgetten"][0].pop("regio"))(pad)


@geval("fondsen", 3, "Blad 'Budgetten'", "rij 7", "kolom 'regio'", "landelijk")
def landelijk_fonds_met_regio(pad):
    met(zet("Budgetten", 5, regio=VOORBEELD_REGIO))(pad)


@geval("fondsen", 3, "Blad 'Budgetten'", "kolom 'jaar'", "vervaljaar")
def budget_na_vervaljaar(pad):
    met(lambda r: r["Budgetten"].append({"fonds": "ESF+", "regio": VOORBEELD_REGIO, "jaar": 2028,
                                         "bedrag": 500_000}))(pad)


@geval("formules", 3, "Blad 'Budgetten'", "rij 3", "kolom 'bedrag'", "#REF!")
def formule_met_foutwaarde(pad):
    def fout(wb):
        cel = wb["Budgetten"]["D3"]
        cel.value = "#REF!"
        cel.data_type = "e"

    met(lambda r: None, fout)(pad)


@geval("formules", 3, "Blad 'Budgetten'", "rij 2", "kolom 'bedrag'", "opnieuw op")
def formule_zonder_waarde(pad):
    # openpyxl, like many generators, writes formulas without a computed (cached) value.
    met(lambda r: None, lambda wb: wb["Budgetten"].__setitem__("D2", "=1000000*2"))(pad)


@geval("formules", 0)
def formule_met_waarde(pad):
    def formules(wb):
        blad = wb["Budgetten"]
        blad["D2"] = "=1000000*2"  # openpyxl keeps no value: patched into the XML below

    buffer = io.BytesIO()
    schrijf_xlsx(buffer, als_tabel(basis()), formules)
    _zet_formulewaarde(pad, buffer.getvalue(), "2000000")


def _zet_formulewaarde(pad: Path, inhoud: bytes, waarde: str) -> None:
    """Give every formula a cached value, as Excel does when it saves."""
    with zipfile.ZipFile(io.BytesIO(inhoud)) as bron, zipfile.ZipFile(pad, "w", zipfile.ZIP_DEFLATED) as doel:
        for item in bron.infolist():
            data = bron.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</f><v></v>", f"</f><v>{waarde}</v>".encode())
                data = data.replace(b"</f><v />", f"</f><v>{waarde}</v>".encode())
            doel.writestr(item, data)


# --- 4. names: unknown in every sheet that refers to them, and duplicate keys ------------------

_VERWIJZINGEN = [  # (sheet, column, row index) whose name must exist in another sheet
    ("Budgetten", "fonds", 0), ("Budgetten", "regio", 1), ("Verplichtingen", "fonds", 0),
    ("Verplichtingen", "regio", 0), ("Potentieel", "regio", 2), ("Potentieel", "doelgroep", 3),
    ("Effecten", "instrument", 1), ("Effecten", "doelgroep", 2), ("Financieringsregels", "fonds", 1),
    ("Financieringsregels", "instrument", 0), ("Financieringsregels", "doelgroep", 0),
    ("Afnemende_meeropbrengst", "instrument", 0), ("Beleidsregels", "regio", 0),
    ("Beleidsregels", "instrument", 1), ("Beleidsregels", "doelgroep", 0), ("Scenarios", "fonds", 0),
    ("Scenarios", "regio", 0), ("Scenarios", "instrument", 0), ("Scenarios", "doelgroep", 0),
    ("Huidige_verdeling", "regio", 0), ("Huidige_verdeling", "instrument", 1),
    ("Huidige_verdeling", "doelgroep", 2),
]


def _onbekende_naam(blad: str, kolom: str, index: int) -> None:
    naam = f"onbekend_{blad.lower()}_{kolom}"

    def maak(pad):
        met(zet(blad, index, **{kolom: "Onbekendland"}))(pad)

    maak.__name__ = naam
    geval("namen", 3, f"Blad '{blad}'", f"rij {index + 2}", f"kolom '{kolom}'", "Onbekendland")(maak)


for _blad, _kolom, _index in _VERWIJZINGEN:
    _onbekende_naam(_blad, _kolom, _index)


@geval("namen", 3, "Blad 'Beleidsregels'", "rij 2", "kolom 'fonds'", "Onbekendfonds")
def onbekend_beleidsregels_fonds(pad):
    met(lambda r: r["Beleidsregels"][0].update(grootheid="uitgaven", fonds="Onbekendfonds"))(pad)


@geval("namen", 3, "Blad 'Scenarios'", f"rij {len(basis()['Scenarios']) + 2}", "kolom 'regel'", "geen_regel")
def onbekend_scenarios_regel(pad):
    met(lambda r: r["Scenarios"].append({"scenario": "x", "aanpassing": "regel_waarde", "regel": "geen_regel",
                                         "waarde": 3}))(pad)


@geval("namen", 3, "Blad 'Scenarios'", f"rij {len(basis()['Scenarios']) + 2}", "kolom 'aanpassing'", "alles")
def onbekende_aanpassing(pad):
    met(lambda r: r["Scenarios"].append({"scenario": "x", "aanpassing": "alles", "factor": 2}))(pad)


def _dubbele_sleutel(blad: str, kolom: str) -> None:
    def maak(pad):
        met(lambda r: r[blad].append(copy.deepcopy(r[blad][0])))(pad)

    maak.__name__ = f"dubbel_{blad.lower()}"
    rij = len(basis()[blad]) + 2
    geval("dubbel", 3, f"Blad '{blad}'", f"rij {rij}", f"kolom '{kolom}'", "al ", "rij 2")(maak)


for _blad, _kolom in [("Regios", "regio"), ("Fondsen", "fonds"), ("Instrumenten", "instrument"),
                      ("Doelgroepen", "doelgroep"), ("Potentieel", "regio"), ("Effecten", "instrument"),
                      ("Financieringsregels", "fonds"), ("Beleidsregels", "regel"),
                      ("Huidige_verdeling", "regio")]:
    _dubbele_sleutel(_blad, _kolom)


@geval("dubbel", 0)
def budget_in_twee_tranches(pad):  # same fund, region and year add up (SPEC §4)
    met(lambda r: r["Budgetten"].append({"fonds": "Participatiebudget", "regio": VOORBEELD_REGIO,
                                         "jaar": 2026, "bedrag": 150_000.50}))(pad)


# --- 5. hostile and unusual text: valid, and never a formula or link in the output -------------

VIJANDIG = {
    "regio": "=HYPERLINK(\"http://voorbeeld.invalid/x\",\"klik hier\")",
    "fonds": "+31 fonds",
    "instrument": "-cmd|' /C calc'!A0",
    "doelgroep": "@SOM(A1:A9)",
}


def _hernoem(rijen: Rijen, soort: str, oud: str, nieuw: str) -> None:
    """Rename a region, fund, instrument or group everywhere it is referred to."""
    for regels in rijen.values():
        for rij in regels:
            if rij.get(soort) == oud:
                rij[soort] = nieuw


def _vijandig(rijen: Rijen, namen: dict[str, str]) -> None:
    oud = {"regio": VOORBEELD_REGIO, "fonds": "Participatiebudget", "instrument": "jobcoaching",
           "doelgroep": "bijstand"}
    for soort, nieuw in namen.items():
        _hernoem(rijen, soort, oud[soort], nieuw)


@geval("tekst", 0)
def namen_als_formule(pad):
    met(lambda r: _vijandig(r, VIJANDIG))(pad)


@geval("tekst", 0)
def namen_als_link(pad):
    met(lambda r: _vijandig(r, {"regio": "https://voorbeeld.invalid/regio?a=1", "fonds": "mailto:fonds@voorbeeld.nl",
                                "instrument": "www.voorbeeld.nl", "doelgroep": "file:///etc/passwd"}))(pad)


@geval("tekst", 0)
def namen_niet_latijn_en_emoji(pad):
    met(lambda r: _vijandig(r, {"regio": "Fryslân 🌷", "fonds": "Фонд ESF", "instrument": "職業訓練 👷",
                                "doelgroep": "نوآموزان"}))(pad)


@geval("tekst", 0)
def naam_van_1000_tekens(pad):
    met(lambda r: _vijandig(r, {"instrument": "jobcoaching " + "x" * 988}))(pad)


@geval("tekst", 0)
def namen_met_opmaakcodes(pad):  # rich's markup and emoji codes, a tab, quotes and a line break
    met(lambda r: _vijandig(r, {"regio": "[bold red]Noord[/]", "fonds": "[/]", "instrument": ":smile: coach",
                                "doelgroep": "bij\"stand'\nnieuw\tgroep"}))(pad)


@geval("tekst", 0)
def namen_die_samen_gelijk_klinken(pad):
    """Regions 'Zuid Holland' and 'Zuid', instruments 'X' and 'Holland X': with '_' inside the
    safe keys both cells were called x_Zuid_Holland_X_... (exit 1 before)."""
    def twee_regios(rijen):
        _hernoem(rijen, "regio", VOORBEELD_REGIO, "Zuid Holland")
        _hernoem(rijen, "instrument", "jobcoaching", "X")
        _hernoem(rijen, "instrument", "loonkostensubsidie", "Holland X")
        for regels in rijen.values():
            regels += [{**rij, "regio": "Zuid"} for rij in regels if rij.get("regio") == "Zuid Holland"]
    met(twee_regios)(pad)


@geval("tekst", 0)
def omschrijvingen_als_formule(pad):
    met(lambda r: [rij.update(omschrijving="=1+1") for rij in r["Instrumenten"]])(pad)


# --- 6. large sheets ---------------------------------------------------------------------------

@geval("groot", 0)
def budget_in_50000_tranches(pad):
    def tranches(rijen):
        rijen["Budgetten"] = [{"fonds": "Participatiebudget", "regio": VOORBEELD_REGIO, "jaar": 2026 + i % 3,
                               "bedrag": 120} for i in range(50_000)]

    met(tranches)(pad)


@geval("groot", 3, "Blad 'Potentieel'", "rij 2", "kolom 'regio'", "Onbekendland", "99.999 problemen", "en nog")
def potentieel_50000_fouten(pad):
    def fouten(rijen):
        rijen["Potentieel"] = [{"regio": "Onbekendland", "doelgroep": "bijstand", "jaar": 2026, "aantal": i}
                               for i in range(50_000)]

    met(fouten)(pad)


# --- 6b. hostile archives: zip bombs and sheets longer than Excel allows (refused before unpacking) --

def met_blad_xml(blad: str, stukken: Callable[[], object]) -> Callable[[Path], None]:
    """A writer: the basis workbook with the XML part of ``blad`` replaced by the byte strings that
    ``stukken()`` yields, streamed into the archive (nothing large is held in memory)."""

    def maak(pad: Path) -> None:
        bron = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
        namen = [n for n in bron.namelist() if n.startswith("xl/worksheets/sheet")]
        volgorde = [b.naam for b in BLADEN if b.naam in als_tabel(basis())]
        doel = sorted(namen, key=lambda n: int(n.rsplit("sheet", 1)[1].split(".")[0]))[volgorde.index(blad)]
        with zipfile.ZipFile(pad, "w", zipfile.ZIP_DEFLATED) as archief:
            for naam in bron.namelist():
                if naam != doel:
                    archief.writestr(naam, bron.read(naam))
            with archief.open(doel, "w", force_zip64=True) as stroom:
                for stuk in stukken():
                    stroom.write(stuk)

    return maak


KOP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
STAART = b"</sheetData></worksheet>"


def witruimte(megabytes: int):
    def stukken():
        yield KOP
        blok = b" " * (1 << 20)
        for _ in range(megabytes):
            yield blok
        yield STAART

    return stukken


@geval("groot", 3, "zipbom_witruimte.xlsx", "Potentieel", "520 MB", "500 MB", "zipbom")
def zipbom_witruimte(pad):
    met_blad_xml("Potentieel", witruimte(520))(pad)


@geval("groot", 3, "zipbom_verhouding.xlsx", "Potentieel", "keer samengeperst", "ten hoogste 100 keer")
def zipbom_verhouding(pad):
    met_blad_xml("Potentieel", witruimte(60))(pad)


@geval("groot", 3, "te_veel_rijen.xlsx", "Potentieel", "meer dan 1.048.576 rijen", "Excel")
def te_veel_rijen(pad):
    def stukken():
        yield KOP
        for begin in range(1, 1_048_578, 100_000):
            yield b"".join(b'<row r="%d"/>' % r for r in range(begin, min(begin + 100_000, 1_048_578)))
        yield STAART

    met_blad_xml("Potentieel", stukken)(pad)


def verre_cel(adres: bytes):
    """The Potentieel sheet with A1 and one cell far away (two cells: a 13 KB workbook)."""
    def stukken():
        yield KOP + b'<row r="1"><c r="A1" t="inlineStr"><is><t>regio</t></is></c></row>'
        rij = adres.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        yield b'<row r="%s"><c r="%s"><v>1</v></c></row>' % (rij, adres)
        yield STAART

    return stukken


@geval("groot", 3, "a1_en_xfd1048576.xlsx", "Potentieel", "XFD1048576", "cellen per blad")
def a1_en_xfd1048576(pad):
    """Issue 27.16: calamine asked for 512 GiB (SIGABRT, exit 134, a Rust backtrace)."""
    met_blad_xml("Potentieel", verre_cel(b"XFD1048576"))(pad)


@geval("groot", 3, "a1_en_cv1048576.xlsx", "Potentieel", "CV1048576", "cellen per blad")
def a1_en_cv1048576(pad):
    """Issue 27.16: ran, but took 5.3 GB."""
    met_blad_xml("Potentieel", verre_cel(b"CV1048576"))(pad)


def met_vervalst_deel(pad: Path, megabytes: int, verval) -> None:
    """The basis workbook with its Potentieel sheet as ``megabytes`` of whitespace (deflated, small),
    then ``verval(veld, waarde)`` applied to the sizes and checksum that the archive's directory and the
    part's local header state: the bytes a reader trusts before it inflates."""
    import struct
    import zlib

    bron = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    namen = [n for n in bron.namelist() if n.startswith("xl/worksheets/sheet")]
    volgorde = [b.naam for b in BLADEN if b.naam in als_tabel(basis())]
    doel = sorted(namen, key=lambda n: int(n.rsplit("sheet", 1)[1].split(".")[0]))[volgorde.index("Potentieel")]
    inhoud = KOP + b" " * (megabytes << 20) + STAART
    uit = io.BytesIO()
    with zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED) as archief:
        for naam in bron.namelist():
            archief.writestr(naam, inhoud if naam == doel else bron.read(naam))
    data = bytearray(uit.getvalue())
    naam = doel.encode()
    crc, grootte = zlib.crc32(inhoud), len(inhoud)
    for handtekening, crc_plek in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        begin = 0
        while (plek := data.find(handtekening, begin)) >= 0:
            begin = plek + 4
            naamplek = plek + (30 if handtekening == b"PK\x03\x04" else 46)
            if data[naamplek:naamplek + len(naam)] != naam:
                continue
            for veld, verschuiving, waarde in (("crc", 0, crc), ("grootte", 8, grootte)):
                struct.pack_into("<L", data, plek + crc_plek + verschuiving, verval(veld, waarde))
    pad.write_bytes(bytes(data))


@geval("groot", 3, "liegende_inhoudsopgave.xlsx", "beschadigd", "Potentieel")
def liegende_inhoudsopgave(pad):
    """Issue 27.17: the directory says 1 KB for a part that inflates to 60 MB (the real case: 4.2 GB)."""
    met_vervalst_deel(pad, 60, lambda veld, waarde: 1024 if veld == "grootte" else waarde)


@geval("groot", 3, "verkeerde_controlesom.xlsx", "beschadigd", "controlesom")
def verkeerde_controlesom(pad):
    """Issue 27.17: a CRC error was swallowed, which also switched off the check for formulas."""
    met_vervalst_deel(pad, 1, lambda veld, waarde: waarde ^ 0xFFFF if veld == "crc" else waarde)


# --- 7. valid input, but no plan satisfies every rule -------------------------------------------

@geval("geen_oplossing", 4, "Participatiebudget", VOORBEELD_REGIO, "2026", "ontbreekt")
def verplichtingen_boven_budget(pad):
    met(zet("Verplichtingen", 0, bedrag=9_000_000))(pad)


@geval("geen_oplossing", 4, "banenafspraak")
def onhaalbare_beleidsregel(pad):
    met(zet("Beleidsregels", 0, waarde=100_000))(pad)


# -------------------------------------------------------------------------------------------------

def schrijf_corpus(map_: Path) -> list[Path]:
    map_.mkdir(parents=True, exist_ok=True)
    paden = []
    with (map_ / "overzicht.csv").open("w", newline="", encoding="utf-8") as overzicht:
        schrijver = csv.writer(overzicht)
        schrijver.writerow(["bestand", "categorie", "exitcode", "melding bevat"])
        for g in GEVALLEN:
            pad = map_ / g.bestandsnaam
            g.maak(pad)
            paden.append(pad)
            schrijver.writerow([g.bestandsnaam, g.categorie, g.verwacht, " | ".join(g.woorden)])
    return paden


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("Gebruik: python -m tests.corpus MAP")
    print(f"{len(schrijf_corpus(Path(sys.argv[1])))} werkboeken geschreven naar {sys.argv[1]}")
