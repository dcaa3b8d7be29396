"""Schemas plus cross-sheet rules: raw text sheets in, clean :class:`Invoer` out.

Every problem is collected first and raised at once as one :class:`InvoerFout`.
The cross-sheet checks are named functions (``controleer_<wat>``) so that a
message can be traced back to the rule that made it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context

from .errors import InvoerFout, Probleem
from .getallen import AANDEEL_KOLOMMEN, lees_getal
from .io import RIJ, RuweInvoer, lees_werkboek
from .schemas import BLAD_PER_NAAM, BLADEN, INSTELLINGEN, JA_NEE, OPLOSSERS
from .tekst import bedoelt_u, jaren_tekst, kort, nl

ALLE = "alle"
ELK = "elk"
TOLERANTIE = 1e-6


@dataclass(frozen=True)
class Fonds:
    naam: str
    soort: str
    landelijk: bool
    overheveling: float
    vervaljaar: int | None
    vaststellingsrisico: float = 0.0  # the share of its payments a settlement may correct (family vaststelling)


@dataclass(frozen=True)
class Instrument:
    naam: str
    kosten: float
    duur: int
    vertraging: int


@dataclass(frozen=True)
class Segment:
    nummer: int
    aandeel: float
    factor: float


@dataclass(frozen=True)
class Financieringsregel:
    fonds: str
    instrument: str | None  # None = alle
    doelgroep: str | None
    max_aandeel: float


@dataclass(frozen=True)
class Beleidsregel:
    regel: str
    filters: dict[str, str | None]  # regio/fonds/instrument/doelgroep/jaar: name, None = alle, "elk"
    grootheid: str
    operator: str
    waarde: float
    actief: bool
    rij: int


@dataclass
class Koppeling:
    """Matching between funds: partner spends at least verhouding x what fonds spends on the cells of
    the filters (each ``elk`` column one constraint per value)."""

    koppeling: str
    fonds: str
    partner: str
    verhouding: float
    filters: dict[str, str | None]  # regio/instrument/doelgroep/jaar: name, None = alle, "elk", jaar also "2026-2028"
    rij: int


@dataclass(frozen=True)
class Onzekerheidsregel:
    """One row of the Onzekerheid sheet: a factor between laag and hoog on the matched input values."""

    naam: str
    grootheid: str  # plaatsingskans | kosten | budget
    filters: dict[str, str | None]  # fonds/regio/instrument/doelgroep: name or None (alle); jaar also '2026-2028'
    laag: float
    hoog: float
    verdeling: str  # driehoek | uniform
    samenhang: str  # gedeeld | per_regio
    rij: int


# which filters each uncertain quantity takes (SPEC §4); any other filter must be alle
ONZEKERHEID_FILTERS = {
    "plaatsingskans": ("regio", "instrument", "doelgroep"),
    "kosten": ("regio", "instrument", "jaar"),
    "budget": ("fonds", "regio", "jaar"),
}


@dataclass
class Invoer:
    """A validated input workbook: every default applied, every name known."""

    start: int
    eind: int
    disconteringsvoet: float
    kostenindexatie: float
    doorloop: bool
    oplosser: str
    regios: list[str]
    fondsen: dict[str, Fonds]
    budget: dict[tuple[str, str | None, int], float]
    verplichtingen: dict[tuple[str, str | None, int], float]
    instrumenten: dict[str, Instrument]
    doelgroepen: dict[str, float]
    potentieel: dict[tuple[str, str, int], float]
    effecten: dict[tuple[str, str], float]
    financieringsregels: list[Financieringsregel]
    segmenten: dict[str, list[Segment]]
    beleidsregels: list[Beleidsregel]
    scenarios: list[dict] = field(default_factory=list)
    huidige_verdeling: dict[tuple[str, str, str, int], float] = field(default_factory=dict)
    meldingen: list[str] = field(default_factory=list)
    sha256: str = ""
    scenario: str = "basis"
    # the budgets a scenario changed (fund, region, year): a shortfall is booked there first (diagnose)
    veranderde_budgetten: frozenset = frozenset()
    uitkeringen: dict[str, float] = field(default_factory=dict)  # doelgroep -> euro per year a placement ends
    koppelingen: list[Koppeling] = field(default_factory=list)
    besparing_jaren: float = 1.0
    max_verschuiving: float | None = None  # overgang: the band around Huidige_verdeling; None: no band
    realisatie: dict[tuple[str, str, str, int], float] = field(default_factory=dict)  # who actually started
    realisatie_uitgaven: dict[tuple[str, str | None, int], float] = field(default_factory=dict)  # what funds paid
    vanaf: int | None = None  # herijking (--vanaf): the years before are realised (family realisatie)
    onzekerheid: list[Onzekerheidsregel] = field(default_factory=list)  # the Onzekerheid sheet (onzekerheid)
    reservefonds: str | None = None  # holds the reserve of a fund with vaststellingsrisico (family vaststelling)

    @property
    def jaren(self) -> list[int]:
        return list(range(self.start, self.eind + 1))


VERPLICHTE_BLADEN = {blad.naam for blad in BLADEN if blad.verplicht}


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
    invoer = controle.maak_invoer()
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
    goed = controle.controleer_scenarios(invoer.regios, set(invoer.fondsen), set(invoer.instrumenten),
                                         set(invoer.doelgroepen), invoer.beleidsregels)
    controle.controleer_overgang(invoer.regios, invoer.huidige_verdeling, goed)
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
        omgezet, fout = _zet_om(tekst, schema.dtype.type, _is_keuzelijst(schema), soorten,
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


_DATUM = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d+)?)?$")
CELSOORT = "__celsoort"  # in a typed row of Instellingen: column -> True (number cell), False (text), absent
PROCENT_KOLOMMEN = {("Scenarios", "waarde")}  # a share may be set with % (max_verschuiving 20%)


def _waarom_geen_getal(tekst: str, dtype: type, kolom: str, reden: str | None) -> str:
    if _DATUM.match(tekst):
        if kolom in ("jaar", "vervaljaar"):
            return "is een datum; vul een jaartal in (een geheel getal, bijvoorbeeld 2026)"
        return "is een datum; vul een getal in"
    if reden is not None:
        return reden
    return "moet een geheel getal zijn" if dtype == pl.Int64 else "moet een getal zijn"


def _is_keuzelijst(schema: pa.Column) -> bool:
    return any(check.name == "isin" for check in schema.checks)


def _zet_om(tekst: pl.Series, dtype: type, keuzelijst: bool, soorten: list[bool | None],
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
            fout[index] = _waarom_geen_getal(waarde, dtype, tekst.name, reden)
        waarden.append(getal)
    if dtype == pl.Int64:
        return pl.Series(tekst.name, [None if w is None else int(w) for w in waarden], dtype=pl.Int64), fout
    return pl.Series(tekst.name, waarden, dtype=pl.Float64), fout


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


class Controle:
    """The cross-sheet rules of SPEC §4 over typed rows; builds the :class:`Invoer`."""

    def __init__(self, bladen: dict[str, list[dict]], problemen: list[Probleem]):
        self.bladen = bladen
        self.problemen = problemen
        self.meldingen: list[str] = []
        self.instellingrijen: dict[str, dict] = {}

    def fout(self, blad: str, rij: dict | None, kolom: str | None, melding: str, waarde=None) -> None:
        self.problemen.append(
            Probleem(blad, rij[RIJ] if rij else None, kolom,
                     None if waarde is None else str(waarde), melding)
        )

    def rijen(self, blad: str) -> list[dict]:
        return self.bladen.get(blad, [])

    # -- building blocks

    def namen(self, blad: str, kolom: str, melden: bool = True) -> list[str]:
        """The unique names of a list sheet, reporting duplicates (once, with ``melden``)."""
        gezien: dict[str, int] = {}
        for rij in self.rijen(blad):
            naam = rij[kolom]
            if naam is None:
                continue
            if naam in gezien:
                if melden:
                    self.fout(blad, rij, kolom, f"komt al voor in rij {gezien[naam]}", naam)
            else:
                gezien[naam] = rij[RIJ]
        return list(gezien)

    def bekend(self, blad: str, rij: dict, kolom: str, namen, bron: str, filter_: bool = False,
               elk: bool = False) -> bool:
        """Check that a cell names something of sheet ``bron``; True when it does."""
        waarde = rij.get(kolom)
        if waarde is None:
            return True
        if filter_ and waarde.casefold() == ALLE:
            return True
        if elk and waarde.casefold() == ELK:
            return True
        if waarde in namen:
            return True
        if bron not in self.bladen and bron in VERPLICHTE_BLADEN:  # reported once: no follow-up per row
            return False
        melding = f"onbekende naam; staat niet in het blad '{bron}'" + bedoelt_u(waarde, namen)
        self.fout(blad, rij, kolom, melding, waarde)
        return False

    def jaar_in_periode(self, blad: str, rij: dict, kolom: str = "jaar") -> bool:
        jaar = rij.get(kolom)
        if jaar is None or self.start is None:
            return True
        if not self.start <= jaar <= self.eind:
            self.fout(blad, rij, kolom,
                      f"jaar ligt buiten de planperiode {self.start}-{self.eind}", jaar)
            return False
        return True

    def uniek(self, blad: str, kolommen: tuple[str, ...], normaliseer=None) -> None:
        gezien: dict[tuple, int] = {}
        for rij in self.rijen(blad):
            sleutel = tuple(rij.get(k) for k in kolommen)
            if normaliseer:
                sleutel = normaliseer(sleutel)
            if sleutel in gezien:
                self.fout(blad, rij, kolommen[0],
                          f"dubbele regel: dezelfde {', '.join(kolommen)} staat al in rij {gezien[sleutel]}",
                          " / ".join("" if k is None else str(k) for k in sleutel))
            else:
                gezien[sleutel] = rij[RIJ]

    # -- the rules

    def maak_invoer(self) -> Invoer:
        self.controleer_instellingen()
        regios = self.namen("Regios", "regio")
        fondsen = self.controleer_fondsen()
        instrumenten = self.controleer_instrumenten()
        doelgroepen = self.controleer_doelgroepen()
        # references are checked against every name in a list sheet, also those whose
        # row has another problem, so that one bad cell does not cascade into many
        fondsnamen = set(self.namen("Fondsen", "fonds", melden=False))
        instrumentnamen = set(self.namen("Instrumenten", "instrument", melden=False))
        groepnamen = set(self.namen("Doelgroepen", "doelgroep", melden=False))
        budget = self.controleer_bedragen("Budgetten", fondsen, fondsnamen, regios)
        verplichtingen = self.controleer_bedragen("Verplichtingen", fondsen, fondsnamen, regios)
        potentieel = self.controleer_potentieel(regios, groepnamen)
        effecten = self.controleer_effecten(instrumentnamen, groepnamen)
        financieringsregels = self.controleer_financieringsregels(fondsnamen, instrumentnamen, groepnamen)
        reservefonds = self.controleer_reservefonds(fondsen, fondsnamen)
        segmenten = self.controleer_segmenten(instrumenten, instrumentnamen)
        beleidsregels = self.controleer_beleidsregels(regios, fondsnamen, instrumentnamen, groepnamen)
        koppelingen = self.controleer_koppelingen(regios, fondsnamen, instrumentnamen, groepnamen)
        scenarios = self.controleer_scenarios(regios, fondsnamen, instrumentnamen, groepnamen, beleidsregels)
        huidige = self.controleer_verdeling("Huidige_verdeling", regios, instrumentnamen, groepnamen, effecten)
        realisatie = self.controleer_verdeling("Realisatie", regios, instrumentnamen, groepnamen, effecten)
        realisatie_uitgaven = self.controleer_bedragen("Realisatie_uitgaven", fondsen, fondsnamen, regios)
        onzekerheid = self.controleer_onzekerheid(regios, fondsnamen, instrumentnamen, groepnamen)
        self.controleer_overgang(regios, huidige, scenarios)
        self.waarschuw_verdacht(fondsen, instrumenten, doelgroepen, potentieel, effecten, financieringsregels)
        self.waarschuw_vergeten_jaren(regios, fondsen, budget, doelgroepen, potentieel)
        return Invoer(
            start=self.start or 0, eind=self.eind or 0,
            disconteringsvoet=self.disconteringsvoet, kostenindexatie=self.kostenindexatie,
            uitkeringen=self.uitkeringen, besparing_jaren=self.besparing_jaren, koppelingen=koppelingen,
            doorloop=self.doorloop, oplosser=self.oplosser, regios=regios, fondsen=fondsen,
            budget=budget, verplichtingen=verplichtingen, instrumenten=instrumenten,
            doelgroepen=doelgroepen, potentieel=potentieel, effecten=effecten,
            financieringsregels=financieringsregels, segmenten=segmenten,
            beleidsregels=beleidsregels, scenarios=scenarios, huidige_verdeling=huidige,
            meldingen=self.meldingen, max_verschuiving=self.max_verschuiving, realisatie=realisatie,
            realisatie_uitgaven=realisatie_uitgaven, onzekerheid=onzekerheid, reservefonds=reservefonds,
        )

    def waarschuw_verdacht(self, fondsen, instrumenten, doelgroepen, potentieel, effecten,
                           financieringsregels) -> None:
        """Legal but suspicious: notices, not errors."""
        betalend = {regel.fonds for regel in financieringsregels if regel.max_aandeel > 0}
        for fonds in fondsen:
            if fonds not in betalend:
                self.meldingen.append(
                    f"Fonds '{fonds}' mag volgens het blad Financieringsregels nergens voor betalen; "
                    "het budget blijft dus onbenut.")
        geschikt = {instrument for instrument, _ in effecten}
        for instrument in instrumenten:
            if instrument not in geschikt:
                self.meldingen.append(
                    f"Instrument '{instrument}' heeft in het blad Effecten geen enkele doelgroep en wordt dus nooit "
                    "ingezet.")
        met_potentieel = {doelgroep for (_r, doelgroep, _t), aantal in potentieel.items() if aantal > 0}
        for doelgroep in doelgroepen:
            if doelgroep not in met_potentieel:
                self.meldingen.append(
                    f"Doelgroep '{doelgroep}' heeft in het blad Potentieel geen enkele persoon en krijgt dus geen "
                    "deelnemers.")

    def waarschuw_vergeten_jaren(self, regios, fondsen, budget, doelgroepen, potentieel) -> None:
        """A plan year without rows where the other years have them: a forgotten year, most likely
        (no Potentieel for a group in 2029, no Participatiebudget in 2029)."""
        if self.start is None or self.eind is None or self.start > self.eind:
            return
        jaren = list(range(self.start, self.eind + 1))

        def ontbrekend(aanwezig: set[int]) -> list[int]:
            return [t for t in jaren if t not in aanwezig] if aanwezig else []

        for doelgroep in doelgroepen:
            per_jaar = {t for (_r, g, t) in potentieel if g == doelgroep}
            for t in ontbrekend(per_jaar):
                self.meldingen.append(
                    f"Potentieel: doelgroep '{doelgroep}' heeft rijen voor andere planjaren, maar geen voor {t}; "
                    f"in {t} kan deze groep dus niet starten. Vergeten?")
            # a region without a row in a year that other regions have: a missing row means 0, silently
            missend = [(r, t) for r in regios for t in sorted(per_jaar) if self.start <= t <= self.eind
                       and (r, doelgroep, t) not in potentieel]
            if missend:
                voorbeelden = ", ".join(f"'{r}' {t}" for r, t in missend[:3]) + (", ..." if len(missend) > 3 else "")
                hoeveel = "1 combinatie" if len(missend) == 1 else f"{len(missend)} combinaties"
                self.meldingen.append(
                    f"Potentieel: voor doelgroep '{doelgroep}' ontbreekt een rij bij {hoeveel} van regio en jaar "
                    f"({voorbeelden}); een ontbrekende rij betekent 0: daar kan deze groep niet starten. Vergeten?")
        for fonds, gegevens in fondsen.items():
            laatste = gegevens.vervaljaar if gegevens.vervaljaar is not None else self.eind
            missend: dict[int, list[str | None]] = {}
            for regio in [None] if gegevens.landelijk else regios:
                per_jaar = {t for (f, r, t) in budget if f == fonds and r == regio}
                if not per_jaar and not gegevens.landelijk:
                    continue  # a regional fund that this region does not have
                for t in ontbrekend(per_jaar):
                    if t <= laatste:  # after its vervaljaar a fund pays nothing by design
                        missend.setdefault(t, []).append(regio)
            for t, waar in sorted(missend.items()):
                if gegevens.landelijk:
                    plek = ""
                elif len(waar) <= 3:
                    plek = " voor " + ", ".join(f"'{r}'" for r in waar)
                else:
                    plek = f" voor {len(waar)} regio's ({', '.join(repr(r) for r in waar[:3])}, ...)"
                self.meldingen.append(
                    f"Budgetten: fonds '{fonds}' heeft{plek} budget in andere planjaren, maar niet in {t}; "
                    f"in {t} betaalt het daar dus niets (behalve wat het overhevelt). Vergeten?")

    def controleer_instellingen(self) -> None:
        blad = "Instellingen"
        self.namen(blad, "sleutel")
        waarden = {}
        for rij in self.rijen(blad):
            sleutel = rij["sleutel"]
            if sleutel is None:
                continue
            if sleutel.casefold() not in INSTELLINGEN:
                self.fout(blad, rij, "sleutel",
                          "onbekende instelling; bekend zijn: " + ", ".join(INSTELLINGEN), sleutel)
                continue
            waarden[sleutel.casefold()] = rij
        self.instellingrijen = waarden

        def getal(sleutel: str, standaard, geheel: bool = False):
            rij = waarden.get(sleutel)
            if rij is None:
                if standaard is None:
                    self.fout(blad, None, "sleutel", f"verplichte instelling '{sleutel}' ontbreekt")
                return standaard
            waarde, reden = lees_getal(rij["waarde"] or "", sleutel, rij.get(CELSOORT, {}).get("waarde"),
                                       procent_mag=sleutel in AANDEEL_KOLOMMEN)  # '20%' is 0,2
            if waarde is None or (geheel and waarde != math.floor(waarde)):
                soort = "een geheel getal (jaar)" if geheel else "een getal"
                uitleg = f"; {reden}" if reden and reden != "moet een getal zijn" else ""
                self.fout(blad, rij, "waarde", f"'{sleutel}' moet {soort} zijn{uitleg}", rij["waarde"])
                return standaard
            return int(waarde) if geheel else waarde

        def keuze(sleutel: str, opties: list[str], standaard: str) -> str:
            rij = waarden.get(sleutel)
            if rij is None or rij["waarde"] is None:
                return standaard
            waarde = rij["waarde"].casefold()
            if waarde not in opties:
                self.fout(blad, rij, "waarde", f"'{sleutel}' moet een van deze zijn: {', '.join(opties)}",
                          rij["waarde"])
                return standaard
            return waarde

        self.start = getal("planperiode_start", None, geheel=True)
        self.eind = getal("planperiode_eind", None, geheel=True)
        if self.start is not None and self.eind is not None:
            if self.eind < self.start:
                self.fout(blad, waarden["planperiode_eind"], "waarde",
                          "planperiode_eind ligt voor planperiode_start", self.eind)
                self.start = self.eind = None
            elif self.eind - self.start > 49:
                self.fout(blad, waarden["planperiode_eind"], "waarde",
                          "de planperiode mag hoogstens 50 jaar zijn", self.eind)
                self.start = self.eind = None
        else:
            self.start = self.eind = None
        self.disconteringsvoet = getal("disconteringsvoet", 0.0)
        if not 0 <= self.disconteringsvoet < 1:
            self.fout(blad, waarden.get("disconteringsvoet"), "waarde",
                      "disconteringsvoet moet tussen 0 en 1 liggen", self.disconteringsvoet)
            self.disconteringsvoet = 0.0
        self.kostenindexatie = getal("kostenindexatie", 0.0)
        if not -0.5 <= self.kostenindexatie <= 1:
            self.fout(blad, waarden.get("kostenindexatie"), "waarde",
                      "kostenindexatie moet tussen -0,5 en 1 liggen (bijvoorbeeld 0,03 voor 3%)",
                      self.kostenindexatie)
            self.kostenindexatie = 0.0
        self.doorloop = keuze("doorloop_na_planperiode", JA_NEE, "nee") == "ja"
        self.oplosser = keuze("oplosser", OPLOSSERS, "auto")
        self.besparing_jaren = getal("besparing_jaren", 1.0)
        if not 0 <= self.besparing_jaren <= 50:
            self.fout(blad, waarden.get("besparing_jaren"), "waarde",
                      "besparing_jaren moet tussen 0 en 50 liggen", self.besparing_jaren)
            self.besparing_jaren = 1.0
        self.max_verschuiving = None
        if waarden.get("max_verschuiving") is not None and waarden["max_verschuiving"]["waarde"] is not None:
            self.max_verschuiving = getal("max_verschuiving", None)
            if self.max_verschuiving is not None and not 0 <= self.max_verschuiving <= 1:
                self.fout(blad, waarden["max_verschuiving"], "waarde",
                          "max_verschuiving moet tussen 0 en 1 liggen (bijvoorbeeld 0,2 voor 20%); laat de cel leeg "
                          "voor geen grens", self.max_verschuiving)
                self.max_verschuiving = None

    def controleer_fondsen(self) -> dict[str, Fonds]:
        blad = "Fondsen"
        self.namen(blad, "fonds")
        fondsen = {}
        for rij in self.rijen(blad):
            if rij["fonds"] is None or rij["fonds"] in fondsen or rij["soort"] is None:
                continue
            vervaljaar = rij["vervaljaar"]
            if vervaljaar is not None and self.start is not None and vervaljaar < self.start:
                self.meldingen.append(
                    f"Fonds '{rij['fonds']}' is vervallen ({vervaljaar}) voor de planperiode begint."
                )
            fondsen[rij["fonds"]] = Fonds(
                naam=rij["fonds"], soort=rij["soort"], landelijk=rij["landelijk"] == "ja",
                overheveling=rij["overheveling"] or 0.0, vervaljaar=vervaljaar,
                vaststellingsrisico=rij.get("vaststellingsrisico") or 0.0,
            )
        return fondsen

    def controleer_reservefonds(self, fondsen: dict[str, Fonds], fondsnamen: set[str]) -> str | None:
        """The fund that holds the reserve for settlement corrections: Instellingen.reservefonds, else the
        fund of soort participatiebudget. Needed only where some fund has a vaststellingsrisico."""
        rij = self.instellingrijen.get("reservefonds")
        gekozen = None if rij is None or rij["waarde"] is None else str(rij["waarde"])
        if gekozen is not None and gekozen not in fondsnamen:
            self.fout("Instellingen", rij, "waarde", "onbekend fonds; staat niet in het blad 'Fondsen'"
                      + bedoelt_u(gekozen, sorted(fondsnamen)), gekozen)
            return None
        riskant = [f.naam for f in fondsen.values() if f.vaststellingsrisico > 0]
        if not riskant:
            return gekozen
        if gekozen is None:
            kandidaten = [f.naam for f in fondsen.values() if f.soort == "participatiebudget"]
            if not kandidaten:
                rij_fonds = next(r for r in self.rijen("Fondsen") if r["fonds"] == riskant[0])
                self.fout("Fondsen", rij_fonds, "vaststellingsrisico",
                          "een vaststellingsrisico vraagt om een reservefonds dat het bedrag achter de hand houdt: "
                          "zet 'reservefonds' in het blad Instellingen, of voeg een fonds van soort "
                          "participatiebudget toe", fondsen[riskant[0]].vaststellingsrisico)
                return None
            gekozen = kandidaten[0]
        if gekozen in riskant:
            self.fout("Instellingen" if rij is not None else "Fondsen",
                      rij if rij is not None else next(r for r in self.rijen("Fondsen") if r["fonds"] == gekozen),
                      "waarde" if rij is not None else "vaststellingsrisico",
                      f"het reservefonds '{gekozen}' heeft zelf een vaststellingsrisico; kies een ander reservefonds",
                      gekozen)
            return None
        return gekozen

    def controleer_instrumenten(self) -> dict[str, Instrument]:
        self.namen("Instrumenten", "instrument")
        instrumenten = {}
        for rij in self.rijen("Instrumenten"):
            if None in (rij["instrument"], rij["kosten_per_deelnemer"], rij["duur_jaren"]):
                continue
            if rij["instrument"] in instrumenten:
                continue
            vertraging = rij["vertraging_jaren"]
            instrumenten[rij["instrument"]] = Instrument(
                naam=rij["instrument"], kosten=rij["kosten_per_deelnemer"], duur=rij["duur_jaren"],
                vertraging=rij["duur_jaren"] if vertraging is None else vertraging,
            )
        return instrumenten

    def controleer_doelgroepen(self) -> dict[str, float]:
        self.namen("Doelgroepen", "doelgroep")
        groepen: dict[str, float] = {}
        self.uitkeringen: dict[str, float] = {}
        for rij in self.rijen("Doelgroepen"):
            if rij["doelgroep"] is not None and rij["doelgroep"] not in groepen:
                groepen[rij["doelgroep"]] = 1.0 if rij["gewicht"] is None else rij["gewicht"]
                if rij.get("uitkering_per_jaar"):
                    self.uitkeringen[rij["doelgroep"]] = rij["uitkering_per_jaar"]
        return groepen

    def controleer_bedragen(self, blad: str, fondsen: dict[str, Fonds], fondsnamen: set[str],
                            regios: list[str]):
        """Budgetten and Verplichtingen: known fund and region, region iff regional, in period."""
        bedragen: dict[tuple[str, str | None, int], float] = defaultdict(float)
        regioset = set(regios)
        for rij in self.rijen(blad):
            goed = self.bekend(blad, rij, "fonds", fondsnamen, "Fondsen")
            goed &= self.bekend(blad, rij, "regio", regioset, "Regios")
            goed &= self.jaar_in_periode(blad, rij)
            fonds = fondsen.get(rij["fonds"])
            if fonds is not None:
                if fonds.landelijk and rij["regio"] is not None:
                    self.fout(blad, rij, "regio",
                              f"fonds '{kort(fonds.naam)}' is landelijk: laat de regio leeg", rij["regio"])
                    goed = False
                if not fonds.landelijk and rij["regio"] is None:
                    self.fout(blad, rij, "regio",
                              f"fonds '{kort(fonds.naam)}' is regionaal: vul de regio in")
                    goed = False
                if fonds.vervaljaar is not None and rij["jaar"] is not None and rij["jaar"] > fonds.vervaljaar:
                    self.fout(blad, rij, "jaar",
                              f"na het vervaljaar {fonds.vervaljaar} van fonds '{kort(fonds.naam)}'",
                              rij["jaar"])
                    goed = False
            if goed and None not in (rij["fonds"], rij["jaar"], rij["bedrag"]):
                bedragen[(rij["fonds"], rij["regio"], rij["jaar"])] += rij["bedrag"]
        return dict(bedragen)

    def controleer_potentieel(self, regios: list[str], doelgroepen: dict[str, float]):
        blad = "Potentieel"
        self.uniek(blad, ("regio", "doelgroep", "jaar"))
        potentieel = {}
        for rij in self.rijen(blad):
            goed = self.bekend(blad, rij, "regio", set(regios), "Regios")
            goed &= self.bekend(blad, rij, "doelgroep", doelgroepen, "Doelgroepen")
            goed &= self.jaar_in_periode(blad, rij)
            if goed and rij["aantal"] is not None and rij["jaar"] is not None:
                potentieel[(rij["regio"], rij["doelgroep"], rij["jaar"])] = rij["aantal"]
        return potentieel

    def controleer_effecten(self, instrumenten, doelgroepen):
        blad = "Effecten"
        self.uniek(blad, ("instrument", "doelgroep"))
        effecten = {}
        for rij in self.rijen(blad):
            goed = self.bekend(blad, rij, "instrument", instrumenten, "Instrumenten")
            goed &= self.bekend(blad, rij, "doelgroep", doelgroepen, "Doelgroepen")
            if goed and rij["plaatsingskans"] is not None:
                effecten[(rij["instrument"], rij["doelgroep"])] = rij["plaatsingskans"]
        return effecten

    def controleer_financieringsregels(self, fondsen, instrumenten, doelgroepen):
        blad = "Financieringsregels"

        def alle_is_leeg(sleutel):
            return tuple(None if (w is None or str(w).casefold() == ALLE) else w for w in sleutel)

        self.uniek(blad, ("fonds", "instrument", "doelgroep"), alle_is_leeg)
        regels = []
        for rij in self.rijen(blad):
            goed = self.bekend(blad, rij, "fonds", fondsen, "Fondsen")
            goed &= self.bekend(blad, rij, "instrument", instrumenten, "Instrumenten", filter_=True)
            goed &= self.bekend(blad, rij, "doelgroep", doelgroepen, "Doelgroepen", filter_=True)
            if goed and rij["fonds"] is not None:
                _, instrument, doelgroep = alle_is_leeg((rij["fonds"], rij["instrument"], rij["doelgroep"]))
                regels.append(Financieringsregel(
                    rij["fonds"], instrument, doelgroep,
                    1.0 if rij["max_aandeel"] is None else rij["max_aandeel"],
                ))
        return regels

    def controleer_segmenten(self, instrumenten, instrumentnamen) -> dict[str, list[Segment]]:
        blad = "Afnemende_meeropbrengst"

        def alle_is_leeg(sleutel):
            instrument, segment = sleutel
            return (None if instrument is None or instrument.casefold() == ALLE else instrument, segment)

        self.uniek(blad, ("instrument", "segment"), alle_is_leeg)
        per_instrument: dict[str | None, list[tuple[dict, Segment]]] = defaultdict(list)
        for rij in self.rijen(blad):
            if not self.bekend(blad, rij, "instrument", instrumentnamen, "Instrumenten", filter_=True):
                continue
            if None in (rij["segment"], rij["aandeel_potentieel"], rij["factor"]):
                continue
            instrument, _ = alle_is_leeg((rij["instrument"], None))
            per_instrument[instrument].append(
                (rij, Segment(rij["segment"], rij["aandeel_potentieel"], rij["factor"]))
            )
        for instrument, rijen in per_instrument.items():
            rijen.sort(key=lambda paar: paar[1].nummer)
            naam = "alle instrumenten" if instrument is None else f"instrument '{kort(instrument)}'"
            totaal = sum(segment.aandeel for _, segment in rijen)
            if abs(totaal - 1) > TOLERANTIE:
                self.fout(blad, rijen[0][0], "aandeel_potentieel",
                          f"de aandelen van {naam} tellen op tot {nl(totaal)} in plaats van 1", nl(totaal))
            for (_, vorige), (rij, segment) in zip(rijen, rijen[1:]):
                if segment.factor > vorige.factor + 1e-12:
                    self.fout(blad, rij, "factor",
                              f"de factor van {naam} stijgt t.o.v. segment {vorige.nummer} "
                              f"({nl(vorige.factor)}); factoren mogen niet stijgen", nl(segment.factor))
        standaard = [s for _, s in per_instrument.get(None, [])] or [Segment(1, 1.0, 1.0)]
        return {
            naam: [s for _, s in per_instrument[naam]] if naam in per_instrument else standaard
            for naam in instrumenten
        }

    def controleer_beleidsregels(self, regios, fondsen, instrumenten, doelgroepen) -> list[Beleidsregel]:
        blad = "Beleidsregels"
        self.namen(blad, "regel")
        bronnen = {
            "regio": (set(regios), "Regios"),
            "fonds": (fondsen, "Fondsen"),
            "instrument": (instrumenten, "Instrumenten"),
            "doelgroep": (doelgroepen, "Doelgroepen"),
        }
        regels, gezien = [], set()
        for rij in self.rijen(blad):
            filters, goed = self._filterkolommen(blad, rij, bronnen)
            # a placement may fall after the plan period: a rule on plaatsingen may name such a year
            filters["jaar"], jaar_goed = self._jaarfilter(blad, rij, periode=goed and rij["grootheid"] != "plaatsingen")
            goed &= jaar_goed
            if rij["grootheid"] not in (None, "uitgaven") and filters["fonds"] is not None:
                self.fout(blad, rij, "fonds",
                          "het fondsfilter geldt alleen bij grootheid uitgaven; laat het leeg of zet alle",
                          rij["fonds"])
                goed = False
            if goed and None not in (rij["regel"], rij["grootheid"], rij["operator"], rij["waarde"]):
                if rij["regel"] in gezien:
                    continue
                gezien.add(rij["regel"])
                regels.append(Beleidsregel(
                    regel=rij["regel"], filters=filters, grootheid=rij["grootheid"],
                    operator=rij["operator"], waarde=rij["waarde"],
                    actief=rij["actief"] != "nee", rij=rij[RIJ],
                ))
        return regels

    def _filterkolommen(self, blad: str, rij: dict, bronnen: dict) -> tuple[dict[str, str | None], bool]:
        """The name filters of a Beleidsregels or Koppelingen row (a name, alle or elk), each checked
        against its sheet; and whether all are valid."""
        goed, filters = True, {}
        for kolom, (namen, bron) in bronnen.items():
            goed &= self.bekend(blad, rij, kolom, namen, bron, filter_=True, elk=True)
            filters[kolom] = _filterwaarde(rij[kolom])
        return filters, goed

    def _jaarfilter(self, blad: str, rij: dict, periode: bool = True) -> tuple[str | None, bool]:
        """A jaar filter: None (alle), elk, '2027' or '2026-2028' (the rule sums over those years); and
        whether it is valid. With ``periode`` the years must lie in the plan period."""
        jaar = _filterwaarde(rij["jaar"])
        if jaar in (None, ELK):
            return jaar, True
        reeks = _jaarreeks(jaar)
        if reeks is None:
            self.fout(blad, rij, "jaar", "moet een jaar (2027), een reeks jaren (2026-2028), alle of elk zijn",
                      rij["jaar"])
            return None, False
        if periode and self.start is not None and not (self.start <= reeks[0] and reeks[1] <= self.eind):
            self.fout(blad, rij, "jaar", f"jaar ligt buiten de planperiode {self.start}-{self.eind}", rij["jaar"])
            return None, False
        return (str(reeks[0]) if reeks[0] == reeks[1] else f"{reeks[0]}-{reeks[1]}"), True

    def controleer_koppelingen(self, regios, fondsen, instrumenten, doelgroepen) -> list[Koppeling]:
        blad = "Koppelingen"
        self.namen(blad, "koppeling")
        bronnen = {"regio": (set(regios), "Regios"), "instrument": (instrumenten, "Instrumenten"),
                   "doelgroep": (doelgroepen, "Doelgroepen")}
        koppelingen, gezien = [], set()
        for rij in self.rijen(blad):
            goed = self.bekend(blad, rij, "fonds", fondsen, "Fondsen")
            goed &= self.bekend(blad, rij, "partner", fondsen, "Fondsen")
            filters, filters_goed = self._filterkolommen(blad, rij, bronnen)
            goed &= filters_goed
            filters["jaar"], jaar_goed = self._jaarfilter(blad, rij)
            goed &= jaar_goed
            if goed and rij["fonds"] is not None and rij["fonds"] == rij["partner"]:
                self.fout(blad, rij, "partner", "een fonds kan zichzelf niet matchen; kies een ander fonds",
                          rij["partner"])
                goed = False
            if goed and None not in (rij["koppeling"], rij["fonds"], rij["partner"], rij["verhouding"]):
                if rij["koppeling"] in gezien:
                    continue
                gezien.add(rij["koppeling"])
                koppelingen.append(Koppeling(rij["koppeling"], rij["fonds"], rij["partner"], rij["verhouding"],
                                             filters, rij[RIJ]))
        return koppelingen

    def controleer_scenarios(self, regios, fondsen, instrumenten, doelgroepen, beleidsregels):
        blad = "Scenarios"
        bronnen = {
            "regio": (set(regios), "Regios"),
            "fonds": (fondsen, "Fondsen"),
            "instrument": (instrumenten, "Instrumenten"),
            "doelgroep": (doelgroepen, "Doelgroepen"),
            "regel": ({r.regel for r in beleidsregels}, "Beleidsregels"),
        }
        rijen = []
        eerste_spelling: dict[str, str] = {}
        for rij in self.rijen(blad):
            goed = True
            naam = rij["scenario"]
            if naam is not None:
                eerder = eerste_spelling.setdefault(naam.casefold(), naam)
                if eerder != naam:  # Excel compares column headers without regard to case
                    self.fout(blad, rij, "scenario", f"verschilt alleen in hoofdletters van scenario '{eerder}'; "
                              "Excel ziet dat als dezelfde kolom. Schrijf de naam overal gelijk", naam)
                    goed = False
            for kolom, (namen, bron) in bronnen.items():
                goed &= self.bekend(blad, rij, kolom, namen, bron, filter_=True)
            if rij["jaar"] is not None and rij["jaar"].casefold() != ALLE:
                if _jaarreeks(rij["jaar"]) is None:
                    self.fout(blad, rij, "jaar", "moet een jaar, een reeks als 2028-2030 of alle zijn",
                              rij["jaar"])
                    goed = False
            if (rij["factor"] is None) == (rij["waarde"] is None):
                self.fout(blad, rij, "factor", "vul precies één van factor en waarde in")
                goed = False
            if rij["aanpassing"] == "regel_actief" and rij["waarde"] not in (None, 0.0, 1.0):
                self.fout(blad, rij, "waarde", "bij regel_actief is de waarde ja (aan) of nee (uit), of 1 of 0",
                          rij["waarde"])
                goed = False
            if rij["aanpassing"] == "max_verschuiving":
                goed &= self._scenario_band(blad, rij)
            if rij["scenario"] is not None and rij["scenario"].casefold() == "basis":
                self.fout(blad, rij, "scenario", "'basis' is het uitgangspunt en kan niet worden aangepast",
                          rij["scenario"])
                goed = False
            if goed:
                rijen.append(rij)
        return rijen

    def controleer_overgang(self, regios, huidige, scenarios) -> None:
        """max_verschuiving needs today's plan; a region or year without one can then start nothing."""
        met_band = [rij for rij in scenarios if rij["aanpassing"] == "max_verschuiving"]
        if self.max_verschuiving is None and not met_band:
            return
        if not self.rijen("Huidige_verdeling"):
            if self.max_verschuiving is not None:
                self.fout("Instellingen", self.instellingrijen["max_verschuiving"], "waarde",
                          "max_verschuiving vraagt om het blad Huidige_verdeling (de verdeling van nu); vul dat blad "
                          "in of laat de cel leeg", self.max_verschuiving)
            for rij in met_band:
                self.fout("Scenarios", rij, "aanpassing", "max_verschuiving vraagt om het blad Huidige_verdeling (de "
                          "verdeling van nu)", rij["aanpassing"])
            return
        if self.start is None or self.eind is None or not huidige:
            return
        for regio in regios:
            zonder = [t for t in range(self.start, self.eind + 1)
                      if not any(aantal > 0 for (r, _i, _g, j), aantal in huidige.items() if r == regio and j == t)]
            if zonder:
                self.meldingen.append(
                    f"Huidige_verdeling: regio '{regio}' heeft geen deelnemers in {jaren_tekst(zonder)}; met "
                    "max_verschuiving kan daar dan niets starten (elk instrument blijft binnen de band rond 0).")

    def controleer_onzekerheid(self, regios, fondsen, instrumenten, doelgroepen) -> list[Onzekerheidsregel]:
        """Onzekerheid: a unique name, known names in the filters that apply to the quantity (the
        others alle), laag <= 1 <= hoog."""
        blad = "Onzekerheid"
        self.namen(blad, "naam")
        bronnen = {"fonds": (fondsen, "Fondsen"), "regio": (set(regios), "Regios"),
                   "instrument": (instrumenten, "Instrumenten"), "doelgroep": (doelgroepen, "Doelgroepen")}
        regels, gezien = [], set()
        for rij in self.rijen(blad):
            goed = True
            filters: dict[str, str | None] = {}
            for kolom, (namen, bron) in bronnen.items():
                goed &= self.bekend(blad, rij, kolom, namen, bron, filter_=True)
                filters[kolom] = _filterwaarde(rij[kolom])
            if rij["jaar"] is not None and rij["jaar"].strip().casefold() == ELK:
                self.fout(blad, rij, "jaar", "moet een jaar (2027), een reeks jaren (2026-2028) of alle zijn",
                          rij["jaar"])
                goed = False
            else:
                filters["jaar"], jaar_goed = self._jaarfilter(blad, rij)
                goed &= jaar_goed
            grootheid = rij["grootheid"]
            if grootheid in ONZEKERHEID_FILTERS:
                for kolom, waarde in filters.items():
                    if waarde is not None and kolom not in ONZEKERHEID_FILTERS[grootheid]:
                        past = ", ".join(ONZEKERHEID_FILTERS[grootheid])
                        self.fout(blad, rij, kolom, f"bij {grootheid} gelden alleen de filters {past}; laat "
                                  f"{kolom} leeg (alle)", rij[kolom])
                        goed = False
            laag, hoog = rij["laag"], rij["hoog"]
            if laag is not None and laag > 1:
                self.fout(blad, rij, "laag", "laag moet 1 of minder zijn (een factor op de invoerwaarde, "
                          "bijvoorbeeld 0,7)", laag)
                goed = False
            if hoog is not None and hoog < 1:
                self.fout(blad, rij, "hoog", "hoog moet 1 of meer zijn (een factor op de invoerwaarde, "
                          "bijvoorbeeld 1,2)", hoog)
                goed = False
            if goed and None not in (rij["naam"], grootheid, laag, hoog) and rij["naam"] not in gezien:
                gezien.add(rij["naam"])
                verdeling, samenhang = rij["verdeling"] or "driehoek", rij["samenhang"] or "gedeeld"
                regels.append(Onzekerheidsregel(rij["naam"], grootheid, filters, laag, hoog, verdeling, samenhang,
                                                rij[RIJ]))
        return regels

    def _scenario_band(self, blad: str, rij: dict) -> bool:
        """A scenario's max_verschuiving: one band for the whole plan, set with waarde 0..1."""
        goed = True
        for kolom in ("fonds", "regio", "instrument", "doelgroep", "jaar", "regel"):
            if rij[kolom] is not None and rij[kolom].casefold() != ALLE:
                self.fout(blad, rij, kolom, "max_verschuiving geldt voor het hele plan; laat deze kolom leeg",
                          rij[kolom])
                goed = False
        if rij["factor"] is not None and rij["waarde"] is None:
            self.fout(blad, rij, "factor", "zet max_verschuiving met waarde (bijvoorbeeld 0,2 voor 20%), niet met "
                      "een factor", rij["factor"])
            goed = False
        elif rij["waarde"] is not None and not 0 <= rij["waarde"] <= 1:
            self.fout(blad, rij, "waarde", "max_verschuiving moet tussen 0 en 1 liggen (bijvoorbeeld 0,2 voor 20%)",
                      rij["waarde"])
            goed = False
        return goed

    def controleer_verdeling(self, blad, regios, instrumenten, doelgroepen, effecten):
        """Huidige_verdeling and Realisatie: participants per region, instrument, group and start year."""
        self.uniek(blad, ("regio", "instrument", "doelgroep", "jaar"))
        verdeling = {}
        for rij in self.rijen(blad):
            goed = self.bekend(blad, rij, "regio", set(regios), "Regios")
            goed &= self.bekend(blad, rij, "instrument", instrumenten, "Instrumenten")
            goed &= self.bekend(blad, rij, "doelgroep", doelgroepen, "Doelgroepen")
            goed &= self.jaar_in_periode(blad, rij)
            if goed and (rij["instrument"], rij["doelgroep"]) not in effecten:
                self.fout(blad, rij, "instrument",
                          "deze combinatie van instrument en doelgroep staat niet in het blad Effecten",
                          f"{rij['instrument']} / {rij['doelgroep']}")
                goed = False
            if goed and rij["deelnemers"] is not None and rij["jaar"] is not None:
                verdeling[(rij["regio"], rij["instrument"], rij["doelgroep"], rij["jaar"])] = rij["deelnemers"]
        return verdeling


def _filterwaarde(waarde: str | None) -> str | None:
    """A filter cell: None for alle (or empty), 'elk', or the name."""
    if waarde is None or waarde.casefold() == ALLE:
        return None
    if waarde.casefold() == ELK:
        return ELK
    return waarde


def _jaarreeks(tekst: str) -> tuple[int, int] | None:
    """'2028' or '2028-2030' (also with spaces or 2028.0) as (first, last); None if neither."""
    gevonden = re.fullmatch(r"\s*(\d{4})(?:\.0)?\s*(?:-\s*(\d{4})(?:\.0)?\s*)?", tekst)
    if not gevonden:
        return None
    eerste = int(gevonden.group(1))
    laatste = int(gevonden.group(2) or eerste)
    return (eerste, laatste) if eerste <= laatste else None
