"""The budget curve (``vergelijk --curve FONDS``): one fund's budget scaled in steps, the plan at each.

The model is loaded into the solver once (:class:`~budgetkoppeling.solve.Herberekening`); each
step hands it only the budget and carry-over bounds that change and re-solves warm from the
previous step's basis (bench/curve.py measures it against solving every step cold). The
marginal value between two steps is the extra weighted placements per EUR 100,000 of that
fund; at the base (factor 1) the shadow prices of the fund's ``budget`` and ``overheveling``
rows give the same slope where the base lies inside a step (:attr:`Curve.schaduwprijs`).
"""

from __future__ import annotations

import copy
import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .errors import InvoerFout, Probleem
from .invoer import Invoer
from .scenarios import pas_toe
from .tekst import bedoelt_u
from .validate import lees_en_valideer

if TYPE_CHECKING:
    from .solve import Oplossing

PER = 100_000  # marginal values per EUR 100,000


@dataclass
class Curvepunt:
    """One step of the curve: the fund's budget at ``factor`` and the plan it buys."""

    factor: float
    budget: float  # the fund's (region's) budget over every plan year, scaled
    status: str  # "optimaal" or "geen oplossing"
    gewogen_plaatsingen: float | None = None
    plaatsingen: float | None = None
    marginaal_per_100k: float | None = None  # from the previous step to this one
    warm: bool = False  # re-solved in place from the previous step's basis
    melding: str = ""


@dataclass
class Curve:
    invoer: Invoer
    fonds: str
    regio: str | None
    punten: list[Curvepunt]
    schaduwprijs: float | None  # d(weighted placements)/d(budget) x 100,000 at factor 1, from the duals
    oplosser: str
    seconden: float
    scenario: str = "basis"
    basis_stap: tuple[int, int] | None = field(default=None)  # the steps around factor 1, if any

    def als_json(self, doel: Path) -> dict:
        """What ``--json`` prints for this result, written to ``doel``."""
        from .rapport.scherm import curve_json

        return curve_json(self, doel)

    def op_scherm(self, doel: Path) -> list:
        """What the terminal shows: rich tables and Dutch sentences, in order."""
        from .rapport.scherm import curve_scherm

        return curve_scherm(self, doel)


def _controleer(invoer: Invoer, fonds: str, regio: str | None) -> None:
    """The fund (and region) of ``--curve`` must exist and have budget; a landelijk fund has no region."""
    if fonds not in invoer.fondsen:
        raise InvoerFout([Probleem(None, None, None, None,
                                   f"--curve {fonds}: dit fonds staat niet in het blad Fondsen"
                                   + (bedoelt_u(fonds, invoer.fondsen) or "; er zijn: " + ", ".join(invoer.fondsen)))])
    if regio is not None:
        if invoer.fondsen[fonds].landelijk:
            raise InvoerFout([Probleem("Fondsen", None, "landelijk", fonds,
                                       "dit fonds is landelijk en heeft geen regio; laat --regio weg")])
        if regio not in invoer.regios:
            raise InvoerFout([Probleem(None, None, None, None,
                                       f"--regio {regio}: deze regio staat niet in het blad Regios"
                                       + (bedoelt_u(regio, invoer.regios)
                                          or "; er zijn: " + ", ".join(invoer.regios)))])
    if not any(f == fonds and (regio is None or r == regio) and bedrag > 0
               for (f, r, _t), bedrag in invoer.budget.items()):
        waar = "" if regio is None else f" in regio '{regio}'"
        raise InvoerFout([Probleem("Budgetten", None, "fonds", fonds,
                                   f"dit fonds heeft geen budget{waar}; een curve schaalt een bestaand budget")])


def geschaald(invoer: Invoer, fonds: str, regio: str | None, factor: float) -> Invoer:
    """A copy of ``invoer`` with the fund's budget (in ``regio``, or everywhere) times ``factor``."""
    nieuw = copy.copy(invoer)
    nieuw.budget = {sleutel: bedrag * factor if sleutel[0] == fonds and (regio is None or sleutel[1] == regio)
                    else bedrag for sleutel, bedrag in invoer.budget.items()}
    return nieuw


def _schaduwprijs(oplossing: Oplossing, fonds: str, regio: str | None) -> float:
    """The slope of the objective in the fund's total budget at this plan, per EUR 100,000.

    Scaling every budget row of the fund by (1 + e) moves each ``budget`` bound by e x Budget and
    each ``overheveling`` bound by e x overheveling x Budget; the objective moves by e times the
    duals' sum of those, and the total budget by e x its sum."""
    invoer = oplossing.model.invoer
    helling = totaal = 0.0
    for familie, aandeel in (("budget", 1.0), ("overheveling", invoer.fondsen[fonds].overheveling)):
        if not oplossing.heeft(familie):
            continue
        for f, r, t, dual in oplossing.rijen(familie).select("fonds", "regio", "jaar", "dual").iter_rows():
            if f == fonds and (regio is None or r == regio):
                helling += dual * aandeel * invoer.budget.get((f, r, t), 0.0)
    for (f, r, _t), bedrag in invoer.budget.items():
        if f == fonds and (regio is None or r == regio):
            totaal += bedrag
    return helling / totaal * PER if totaal else 0.0


def budgetcurve(pad: Path, fonds: str, uitvoer: Path | None = None, *, regio: str | None = None,
                van: float = 0.8, tot: float = 1.2, stappen: int = 9, scenario: str = "basis",
                oplosser: str | None = None, voortgang: Callable[[float, int, int], None] | None = None,
                datum: datetime.date | None = None) -> Curve:
    """Solve the plan with ``fonds``'s budget (every plan year; only ``regio`` if given) scaled from
    ``van`` to ``tot`` in ``stappen`` equal steps; write the curve workbook to ``uitvoer``."""
    from .errors import GeenOplossing
    from .sessie import Sessie
    from .solve import oplosser_versie

    if not (0 <= van < tot) or stappen < 2:
        raise ValueError("een curve vraagt 0 <= van < tot en minstens twee stappen")
    begin = time.perf_counter()
    invoer = pas_toe(lees_en_valideer(Path(pad)), scenario)
    _controleer(invoer, fonds, regio)
    factoren = [round(float(f), 12) for f in np.linspace(van, tot, stappen)]  # 0.85, not 0.8500000000000001
    totaal = sum(b for (f, r, _t), b in invoer.budget.items() if f == fonds and (regio is None or r == regio))
    melding = voortgang or (lambda factor, klaar, aantal: None)
    punten: list[Curvepunt] = []
    schaduwprijs = None
    # one session: each step is the fund's budget row of the Scenarios sheet, re-solved warm in place
    # from the previous step's basis (a step without a plan: the next starts from the last plan's)
    sessie = Sessie(Path(pad), invoer, oplosser=oplosser)
    for nummer, factor in enumerate(factoren):
        sessie.herstel()
        sessie.pas_aan({"aanpassing": "budget", "fonds": fonds, "regio": regio, "factor": factor})
        try:
            oplossing = sessie.los_op().oplossing
        except GeenOplossing as fout:
            punt = Curvepunt(factor, factor * totaal, "geen oplossing", warm=sessie.warm, melding=fout.melding)
        else:
            punt = Curvepunt(factor, factor * totaal, "optimaal", oplossing.doelwaarde, oplossing.plaatsingen,
                             warm=sessie.warm)
            if abs(factor - 1.0) < 1e-12:
                schaduwprijs = _schaduwprijs(oplossing, fonds, regio)
        vorige = punten[-1] if punten else None
        if vorige is not None and vorige.gewogen_plaatsingen is not None and punt.gewogen_plaatsingen is not None:
            punt.marginaal_per_100k = ((punt.gewogen_plaatsingen - vorige.gewogen_plaatsingen)
                                       / (punt.budget - vorige.budget) * PER)
        punten.append(punt)
        melding(factor, nummer + 1, len(factoren))
    basis_stap = next(((k - 1, k) for k in range(1, len(factoren)) if factoren[k - 1] < 1 < factoren[k]), None)
    if schaduwprijs is None:  # factor 1 is not a step: its shadow prices from a solve of its own
        sessie.herstel()
        try:
            oplossing = sessie.los_op().oplossing
        except GeenOplossing:
            oplossing = None  # no plan at the input's budget: no price either
        if oplossing is not None:
            schaduwprijs = _schaduwprijs(oplossing, fonds, regio)
    naam = "highs" if sessie.oplosser == "highs" else "cbc"
    curve = Curve(invoer, fonds, regio, punten, schaduwprijs, oplosser_versie(naam), time.perf_counter() - begin,
                  scenario,
                  basis_stap)
    if uitvoer is not None:
        from .rapport import schrijf_curve

        schrijf_curve(curve, Path(uitvoer), Path(pad), datum)
    return curve
