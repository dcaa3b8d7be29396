"""A copy of an input workbook with one scenario more (the what-if page's "Bewaar als scenario").

The copy is the input's .xlsx package with the new rows appended to the sheet Scenarios (or that
sheet added), every other part byte for byte as it was: the user's formats, comments and other
sheets stay. The input itself is never written; the copy goes beside it under a new name, and is
read back and validated before it is kept, so that ``vergelijk`` on it gives the page's figures.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from .errors import BestandFout, BudgetkoppelingFout

HOOFD = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PAKKET_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WERKBLAD_SOORT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
KOLOMMEN = ("scenario", "aanpassing", "fonds", "regio", "instrument", "doelgroep", "jaar", "regel", "factor", "waarde")


def kolomletter(nummer: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while nummer:
        nummer, rest = divmod(nummer - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _kolomnummer(cel: str) -> int:
    nummer = 0
    for teken in re.match(r"[A-Z]+", cel).group(0):
        nummer = nummer * 26 + ord(teken) - 64
    return nummer


def _cel(kolom: int, rij: int, waarde) -> str:
    plek = f"{kolomletter(kolom)}{rij}"
    if isinstance(waarde, int | float) and not isinstance(waarde, bool):
        return f'<c r="{plek}"><v>{waarde!r}</v></c>'
    return f'<c r="{plek}" t="inlineStr"><is><t xml:space="preserve">{escape(str(waarde))}</t></is></c>'


def _gedeelde_teksten(pakket: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in pakket.namelist():
        return []
    wortel = ElementTree.fromstring(pakket.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{HOOFD}t")) for si in wortel.iter(f"{HOOFD}si")]


def _kopjes(blad: str, teksten: list[str]) -> dict[str, int]:
    """The header row's names (lower case) and their column numbers."""
    eerste = re.search(r"<row\b[^>]*\br=\"1\"[^>]*>(.*?)</row>", blad, re.S)
    if eerste is None:
        return {}
    kopjes = {}
    for cel in re.finditer(r"<c\b([^>]*?)(/>|>(.*?)</c>)", eerste.group(1), re.S):
        kenmerken, inhoud = cel.group(1), cel.group(3) or ""
        plek = re.search(r'\br="([A-Z]+)\d+"', kenmerken)
        if plek is None:
            continue
        soort = re.search(r'\bt="(\w+)"', kenmerken)
        if soort and soort.group(1) == "s":
            waarde = teksten[int(re.search(r"<v>(\d+)</v>", inhoud).group(1))]
        elif soort and soort.group(1) == "inlineStr":
            waarde = "".join(re.findall(r"<t[^>]*>(.*?)</t>", inhoud, re.S))
        else:
            gevonden = re.search(r"<v>(.*?)</v>", inhoud, re.S)
            waarde = gevonden.group(1) if gevonden else ""
        kopjes[waarde.strip().lower()] = _kolomnummer(plek.group(1))
    return kopjes


def _vul_aan(blad: str, naam: str, rijen: list[dict], teksten: list[str]) -> str:
    """The sheet's XML with the header cells it lacks and the scenario's rows below its last row."""
    kopjes = _kopjes(blad, teksten)
    nieuwe_kopjes = []
    volgende = max(kopjes.values(), default=0) + 1
    for kolom in KOLOMMEN:
        if kolom not in kopjes:
            kopjes[kolom] = volgende
            nieuwe_kopjes.append(_cel(volgende, 1, kolom))
            volgende += 1
    laatste = max((int(r) for r in re.findall(r"<row\b[^>]*\br=\"(\d+)\"", blad)), default=0)
    regels = []
    for nummer, rij in enumerate(rijen, start=max(laatste, 1) + 1):
        waarden = {"scenario": naam, **{k: v for k, v in rij.items() if v not in (None, "")}}
        cellen = "".join(_cel(kopjes[k], nummer, waarden[k])
                         for k in sorted(waarden, key=lambda k: kopjes[k]) if k in kopjes)
        regels.append(f'<row r="{nummer}">{cellen}</row>')
    if nieuwe_kopjes:
        if re.search(r"<row\b[^>]*\br=\"1\"[^>]*/>", blad):
            blad = re.sub(r"(<row\b[^>]*\br=\"1\"[^>]*)/>",
                          lambda m: m.group(1) + ">" + "".join(nieuwe_kopjes) + "</row>", blad, count=1)
        elif re.search(r"<row\b[^>]*\br=\"1\"", blad):
            blad = re.sub(r"(<row\b[^>]*\br=\"1\"[^>]*>.*?)</row>", lambda m: m.group(1) + "".join(nieuwe_kopjes)
                          + "</row>", blad, count=1, flags=re.S)
        else:
            regels.insert(0, f'<row r="1">{"".join(nieuwe_kopjes)}</row>')
    if "<sheetData/>" in blad:
        blad = blad.replace("<sheetData/>", "<sheetData>" + "".join(regels) + "</sheetData>", 1)
    else:
        blad = blad.replace("</sheetData>", "".join(regels) + "</sheetData>", 1)
    onderste = max(laatste, 1) + len(rijen)
    return re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{kolomletter(max(kopjes.values()))}{onderste}"/>',
                  blad, count=1)


def _nieuw_blad() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<dimension ref="A1"/><sheetData/></worksheet>')


def met_scenario(inhoud: zipfile.ZipFile, naam: str, rijen: list[dict]) -> dict[str, bytes]:
    """The parts of the package that change: the Scenarios sheet (and, when it is new, the
    workbook, its relations and the content types)."""
    werkboek = inhoud.read("xl/workbook.xml").decode("utf-8")
    relaties = inhoud.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    doelen = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(relaties).iter(f"{PAKKET_REL}Relationship")}
    bladen = {b.get("name"): b.get(f"{REL}id") for b in ElementTree.fromstring(werkboek).iter(f"{HOOFD}sheet")}
    teksten = _gedeelde_teksten(inhoud)
    gevonden = next((n for n in bladen if n.strip().lower() == "scenarios"), None)
    if gevonden is not None:
        doel = doelen[bladen[gevonden]].lstrip("/")
        pad = doel if doel.startswith("xl/") else f"xl/{doel}"
        return {pad: _vul_aan(inhoud.read(pad).decode("utf-8"), naam, rijen, teksten).encode("utf-8")}
    nummer = 1
    while f"xl/worksheets/sheet{nummer}.xml" in inhoud.namelist():
        nummer += 1
    pad = f"xl/worksheets/sheet{nummer}.xml"
    rel_id = "rIdScenarios"
    blad_id = 1 + max((int(i) for i in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', werkboek)), default=0)
    werkboek = re.sub(r"</sheets>", f'<sheet name="Scenarios" sheetId="{blad_id}" r:id="{rel_id}"/></sheets>',
                      werkboek, count=1)
    if 'xmlns:r="' not in werkboek:
        raise BestandFout("Het werkboek heeft een onverwachte opbouw; voeg het blad Scenarios zelf toe.")
    soort = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    relaties = relaties.replace("</Relationships>", f'<Relationship Id="{rel_id}" Type="{soort}" '
                                f'Target="worksheets/sheet{nummer}.xml"/></Relationships>', 1)
    soorten = inhoud.read("[Content_Types].xml").decode("utf-8").replace(
        "</Types>", f'<Override PartName="/{pad}" ContentType="{WERKBLAD_SOORT}"/></Types>', 1)
    return {pad: _vul_aan(_nieuw_blad(), naam, rijen, teksten).encode("utf-8"),
            "xl/workbook.xml": werkboek.encode("utf-8"), "xl/_rels/workbook.xml.rels": relaties.encode("utf-8"),
            "[Content_Types].xml": soorten.encode("utf-8")}


def vrije_naam(map_: Path, stam: str) -> Path:
    doel = map_ / f"{stam}.xlsx"
    volgnummer = 2
    while doel.exists():
        doel = map_ / f"{stam}_{volgnummer}.xlsx"
        volgnummer += 1
    return doel


def bewaar_scenario(invoer: Path, naam: str, rijen: list[dict], stam: str) -> Path:
    """Write ``invoer``'s copy with scenario ``naam`` (its ``rijen``) beside it, as
    ``<input>_<stam>.xlsx`` (a free name); returns its path. Refuses a name the input already has."""
    from .bestanden import schrijf_atomisch
    from .scenarios import scenario_namen
    from .validate import lees_en_valideer

    invoer = Path(invoer)
    if invoer.suffix.lower() != ".xlsx":
        raise BestandFout("Bewaren als scenario kan alleen bij een .xlsx-werkboek; sla de invoer op als .xlsx.")
    gelezen = lees_en_valideer(invoer)
    if naam.strip().lower() in (n.lower() for n in scenario_namen(gelezen)):
        raise BudgetkoppelingFout(f"Het invoerwerkboek heeft al een scenario '{naam}'; kies een andere naam.")
    doel = vrije_naam(invoer.parent, f"{invoer.stem}_{stam}")

    def schrijf(tijdelijk: Path) -> None:
        with zipfile.ZipFile(invoer) as bron:
            nieuw = met_scenario(bron, naam, rijen)
            with zipfile.ZipFile(tijdelijk, "w", zipfile.ZIP_DEFLATED) as kopie:
                for deel in bron.infolist():
                    kopie.writestr(deel, nieuw.pop(deel.filename, None) or bron.read(deel.filename))
                for pad, inhoud in nieuw.items():
                    kopie.writestr(pad, inhoud)
        lees_en_valideer(tijdelijk)  # the copy must read as the page's state does

    schrijf_atomisch(doel, schrijf, invoer=invoer)
    return doel
