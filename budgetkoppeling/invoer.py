"""The parameter formulas of SPEC §5, written once beside the clean input.

The clean input itself (:class:`Invoer` and the records it holds) lives here. The model,
the reports, the explanations and the evaluation of a hand-made plan all ask the same
questions of it: what a
cohort costs in each payment year, how much a placement is discounted, which share of
a cell a fund may pay. They ask them here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

ALLE = "alle"
ELK = "elk"

# the level a pot of money lives at (SPEC §4 Fondsen niveau): its budget rows are per municipality,
# per region or one for the whole country. LANDELIJK is also the region key of a national pot, in
# the input's keys, the model's frames and every report (the Fondsen sheet shows it).
GEMEENTE, REGIO, LANDELIJK = "gemeente", "regio", "landelijk"
NIVEAUS = (GEMEENTE, REGIO, LANDELIJK)
POTSLEUTELS = ("fonds", "regio", "jaar")  # the keys of a budget row; regio holds the pot (see Invoer.pot)
# a planning cell and its start year. Its `regio` is the unit of planning: the region, or with a Gemeenten
# sheet the municipality (SPEC §9); Invoer.regio_van gives a unit's region
COHORTSLEUTELS = ("regio", "instrument", "doelgroep", "jaar")
INZETSLEUTELS = ("regio", "instrument", "jaar")  # what an instrument gets in a region and year (max_verschuiving)


@dataclass(frozen=True)
class Fonds:
    naam: str
    soort: str
    niveau: str  # one of NIVEAUS
    overheveling: float
    vervaljaar: int | None
    vaststellingsrisico: float = 0.0  # the share of its payments a settlement may correct (family vaststelling)
    inbreng_uit: str | None = None  # a regional pool filled by its municipalities from this gemeente fund (inbreng)
    verdeelsleutel: str = "inwoners"  # how they fill it: inwoners | bijstand | gelijk | tabel
    min_tegenprestatie: float = 0.0  # the fairness floor alpha of a pool (family tegenprestatie)

    @property
    def landelijk(self) -> bool:
        return self.niveau == LANDELIJK

    @property
    def pool(self) -> bool:
        """A regional pot that the region's municipalities fill by a key (SPEC §9)."""
        return self.inbreng_uit is not None


@dataclass(frozen=True)
class Gemeente:
    naam: str
    regio: str
    inwoners: float | None
    bijstand: float | None


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
    gemeente: str | None = None  # with Gemeenten: the rule holds for this municipality's residents only


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
    budget: dict[tuple[str, str, int], float]  # (fonds, regio or LANDELIJK, jaar)
    verplichtingen: dict[tuple[str, str, int], float]
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
    realisatie_uitgaven: dict[tuple[str, str, int], float] = field(default_factory=dict)  # what funds paid
    vanaf: int | None = None  # herijking (--vanaf): the years before are realised (family realisatie)
    onzekerheid: list[Onzekerheidsregel] = field(default_factory=list)  # the Onzekerheid sheet (onzekerheid)
    reservefonds: str | None = None  # holds the reserve of a fund with vaststellingsrisico (family vaststelling)
    gemeenten: dict[str, Gemeente] = field(default_factory=dict)  # the Gemeenten sheet: the units of planning
    verdeelsleutel: dict[tuple[str, str], float] = field(default_factory=dict)  # (pool, gemeente) -> share (tabel)
    verdeeld: dict[str, dict] = field(default_factory=dict)  # sheet -> the keys its regio-only rows were spread by

    @property
    def jaren(self) -> list[int]:
        return list(range(self.start, self.eind + 1))

    @property
    def eenheden(self) -> list[str]:
        """The units of planning, in the order of the input: the municipalities, else the regions."""
        return list(self.gemeenten) if self.gemeenten else list(self.regios)

    @functools.cached_property
    def regio_van(self) -> dict[str, str]:
        """unit -> its region (a region is its own); once per input (the model asks it per fund and unit)."""
        if not self.gemeenten:
            return {r: r for r in self.regios}
        return {naam: gemeente.regio for naam, gemeente in self.gemeenten.items()}

    def pot(self, fonds: str, eenheid: str) -> str:
        """The key of the budget row of ``fonds`` that pays for the residents of ``eenheid``: the unit
        itself (niveau gemeente), its region (regio) or LANDELIJK."""
        niveau = self.fondsen[fonds].niveau
        if niveau == LANDELIJK:
            return LANDELIJK
        return eenheid if niveau == GEMEENTE else self.regio_van[eenheid]

    def aandelen(self, pool: str) -> dict[str, float]:
        """a[m]: each municipality's share of the pool of its region, by the pool's verdeelsleutel (SPEC §9)."""
        sleutel = self.fondsen[pool].verdeelsleutel
        if sleutel == "tabel":
            return {m: self.verdeelsleutel.get((pool, m), 0.0) for m in self.gemeenten}
        return verdeel(self.gemeenten, sleutel)

    @property
    def trekt_alleen_kansen(self) -> bool:
        """Every Onzekerheid row is a chance: the optimum for the drawn chances is SPEC §8's optimum."""
        return all(regel.grootheid == "plaatsingskans" for regel in self.onzekerheid)

    def op_scherm(self) -> list[str]:
        """What ``valideer`` shows for a valid workbook."""
        from .tekst import aantal

        gemeenten = f" ({aantal(len(self.gemeenten), 'gemeente', 'gemeenten')})" if self.gemeenten else ""
        return [f"De invoer is in orde: {aantal(len(self.regios), 'regio', 'regio’s')}{gemeenten}, "
                f"{aantal(len(self.fondsen), 'fonds', 'fondsen')}, "
                f"{aantal(len(self.instrumenten), 'instrument', 'instrumenten')}, "
                f"{aantal(len(self.doelgroepen), 'doelgroep', 'doelgroepen')}, "
                f"planperiode {self.start}-{self.eind}."]

    def als_json(self) -> dict:
        """What ``valideer --json`` prints for a valid workbook."""
        return {"status": "geldig", "meldingen": self.meldingen, "problemen": []}


def verdeel(gemeenten: dict[str, Gemeente], sleutel: str) -> dict[str, float]:
    """Each municipality's share of its region by ``sleutel`` (inwoners | bijstand | gelijk); a region
    whose key sums to 0 gives every municipality an equal share."""
    waarde = {m: 1.0 if sleutel == "gelijk" else (getattr(g, sleutel) or 0.0) for m, g in gemeenten.items()}
    som: dict[str, float] = {}
    aantal: dict[str, int] = {}
    for m, g in gemeenten.items():
        som[g.regio] = som.get(g.regio, 0.0) + waarde[m]
        aantal[g.regio] = aantal.get(g.regio, 0) + 1
    return {m: waarde[m] / som[g.regio] if som[g.regio] > 0 else 1.0 / aantal[g.regio]
            for m, g in gemeenten.items()}


def jaarreeks(tekst: str) -> tuple[int, int] | None:
    """'2028' or '2028-2030' (also with spaces or 2028.0) as (first, last); None if neither."""
    gevonden = re.fullmatch(r"\s*(\d{4})(?:\.0)?\s*(?:-\s*(\d{4})(?:\.0)?\s*)?", tekst)
    if not gevonden:
        return None
    eerste = int(gevonden.group(1))
    laatste = int(gevonden.group(2) or eerste)
    return (eerste, laatste) if eerste <= laatste else None


def discontering(invoer: Invoer, plaatsingsjaar: int) -> float:
    """1 / (1 + disconteringsvoet)^(plaatsingsjaar - start)."""
    return (1 + invoer.disconteringsvoet) ** -(plaatsingsjaar - invoer.start)


def indexatie(invoer: Invoer, jaar: int) -> float:
    """(1 + kostenindexatie)^(jaar - start): the cost index of a payment year."""
    return (1 + invoer.kostenindexatie) ** (jaar - invoer.start)


def betaaljaren(invoer: Invoer, instrument: str, startjaar: int) -> range:
    """The years in which a cohort starting in ``startjaar`` is paid for (also past the plan)."""
    return range(startjaar, startjaar + invoer.instrumenten[instrument].duur)


def cohortkosten(invoer: Invoer, instrument: str, startjaar: int) -> list[tuple[int, float]]:
    """(payment year, euros per participant) of a cohort: k(i) (1 + kostenindexatie)^(jaar - start)."""
    tarief = invoer.instrumenten[instrument].kosten
    return [(jaar, tarief * indexatie(invoer, jaar)) for jaar in betaaljaren(invoer, instrument, startjaar)]


def max_aandeel(invoer: Invoer, fonds: str, instrument: str, doelgroep: str,
                gemeente: str | None = None) -> float | None:
    """The share of a cell's cost fund f may pay: the most specific rule wins.

    Both named beats one named beats none named; among equally specific rules (one
    on the instrument, one on the group) the smaller share holds. None: no rule. A rule
    that names a municipality holds for its residents only (``gemeente``: the cell's unit)
    and counts as one more name.
    """
    beste: tuple[int, float] | None = None
    for regel in invoer.financieringsregels:
        if regel.fonds != fonds:
            continue
        if regel.instrument not in (None, instrument) or regel.doelgroep not in (None, doelgroep):
            continue
        if regel.gemeente not in (None, gemeente):
            continue
        specifiek = (regel.instrument is not None) + (regel.doelgroep is not None) + (regel.gemeente is not None)
        if beste is None or specifiek > beste[0]:
            beste = (specifiek, regel.max_aandeel)
        elif specifiek == beste[0]:
            beste = (specifiek, min(beste[1], regel.max_aandeel))
    return None if beste is None else beste[1]


def segment_factoren(invoer: Invoer) -> dict[tuple[str, int], float]:
    """The diminishing-returns factor of every (instrument, segment)."""
    return {(i, s.nummer): s.factor for i, segmenten in invoer.segmenten.items() for s in segmenten}


def plaatsingswaarde(invoer: Invoer, instrument: str, doelgroep: str, startjaar: int, segment: int) -> float:
    """The objective's coefficient of one participant: gewicht(g) p(i,g) factor(i,s) discount."""
    factor = {s.nummer: s.factor for s in invoer.segmenten[instrument]}[segment]
    return (invoer.doelgroepen[doelgroep] * invoer.effecten[(instrument, doelgroep)] * factor
            * discontering(invoer, startjaar + invoer.instrumenten[instrument].vertraging))


def besparing(invoer: Invoer, plaatsingen) -> float:
    """Benefits ended: sum of placements x uitkering_per_jaar(g) x besparing_jaren, discounted like the
    objective by the year of placement. ``plaatsingen``: (doelgroep, plaatsingsjaar, placements) rows."""
    return float(sum(aantal * invoer.uitkeringen.get(groep, 0.0) * invoer.besparing_jaren
                     * discontering(invoer, int(jaar)) for groep, jaar, aantal in plaatsingen))


@dataclass(frozen=True)
class Grootboekjaar:
    """A realised fund, region and year as its ledger (Realisatie_uitgaven) has it (SPEC §4)."""

    bedrag: float  # what the fund paid, commitments (Verplichtingen) included
    overheveling_in: float
    overheveling_uit: float  # min(overheveling x budget, budget + carry-in - bedrag), never below 0
    overschreden: float  # what it paid above budget + carry-in


def grootboek(invoer: Invoer) -> dict[tuple[str, str, int], Grootboekjaar]:
    """The ledger of a herijking: every realised fund, region and year (LANDELIJK for a landelijk
    fund) with a Realisatie_uitgaven row whose carry-in is known, that is, every year before it
    back to the plan's start has a row too. The ledger is the truth for money: the carry-over
    follows from it, and an overspend is reported, never netted against what is left."""
    if invoer.vanaf is None or invoer.vanaf <= invoer.start:
        return {}
    uitkomst = {}
    for fonds, regio in sorted({(f, r) for (f, r, t) in invoer.realisatie_uitgaven if t < invoer.vanaf},
                               key=lambda pot: (pot[0], "" if pot[1] == LANDELIJK else pot[1])):
        gegevens = invoer.fondsen[fonds]
        laatste = invoer.eind if gegevens.vervaljaar is None else min(invoer.eind, gegevens.vervaljaar)
        erin = 0.0
        for jaar in range(invoer.start, invoer.vanaf):
            bedrag = invoer.realisatie_uitgaven.get((fonds, regio, jaar))
            if bedrag is None:
                break  # from here the carry-in is the model's: the ledger of this year is unknown
            budget = invoer.budget.get((fonds, regio, jaar), 0.0)
            ruimte = budget + erin - bedrag
            uit = max(0.0, min(gegevens.overheveling * budget, ruimte)) if jaar < laatste else 0.0
            uitkomst[(fonds, regio, jaar)] = Grootboekjaar(bedrag, erin, uit, max(0.0, -ruimte))
            erin = uit
    return uitkomst
