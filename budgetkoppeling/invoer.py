"""The parameter formulas of SPEC §5, written once beside the clean input.

The model, the reports, the explanations and the evaluation of a hand-made plan all ask
the same questions of a validated :class:`~budgetkoppeling.validate.Invoer`: what a
cohort costs in each payment year, how much a placement is discounted, which share of
a cell a fund may pay. They ask them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .validate import Invoer


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


def max_aandeel(invoer: Invoer, fonds: str, instrument: str, doelgroep: str) -> float | None:
    """The share of a cell's cost fund f may pay: the most specific rule wins.

    Both named beats one named beats none named; among equally specific rules (one
    on the instrument, one on the group) the smaller share holds. None: no rule.
    """
    beste: tuple[int, float] | None = None
    for regel in invoer.financieringsregels:
        if regel.fonds != fonds:
            continue
        if regel.instrument not in (None, instrument) or regel.doelgroep not in (None, doelgroep):
            continue
        specifiek = (regel.instrument is not None) + (regel.doelgroep is not None)
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


def grootboek(invoer: Invoer) -> dict[tuple[str, str | None, int], Grootboekjaar]:
    """The ledger of a herijking: every realised fund, region and year (region None for a landelijk
    fund) with a Realisatie_uitgaven row whose carry-in is known, that is, every year before it
    back to the plan's start has a row too. The ledger is the truth for money: the carry-over
    follows from it, and an overspend is reported, never netted against what is left."""
    if invoer.vanaf is None or invoer.vanaf <= invoer.start:
        return {}
    uitkomst = {}
    for fonds, regio in sorted({(f, r) for (f, r, t) in invoer.realisatie_uitgaven if t < invoer.vanaf},
                               key=lambda pot: (pot[0], pot[1] or "")):
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
