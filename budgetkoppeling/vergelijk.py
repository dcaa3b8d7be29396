"""Scenario comparison (``vergelijk``) and evaluation of a hand-made plan (``evalueer``).

The input is read and validated once. Each scenario is solved in its own worker
process when there is more than one (spawned, not forked: polars' thread pool does
not survive a fork), and each worker returns plain figures, so that serial and
parallel runs give identical workbooks.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GeenOplossing
from .scenarios import pas_toe, scenario_namen
from .validate import Invoer, lees_en_valideer


@dataclass
class Uitkomst:
    """The figures of one solved (or unsolvable) scenario."""

    scenario: str
    status: str  # "optimaal" or "geen oplossing"
    kerncijfers: dict[str, float] = field(default_factory=dict)
    per_fonds: dict[str, float] = field(default_factory=dict)
    per_regio: dict[str, float] = field(default_factory=dict)
    per_instrument: dict[str, float] = field(default_factory=dict)
    per_jaar: dict[int, float] = field(default_factory=dict)
    oplosser: str = ""
    melding: str = ""
    tekorten: list[dict] = field(default_factory=list)


@dataclass
class Vergelijking:
    invoer: Invoer
    uitkomsten: list[Uitkomst]
    seconden: float
    parallel: bool


def los_scenario_op(invoer: Invoer, oplosser: str | None, **opties) -> Uitkomst:
    """Solve one (already adjusted) input and reduce the plan to its figures. Runs in a worker.

    ``opties`` go to :func:`~budgetkoppeling.model.bouw_met_grens` (the evaluation's extra limits).
    """
    from .model import bouw, bouw_met_grens
    from .report import Plan
    from .solve import los_op

    try:
        model = bouw_met_grens(invoer, **opties) if opties else bouw(invoer)
        oplossing = los_op(model, oplosser or invoer.oplosser)
    except GeenOplossing as fout:
        return Uitkomst(invoer.scenario, "geen oplossing", melding=fout.melding, tekorten=fout.tekorten)
    plan = Plan(oplossing, Path(""))
    cijfers = plan.kerncijfers
    if "min_doel" in opties:  # the solver minimised spending; report the objective, not that
        cijfers["gewogen_plaatsingen"] = float(oplossing.model.plaatsingsdoel @ oplossing.kolomwaarden)

    def som(frame, sleutel: str, waarde: str) -> dict:
        totalen: dict = defaultdict(float)
        for rij in frame.select(sleutel, waarde).iter_rows():
            totalen[rij[0]] += rij[1]
        return dict(totalen)

    return Uitkomst(
        scenario=invoer.scenario, status="optimaal", kerncijfers=cijfers,
        per_fonds=som(plan.fondsen, "fonds", "besteed"),
        per_regio=som(plan.allocatie, "regio", "plaatsingen"),
        per_instrument=som(plan.allocatie, "instrument", "deelnemers"),
        per_jaar=som(plan.allocatie, "plaatsingsjaar", "plaatsingen"),
        oplosser=oplossing.oplosser_versie,
    )


def _start_werker() -> None:
    """A worker's start-up: import what solving a scenario needs."""
    from . import model, report, solve  # noqa: F401


def _werkers(aantal: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of ``aantal`` worker processes, started now (spawned, not forked: see above)."""
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=aantal, mp_context=multiprocessing.get_context("spawn"), initializer=_start_werker)
    for _ in range(aantal):  # the pool starts a process per task that finds no idle one
        pool.submit(int)
    return pool


def vergelijk(
    pad: Path,
    uitvoer: Path | None = None,
    scenarios: list[str] | None = None,
    *,
    oplosser: str | None = None,
    parallel: bool = True,
    voortgang: Callable[[str, int, int], None] | None = None,
) -> Vergelijking:
    """Solve ``basis`` and each scenario (all of the sheet by default); write the comparison workbook.

    ``voortgang(scenario, klaar, totaal)`` is called as scenarios finish.
    """
    begin = time.perf_counter()
    werkers = min(os.cpu_count() or 1, 2) if parallel else 1
    # start the workers first: they import the solver stack while this process reads the input
    pool = _werkers(werkers) if werkers > 1 else None
    klaar = False
    try:
        invoer = lees_en_valideer(Path(pad))
        namen = ["basis"] + [n for n in (scenarios or scenario_namen(invoer)[1:]) if n != "basis"]
        namen = list(dict.fromkeys(namen))
        aangepast = [pas_toe(invoer, naam) for naam in namen]  # raises InvoerFout before any solving
        melding = voortgang or (lambda scenario, klaar, totaal: None)
        uitkomsten: dict[str, Uitkomst] = {}
        if pool is not None and len(aangepast) > 1:
            taken = {pool.submit(los_scenario_op, inv, oplosser): inv.scenario for inv in aangepast}
            for taak in concurrent.futures.as_completed(taken):
                uitkomst = taak.result()
                uitkomsten[uitkomst.scenario] = uitkomst
                melding(uitkomst.scenario, len(uitkomsten), len(aangepast))
        else:
            for inv in aangepast:
                uitkomsten[inv.scenario] = los_scenario_op(inv, oplosser)
                melding(inv.scenario, len(uitkomsten), len(aangepast))
        klaar = True
    finally:
        if pool is not None:  # after an error, or unused: not waited for (its workers stop when idle)
            pool.shutdown(wait=klaar and len(aangepast) > 1, cancel_futures=True)
    vergelijking = Vergelijking(invoer, [uitkomsten[n] for n in namen], time.perf_counter() - begin,
                                pool is not None and len(aangepast) > 1)
    if uitvoer is not None:
        from .report import schrijf_vergelijking

        schrijf_vergelijking(vergelijking, Path(uitvoer), Path(pad))
    return vergelijking


# ----------------------------------------------------------------------------- evalueer


@dataclass
class Evaluatie:
    """A hand-made plan beside the optimum."""

    invoer: Invoer
    uitvoerbaar: bool
    tekorten: list[dict]
    huidig: dict[str, float]  # kerncijfers of the hand plan
    huidige_allocatie: list[dict]
    optimum: Uitkomst  # the whole budget
    zelfde_geld: Uitkomst  # the most weighted placements for at most the hand plan's spending
    zelfde_plaatsingen: Uitkomst  # the least spending for at least its weighted placements


def hand_plan_cijfers(invoer: Invoer) -> tuple[dict[str, float], list[dict]]:
    """Cost and expected placements of the Huidige_verdeling, computed directly from the sheet.

    Each cell fills its segments in order (most promising first), as the model does;
    participants above the potential count at the last segment's factor.
    """
    from .invoer import betaaljaren, discontering, indexatie

    rijen, totaal = [], defaultdict(float)
    for (regio, instrument, doelgroep, jaar), aantal in sorted(invoer.huidige_verdeling.items()):
        potentieel = invoer.potentieel.get((regio, doelgroep, jaar), 0.0)
        rest, gewogen_aantal = aantal, 0.0
        segmenten = invoer.segmenten[instrument]
        for nummer, segment in enumerate(segmenten):
            deel = rest if nummer == len(segmenten) - 1 else min(rest, segment.aandeel * potentieel)
            gewogen_aantal += deel * segment.factor
            rest -= deel
        plaatsingen = invoer.effecten[(instrument, doelgroep)] * gewogen_aantal
        gegevens = invoer.instrumenten[instrument]
        kosten = [gegevens.kosten * indexatie(invoer, j) * aantal for j in betaaljaren(invoer, instrument, jaar)]
        binnen = sum(k for j, k in zip(betaaljaren(invoer, instrument, jaar), kosten) if j <= invoer.eind)
        rijen.append({"regio": regio, "instrument": instrument, "doelgroep": doelgroep, "startjaar": jaar,
                      "deelnemers": aantal, "kosten": sum(kosten), "plaatsingen": plaatsingen,
                      "plaatsingsjaar": jaar + gegevens.vertraging})
        totaal["plaatsingen"] += plaatsingen
        totaal["gewogen_plaatsingen"] += (invoer.doelgroepen[doelgroep] * plaatsingen
                                          * discontering(invoer, jaar + gegevens.vertraging))
        totaal["deelnemers"] += aantal
        totaal["uitgaven"] += binnen
        totaal["verplichtingen_na_planperiode"] += sum(kosten) - binnen
    cijfers = {k: totaal[k] for k in ("plaatsingen", "gewogen_plaatsingen", "deelnemers", "uitgaven",
                                      "verplichtingen_na_planperiode")}
    cijfers["kosten_per_plaatsing"] = cijfers["uitgaven"] / cijfers["plaatsingen"] if cijfers["plaatsingen"] else 0.0
    return cijfers, rijen


def evalueer(pad: Path, uitvoer: Path | None = None, *, oplosser: str | None = None,
             voortgang: Callable[[str], None] | None = None) -> Evaluatie:
    """Check whether the Huidige_verdeling can be financed, and set the optimum beside it."""
    from .diagnose import diagnose
    from .errors import InvoerFout, Probleem
    from .model import bouw_vast
    from .report import Plan
    from .solve import kies_oplosser, los_op

    melding = voortgang or (lambda stap: None)
    melding("Invoer lezen en controleren")
    invoer = lees_en_valideer(Path(pad))
    if not invoer.huidige_verdeling:
        raise InvoerFout([Probleem("Huidige_verdeling", None, None, None,
                                   "blad ontbreekt of is leeg: vul per regio, instrument, doelgroep en "
                                   "startjaar het aantal deelnemers in")])
    melding("Huidige verdeling doorrekenen")
    huidig, allocatie = hand_plan_cijfers(invoer)
    model = bouw_vast(invoer, invoer.huidige_verdeling)
    tekorten: list[dict] = []
    try:
        oplossing = los_op(model, oplosser or invoer.oplosser)
        if model.onmogelijk:
            raise diagnose(model, kies_oplosser(model, oplosser or invoer.oplosser))
        plan = Plan(oplossing, Path(pad))
        huidig["gewogen_plaatsingen"] = oplossing.doelwaarde
        huidig["uitgaven"] = plan.kerncijfers["uitgaven"]
    except GeenOplossing as fout:
        tekorten = fout.tekorten
    melding("Optimum berekenen")
    optimum = los_scenario_op(invoer, oplosser)
    zelfde_geld = los_scenario_op(invoer, oplosser, max_uitgaven=huidig["uitgaven"])
    zelfde_plaatsingen = los_scenario_op(invoer, oplosser, min_doel=huidig["gewogen_plaatsingen"])
    evaluatie = Evaluatie(invoer, not tekorten, tekorten, huidig, allocatie, optimum, zelfde_geld,
                          zelfde_plaatsingen)
    if uitvoer is not None:
        melding("Werkboek schrijven")
        from .report import schrijf_evaluatie

        schrijf_evaluatie(evaluatie, Path(uitvoer), Path(pad))
    return evaluatie
