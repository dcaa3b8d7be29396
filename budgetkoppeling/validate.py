"""Raw text sheets in, clean :class:`~budgetkoppeling.invoer.Invoer` out: each sheet typed
(:mod:`budgetkoppeling.getallen` reads its numbers) and checked against its pandera schema
(:mod:`budgetkoppeling.schemas`), then the rules between sheets (:mod:`budgetkoppeling.controles`).

Every problem is collected first and raised at once as one :class:`InvoerFout`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context

from .controles import CELSOORT, VERPLICHTE_BLADEN, Controle, controleer_overgang, controleer_scenarios, maak_invoer
from .errors import InvoerFout, Probleem
from .getallen import PROCENT_KOLOMMEN, zet_om
from .invoer import Invoer
from .io import RIJ, RuweInvoer, lees_werkboek
from .schemas import BLAD_PER_NAAM, BLADEN


def lees_en_valideer(pad: Path) -> Invoer:
    """Read and validate an input workbook; raise :class:`InvoerFout` listing every problem."""
    return controleer_ruwe_invoer(lees_werkboek(pad))


def controleer_ruwe_invoer(ruw: RuweInvoer) -> Invoer:
    """Type every sheet, check it and the relations between sheets; raise :class:`InvoerFout` with every problem."""
    problemen = list(ruw.problemen)
    getypt: dict[str, list[dict]] = {}
    for blad in BLADEN:
        frame = ruw.bladen.get(blad.naam)
        if frame is None:
            if blad.verplicht:
                problemen.append(Probleem(blad.naam, None, None, None, "verplicht blad ontbreekt"))
            continue
        rijen, blad_problemen = valideer_blad(blad.naam, frame, ruw.getalcellen.get(blad.naam))
        problemen += blad_problemen
        getypt[blad.naam] = rijen
        if not rijen and blad.naam in ("Regios", "Fondsen", "Instrumenten", "Doelgroepen"):  # the name lists
            problemen.append(Probleem(blad.naam, None, None, None,
                                      "het blad heeft geen rijen; vul minstens één regel in"))
    # a missing sheet counts as an empty one, so that every other problem is still found and reported
    controle = Controle(getypt, problemen)
    invoer = maak_invoer(controle)
    if controle.problemen:  # the notices too: every problem at once, and what may explain one
        raise InvoerFout(sorted_problemen(_een_melding_per_cel(controle.problemen, ruw)),
                         list(ruw.meldingen) + list(invoer.meldingen))
    invoer.meldingen = list(ruw.meldingen) + invoer.meldingen
    invoer.sha256 = ruw.sha256
    return invoer


def controleer_scenariorijen(rijen: list[dict], invoer: Invoer, eerste_rij: int = 2) -> list[dict]:
    """Rows of the Scenarios sheet given as dicts (``{"aanpassing": "budget", "fonds": "ESF+",
    "factor": 1.1}``; a missing column is empty), checked against ``invoer`` with the messages a
    workbook gets; the n-th row is called Excel row ``eerste_rij + n``. A number may be a Python
    number or text in Dutch notation (``"1,1"``, ``"20%"``). Returns the typed rows; raises
    :class:`InvoerFout` with every problem."""
    kolommen = list(BLAD_PER_NAAM["Scenarios"].kolommen)
    getalcellen: dict[tuple[int, str], bool] = {}
    tekst: dict[str, list] = {kolom: [] for kolom in kolommen}
    problemen: list[Probleem] = []
    for nummer, rij in enumerate(rijen, start=eerste_rij):
        for kolom in rij:
            if kolom not in tekst:
                problemen.append(Probleem("Scenarios", nummer, kolom, str(rij[kolom]),
                                          "onbekende kolom; er zijn: " + ", ".join(kolommen)))
        for kolom in kolommen:
            waarde = rij.get(kolom)
            if isinstance(waarde, bool) or not isinstance(waarde, (int, float)):
                tekst[kolom].append(None if waarde is None or str(waarde).strip() == "" else str(waarde))
            else:
                getalcellen[(nummer, kolom)] = True
                tekst[kolom].append(repr(float(waarde)))
    frame = pl.DataFrame({**{kolom: pl.Series(kolom, waarden, dtype=pl.String) for kolom, waarden in tekst.items()},
                          RIJ: pl.Series(RIJ, range(eerste_rij, eerste_rij + len(rijen)), dtype=pl.Int64)})
    getypt, blad_problemen = valideer_blad("Scenarios", frame, getalcellen)
    problemen += blad_problemen
    controle = Controle({"Scenarios": getypt, **{blad: [] for blad in VERPLICHTE_BLADEN},
                         "Huidige_verdeling": [{}] if invoer.huidige_verdeling else []}, problemen)
    controle.start = controle.eind = None
    controle.max_verschuiving = invoer.max_verschuiving
    goed = controleer_scenarios(controle, invoer.regios, set(invoer.fondsen), set(invoer.instrumenten),
                                         set(invoer.doelgroepen), invoer.beleidsregels, invoer.gemeenten)
    controleer_overgang(controle, invoer.regios, invoer.huidige_verdeling, goed, invoer.gemeenten)
    if controle.problemen:
        raise InvoerFout(sorted_problemen(controle.problemen))
    return goed


def _een_melding_per_cel(problemen: list[Probleem], ruw: RuweInvoer) -> list[Probleem]:
    """Drop the follow-up problems ('mag niet leeg zijn') of cells whose real cause reading found:
    an error value or a formula without a computed value."""
    oorzaken = set(ruw.problemen)
    return [p for p in problemen if p in oorzaken or (p.blad, p.rij, p.kolom) not in ruw.gemeld]


def sorted_problemen(problemen: list[Probleem]) -> list[Probleem]:
    volgorde = {blad.naam: nummer for nummer, blad in enumerate(BLADEN)}
    return sorted(
        dict.fromkeys(problemen),
        key=lambda p: (volgorde.get(p.blad or "", -1), p.rij or 0, p.kolom or ""),
    )


# --------------------------------------------------------------------------- one sheet

def valideer_blad(naam: str, frame: pl.DataFrame,
                  getalcellen: dict[tuple[int, str], bool] | None = None) -> tuple[list[dict], list[Probleem]]:
    """Convert a text sheet to the schema's dtypes, then run the schema's checks.

    ``getalcellen``: (Excel row, column) -> True for a cell that holds a number, False for text (read in
    Dutch notation, :mod:`budgetkoppeling.getallen`); absent: the workbook does not say.
    Returns the typed rows (as dicts with the Excel row under ``RIJ`` and the cell types under
    ``CELSOORT`` for Instellingen) and the problems.
    """
    getalcellen = getalcellen or {}
    blad = BLAD_PER_NAAM[naam]
    if naam == "Scenarios":
        frame = _ja_nee_bij_regel_actief(frame)
    problemen: list[Probleem] = []
    gemeld: set[tuple[int, str]] = set()
    rijnummers = frame.get_column(RIJ).to_list()
    kolommen: list[pl.Series] = []
    for kolom, schema in blad.kolommen.items():
        if kolom not in frame.columns:
            if schema.required:
                problemen.append(Probleem(naam, 1, kolom, None, "verplichte kolom ontbreekt"))
                for rij in rijnummers:
                    gemeld.add((rij, kolom))
            kolommen.append(pl.Series(kolom, [None] * frame.height, dtype=schema.dtype.type))
            continue
        tekst = frame.get_column(kolom)
        soorten = [getalcellen.get((rij, kolom)) for rij in rijnummers]
        omgezet, fout = zet_om(tekst, schema.dtype.type, _is_keuzelijst(schema), soorten,
                                procent_mag=(naam, kolom) in PROCENT_KOLOMMEN)
        for index, reden in fout.items():
            rij = rijnummers[index]
            gemeld.add((rij, kolom))
            problemen.append(Probleem(naam, rij, kolom, tekst[index], reden))
        kolommen.append(omgezet)
    getypt = pl.DataFrame(kolommen) if kolommen else pl.DataFrame()
    problemen += _pandera_problemen(naam, blad.model, getypt, rijnummers, gemeld, frame)
    rijen = getypt.with_columns(pl.Series(RIJ, rijnummers, dtype=pl.Int64)).to_dicts()
    if naam == "Instellingen":  # its waarde column is text that may hold a number: read by cell type later
        for rij in rijen:
            rij[CELSOORT] = {kolom: soort for (nummer, kolom), soort in getalcellen.items() if nummer == rij[RIJ]}
    return rijen, problemen


def _ja_nee_bij_regel_actief(frame: pl.DataFrame) -> pl.DataFrame:
    """Scenarios: a rule switched on or off (regel_actief) may say ja/nee in waarde, as 1/0."""
    if not {"aanpassing", "waarde"} <= set(frame.columns):
        return frame
    schakelaar = pl.col("aanpassing").str.strip_chars().str.to_lowercase() == "regel_actief"
    woord = pl.col("waarde").str.strip_chars().str.to_lowercase()
    return frame.with_columns(waarde=pl.when(schakelaar & (woord == "ja")).then(pl.lit("1"))
                              .when(schakelaar & (woord == "nee")).then(pl.lit("0"))
                              .otherwise(pl.col("waarde")))


def _is_keuzelijst(schema: pa.Column) -> bool:
    return any(check.name == "isin" for check in schema.checks)


_CHECK_TEKST = [
    (re.compile(r"greater_than_or_equal_to\((.*)\)"), "moet {0} of meer zijn"),
    (re.compile(r"less_than_or_equal_to\((.*)\)"), "moet {0} of minder zijn"),
    (re.compile(r"greater_than\((.*)\)"), "moet meer dan {0} zijn"),
    (re.compile(r"less_than\((.*)\)"), "moet minder dan {0} zijn"),
    (re.compile(r"isin\(\[(.*)\]\)"), "moet een van deze waarden zijn: {0}"),
    (re.compile(r"not_nullable"), "mag niet leeg zijn"),
]


def _check_tekst(check: str) -> str:
    for patroon, tekst in _CHECK_TEKST:
        gevonden = patroon.fullmatch(check)
        if gevonden:
            return tekst.format(*[g.replace("'", "") for g in gevonden.groups()])
    return check


def _pandera_problemen(
    naam: str, model: type, frame: pl.DataFrame, rijnummers: list[int], gemeld: set[tuple[int, str]],
    tekst: pl.DataFrame,
) -> list[Probleem]:
    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as fouten:
            gevallen = fouten.failure_cases.to_dicts()
        else:
            return []
    problemen = []
    for geval in gevallen:
        index = geval.get("index")
        kolom = geval.get("column")
        melding = _check_tekst(str(geval.get("check")))
        if index is None:
            problemen.append(Probleem(naam, None, kolom, None, melding))
            continue
        rij = rijnummers[index]
        if (rij, kolom) in gemeld:
            continue
        gemeld.add((rij, kolom))
        waarde = geval.get("failure_case")
        if kolom in tekst.columns:  # the cell as the user typed it, not as converted
            waarde = tekst.get_column(kolom)[index]
        problemen.append(Probleem(naam, rij, kolom, None if waarde in (None, "null") else waarde, melding))
    return problemen


# --------------------------------------------------------------------------- cross-sheet rules


