"""budgetkoppeling: bundle funding pots and allocate them optimally (SPEC.md).

The pipeline is read -> validate -> model -> solve -> report; :func:`optimaliseer`
chains it. Heavy imports (polars, pandera, PuLP) happen inside the functions, so
that ``budgetkoppeling --help`` starts fast.
"""

from __future__ import annotations

import datetime
import sys
import time
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BestandFout, BudgetkoppelingFout, GeenOplossing, InvoerFout
from .versie import __version__

__all__ = ["VOORBEELD", "VOORBEELD_GEMEENTEN", "BestandFout", "BudgetkoppelingFout", "GeenOplossing", "InvoerFout",
           "Sessie", "__version__", "budgetcurve", "evalueer", "foutrapport", "maak_sjabloon", "onzekerheid",
           "optimaliseer", "valideer", "verken", "vergelijk"]

if TYPE_CHECKING:
    from .curve import Curve
    from .evaluatie import Evaluatie
    from .invoer import Invoer
    from .onzekerheidsanalyse import Analyse
    from .rapport import Plan
    from .vergelijking import Vergelijking
    from .verkenner import Verkenner

def __getattr__(naam: str):
    """``from budgetkoppeling import Sessie`` without importing the solver stack for ``--help``."""
    if naam == "Sessie":
        from .sessie import Sessie

        return Sessie
    raise AttributeError(f"module {__name__!r} has no attribute {naam!r}")


# shipped inside the package (a wheel has no inputs/ folder); inputs/ holds the same file for the checkout
VOORBEELD = Path(str(resources.files(__name__) / "data" / "voorbeeld_nederland.xlsx"))
# the same at municipal level (SPEC §9): every municipality of today's division, each region's pot
VOORBEELD_GEMEENTEN = Path(str(resources.files(__name__) / "data" / "voorbeeld_gemeenten.xlsx"))


def valideer(pad: Path) -> Invoer:
    """Read and validate an input workbook; raises ``InvoerFout`` listing every problem."""
    from .validate import lees_en_valideer

    return lees_en_valideer(Path(pad))


def optimaliseer(
    pad: Path,
    uitvoer: Path | None = None,
    *,
    scenario: str = "basis",
    oplosser: str | None = None,
    geheel: bool = False,
    schrijf_lp: Path | None = None,
    voortgang=None,
    datum: datetime.date | None = None,
    vanaf: int | None = None,
    tijdslimiet: float | None = 120.0,
) -> Plan:
    """Validate, build, solve and (with ``uitvoer``) write the plan workbook.

    ``vanaf``: re-plan from that year on (herijking); the years before are fixed to the sheets
    Realisatie and Realisatie_uitgaven (:mod:`budgetkoppeling.herijking`).

    ``oplosser`` None takes the workbook's setting (default ``auto``). ``datum`` is the
    calculation date the workbook shows (default today).
    ``voortgang(stap)`` is called with a Dutch description before each stage (and, while a MIP is
    solved, with how far it is). ``tijdslimiet``: seconds for the MIP of ``geheel`` (None: no limit);
    the best plan found then is written, with its gap in Info and the Toelichting.
    """
    from .sessie import Sessie

    begin = time.perf_counter()
    fasen: list[tuple[str, float, float]] = []

    def melding(stap: str) -> None:
        fasen.append((stap, time.perf_counter(), _piekgeheugen_mb()))
        if voortgang is not None:
            voortgang(stap)

    with Sessie.open(pad, scenario, oplosser, geheel=geheel, vanaf=vanaf, tijdslimiet=tijdslimiet, datum=datum,
                     voortgang=melding) as sessie:
        plan = sessie.los_op(voortgang=voortgang or (lambda _: None), schrijf_lp=schrijf_lp)
    if uitvoer is not None:
        melding("Werkboek schrijven")
        plan.schrijf(uitvoer)
    fasen.append(("klaar", time.perf_counter(), _piekgeheugen_mb()))
    plan.looptijd = time.perf_counter() - begin
    plan.fasen = [{"fase": stap, "seconden": round(eind - start, 3), "piekgeheugen_mb": round(piek, 1)}
                  for (stap, start, _), (_, eind, piek) in zip(fasen, fasen[1:])]
    return plan


def vergelijk(pad: Path, uitvoer: Path | None = None, scenarios: list[str] | None = None, **opties) -> Vergelijking:
    """Solve ``basis`` and each scenario and (with ``uitvoer``) write the comparison workbook; see
    :func:`budgetkoppeling.vergelijking.vergelijk` for the options."""
    from .vergelijking import vergelijk as _vergelijk

    return _vergelijk(Path(pad), uitvoer, scenarios, **opties)


def budgetcurve(pad: Path, fonds: str, uitvoer: Path | None = None, **opties) -> Curve:
    """``vergelijk --curve``: the plan with ``fonds``'s budget scaled in steps, and (with ``uitvoer``)
    the curve workbook; see :func:`budgetkoppeling.curve.budgetcurve` for the options."""
    from .curve import budgetcurve as _budgetcurve

    return _budgetcurve(Path(pad), fonds, uitvoer, **opties)


def evalueer(pad: Path, uitvoer: Path | None = None, **opties) -> Evaluatie:
    """Check the hand-made plan of Huidige_verdeling and set the optima beside it; see
    :func:`budgetkoppeling.evaluatie.evalueer`."""
    from .evaluatie import evalueer as _evalueer

    return _evalueer(Path(pad), uitvoer, **opties)


def onzekerheid(pad: Path, uitvoer: Path | None = None, trekkingen: int = 200, **opties) -> Analyse:
    """Bands for the plan, the robust plan and the value of better evidence under ``trekkingen``
    draws of the Onzekerheid sheet (SPEC §8); see :func:`budgetkoppeling.onzekerheidsanalyse.analyseer`."""
    from .onzekerheidsanalyse import analyseer

    datum = opties.pop("datum", None)
    begin = time.perf_counter()
    analyse = analyseer(Path(pad), trekkingen_=trekkingen, **opties)
    if uitvoer is not None:
        from .rapport.onzekerheid import schrijf_onzekerheid

        schrijf_onzekerheid(analyse, Path(uitvoer), Path(pad), datum)
        analyse.tijden["werkboek"] = time.perf_counter() - begin - analyse.seconden
        analyse.seconden = time.perf_counter() - begin
    return analyse


def verken(pad: Path, *, scenario: str = "basis", oplosser: str | None = None, datum: datetime.date | None = None,
           voortgang=None) -> Verkenner:
    """The what-if page's state (SPEC §10): the input read, validated and solved once; its
    ``serveer(poort, bij_start=...)`` serves the page on 127.0.0.1 until Ctrl-C."""
    from .verkenner import Verkenner

    return Verkenner(Path(pad), scenario, oplosser, datum, voortgang)


def _piekgeheugen_mb() -> float:
    """The process's peak resident memory so far (0 where the platform cannot tell)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    piek = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return piek / 1024 / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, kB on Linux


def maak_sjabloon(doel: Path, leeg: bool = False, gemeenten: bool = False) -> None:
    """Write the input template (every sheet; a small example region unless ``leeg``, planned per
    municipality with ``gemeenten``)."""
    from .sjabloon import schrijf_sjabloon

    schrijf_sjabloon(Path(doel), leeg=leeg, gemeenten=gemeenten)


def foutrapport(problemen, doel: Path, invoer: Path | None = None) -> None:
    """Write the problems of an ``InvoerFout`` as a workbook (``valideer --rapport``)."""
    from .rapport import schrijf_foutrapport

    schrijf_foutrapport(problemen, Path(doel), invoerpad=invoer)
