"""Scenario comparison (``vergelijk``).

The input is read and validated once. The base is solved first, here; every scenario
then starts warm from the base's optimal basis (a third of a cold solve, bench/README.md),
in a worker process when that pays (spawned, not forked: polars' thread pool does not
survive a fork). Each worker returns plain figures, and each scenario starts from the same
basis wherever it runs, so that serial and parallel runs give identical workbooks.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GeenOplossing
from .invoer import Invoer
from .scenarios import pas_toe, scenario_namen
from .validate import lees_en_valideer
from .werkers import beeindig_werkers, dask_executor, lokale_werkers, na_elkaar


@dataclass
class Scenariocijfers:
    """The figures of one solved (or unsolvable) scenario."""

    scenario: str
    status: str  # "optimaal" or "geen oplossing"
    kerncijfers: dict[str, float] = field(default_factory=dict)
    per_fonds: dict[str, float] = field(default_factory=dict)
    per_regio: dict[str, float] = field(default_factory=dict)
    per_instrument: dict[str, float] = field(default_factory=dict)
    per_jaar: dict[int, float] = field(default_factory=dict)
    # with Gemeenten (SPEC §9): per municipality over the plan period
    netto_kosten_per_gemeente: dict[str, float] = field(default_factory=dict)
    plaatsingen_per_gemeente: dict[str, float] = field(default_factory=dict)
    # for the memo per scenario (Toelichting): spending, carry-over and starts per year, spending per
    # fund and year, and what binds
    uitgaven_per_jaar: dict[int, float] = field(default_factory=dict)
    overheveling_per_jaar: dict[int, float] = field(default_factory=dict)
    starts_per_jaar: dict[int, float] = field(default_factory=dict)
    per_fonds_jaar: dict[tuple[str, int], float] = field(default_factory=dict)
    plaatsingen_per_instrument_jaar: dict[tuple[str, int], float] = field(default_factory=dict)
    bindende_budgetten: dict[str, int] = field(default_factory=dict)  # fund -> budget rows with a shadow price
    budgetrijen: dict[str, int] = field(default_factory=dict)  # fund -> budget rows
    bindende_regels: list[str] = field(default_factory=list)  # rules (and koppelingen, the overgang) that bind
    oplosser: str = ""
    melding: str = ""
    tekorten: list[dict] = field(default_factory=list)


@dataclass
class Vergelijking:
    invoer: Invoer
    uitkomsten: list[Scenariocijfers]
    seconden: float
    parallel: bool

    @property
    def tabellen(self) -> dict:
        """Every table of the comparison workbook by sheet name, as polars frames."""
        from .rapport.vergelijking import tabellen

        return tabellen(self)

    def als_json(self, doel: Path) -> dict:
        """What ``--json`` prints for this result, written to ``doel``."""
        from .rapport.scherm import vergelijking_json

        return vergelijking_json(self, doel)

    def op_scherm(self, doel: Path) -> list:
        """What the terminal shows: rich tables and Dutch sentences, in order."""
        from .rapport.scherm import vergelijking_scherm

        return vergelijking_scherm(self, doel)


def los_scenario_op(invoer: Invoer, oplosser: str | None, start=None, **opties) -> Scenariocijfers:
    """Solve one (already adjusted) input and reduce the plan to its figures. Runs in a worker.

    ``start``: the base's :class:`~budgetkoppeling.solve.Startbasis`, to solve warm from;
    ``opties`` go to :func:`~budgetkoppeling.model.bouw_met_grens` (the evaluation's extra limits).
    """
    return _los_scenario_op(invoer, oplosser, start, False, opties)[0]


def _los_scenario_op(invoer: Invoer, oplosser: str | None, start, bewaar_basis: bool, opties: dict):
    """:func:`los_scenario_op`, with the plan's basis as well (None when ``bewaar_basis`` is False)."""
    from functools import partial

    from .model import bouw_met_grens
    from .sessie import Sessie

    sessie = Sessie(Path(""), invoer, oplosser=oplosser, start=start,
                    bouwer=partial(bouw_met_grens, **opties) if opties else None)
    try:
        plan = sessie.los_op()
    except GeenOplossing as fout:
        return _geen_plan(invoer, fout), None
    return _cijfers(invoer, plan, min_doel="min_doel" in opties), plan.oplossing.basis if bewaar_basis else None


def _geen_plan(invoer: Invoer, fout: GeenOplossing) -> Scenariocijfers:
    return Scenariocijfers(invoer.scenario, "geen oplossing", melding=fout.melding, tekorten=fout.tekorten)


def _cijfers(invoer: Invoer, plan, min_doel: bool = False) -> Scenariocijfers:
    """A solved plan reduced to the comparison's figures (``min_doel``: the solver minimised
    spending, so the objective is reported, not that)."""
    oplossing = plan.oplossing
    cijfers = plan.kerncijfers
    if min_doel:
        cijfers["gewogen_plaatsingen"] = oplossing.gewogen_plaatsingen

    def som(frame, sleutel: str, waarde: str) -> dict:
        totalen: dict = defaultdict(float)
        for rij in frame.select(sleutel, waarde).iter_rows():
            totalen[rij[0]] += rij[1]
        return dict(totalen)

    budget = oplossing.dual("budget")
    bindend_budget: dict[str, int] = defaultdict(int)
    budgetrijen: dict[str, int] = defaultdict(int)
    for fonds, dual in budget.select("fonds", "dual").iter_rows() if budget.height else []:
        budgetrijen[fonds] += 1
        bindend_budget[fonds] += dual > BINDEND
    regels = dict(zip(*oplossing.regels().select("omschrijving", "regel")))
    bindend = sorted({regels[r] for r, b in zip(plan.beleidsregels["regel"], plan.beleidsregels["bindend"])
                      if b == "ja"})
    if oplossing.heeft("koppeling"):
        koppelingen = oplossing.dual("koppeling")
        # one name per koppeling, whichever years bind
        bindend += sorted({f"koppeling {k.split(' [')[0]}"
                           for k, d in zip(koppelingen["koppeling"], koppelingen["dual"]) if abs(d) > BINDEND})
    if oplossing.heeft("overgang") and (oplossing.dual("overgang")["dual"].abs() > BINDEND).any():
        bindend.append("overgang")
    per_fonds_jaar: dict[tuple[str, int], float] = defaultdict(float)
    for fonds, jaar, bedrag in plan.fondsen.select("fonds", "jaar", "besteed").iter_rows():
        per_fonds_jaar[(fonds, jaar)] += bedrag
    per_instrument_jaar: dict[tuple[str, int], float] = defaultdict(float)
    for instrument, jaar, aantal in plan.allocatie.select("instrument", "plaatsingsjaar",
                                                           "plaatsingen").iter_rows():
        per_instrument_jaar[(instrument, jaar)] += aantal
    return Scenariocijfers(
        scenario=invoer.scenario, status="optimaal", kerncijfers=cijfers,
        per_fonds=som(plan.fondsen, "fonds", "besteed"),
        per_regio=som(plan.allocatie, "regio", "plaatsingen"),
        per_instrument=som(plan.allocatie, "instrument", "deelnemers"),
        per_jaar=som(plan.allocatie, "plaatsingsjaar", "plaatsingen"),
        netto_kosten_per_gemeente={} if plan.per_gemeente is None else som(plan.per_gemeente, "gemeente",
                                                                           "netto_kosten"),
        plaatsingen_per_gemeente={} if plan.per_gemeente is None else som(plan.per_gemeente, "gemeente",
                                                                          "plaatsingen"),
        uitgaven_per_jaar=som(plan.fondsen, "jaar", "besteed"),
        overheveling_per_jaar=som(plan.fondsen, "jaar", "overheveling_uit"),
        starts_per_jaar=som(plan.allocatie, "startjaar", "deelnemers"),
        per_fonds_jaar=dict(per_fonds_jaar), plaatsingen_per_instrument_jaar=dict(per_instrument_jaar),
        bindende_budgetten=dict(bindend_budget),
        budgetrijen=dict(budgetrijen), bindende_regels=bindend,
        oplosser=oplossing.oplosser_versie,
    )


BINDEND = 1e-9  # a dual above this: the budget or rule binds


PARALLEL_VANAF = 20_000  # cells (potential rows x instruments): measured in bench/README.md


def omvang(invoer: Invoer) -> int:
    """The size that decides serial or parallel: rows of Potentieel times instruments, about the
    number of participant cells before segments."""
    return len(invoer.potentieel) * len(invoer.instrumenten)


def vergelijk(
    pad: Path,
    uitvoer: Path | None = None,
    scenarios: list[str] | None = None,
    *,
    oplosser: str | None = None,
    parallel: bool | None = None,
    voortgang: Callable[[str, int, int], None] | None = None,
    datum: datetime.date | None = None,
    cluster: str | None = None,
    tls: dict | None = None,
) -> Vergelijking:
    """Solve ``basis`` and each scenario (all of the sheet by default); write the comparison workbook.

    ``parallel``: True on both cores, False one after the other, None (default) both cores only
    from :data:`PARALLEL_VANAF` cells on (below it starting the workers costs more than they save).
    ``voortgang(scenario, klaar, totaal)`` is called as scenarios finish; ``datum`` is the
    calculation date the workbook shows (default today). ``cluster``: the scenarios go to the Dask
    scheduler at that address instead (``tls``: its certificate files, :mod:`budgetkoppeling.werkers`).
    """
    if cluster is not None:
        with dask_executor(cluster, **(tls or {})) as executor:
            return _vergelijk(pad, uitvoer, scenarios, oplosser, voortgang, datum, executor, False)
    kernen = min(os.cpu_count() or 1, 2)
    # asked for: start the workers first, they import the solver stack while this process reads
    pool = lokale_werkers(kernen) if parallel and kernen > 1 else None
    return _vergelijk(pad, uitvoer, scenarios, oplosser, voortgang, datum, pool, parallel is None and kernen > 1)


def _vergelijk(pad: Path, uitvoer: Path | None, scenarios: list[str] | None, oplosser: str | None,
               voortgang: Callable[[str, int, int], None] | None, datum: datetime.date | None,
               pool: concurrent.futures.Executor | None, vanzelf: bool) -> Vergelijking:
    """:func:`vergelijk` with its executor: ``pool`` (None: serial; ``vanzelf``: start local workers
    when the size pays)."""
    begin = time.perf_counter()
    eigen = isinstance(pool, concurrent.futures.ProcessPoolExecutor)
    klaar = False
    try:
        invoer = lees_en_valideer(Path(pad))
        namen = ["basis"] + [n for n in (scenarios or scenario_namen(invoer)[1:]) if n != "basis"]
        namen = list(dict.fromkeys(namen))
        aangepast = [pas_toe(invoer, naam) for naam in namen]  # raises InvoerFout before any solving
        if pool is None and vanzelf and len(aangepast) > 1 and omvang(invoer) >= PARALLEL_VANAF:
            pool = lokale_werkers(min(os.cpu_count() or 1, 2))
            eigen = True
        melding = voortgang or (lambda scenario, klaar, totaal: None)
        uitkomsten: dict[str, Scenariocijfers] = {}
        # the base first, here (the workers start meanwhile); every scenario then starts warm from
        # its basis, so a scenario's plan does not depend on which worker solves it
        basis, start = _los_scenario_op(aangepast[0], oplosser, None, len(aangepast) > 1, {})
        uitkomsten[basis.scenario] = basis
        melding(basis.scenario, 1, len(aangepast))
        if pool is not None and len(aangepast) > 1:
            taken = [pool.submit(los_scenario_op, inv, oplosser, start) for inv in aangepast[1:]]
            for uitkomst in na_elkaar(taken, pool):
                uitkomsten[uitkomst.scenario] = uitkomst
                melding(uitkomst.scenario, len(uitkomsten), len(aangepast))
        else:
            for inv in aangepast[1:]:
                uitkomsten[inv.scenario] = los_scenario_op(inv, oplosser, start)
                melding(inv.scenario, len(uitkomsten), len(aangepast))
        klaar = True
    except BaseException:
        if eigen:  # interrupted or failed: end the workers now, mid-solve or not
            beeindig_werkers(pool)
        raise
    finally:
        if eigen:  # after an error, or unused: not waited for (its workers stop when idle)
            pool.shutdown(wait=klaar and len(aangepast) > 1, cancel_futures=True)
    vergelijking = Vergelijking(invoer, [uitkomsten[n] for n in namen], time.perf_counter() - begin,
                                pool is not None and len(aangepast) > 1)
    if uitvoer is not None:
        from .rapport import schrijf_vergelijking

        schrijf_vergelijking(vergelijking, Path(uitvoer), Path(pad), datum)
    return vergelijking
