"""The only module that opens input workbooks, and the atomic file writer.

Every sheet is read in one call with polars' calamine engine, every column as text,
so that no type inference on the first rows can drop a value; the schemas convert.
Sheet and column names are matched case-insensitively with surrounding spaces
ignored. Excel row numbers (header = row 1) travel with every row.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

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
        inhoud = pad.read_bytes()
    except OSError as fout:
        raise BestandFout(f"Bestand '{pad}' kan niet gelezen worden: {fout.strerror}.") from fout
    soort = _soort_bestand(inhoud)
    if soort is not None:
        raise BestandFout(f"Bestand '{pad.name}' kan niet gelezen worden: {soort}.")
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
    except Exception as fout:  # calamine raises many kinds for broken files
        if inhoud.startswith(b"\xd0\xcf\x11\xe0"):
            reden = "het is een oud .xls-bestand of een met wachtwoord beveiligd werkboek"
        else:
            reden = "het is beschadigd of onvolledig, of geen Excel-werkboek"
        raise BestandFout(
            f"Bestand '{pad.name}' kan niet gelezen worden: {reden}. "
            "Sla het opnieuw op als Excel-werkboek (.xlsx) zonder wachtwoord."
        ) from fout

    invoer = RuweInvoer(bladen={}, sha256=hashlib.sha256(inhoud).hexdigest())
    bekend = {normaliseer_naam(blad.naam): blad for blad in BLADEN}
    for bladnaam, frame in gelezen.items():
        blad = bekend.get(normaliseer_naam(bladnaam))
        if blad is None:
            if normaliseer_naam(bladnaam) != "uitleg":  # the template's own explanation
                invoer.meldingen.append(f"Blad '{bladnaam}' is geen invoerblad en wordt overgeslagen.")
            continue
        if blad.naam in invoer.bladen:
            invoer.problemen.append(
                Probleem(bladnaam, None, None, None, f"blad '{blad.naam}' komt twee keer voor")
            )
            continue
        invoer.bladen[blad.naam] = _lees_blad(blad.naam, bladnaam, frame, invoer)
    return invoer


def _lees_blad(naam: str, bladnaam: str, frame: pl.DataFrame, invoer: RuweInvoer) -> pl.DataFrame:
    kolommen = dict(next(blad for blad in BLADEN if blad.naam == naam).kolommen)
    gekozen: dict[str, pl.Series] = {}
    for kolomnaam in frame.columns:
        canoniek = normaliseer_naam(kolomnaam)
        reeks = frame.get_column(kolomnaam).cast(pl.String, strict=False).str.strip_chars()
        reeks = pl.Series(canoniek, reeks).replace("", None)
        if canoniek in kolommen and canoniek not in gekozen:
            gekozen[canoniek] = reeks
        elif canoniek.startswith("__unnamed__") and reeks.null_count() == len(reeks):
            continue
        elif canoniek in gekozen:
            invoer.problemen.append(
                Probleem(naam, 1, str(kolomnaam).strip(), None, "deze kolom komt twee keer voor")
            )
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


def schrijf_atomisch(doel: Path, schrijf: Callable[[Path], None], invoer: Path | None = None) -> None:
    """Write ``doel`` through ``schrijf(tijdelijk_pad)`` and rename it into place.

    A crash leaves either the old file or none, never a half-written one; the
    output may not be the input.
    """
    doel = Path(doel)
    if invoer is not None and _zelfde_bestand(doel, Path(invoer)):
        raise BestandFout(
            f"Het uitvoerbestand '{doel}' is het invoerbestand; kies een andere naam met -o."
        )
    map_ = doel.parent if str(doel.parent) else Path(".")
    if not map_.is_dir():
        raise BestandFout(f"De map '{map_}' voor het uitvoerbestand bestaat niet.")
    try:
        handvat, tijdelijk = tempfile.mkstemp(prefix=f".{doel.name}.", suffix=".tmp", dir=map_)
    except OSError as fout:
        raise BestandFout(f"Kan niet schrijven in de map '{map_}': {fout.strerror}.") from fout
    os.close(handvat)
    tijdelijk_pad = Path(tijdelijk)
    try:
        schrijf(tijdelijk_pad)
        os.chmod(tijdelijk_pad, _bestandsrechten(doel))
        os.replace(tijdelijk_pad, doel)
    except OSError as fout:
        raise BestandFout(f"Kan '{doel}' niet schrijven: {fout.strerror or fout}.") from fout
    finally:
        with contextlib.suppress(FileNotFoundError):
            tijdelijk_pad.unlink()


def _bestandsrechten(doel: Path) -> int:
    """The mode a new file would get (mkstemp makes 0600), or the mode of the file replaced."""
    try:
        return doel.stat().st_mode & 0o777
    except OSError:
        masker = os.umask(0)
        os.umask(masker)
        return 0o666 & ~masker


def _zelfde_bestand(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


@contextlib.contextmanager
def stille_stdout() -> Iterator[None]:
    """Silence file descriptor 1 meanwhile: HiGHS prints a banner on the process's stdout."""
    import sys

    sys.stdout.flush()
    try:
        bewaard = os.dup(1)
    except OSError:  # no real stdout: nothing to protect
        yield
        return
    leeg = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(leeg, 1)
        yield
    finally:
        os.dup2(bewaard, 1)
        os.close(bewaard)
        os.close(leeg)


def schrijf_invoer(doel: Path, bladen: dict[str, list[dict]], alle_kolommen: bool = False) -> None:
    """Write an input workbook of SPEC §4 from rows (used by the example, template and tests).

    Sheets appear in the order of SPEC §4; a sheet's columns are those of its schema
    that occur in any row, in schema order.
    """
    import xlsxwriter

    def schrijf(pad: Path) -> None:
        werkboek = xlsxwriter.Workbook(
            str(pad), {"strings_to_formulas": False, "strings_to_urls": False,
                       "strings_to_numbers": False},
        )
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
    minimum: float | None = None
    maximum: float | None = None
    geheel: bool = False


def schrijf_sjabloonwerkboek(doel: Path, bladen: dict[str, list[dict]], uitleg: list[str],
                             hulp: dict[tuple[str, str], Keuze], regels: int = 1000) -> None:
    """Write the input template: an ``Uitleg`` sheet, then every sheet of SPEC §4 as a native
    table with a comment on each header (the schema's description) and input help."""
    import xlsxwriter

    def schrijf(pad: Path) -> None:
        werkboek = xlsxwriter.Workbook(
            str(pad), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        werkboek.set_properties({"created": _VASTE_DATUM, "author": "budgetkoppeling",
                                 "title": "Invoer budgetkoppeling"})
        titel = werkboek.add_format({"bold": True, "font_size": 14})
        tekst = werkboek.add_format({"text_wrap": True, "valign": "top"})
        blad = werkboek.add_worksheet("Uitleg")
        blad.set_column(0, 0, 110, tekst)
        blad.set_landscape()
        blad.set_paper(9)  # A4
        blad.fit_to_pages(1, 0)
        for rij, regel in enumerate(uitleg):
            blad.write_string(rij, 0, regel, titel if rij == 0 else tekst)
            if len(regel) > 100:  # wrapped text: spreadsheet programs do not always grow the row
                blad.set_row(rij, 15 * (len(regel) // 100 + 1))
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
                werkblad.set_column(nummer, nummer, max(14, len(kolom) + 4))
                uitleg_kolom = (schema.description or "") + (" (verplicht)" if schema.required else " (mag leeg)")
                werkblad.write_comment(0, nummer, uitleg_kolom, {"x_scale": 2, "y_scale": 1.2})
                keuze = hulp.get((gegevens.naam, kolom))
                if keuze is not None:
                    werkblad.data_validation(1, nummer, regels, nummer, _validatie(keuze, kolom, uitleg_kolom))
            werkblad.freeze_panes(1, 0)
        werkboek.close()

    schrijf_atomisch(Path(doel), schrijf)


def _validatie(keuze: Keuze, kolom: str, uitleg: str) -> dict:
    melding = {"input_title": kolom[:32], "input_message": uitleg[:255]}
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
