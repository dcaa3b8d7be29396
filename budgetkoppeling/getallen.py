"""Numbers as a Dutch finance officer types them (SPEC §4), read once for every sheet and the CLI.

A cell that holds a number is that number (its value as stored, full precision). A cell that holds
text follows Dutch notation: ``.`` groups thousands (``900.000`` is 900000), ``,`` is the decimal
comma (``1.250.000,50``), and a euro sign, ``,-``, a leading ``+``, spaces (also the no-break, thin
and narrow no-break space) and, in a share column, a trailing ``%`` (``12,5%`` is 0.125) are allowed.
Text whose reading is unclear (``1.5``, ``1,250``, ``1,250,000``) is refused with a hint in Dutch
notation, never guessed. Where the cell type is unknown (an old .xls workbook), a plain number
(``14.5``) is read as a number cell would be and only a dot before exactly three digits is refused.
"""

from __future__ import annotations

import math
import re

import polars as pl

AANDEEL_KOLOMMEN = {"max_aandeel", "overheveling", "plaatsingskans", "aandeel_potentieel", "factor",
                    "disconteringsvoet", "kostenindexatie", "max_verschuiving", "laag", "hoog",
                    "vaststellingsrisico", "min_tegenprestatie", "aandeel"}
GROOTSTE_GETAL = 1e12  # a trillion euros or persons: anything larger is a typing error

_SPATIES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]")
_HEEL = re.compile(r"^\d+$")
_GROEPEN = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 900.000, 1.250.000
_DECIMAAL = re.compile(r"^(\d+|\d{1,3}(\.\d{3})+),\d+$")  # 0,35, 1250,5, 1.250.000,50
_ENGELS_OF_NEDERLANDS = re.compile(r"^[1-9]\d{0,2},\d{3}$")  # 1,250: 1,25 or 1250?
_GEWOON = re.compile(r"^\d+(\.\d+)?([eE][-+]?\d+)?$")  # a number cell's text: 14.5, 1e+20
_PUNT_DRIE = re.compile(r"^\d{1,3}\.\d{3}$")


def lees_getal(tekst: str, kolom: str, getalcel: bool | None = False,
               procent_mag: bool = False) -> tuple[float | None, str | None]:
    """``(value, None)``, or ``(None, the Dutch reason it is refused)``.

    ``getalcel``: True for a cell that holds a number (``tekst`` is its stored value), False for a
    text cell, None when the workbook does not say. ``procent_mag``: a ``%`` is allowed (always in
    a share column, see AANDEEL_KOLOMMEN)."""
    if getalcel:
        try:
            waarde = float(tekst)
        except ValueError:
            return None, "moet een getal zijn"
        return _binnen_grenzen(waarde)
    waarde = _SPATIES.sub("", tekst).strip("€")
    teken = 1.0
    if waarde[:1] in ("+", "-"):
        teken, waarde = (-1.0 if waarde[0] == "-" else 1.0), waarde[1:].strip("€")
    waarde = waarde.removesuffix(",--").removesuffix(",-").strip("€")  # € 1.250.000,-
    factor = 1.0
    if waarde.endswith("%"):
        if not (procent_mag or kolom in AANDEEL_KOLOMMEN):
            return None, "een percentage past alleen in een kolom met een aandeel; vul een getal in"
        waarde, factor = waarde[:-1], 0.01
    if not waarde:
        return None, "moet een getal zijn"
    if waarde.casefold() in ("inf", "infinity", "nan", "oneindig"):
        return _binnen_grenzen(math.inf)
    if getalcel is None and _PUNT_DRIE.match(waarde):  # the workbook does not say whether 12.345 was typed
        heel, rest = waarde.split(".")
        decimaal = f"{heel},{rest.rstrip('0')}" if rest.rstrip("0") else heel
        return None, f"is onduidelijk: bedoelt u {heel}{rest} of {decimaal}? Schrijf {heel}{rest} of {decimaal}"
    if getalcel is None and _GEWOON.match(waarde):
        return _binnen_grenzen(teken * float(waarde) * factor)  # the workbook does not say: as a number cell
    if _HEEL.match(waarde) or _GROEPEN.match(waarde):
        return _binnen_grenzen(teken * float(waarde.replace(".", "")) * factor)
    if _ENGELS_OF_NEDERLANDS.match(waarde):
        heel, rest = waarde.split(",")
        decimaal = f"{heel},{rest.rstrip('0')}" if rest.rstrip("0") else heel
        return None, (f"is onduidelijk: bedoelt u {heel}.{rest} (een punt scheidt duizendtallen) of {decimaal} "
                      f"(een komma scheidt decimalen)? Typ het getal in de cel, of schrijf {heel}.{rest} of {decimaal}")
    if _DECIMAAL.match(waarde):
        heel, rest = waarde.split(",")
        return _binnen_grenzen(teken * float(f"{heel.replace('.', '')}.{rest}") * factor)
    if re.fullmatch(r"\d+(\.\d+)+(,\d+)?|\d+(,\d+)+", waarde):
        voorstel = _voorstel(waarde)
        hint = f" Bedoelt u {voorstel}?" if voorstel else ""
        return None, ("is onduidelijk: in het Nederlands scheidt een punt de duizendtallen (1.250.000) en een komma "
                      f"de decimalen (1,5).{hint} Typ het getal in de cel, of in die notatie")
    return None, "moet een getal zijn"


def _binnen_grenzen(waarde: float) -> tuple[float | None, str | None]:
    if not math.isfinite(waarde):
        return None, "is geen gewoon getal (oneindig of 'NaN'); vul een bedrag of aantal in"
    if abs(waarde) > GROOTSTE_GETAL:
        return None, "is te groot (ten hoogste 1.000.000.000.000)"
    return waarde, None


def _voorstel(waarde: str) -> str | None:
    """What an unclear text probably means, in Dutch notation: 1.5 -> 1,5; 1,250,000 -> 1.250.000."""
    if waarde.count(".") == 1 and "," not in waarde:
        return waarde.replace(".", ",")
    if "." not in waarde and all(len(deel) == 3 for deel in waarde.split(",")[1:]):
        return waarde.replace(",", ".")
    return None


def lees_geheel(tekst: str, kolom: str, getalcel: bool | None = False) -> tuple[int | None, str | None]:
    """A whole number (a year, a duration) read as :func:`lees_getal` reads it."""
    waarde, reden = lees_getal(tekst, kolom, getalcel)
    if reden is not None:
        return None, reden
    if waarde != math.floor(waarde):
        return None, "moet een geheel getal zijn"
    return int(waarde), None


PROCENT_KOLOMMEN = {("Scenarios", "waarde")}  # a share may be set with % (max_verschuiving 20%)
_DATUM = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d+)?)?$")


def waarom_geen_getal(tekst: str, dtype: type, kolom: str, reden: str | None) -> str:
    if _DATUM.match(tekst):
        if kolom in ("jaar", "vervaljaar"):
            return "is een datum; vul een jaartal in (een geheel getal, bijvoorbeeld 2026)"
        return "is een datum; vul een getal in"
    if reden is not None:
        return reden
    return "moet een geheel getal zijn" if dtype == pl.Int64 else "moet een getal zijn"


def zet_om(tekst: pl.Series, dtype: type, keuzelijst: bool, soorten: list[bool | None],
            procent_mag: bool = False) -> tuple[pl.Series, dict[int, str]]:
    """Text to ``dtype`` (numbers as :func:`budgetkoppeling.getallen.lees_getal` reads them, by cell type);
    returns the series and, per index of a cell that did not convert, the reason."""
    if dtype == pl.String:
        return (tekst.str.to_lowercase() if keuzelijst else tekst), {}
    waarden: list[float | None] = []
    fout: dict[int, str] = {}
    for index, (waarde, soort) in enumerate(zip(tekst, soorten)):
        if waarde is None:
            waarden.append(None)
            continue
        getal, reden = lees_getal(waarde, tekst.name, soort, procent_mag)
        if getal is not None and dtype == pl.Int64 and getal != math.floor(getal):
            getal, reden = None, None
        if getal is None:
            fout[index] = waarom_geen_getal(waarde, dtype, tekst.name, reden)
        waarden.append(getal)
    if dtype == pl.Int64:
        return pl.Series(tekst.name, [None if w is None else int(w) for w in waarden], dtype=pl.Int64), fout
    return pl.Series(tekst.name, waarden, dtype=pl.Float64), fout
