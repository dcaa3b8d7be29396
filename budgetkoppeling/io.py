"""The only module that opens input workbooks; it also writes input workbooks (example, template).

Every sheet is read in one call with polars' calamine engine, every column as text,
so that no type inference on the first rows can drop a value; the schemas convert.
Sheet and column names are matched case-insensitively with surrounding spaces
ignored. Excel row numbers (header = row 1) travel with every row.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import stat
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from .bestanden import nieuw_xlsx, reden, schrijf_atomisch
from .errors import BestandFout, Probleem
from .schemas import BLADEN

RIJ = "__rij"  # the Excel row number of each data row
_VASTE_DATUM = datetime.datetime(2026, 1, 1)  # document properties: equal runs, equal files


@dataclass
class RuweInvoer:
    """Input sheets as read: text columns with canonical names, plus the Excel row."""

    bladen: dict[str, pl.DataFrame]
    meldingen: list[str] = field(default_factory=list)
    problemen: list[Probleem] = field(default_factory=list)
    sha256: str = ""
    gemeld: set[tuple[str, int, str]] = field(default_factory=set)  # cells a problem above is about
    # per sheet, (Excel row, column) -> True for a number cell, False for a text cell; absent: unknown
    getalcellen: dict[str, dict[tuple[int, str], bool]] = field(default_factory=dict)


def normaliseer_naam(naam: str) -> str:
    return str(naam).strip().casefold()


def _soort_bestand(inhoud: bytes) -> str | None:
    """A Dutch description of what a non-workbook file looks like, or None."""
    if not inhoud:
        return "het bestand is leeg"
    kop = inhoud[:512].lstrip().lower()
    if kop.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        return "het bestand is een HTML- of XML-bestand, geen Excel-werkboek"
    if inhoud.startswith(b"PK"):
        return None
    if inhoud.startswith(b"\xd0\xcf\x11\xe0"):
        return None  # old .xls (or an encrypted workbook): calamine decides
    try:
        kop.decode("utf-8")
    except UnicodeDecodeError:
        return "het bestand is geen Excel-werkboek (onbekende inhoud)"
    return "het bestand is een tekstbestand (bijvoorbeeld CSV), geen Excel-werkboek"


def lees_werkboek(pad: Path) -> RuweInvoer:
    """Read every sheet of SPEC §4 from ``pad``; unknown sheets and columns give a notice."""
    pad = Path(pad)
    try:
        if not stat.S_ISREG(pad.stat().st_mode):  # /dev/zero would fill memory, a pipe would block
            raise BestandFout(f"Bestand '{pad}' kan niet gelezen worden: het is geen gewoon bestand (maar een "
                              "apparaat, pijp of map). Kies een Excel-werkboek (.xlsx).")
        inhoud = pad.read_bytes()
    except OSError as fout:
        raise BestandFout(f"Bestand '{pad}' kan niet gelezen worden: {reden(fout)}.") from fout
    soort = _soort_bestand(inhoud)
    if soort is not None:
        raise BestandFout(f"Bestand '{pad.name}' kan niet gelezen worden: {soort}.")
    _controleer_omvang(pad.name, inhoud)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gelezen = pl.read_excel(
                inhoud,
                sheet_id=0,
                engine="calamine",
                infer_schema_length=0,
                drop_empty_rows=False,
                drop_empty_cols=False,
                raise_if_empty=False,
            )
    except BaseException as fout:  # calamine raises many kinds for broken files, a Rust panic included
        if isinstance(fout, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        if "EncryptionInfo".encode("utf-16-le") in inhoud[:1 << 20]:
            oorzaak = "het werkboek is met een wachtwoord beveiligd"
        elif inhoud.startswith(b"\xd0\xcf\x11\xe0"):
            oorzaak = "het is een beschadigd of onvolledig oud .xls-bestand"
        else:
            oorzaak = "het is beschadigd of onvolledig, of geen Excel-werkboek"
        raise BestandFout(
            f"Bestand '{pad.name}' kan niet gelezen worden: {oorzaak}. "
            "Sla het opnieuw op als Excel-werkboek (.xlsx) zonder wachtwoord."
        ) from fout

    invoer = RuweInvoer(bladen={}, sha256=hashlib.sha256(inhoud).hexdigest())
    cellen = _cellen(inhoud)
    bekend = {normaliseer_naam(blad.naam): blad for blad in BLADEN}
    for bladnaam, frame in gelezen.items():
        blad = bekend.get(normaliseer_naam(bladnaam))
        if blad is None:
            if normaliseer_naam(bladnaam) not in ("uitleg", "keuzelijsten"):  # the template's own sheets
                invoer.meldingen.append(f"Blad '{bladnaam}' is geen invoerblad en wordt overgeslagen.")
            continue
        if blad.naam in invoer.bladen:
            invoer.problemen.append(
                Probleem(bladnaam, None, None, None, f"blad '{blad.naam}' komt twee keer voor")
            )
            continue
        invoer.bladen[blad.naam] = _lees_blad(blad.naam, bladnaam, frame, invoer, cellen.get(bladnaam))
        _meld_bijzondere_cellen(blad.naam, frame, cellen[bladnaam].bijzonder if bladnaam in cellen else {}, invoer)
    return invoer


GROOTSTE_DEEL = 500 * 2**20  # bytes: a part of the archive (a sheet) unpacked
GROOTSTE_VERHOUDING = 100  # unpacked / packed, for parts above VERHOUDING_VANAF
VERHOUDING_VANAF = 10 * 2**20
EXCEL_RIJEN = 1_048_576  # the most rows a sheet has in Excel
GROOTSTE_CELLEN = 10_000_000  # rows x columns of a sheet: calamine holds the whole rectangle in memory
_RIJ = re.compile(rb"<(?:\w+:)?row[\s>/]")
_RIJNUMMER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
_CELADRES = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})(\d+)"')
_DIMENSIE = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\sref="[A-Z]*\d*:?([A-Z]{1,3})(\d+)"')
_LOKALE_KOP = struct.Struct("<4s5H3L2H")  # a zip archive's local file header


@dataclass
class _Omvang:
    """What unpacking one sheet part found: its rows, and its highest row and column by address."""

    rijen: int = 0
    hoogste_rij: int = 0
    hoogste_kolom: int = 0


def _controleer_omvang(naam: str, inhoud: bytes) -> None:
    """Refuse, before calamine unpacks anything, a workbook that would take the machine down.

    Every part of the archive is inflated here in blocks, counting the bytes that really come out (the
    archive's directory may lie about them): a part larger than GROOTSTE_DEEL unpacked, or packed more
    than GROOTSTE_VERHOUDING times, is a zip bomb; a part whose size or checksum differs from the
    directory is damaged. A sheet longer than Excel allows, or whose rectangle from A1 to its last cell
    exceeds GROOTSTE_CELLEN (two cells, A1 and XFD1048576, made calamine ask for 512 GiB), is refused
    too. Memory stays bounded; an archive zipfile cannot open is left to calamine's message."""
    if not inhoud.startswith(b"PK"):
        return
    try:
        archief = zipfile.ZipFile(io.BytesIO(inhoud))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archief:
        delen = archief.infolist()
        bladen = {deel: blad for blad, deel in _veilige_bladpaden(archief, delen).items()}

        def weiger(deel: zipfile.ZipInfo, waarom: str, soort: str = "een zogeheten zipbom") -> None:
            wat = f"het blad '{bladen[deel.filename]}'" if deel.filename in bladen else f"het deel '{deel.filename}'"
            raise BestandFout(f"Bestand '{naam}' kan niet gelezen worden: {wat} {waarom}. Dit lijkt een "
                              f"beschadigd of kwaadaardig bestand ({soort}); open het in Excel, "
                              "controleer de bladen en sla het opnieuw op.")

        def beschadigd(deel: zipfile.ZipInfo, waarom: str) -> None:
            wat = f"het blad '{bladen[deel.filename]}'" if deel.filename in bladen else f"het deel '{deel.filename}'"
            raise BestandFout(f"Bestand '{naam}' kan niet gelezen worden: het is beschadigd ({wat}: {waarom}). "
                              "Sla het opnieuw op als Excel-werkboek (.xlsx).")

        for deel in delen:
            if deel.file_size > GROOTSTE_DEEL:
                weiger(deel, f"is uitgepakt {_mb(deel.file_size)} MB; budgetkoppeling leest ten hoogste 500 MB "
                             "per deel")
            omvang = _Omvang() if deel.filename in bladen else None
            uitgepakt = _pak_uit(inhoud, deel, omvang, weiger, beschadigd)
            if uitgepakt > VERHOUDING_VANAF and uitgepakt > GROOTSTE_VERHOUDING * max(1, deel.compress_size):
                verhouding = f"{uitgepakt / max(1, deel.compress_size):,.0f}".replace(",", ".")
                weiger(deel, f"is {verhouding} keer samengeperst ({_mb(uitgepakt)} MB uitgepakt); budgetkoppeling "
                             f"aanvaardt ten hoogste {GROOTSTE_VERHOUDING} keer")
            if omvang is None:
                continue
            rijen = max(omvang.rijen, omvang.hoogste_rij)
            if rijen > EXCEL_RIJEN:
                weiger(deel, f"heeft meer dan {EXCEL_RIJEN:,} rijen".replace(",", ".")
                       + "; Excel zelf kent er ten hoogste zoveel", "geen werkboek dat Excel kan maken")
            if rijen * omvang.hoogste_kolom > GROOTSTE_CELLEN:
                weiger(deel, f"beslaat {rijen:,} rijen bij {omvang.hoogste_kolom:,} kolommen (tot cel "
                             f"{_kolomletter(omvang.hoogste_kolom - 1)}{rijen}); budgetkoppeling leest ten hoogste "
                             f"{GROOTSTE_CELLEN:,} cellen per blad. Verwijder wat ver buiten de tabel staat"
                       .replace(",", "."), "een blad dat veel groter is dan zijn tabel")


def _mb(aantal: int) -> str:
    return _punten(round(aantal / 2**20))


def _punten(aantal: int) -> str:
    return f"{aantal:,}".replace(",", ".")


def _pak_uit(inhoud: bytes, deel: zipfile.ZipInfo, omvang: _Omvang | None, weiger, beschadigd) -> int:
    """Inflate one part in blocks, counting the bytes and the checksum; for a sheet, find its rows and its
    highest cell address on the way. Returns the bytes unpacked. A compression other than stored or
    deflate is left to calamine."""
    if deel.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or deel.flag_bits & 0x1:
        return deel.file_size
    kop = inhoud[deel.header_offset:deel.header_offset + _LOKALE_KOP.size]
    if len(kop) < _LOKALE_KOP.size or kop[:4] != b"PK\x03\x04":
        beschadigd(deel, "de kop ontbreekt")
    velden = _LOKALE_KOP.unpack(kop)
    begin = deel.header_offset + _LOKALE_KOP.size + velden[9] + velden[10]
    einde = min(len(inhoud), begin + deel.compress_size)
    ontpakker = zlib.decompressobj(-15) if deel.compress_type == zipfile.ZIP_DEFLATED else None
    totaal, controle, positie, staart = 0, 0, begin, b""
    while True:
        if ontpakker is None:
            blok = inhoud[positie:min(einde, positie + (1 << 20))]
            positie += len(blok)
            klaar = positie >= einde
        else:
            invoer = ontpakker.unconsumed_tail or inhoud[positie:min(einde, positie + (1 << 16))]
            if not ontpakker.unconsumed_tail:
                positie += len(invoer)
            try:
                blok = ontpakker.decompress(invoer, 1 << 20)
            except zlib.error:
                beschadigd(deel, "de samengeperste gegevens kloppen niet")
            klaar = ontpakker.eof or (not invoer and not blok)
        totaal += len(blok)
        controle = zlib.crc32(blok, controle)
        if totaal > GROOTSTE_DEEL:
            weiger(deel, f"is uitgepakt meer dan {_mb(GROOTSTE_DEEL)} MB (de inhoudsopgave van het archief zegt "
                         f"{_mb(deel.file_size)} MB); budgetkoppeling leest ten hoogste 500 MB per deel")
        if omvang is not None:
            staart = _tel(omvang, staart + blok, klaar)
        if klaar:
            break
    if ontpakker is not None and not ontpakker.eof:
        beschadigd(deel, "de gegevens houden te vroeg op")
    if totaal != deel.file_size:
        beschadigd(deel, f"uitgepakt {_punten(totaal)} bytes, de inhoudsopgave van het archief zegt "
                         f"{_punten(deel.file_size)}")
    if controle != deel.CRC:
        beschadigd(deel, "de controlesom klopt niet")
    return totaal


def _tel(omvang: _Omvang, data: bytes, klaar: bool) -> bytes:
    """Count rows and the highest cell address in ``data``; returns the tail (the last kilobyte, which may
    hold a tag cut in two) to count with the next block."""
    einde = len(data) if klaar else max(0, len(data) - 1024)

    def treffers(patroon):  # the tags that start before the tail (the tail is counted with the next block)
        for treffer in patroon.finditer(data):
            if treffer.start() >= einde:
                return
            yield treffer

    omvang.rijen += sum(1 for _ in treffers(_RIJ))
    for treffer in treffers(_RIJNUMMER):
        omvang.hoogste_rij = max(omvang.hoogste_rij, int(treffer.group(1)))
    for patroon in (_CELADRES, _DIMENSIE):
        for treffer in treffers(patroon):
            omvang.hoogste_kolom = max(omvang.hoogste_kolom, _kolomnummer(treffer.group(1).decode()) + 1)
            omvang.hoogste_rij = max(omvang.hoogste_rij, int(treffer.group(2)))
    return data[einde:]


def _veilige_bladpaden(archief: zipfile.ZipFile, delen: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Sheet name -> part, as far as the (size-checked) workbook parts tell; else every worksheet part."""
    klein = all(d.file_size <= GROOTSTE_DEEL for d in delen if d.filename in ("xl/workbook.xml",
                                                                            "xl/_rels/workbook.xml.rels"))
    if klein:
        try:
            return _bladpaden(archief)
        except (KeyError, ValueError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
            pass
    return {d.filename: d.filename for d in delen if d.filename.startswith("xl/worksheets/")}


_DUBBELE_KOP = re.compile(r"^(.*)_\d+$")  # calamine names a repeated header 'naam_1', 'naam_2'


def _lees_blad(naam: str, bladnaam: str, frame: pl.DataFrame, invoer: RuweInvoer,
              cellen: Cellen | None) -> pl.DataFrame:
    kolommen = dict(next(blad for blad in BLADEN if blad.naam == naam).kolommen)
    gekozen: dict[str, pl.Series] = {}
    soorten = invoer.getalcellen.setdefault(naam, {})
    def tekst(kolomnaam: str, canoniek: str) -> pl.Series:
        reeks = frame.get_column(kolomnaam).cast(pl.String, strict=False).str.strip_chars()
        return pl.Series(canoniek, reeks).replace("", None)

    for positie, kolomnaam in enumerate(frame.columns):
        canoniek = normaliseer_naam(kolomnaam)
        herhaald = _DUBBELE_KOP.match(canoniek)
        if canoniek in kolommen and canoniek not in gekozen:
            reeks = tekst(kolomnaam, canoniek)
            getallen = kolommen[canoniek].dtype.type != pl.String or (naam, canoniek) == ("Instellingen", "waarde")
            if cellen is not None and getallen:  # a number cell is its stored value; text is read in Dutch notation
                waarden = reeks.to_list()
                for index, waarde in enumerate(waarden):
                    sleutel = (index + 2, positie)
                    if waarde is None:
                        continue
                    if sleutel in cellen.getallen and _GETAL.match(waarde):  # (a date cell stays calamine's date)
                        waarden[index] = cellen.getallen[sleutel]
                        soorten[(index + 2, canoniek)] = True
                    elif sleutel in cellen.teksten:
                        soorten[(index + 2, canoniek)] = False
                reeks = pl.Series(canoniek, waarden, dtype=pl.String)
            gekozen[canoniek] = reeks
        elif canoniek.startswith("__unnamed__"):  # (only the columns that are read are made text: 16,000 took 10 s)
            reeks = tekst(kolomnaam, canoniek)
            if reeks.null_count() < len(reeks):
                invoer.meldingen.append(
                    f"Blad '{bladnaam}': kolom {_kolomletter(positie)} heeft geen kop maar wel gegevens; "
                    "deze kolom wordt overgeslagen."
                )
        elif canoniek in gekozen or (herhaald and herhaald.group(1) in gekozen):
            dubbel = herhaald.group(1) if canoniek not in gekozen else canoniek
            melding = f"deze kolom komt twee keer voor (ook in kolom {_kolomletter(positie)})"
            invoer.problemen.append(Probleem(naam, 1, dubbel, None, melding))
        else:
            invoer.meldingen.append(
                f"Blad '{bladnaam}': kolom '{str(kolomnaam).strip()}' is onbekend en wordt overgeslagen."
            )
    rijen = pl.Series(RIJ, range(2, frame.height + 2), dtype=pl.Int64)
    resultaat = pl.DataFrame([*gekozen.values(), rijen]) if gekozen else pl.DataFrame([rijen])
    data_kolommen = [kolom for kolom in resultaat.columns if kolom != RIJ]
    if data_kolommen:
        resultaat = resultaat.filter(~pl.all_horizontal(pl.col(data_kolommen).is_null()))
    else:
        resultaat = resultaat.clear()
    return resultaat


def _kolomletter(positie: int) -> str:
    """0 -> 'A', 26 -> 'AA'."""
    letters = ""
    positie += 1
    while positie:
        positie, rest = divmod(positie - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _kolomnummer(letters: str) -> int:
    """'A' -> 0, 'AA' -> 26."""
    nummer = 0
    for letter in letters:
        nummer = nummer * 26 + ord(letter) - ord("A") + 1
    return nummer - 1


_CEL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
_WAARDE = re.compile(rb"<v>(.*?)</v>", re.DOTALL)
_SOORT = re.compile(rb'\bt="(\w+)"')
_GETAL = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")  # how calamine writes a number cell as text


@dataclass
class Cellen:
    """What a sheet's XML says of its cells, keyed by (Excel row, 0-based column offset in the used range)."""

    bijzonder: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # error values, formulas
    getallen: dict[tuple[int, int], str] = field(default_factory=dict)  # number cells: the value as stored
    teksten: set[tuple[int, int]] = field(default_factory=set)  # cells that hold text


def _cellen(inhoud: bytes) -> dict[str, Cellen]:
    """Per sheet name, what calamine's text cannot tell: which cells hold a number (and its value at full
    precision: calamine's text rounds to 15 digits) and which hold text (read in Dutch notation, SPEC
    §4); and the cells calamine reads as empty though the user typed something: error values such as
    ``#REF!`` and formulas saved without a computed value (by generators other than Excel).

    Only .xlsx files are looked into; for anything unreadable here the cell types stay unknown.
    """
    if not inhoud.startswith(b"PK"):
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(inhoud)) as archief:
            gevonden = {}
            for bladnaam, pad in _bladpaden(archief).items():
                cellen, gezien = Cellen(), {}
                eerste_kolom = None
                for letters, rij, attributen, binnen in _CEL.findall(archief.read(pad)):
                    kolom = _kolomnummer(letters.decode())
                    eerste_kolom = kolom if eerste_kolom is None else min(eerste_kolom, kolom)
                    waarde = _WAARDE.search(binnen or b"")
                    soort = _SOORT.search(attributen)
                    soort = soort.group(1) if soort else b"n"
                    sleutel = (int(rij), kolom)
                    if soort == b"e":
                        gezien[sleutel] = ("fout", (waarde.group(1) if waarde else b"#N/B").decode())
                    elif binnen and b"<f" in binnen and (waarde is None or not waarde.group(1)):
                        gezien[sleutel] = ("formule", "")
                    elif soort == b"n" and waarde is not None:
                        gezien[sleutel] = ("getal", waarde.group(1).decode().strip())
                    elif soort in (b"s", b"str", b"inlineStr", b"b", b"d"):
                        gezien[sleutel] = ("tekst", "")
                for (rij, kolom), (soort, tekst) in gezien.items():
                    sleutel = (rij, kolom - (eerste_kolom or 0))
                    if soort == "getal":
                        cellen.getallen[sleutel] = tekst
                    elif soort == "tekst":
                        cellen.teksten.add(sleutel)
                    else:
                        cellen.bijzonder[sleutel] = (soort, tekst)
                gevonden[bladnaam] = cellen
            return gevonden
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, ElementTree.ParseError):
        return {}


def _bladpaden(archief: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part inside an .xlsx archive."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    boek = ElementTree.fromstring(archief.read("xl/workbook.xml"))
    relaties = ElementTree.fromstring(archief.read("xl/_rels/workbook.xml.rels"))
    doelen = {rel.get("Id"): rel.get("Target", "") for rel in relaties.findall("p:Relationship", ns)}
    paden = {}
    for blad in boek.iterfind("m:sheets/m:sheet", ns):
        doel = doelen.get(blad.get(f"{{{ns['r']}}}id"), "")
        paden[blad.get("name")] = doel.lstrip("/") if doel.startswith("/") else f"xl/{doel}"
    return paden


def _meld_bijzondere_cellen(naam: str, frame: pl.DataFrame,
                            cellen: dict[tuple[int, int], tuple[str, str]], invoer: RuweInvoer) -> None:
    kolommen = dict(next(blad for blad in BLADEN if blad.naam == naam).kolommen)
    for (rij, positie), (soort, tekst) in sorted(cellen.items()):
        if rij < 2 or positie >= len(frame.columns):
            continue
        kolom = normaliseer_naam(frame.columns[positie])
        if kolom not in kolommen:
            continue
        if soort == "fout":
            melding = f"de cel bevat de foutwaarde {tekst} van een formule; herstel de formule of typ de waarde in"
            waarde = tekst
        else:
            melding = ("de cel bevat een formule zonder berekende waarde (het programma dat het werkboek maakte, "
                       "heeft niet gerekend); open het werkboek in Excel of LibreOffice en sla het opnieuw op")
            waarde = None
        invoer.problemen.append(Probleem(naam, rij, kolom, waarde, melding))
        invoer.gemeld.add((naam, rij, kolom))


def schrijf_invoer(doel: Path, bladen: dict[str, list[dict]], alle_kolommen: bool = False) -> None:
    """Write an input workbook of SPEC §4 from rows (used by the example, template and tests).

    Sheets appear in the order of SPEC §4; a sheet's columns are those of its schema
    that occur in any row, in schema order.
    """

    def schrijf(pad: Path) -> None:
        werkboek = nieuw_xlsx(pad, {"strings_to_formulas": False, "strings_to_urls": False,
                                    "strings_to_numbers": False})
        werkboek.set_properties({"created": _VASTE_DATUM, "author": "budgetkoppeling"})
        kop = werkboek.add_format({"bold": True})
        for blad in BLADEN:
            if blad.naam not in bladen:
                continue
            rijen = bladen[blad.naam]
            aanwezig = {sleutel for rij in rijen for sleutel in rij}
            kolommen = [
                k for k in blad.kolommen
                if alle_kolommen or k in aanwezig or blad.kolommen[k].required
            ]
            blad_ws = werkboek.add_worksheet(blad.naam)
            for kolomnummer, kolom in enumerate(kolommen):
                blad_ws.write_string(0, kolomnummer, kolom, kop)
                blad_ws.set_column(kolomnummer, kolomnummer, max(12, len(kolom) + 2))
            for rijnummer, rij in enumerate(rijen, start=1):
                for kolomnummer, kolom in enumerate(kolommen):
                    waarde = rij.get(kolom)
                    if waarde is None:
                        continue
                    if isinstance(waarde, bool):
                        blad_ws.write_string(rijnummer, kolomnummer, "ja" if waarde else "nee")
                    elif isinstance(waarde, (int, float)):
                        blad_ws.write_number(rijnummer, kolomnummer, waarde)
                    else:
                        blad_ws.write_string(rijnummer, kolomnummer, str(waarde))
            blad_ws.freeze_panes(1, 0)
        werkboek.close()

    schrijf_atomisch(Path(doel), schrijf)




@dataclass(frozen=True)
class Keuze:
    """Input help for one column of the template: a dropdown or a number check."""

    lijst: list[str] | None = None  # fixed values
    bron: str | None = None  # a sheet whose first column lists the allowed names
    streng: bool = True  # False: the dropdown suggests, other text (alle, elk) is allowed
    extra: tuple[str, ...] = ()  # offered above the names of ``bron``: ("alle",) or ("alle", "elk")
    minimum: float | None = None
    maximum: float | None = None
    geheel: bool = False


def schrijf_sjabloonwerkboek(doel: Path, bladen: dict[str, list[dict]], uitleg: list[str],
                             hulp: dict[tuple[str, str], Keuze], regels: int = 1000) -> None:
    """Write the input template: an ``Uitleg`` sheet, then every sheet of SPEC §4 as a native
    table with a comment on each header (the schema's description) and input help."""

    def schrijf(pad: Path) -> None:
        werkboek = nieuw_xlsx(pad, {"strings_to_formulas": False, "strings_to_urls": False,
                                    "strings_to_numbers": False})
        werkboek.set_properties({"created": _VASTE_DATUM, "author": "budgetkoppeling",
                                 "title": "Invoer budgetkoppeling"})
        titel = werkboek.add_format({"bold": True, "font_size": 14})
        tekst = werkboek.add_format({"text_wrap": True, "valign": "top"})
        blad = werkboek.add_worksheet("Uitleg")
        blad.set_column(0, 0, 110, tekst)
        blad.set_landscape()
        blad.set_paper(9)  # A4
        for rij, regel in enumerate(uitleg):
            blad.write_string(rij, 0, regel, titel if rij == 0 else tekst)
            if len(regel) > 100:  # wrapped text: spreadsheet programs do not always grow the row
                blad.set_row(rij, 15 * (len(regel) // 100 + 1))
        lijsten = _keuzelijsten(hulp)
        for gegevens in BLADEN:
            rijen = bladen.get(gegevens.naam, [])
            kolommen = list(gegevens.kolommen)
            werkblad = werkboek.add_worksheet(gegevens.naam)
            data = [[rij.get(k) for k in kolommen] for rij in rijen] or [[None] * len(kolommen)]
            werkblad.add_table(0, 0, len(data), len(kolommen) - 1, {
                "name": gegevens.naam, "style": "Table Style Light 9", "data": data,
                "columns": [{"header": k} for k in kolommen],
            })
            for nummer, kolom in enumerate(kolommen):
                schema = gegevens.kolommen[kolom]
                # as wide as the header and the example values (and the header's dropdown arrow)
                breedte = max([len(kolom) + 4] + [len(str(r[nummer])) + 2 for r in data if r[nummer] is not None])
                werkblad.set_column(nummer, nummer, min(60, max(14, breedte)))
                uitleg_kolom = (schema.description or "") + (" (verplicht)" if schema.required else " (mag leeg)")
                werkblad.write_comment(0, nummer, uitleg_kolom, {"x_scale": 2, "y_scale": 1.2})
                keuze = hulp.get((gegevens.naam, kolom))
                if keuze is not None:
                    werkblad.data_validation(1, nummer, regels, nummer,
                                             _validatie(keuze, kolom, uitleg_kolom, lijsten))
            werkblad.freeze_panes(1, 0)
            werkblad.set_landscape()  # printed: A4 landscape, one page wide, the header on every page
            werkblad.set_paper(9)
            werkblad.repeat_rows(0)
            werkblad.set_header(f"&LBudgetkoppeling: invoer&C{gegevens.naam}")
            werkblad.set_footer("&CPagina &P van &N")
        _schrijf_keuzelijsten(werkboek, lijsten, regels)
        werkboek.close()

    schrijf_atomisch(Path(doel), schrijf)


KEUZELIJSTEN = "Keuzelijsten"  # the template's hidden sheet of dropdown lists; skipped when read


def _keuzelijsten(hulp: dict[tuple[str, str], Keuze]) -> list[tuple[str, tuple[str, ...]]]:
    """The (source sheet, extra values) pairs that need a list of their own: alle / elk and the names."""
    return sorted({(k.bron, k.extra) for k in hulp.values() if k.bron is not None and k.extra})


def _schrijf_keuzelijsten(werkboek, lijsten: list[tuple[str, tuple[str, ...]]], regels: int) -> None:
    """A hidden sheet with one column per list: the extra values, then each name of the source sheet
    (a formula that shows Regios!A2 and so on, so that names added later appear in the dropdown)."""
    if not lijsten:
        return
    blad = werkboek.add_worksheet(KEUZELIJSTEN)
    for kolom, (bron, extra) in enumerate(lijsten):
        blad.write_string(0, kolom, f"{bron} ({', '.join(extra)})")
        for rij, waarde in enumerate(extra, start=1):
            blad.write_string(rij, kolom, waarde)
        for nummer in range(regels):
            cel = f"{bron}!A{nummer + 2}"
            blad.write_formula(len(extra) + 1 + nummer, kolom, f'=IF({cel}="","",{cel})', None, "")
    blad.hide()


def _lijstbereik(keuze: Keuze, lijsten: list[tuple[str, tuple[str, ...]]], regels: int) -> str:
    kolom = _kolomletter(lijsten.index((keuze.bron, keuze.extra)))
    return f"={KEUZELIJSTEN}!${kolom}$2:${kolom}${regels + len(keuze.extra) + 1}"


def _validatie(keuze: Keuze, kolom: str, uitleg: str, lijsten=(), regels: int = 1000) -> dict:
    melding = {"input_title": kolom[:32], "input_message": uitleg[:255]}
    if keuze.bron is not None and keuze.extra:
        woorden = " of ".join(keuze.extra)
        return {"validate": "list", "source": _lijstbereik(keuze, list(lijsten), regels), "show_error": keuze.streng,
                **melding, "error_title": "Onbekende naam",
                "error_message": f"Kies een naam uit het blad {keuze.bron}, of {woorden}."}
    if keuze.lijst is not None:
        return {"validate": "list", "source": keuze.lijst, "show_error": keuze.streng, **melding,
                "error_title": "Ongeldige waarde", "error_message": ("Kies een van: " + ", ".join(keuze.lijst))[:255]}
    if keuze.bron is not None:
        return {"validate": "list", "source": f"={keuze.bron}!$A$2:$A$1001", "show_error": keuze.streng, **melding,
                "error_title": "Onbekende naam", "error_message": f"Kies een naam uit het blad {keuze.bron}."}
    soort = "integer" if keuze.geheel else "decimal"
    if keuze.minimum is not None and keuze.maximum is not None:
        regel = {"criteria": "between", "minimum": keuze.minimum, "maximum": keuze.maximum}
        soortnaam = "geheel getal" if keuze.geheel else "getal"
        fout = f"Vul een {soortnaam} van {keuze.minimum:g} tot en met {keuze.maximum:g} in."
    else:
        regel = {"criteria": ">=", "value": keuze.minimum or 0}
        fout = f"Vul een {'geheel ' if keuze.geheel else ''}getal van {keuze.minimum or 0:g} of meer in."
    return {"validate": soort, **regel, **melding, "error_title": "Ongeldig getal", "error_message": fout}
