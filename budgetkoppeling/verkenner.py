"""The what-if page (SPEC §10): the optimum that follows a slider, as a spreadsheet follows a cell.

:class:`Verkenner` holds one :class:`~budgetkoppeling.sessie.Sessie` on the opened input. The page's
state is a list of Scenarios rows (in the URL as ``rijen``); each state is applied to the session
and re-solved warm in place from the previous basis. One solve runs at a time; a request that a
newer one overtook while it waited is dropped (HTTP 204, which htmx leaves unswapped). What the
page shows of a state is kept (:data:`BEWAARD` states), so that a move back or a reload answers at
once; while the user looks, the next step of the slider moved last is solved ahead
(:meth:`Verkenner.vooruit`).

:func:`app` makes the Starlette application; every request must carry the token (``?token=``),
and only a Host of 127.0.0.1 is served (a page elsewhere cannot reach it by a DNS name). Nothing of
a request becomes a path: a scenario's name is text, cleaned for the copy's file name.
"""

from __future__ import annotations

import datetime
import html
import json
import math
import re
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BudgetkoppelingFout, GeenOplossing, InvoerFout

if TYPE_CHECKING:
    from .invoer import Invoer
    from .rapport import Plan
    from .sessie import Sessie

MAX_RIJEN = 200  # a state with more changes than this is refused (HTTP 400)
MAX_URL = 20_000  # characters of the rijen parameter
BEWAARD = 64  # states whose figures are kept
VOORUIT_NA = 0.5  # seconds without a new move before the page solves ahead (Verkenner.vooruit)
FACTOR_MIN, FACTOR_MAX, FACTOR_STAP = 0.5, 1.5, 0.05
ALLE = "alle"
PAGINA = resources.files(__package__) / "pagina"
STATISCH = {"htmx.min.js", "vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "verken.css", "verken.js"}


class Fout(BudgetkoppelingFout):
    """A request the page cannot serve: HTTP 400 with this Dutch message."""


# ----------------------------------------------------------------------------- the state


@dataclass
class Schuif:
    """A slider of the page and the Scenarios row it makes."""

    naam: str  # the form field
    label: str  # what it changes, for the eye and the screen reader
    groep: str  # fondsen | instrumenten | regels | overgang
    aanpassing: str
    filters: dict[str, str]
    minimum: float
    maximum: float
    stap: float
    standaard: float  # the opened state's value (factor 1, or the rule's value)
    eenheid: str = "factor"  # factor | waarde

    def rij(self, waarde: float) -> dict:
        sleutel = "factor" if self.eenheid == "factor" else "waarde"
        return {"aanpassing": self.aanpassing, **self.filters, sleutel: waarde}


def schuiven(invoer: Invoer) -> list[Schuif]:
    """The sliders of SPEC §10 for an input: each fund's budget, each instrument's cost and chance,
    each active rule's value, and max_verschuiving."""
    lijst = [Schuif(f"budget:{f}", f"Budget {f}", "fondsen", "budget", {"fonds": f}, FACTOR_MIN, FACTOR_MAX,
                    FACTOR_STAP, 1.0) for f in invoer.fondsen
             if any(b > 0 for (fonds, _r, _t), b in invoer.budget.items() if fonds == f)]
    for i in invoer.instrumenten:
        lijst.append(Schuif(f"kosten:{i}", f"Kosten {i}", "instrumenten", "kosten", {"instrument": i},
                            FACTOR_MIN, FACTOR_MAX, FACTOR_STAP, 1.0))
        lijst.append(Schuif(f"kans:{i}", f"Plaatsingskans {i}", "instrumenten", "plaatsingskans", {"instrument": i},
                            FACTOR_MIN, FACTOR_MAX, FACTOR_STAP, 1.0))
    gezien = set()
    for regel in invoer.beleidsregels:
        if not regel.actief or regel.regel in gezien:
            continue
        gezien.add(regel.regel)
        boven = max(abs(regel.waarde) * 2, 1.0)
        stap = _mooie_stap(boven / 100)
        lijst.append(Schuif(f"regel:{regel.regel}", f"Regel {regel.regel} ({regel.grootheid} {regel.operator})",
                            "regels", "regel_waarde", {"regel": regel.regel}, 0.0, boven, stap, regel.waarde,
                            "waarde"))
    if invoer.huidige_verdeling:
        huidig = invoer.max_verschuiving
        lijst.append(Schuif("max_verschuiving", "Maximale verschuiving per jaar (aandeel)", "overgang",
                            "max_verschuiving", {}, 0.0, 1.0, 0.01, 1.0 if huidig is None else huidig, "waarde"))
    for schuif in lijst:  # the opened value on the slider's grid: a browser moves a value between steps to one
        stappen = math.floor((schuif.standaard - schuif.minimum) / schuif.stap + 1e-9)
        schuif.minimum = round(schuif.standaard - stappen * schuif.stap, 10)
    return lijst


def _mooie_stap(ruw: float) -> float:
    """A round step near ``ruw``: 1, 2 or 5 times a power of ten."""
    macht = 10.0 ** math.floor(math.log10(ruw)) if ruw > 0 else 0.01
    return next(k * macht for k in (1, 2, 5, 10) if k * macht >= ruw * 0.75)


def lees_rijen(tekst: str | None) -> list[dict]:
    """The state from the URL's ``rijen``: a JSON list of Scenarios rows (objects of texts and
    numbers); raises :class:`Fout` otherwise."""
    if tekst is None or tekst.strip() == "":
        return []
    if len(tekst) > MAX_URL:
        raise Fout(f"De toestand is te lang (meer dan {MAX_URL} tekens).")
    try:
        rijen = json.loads(tekst)
    except ValueError:
        raise Fout("De toestand in de adresregel (rijen) is geen geldige JSON.") from None
    if not isinstance(rijen, list) or not all(isinstance(r, dict) for r in rijen):
        raise Fout("De toestand (rijen) moet een lijst van Scenarios-regels zijn, zoals "
                   '[{"aanpassing": "budget", "fonds": "ESF+", "factor": 1.1}].') from None
    if len(rijen) > MAX_RIJEN:
        raise Fout(f"De toestand heeft {len(rijen)} wijzigingen; hoogstens {MAX_RIJEN} kunnen.")
    for nummer, rij in enumerate(rijen, start=1):
        for sleutel, waarde in rij.items():
            if not isinstance(sleutel, str) or len(sleutel) > 40 or not (
                    waarde is None or isinstance(waarde, str | int | float) and not isinstance(waarde, bool)):
                raise Fout(f"Wijziging {nummer} van de toestand heeft een ongeldige waarde bij '{sleutel}'.")
            if isinstance(waarde, str) and len(waarde) > 200:
                raise Fout(f"Wijziging {nummer}: de tekst bij '{sleutel}' is te lang.")
    return rijen


def als_url(rijen: list[dict]) -> str:
    return json.dumps(rijen, ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------------------- what the page shows


@dataclass
class Uitslag:
    """What the page shows of one state: a plan, or the diagnosis when no plan fits."""

    rijen: list[dict]
    plan: Plan | None
    diagnose: str | None = None
    seconden: float = 0.0
    warm: bool = False
    vooruit: bool = False  # solved ahead (Verkenner.vooruit), before the page asked
    _weergave: dict | None = field(default=None, repr=False)
    _bindend: list[dict] | None = field(default=None, repr=False)


class Verkenner:
    """The opened input, its session and the states the page asks for."""

    def __init__(self, pad: Path, scenario: str = "basis", oplosser: str | None = None,
                 datum: datetime.date | None = None, voortgang: Callable[[str], None] | None = None):
        from .sessie import Sessie

        self.pad = Path(pad)
        self.datum = datum
        self.token = secrets.token_urlsafe(24)
        self.sessie: Sessie = Sessie.open(self.pad, scenario, oplosser, datum=datum, voortgang=voortgang)
        self.scenario = scenario
        self.geopend = self.sessie.los_op()
        self.schuiven = schuiven(self.sessie.invoer)
        self._slot = threading.Lock()
        self.gevraagd = als_url([])  # the state the page asked for last: the newest request wins
        self._vorige_standen: dict[str, float] | None = None  # the sliders of the state before (vooruit)
        self._bewaard: OrderedDict[str, Uitslag] = OrderedDict()
        self._bewaard[als_url([])] = Uitslag([], self.geopend)
        self.curves: dict[str, dict | None] = {}  # fund -> chart (filled in the background)
        self.curven_klaar = threading.Event()

    def sluit(self) -> None:
        self.stop_curves()
        self.sessie.sluit()

    def serveer(self, poort: int | None = None, *, bij_start: Callable[[str], None] | None = None,
                curves: bool = True) -> None:
        """Serve the page until Ctrl-C: :func:`serveer`."""
        serveer(self, poort, bij_start=bij_start, curves=curves)

    # the state -------------------------------------------------------------------------------

    def uitslag(self, rijen: list[dict], zolang: Callable[[], bool] | None = None,
                vooruit: bool = False) -> Uitslag | None:
        """The plan (or diagnosis) of a state; None when ``zolang()`` says no once the solver is free
        (the page asked for another state meanwhile: :attr:`gevraagd`). ``vooruit``: solved ahead,
        before the page asked. Raises :class:`InvoerFout` for a row the Scenarios sheet would refuse."""
        sleutel = als_url(rijen)
        bewaard = self._bewaard.get(sleutel)
        if bewaard is not None:  # a state seen or solved ahead: at once, even while the solver works on another
            return bewaard
        with self._slot:
            if sleutel in self._bewaard:
                self._bewaard.move_to_end(sleutel)
                return self._bewaard[sleutel]
            if zolang is not None and not zolang():
                return None
            begin = time.perf_counter()
            self.sessie.herstel()
            try:
                self.sessie.pas_aan(*rijen)
                plan = self.sessie.los_op()
                uitslag = Uitslag(rijen, plan, seconden=time.perf_counter() - begin, warm=self.sessie.warm,
                                  vooruit=vooruit)
            except GeenOplossing as fout:
                uitslag = Uitslag(rijen, None, diagnose=fout.melding, seconden=time.perf_counter() - begin,
                                  vooruit=vooruit)
            finally:
                self.sessie.herstel()
            self._bewaard[sleutel] = uitslag
            while len(self._bewaard) > BEWAARD:
                oudste = next(iter(self._bewaard))
                if oudste == als_url([]):
                    self._bewaard.move_to_end(oudste)
                    oudste = next(iter(self._bewaard))
                self._bewaard.pop(oudste)
            return uitslag

    def standen(self, formulier: dict[str, str]) -> dict[str, float]:
        """The sliders' positions in a form (those it does not name: where they were opened)."""
        standen = {}
        for schuif in self.schuiven:
            try:
                standen[schuif.naam] = float(formulier.get(schuif.naam, schuif.standaard))
            except ValueError:
                standen[schuif.naam] = schuif.standaard
        return standen

    def knelt(self, uitslag: Uitslag, zolang: Callable[[], bool] | None = None) -> list[dict] | None:
        """What binds in a state (:func:`bindend`), computed once; None when ``zolang()`` says no
        once the solver is free (the ranging works on the solver's factorization)."""
        if uitslag._bindend is None and uitslag.plan is not None:
            with self._slot:
                if zolang is not None and not zolang():
                    return None
                if uitslag._bindend is None:
                    uitslag._bindend = bindend(uitslag.plan)
        return uitslag._bindend

    def vooruit(self, formulier: dict[str, str]) -> threading.Thread | None:
        """While the user looks at the figures (no new move for VOORUIT_NA seconds): the state one
        step further the way the slider moved last, what binds in this state, and the state one step
        back, solved in the background and kept, so that the next step of the same slider answers at
        once. Each waits for a free solver and gives way as soon as the page asks for another state
        (Clp holds the interpreter while it solves: work started while the user still moves would
        make the next move wait)."""
        standen, vorige = self.standen(formulier), self._vorige_standen
        self._vorige_standen = standen
        gevraagd = self.gevraagd
        bewogen = [] if vorige is None else [s for s in self.schuiven if abs(standen[s.naam] - vorige[s.naam]) > 1e-9]
        buren = []
        if len(bewogen) == 1:
            schuif = bewogen[0]
            richting = 1.0 if standen[schuif.naam] > vorige[schuif.naam] else -1.0
            buren = [(schuif, round(standen[schuif.naam] + teken * richting * schuif.stap, 6)) for teken in (1, -1)]

        def reken() -> None:
            nog = lambda: self.gevraagd == gevraagd  # noqa: E731
            time.sleep(VOORUIT_NA)
            if not nog():  # the user is still moving: every solve now would only make the next move wait
                return
            for stap, (schuif, waarde) in enumerate(buren or [(None, None)]):
                if stap == 1 or schuif is None:  # what binds here, after the next step the same way
                    huidig = self._bewaard.get(gevraagd)
                    if huidig is not None and self.knelt(huidig, zolang=nog) is None:
                        return
                if schuif is None:
                    continue
                if not schuif.minimum - 1e-9 <= waarde <= schuif.maximum + 1e-9:
                    continue
                try:
                    rijen = self.rijen_uit_formulier({**formulier, schuif.naam: repr(waarde)})
                    if self.uitslag(rijen, zolang=nog, vooruit=True) is None:
                        return  # the page asked for another state: that one goes first
                except BudgetkoppelingFout:
                    return  # a neighbour the Scenarios sheet refuses: the page will say so if asked

        draad = threading.Thread(target=reken, daemon=True, name="vooruit")
        draad.start()
        return draad

    def waarden(self, rijen: list[dict]) -> tuple[dict[str, float], dict[str, dict], list[dict]]:
        """The sliders' positions for a state, each fund's region and year choice, and the rows no
        slider shows (kept as they are)."""
        standen = {s.naam: s.standaard for s in self.schuiven}
        keuzes: dict[str, dict] = {}
        overig = []
        per_sleutel = {(s.aanpassing, tuple(sorted(s.filters.items()))): s for s in self.schuiven}
        for rij in rijen:
            aanpassing = rij.get("aanpassing")
            filters = {k: v for k, v in rij.items() if k in ("fonds", "instrument", "regel") and v not in (None, "")}
            schuif = per_sleutel.get((aanpassing, tuple(sorted(filters.items()))))
            rest = {k: v for k, v in rij.items() if k not in ("aanpassing", "factor", "waarde", *filters)
                    and v not in (None, "", ALLE)}
            sleutel = "factor" if schuif is not None and schuif.eenheid == "factor" else "waarde"
            waarde = rij.get(sleutel)
            if (schuif is not None and isinstance(waarde, int | float) and schuif.naam not in keuzes
                    and set(rest) <= ({"regio", "jaar"} if aanpassing == "budget" else set())):
                standen[schuif.naam] = float(waarde)
                keuzes[schuif.naam] = {k: str(v) for k, v in rest.items()}
            else:
                overig.append(rij)
        return standen, keuzes, overig

    def rijen_uit_formulier(self, formulier: dict[str, str]) -> list[dict]:
        """The state the page's form describes: a row for each slider away from its opened value,
        then the rows no slider shows (``overig``, as JSON)."""
        rijen = []
        for schuif in self.schuiven:
            tekst = formulier.get(schuif.naam)
            if tekst is None:
                continue
            try:
                waarde = float(tekst)
            except ValueError:
                raise Fout(f"{schuif.label}: '{tekst}' is geen getal.") from None
            if not schuif.minimum - 1e-9 <= waarde <= schuif.maximum + 1e-9:
                raise Fout(f"{schuif.label}: {tekst} ligt buiten {schuif.minimum:g} tot {schuif.maximum:g}.")
            rij = schuif.rij(round(waarde, 6))
            if schuif.aanpassing == "budget":
                for filter_ in ("regio", "jaar"):
                    keuze = formulier.get(f"{filter_}:{schuif.filters['fonds']}", ALLE)
                    if keuze not in (ALLE, ""):
                        rij[filter_] = keuze
            if abs(waarde - schuif.standaard) > 1e-9:
                rijen.append(rij)
        return rijen + lees_rijen(formulier.get("overig"))

    # the budget curves -----------------------------------------------------------------------

    def start_curves(self) -> None:
        """Each fund's budget curve of the opened input (0.5 to 1.5 times its budget, 11 steps), in a
        child process of low priority, so that the page's solves go first; :attr:`curves` fills as
        they come."""
        import multiprocessing

        fondsen = [s.filters["fonds"] for s in self.schuiven if s.aanpassing == "budget"]
        context = multiprocessing.get_context("spawn")  # polars cannot run in a forked child
        wachtrij = context.Queue()
        self._curveproces = context.Process(target=_curven, daemon=True, args=(
            wachtrij, str(self.pad), fondsen, self.scenario, self.sessie.oplosser))
        # Ctrl-C reaches the whole process group: the child starts with SIGINT blocked (a mask survives
        # the exec), so that it never prints a traceback while it imports; the page ends it (stop_curves)
        import signal

        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self._curveproces.start()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

        def ontvang() -> None:
            for _ in fondsen:
                try:
                    fonds, grafiek = wachtrij.get()
                except (EOFError, OSError):
                    break
                self.curves[fonds] = grafiek
            self.curven_klaar.set()

        threading.Thread(target=ontvang, daemon=True, name="budgetcurves").start()

    def stop_curves(self) -> None:
        proces = getattr(self, "_curveproces", None)
        if proces is not None and proces.is_alive():
            proces.terminate()
            proces.join(5)


def _curven(wachtrij, pad: str, fondsen: list[str], scenario: str, oplosser: str) -> None:
    """In the child: each fund's curve as a chart, or None where it has none."""
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the page's; the page ends this process
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    os.nice(10)
    from . import grafieken
    from .curve import budgetcurve

    try:
        for fonds in fondsen:
            try:
                curve = budgetcurve(Path(pad), fonds, scenario=scenario, oplosser=oplosser, van=FACTOR_MIN,
                                    tot=FACTOR_MAX, stappen=11)
                wachtrij.put((fonds, grafieken.budgetcurve(curve)))
            except BudgetkoppelingFout:
                wachtrij.put((fonds, None))
    except KeyboardInterrupt:
        # the page is stopping (Ctrl-C reached this process after all: seen twice on a busy machine, a traceback
        # from polars in the terminal after "Afgebroken."); the curves are not needed any more
        return


# ----------------------------------------------------------------------------- views


def weergave(verkenner: Verkenner, uitslag: Uitslag) -> dict:
    """The figures, charts and binding limits of a state, as the template and the JSON show them."""
    if uitslag._weergave is not None:
        return uitslag._weergave
    from . import grafieken
    from .rapport.opmaak import KPI_EENHEID_ALLE
    from .tekst import euro, euro_kort, getal

    geopend = verkenner.geopend.kerncijfers
    if uitslag.plan is None:
        uitslag._weergave = {"plan": False, "diagnose": uitslag.diagnose}
        return uitslag._weergave
    plan = uitslag.plan
    cijfers = plan.kerncijfers
    tonen = [k for k in ("plaatsingen", "gewogen_plaatsingen", "uitgaven", "onbenut_budget", "netto_kosten")
             if k in cijfers]
    kaarten = []
    for kpi in tonen:
        waarde, verschil = cijfers[kpi], cijfers[kpi] - geopend.get(kpi, 0.0)
        in_euro = KPI_EENHEID_ALLE[kpi][1].startswith("euro")
        tekst = euro_kort if in_euro else getal
        teken = "+" if verschil > 0 else "−" if verschil < 0 else "±"
        kaarten.append({"kpi": kpi, "naam": KPI_EENHEID_ALLE[kpi][0], "waarde": tekst(waarde),
                        "precies": euro(waarde) if in_euro else getal(waarde),
                        "verschil": f"{teken} {tekst(abs(verschil))}" if abs(verschil) > 0.05 else "gelijk",
                        "richting": "op" if verschil > 0.05 else "neer" if verschil < -0.05 else "gelijk"})
    uitslag._weergave = {
        "plan": True, "kaarten": kaarten,
        "grafieken": {"uitgaven": grafieken.uitgaven_per_fonds(plan),
                      "deelnemers": grafieken.deelnemers_per_instrument(plan, verkenner.geopend),
                      "plaatsingen": grafieken.plaatsingen_per_jaar(plan, verkenner.geopend)},
    }
    return uitslag._weergave


def bindend(plan: Plan, aantal: int = 5) -> list[dict]:
    """What binds: the funds whose budget is worth most, each at its dearest budget row (region and
    year), with its sentence (the Toelichting's wording), the range it holds in and how many rows
    share that price. Only the shadow prices and their ranges are computed (0.4 s on the national
    example), not the whole Toelichting (1 s more: its cause finder re-solves)."""
    import polars as pl

    from .tekst import euro
    from .uitleg import schaduwprijzen

    prijzen = (schaduwprijzen(plan.oplossing).filter(pl.col("extra_plaatsingen_per_100k") > 1e-9)
               .sort(["extra_plaatsingen_per_100k", "fonds", "regio", "jaar"], descending=[True, False, False, False]))
    lijst = []
    for rij in prijzen.unique("fonds", keep="first", maintain_order=True).head(aantal).iter_rows(named=True):
        prijs = rij["extra_plaatsingen_per_100k"]
        zelfde = prijzen.filter((pl.col("fonds") == rij["fonds"])
                                & ((pl.col("extra_plaatsingen_per_100k") - prijs).abs() <= 1e-6 * prijs)).height - 1
        waar = "" if rij["regio"] in (None, "landelijk") else f" in {rij['regio']}"
        zin = (f"Elke € 100.000 extra voor {rij['fonds']}{waar} in {rij['jaar']} levert "
               + f"{prijs:.1f}".replace(".", ",") + " gewogen plaatsingen extra op"
               + (f" (evenveel in {zelfde} andere budgetregels van dit fonds)." if zelfde else "."))
        geldig = (f"Geldig zolang dat budget tussen {euro(rij['geldig_van'])} en {euro(rij['geldig_tot'])} ligt."
                  if rij["geldig_van"] is not None and rij["geldig_tot"] is not None else "")
        lijst.append({"titel": f"{rij['fonds']}{waar}, {rij['jaar']}", "zin": zin, "geldig": geldig})
    return lijst


def plan_json(uitslag: Uitslag, scenario: str) -> dict:
    """What ``optimaliseer --json`` prints for the state's rows as a scenario (``uitvoer``: none)."""
    from .rapport.plan import plan_json as json_van_plan

    antwoord = json_van_plan(uitslag.plan, Path(""))
    antwoord["uitvoer"] = None
    antwoord["scenario"] = scenario
    antwoord["looptijd_seconden"] = round(uitslag.seconden, 2)
    antwoord["fasen"] = []
    return antwoord


def bestandsnaam(naam: str) -> str:
    """A scenario's name as part of a file name: letters, digits, '-' and '_' only."""
    schoon = re.sub(r"[^0-9A-Za-z_-]+", "_", naam.strip()).strip("_")
    return schoon[:60] or "scenario"


def esc(tekst: str) -> str:
    return html.escape(tekst, quote=True)


# ----------------------------------------------------------------------------- the application


def app(verkenner: Verkenner, poort: int | None = None):
    """The Starlette application of the page (every route checks the token and the host)."""
    from jinja2 import DictLoader, Environment
    from starlette.applications import Starlette
    from starlette.background import BackgroundTask
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    sjablonen = Environment(loader=DictLoader({naam: (PAGINA / naam).read_text(encoding="utf-8")
                                               for naam in ("verken.html", "uitslag.html", "knelt.html")}),
                            autoescape=True, trim_blocks=True, lstrip_blocks=True)
    pagina, deel = sjablonen.get_template("verken.html"), sjablonen.get_template("uitslag.html")
    wat_knelt = sjablonen.get_template("knelt.html")
    statisch = {naam: (PAGINA / naam).read_bytes() for naam in STATISCH}
    token = verkenner.token

    def fout(tekst: str, status: int = 400) -> JSONResponse:
        return JSONResponse({"fout": tekst}, status_code=status)

    def context(uitslag: Uitslag) -> dict:
        return {"v": weergave(verkenner, uitslag), "token": token, "rijen": als_url(uitslag.rijen),
                "geopend": not uitslag.rijen, "vooruit": uitslag.vooruit,
                "seconden": f"{uitslag.seconden:.2f}".replace(".", ","), "warm": uitslag.warm}

    def toestand_van(request) -> list[dict]:
        return lees_rijen(request.query_params.get("rijen"))

    def los_op(rijen: list[dict], zolang: Callable[[], bool] | None = None) -> Uitslag | None:
        try:
            return verkenner.uitslag(rijen, zolang)
        except InvoerFout as probleem:
            raise Fout("De toestand past niet bij het invoerwerkboek: "
                       + "; ".join(p.tekst() for p in probleem.problemen)) from None

    def startpagina(request):
        try:
            rijen = toestand_van(request)
            uitslag = los_op(rijen)
            verkenner.gevraagd = als_url(rijen)
        except Fout as probleem:
            rijen, uitslag = [], verkenner.uitslag([])
            melding = str(probleem)
        else:
            melding = None
        standen, keuzes, overig = verkenner.waarden(rijen)
        verkenner._vorige_standen = standen  # the first move of this page is measured from here
        invoer = verkenner.sessie.invoer
        return HTMLResponse(pagina.render(
            **context(uitslag), schuiven=verkenner.schuiven, standen=standen, keuzes=keuzes,
            overig=als_url(overig) if overig else "", overig_lijst=overig, melding=melding,
            regios=invoer.regios, jaren=list(range(invoer.start, invoer.eind + 1)),
            bestand=verkenner.pad.name, scenario=verkenner.scenario, oplosser=verkenner.sessie.oplosser))

    async def formulier(request) -> dict[str, str]:
        gegevens = await request.form()
        return {k: v for k, v in gegevens.items() if isinstance(v, str)}

    async def toestand(request):
        """htmx: the form of sliders -> the figures of that state (and the URL of the state)."""
        from starlette.concurrency import run_in_threadpool

        try:
            gegevens = await formulier(request)
            rijen = verkenner.rijen_uit_formulier(gegevens)
            sleutel = verkenner.gevraagd = als_url(rijen)
            # dropped (204) when a newer request asked for another state while this one waited
            uitslag = await run_in_threadpool(los_op, rijen, lambda: verkenner.gevraagd == sleutel)
        except Fout as probleem:
            return HTMLResponse(f'<div class="melding fout" role="alert">{esc(str(probleem))}</div>', status_code=200,
                                headers={"HX-Retarget": "#melding", "HX-Reswap": "innerHTML"})
        if uitslag is None:
            return Response(status_code=204)
        adres = f"/?token={token}" + (f"&rijen={_url(als_url(rijen))}" if rijen else "")
        # solving ahead starts once the answer is sent: Clp holds the interpreter while it solves
        return HTMLResponse(deel.render(**context(uitslag)), headers={"HX-Replace-Url": adres},
                            background=BackgroundTask(verkenner.vooruit, gegevens))

    def uitslag_van(request) -> Uitslag | JSONResponse:
        """The state of the URL's ``rijen``, solved; a bad state as the 400 to answer with."""
        try:
            return los_op(toestand_van(request))
        except Fout as probleem:
            return fout(str(probleem))

    def api_plan(request):
        uitslag = uitslag_van(request)
        if not isinstance(uitslag, Uitslag):
            return uitslag
        if uitslag.plan is None:
            return JSONResponse({"status": "geen oplossing", "fout": uitslag.diagnose}, status_code=200)
        return JSONResponse(plan_json(uitslag, verkenner.scenario if not uitslag.rijen else "verken"))

    def download(request):
        uitslag = uitslag_van(request)
        if not isinstance(uitslag, Uitslag):
            return uitslag
        if uitslag.plan is None:
            return fout("Bij deze toestand past geen plan; er is niets te downloaden.", 409)
        with tempfile.TemporaryDirectory(prefix="budgetkoppeling-verken-") as map_:
            doel = Path(map_) / "plan.xlsx"
            uitslag.plan.schrijf(doel)
            inhoud = doel.read_bytes()
        naam = f"{verkenner.pad.stem}_verken_plan.xlsx"
        return Response(inhoud, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{naam}"'})

    async def bewaar(request):
        from starlette.concurrency import run_in_threadpool

        from .scenariokopie import bewaar_scenario

        gegevens = await formulier(request)
        naam = (gegevens.get("naam") or "").strip()
        try:
            if not naam or len(naam) > 60:
                raise Fout("Geef het scenario een naam van 1 tot 60 tekens.")
            rijen = verkenner.rijen_uit_formulier(gegevens)
            if not rijen:
                raise Fout("Er is nog niets veranderd: verschuif eerst een schuif.")
            doel = await run_in_threadpool(bewaar_scenario, verkenner.pad, naam, rijen, bestandsnaam(naam))
        except Fout as probleem:
            return HTMLResponse(f'<div class="melding fout" role="alert">{esc(str(probleem))}</div>')
        except BudgetkoppelingFout as probleem:
            return HTMLResponse(f'<div class="melding fout" role="alert">{esc(str(probleem))}</div>')
        return HTMLResponse(f'<div class="melding" role="status">Scenario “{esc(naam)}” bewaard in een kopie: '
                            f'{esc(str(doel))}. Het invoerwerkboek zelf is niet veranderd.</div>')

    def knelt(request):
        """htmx, after the figures: what binds in that state (its own request: the ranging takes longer
        than the solve, and the figures should not wait for it)."""
        try:
            rijen = toestand_van(request)
        except Fout as probleem:
            return fout(str(probleem))
        sleutel = als_url(rijen)
        if verkenner.gevraagd != sleutel:  # the user moved on: the next state's figures go first
            return Response(status_code=204)
        uitslag = los_op(rijen)
        lijst = verkenner.knelt(uitslag, zolang=lambda: verkenner.gevraagd == sleutel)
        if lijst is None:
            return Response(status_code=204)
        return HTMLResponse(wat_knelt.render(bindend=lijst))

    def curve(request):
        fonds = request.path_params["fonds"]
        if fonds not in verkenner.curves:
            klaar = verkenner.curven_klaar.is_set()
            return JSONResponse({"klaar": klaar, "grafiek": None}, status_code=200 if klaar else 202)
        return JSONResponse({"klaar": True, "grafiek": verkenner.curves[fonds]})

    def bestand(request):
        naam = request.path_params["naam"]
        if naam not in statisch:
            return fout("Onbekend bestand.", 404)
        soort = "text/css" if naam.endswith(".css") else "text/javascript"
        return Response(statisch[naam], media_type=f"{soort}; charset=utf-8",
                        headers={"Cache-Control": "private, max-age=3600"})

    routes = [Route("/", startpagina), Route("/toestand", toestand, methods=["POST"]),
              Route("/api/plan", api_plan), Route("/download", download), Route("/bewaar", bewaar, methods=["POST"]),
              Route("/knelt", knelt), Route("/curve/{fonds:path}", curve), Route("/statisch/{naam}", bestand)]
    toepassing = Starlette(routes=routes, exception_handlers={Exception: _zonder_traceback})
    return _Poortwachter(toepassing, token, poort)


def _url(tekst: str) -> str:
    from urllib.parse import quote

    return quote(tekst, safe="")


async def _zonder_traceback(request, exc):
    from starlette.responses import JSONResponse

    return JSONResponse({"fout": "Er ging iets mis bij het rekenen; probeer het opnieuw of herstart de pagina."},
                        status_code=500)


class _Poortwachter:
    """ASGI middleware: only Host 127.0.0.1 (or localhost) at our port, and only with the token."""

    def __init__(self, toepassing, token: str, poort: int | None):
        self.toepassing, self.token, self.poort = toepassing, token, poort

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.toepassing(scope, receive, send)
        from urllib.parse import parse_qs

        from starlette.responses import JSONResponse

        kop = dict(scope.get("headers") or [])
        host = kop.get(b"host", b"").decode("latin-1")
        naam, _, poort = host.rpartition(":") if ":" in host else (host, "", "")
        if naam not in ("127.0.0.1", "localhost") or (
                self.poort is not None and poort and poort != str(self.poort)):
            return await JSONResponse({"fout": "Deze pagina is alleen op deze computer te openen."},
                                      status_code=403)(scope, receive, send)
        gegeven = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
        if not secrets.compare_digest(gegeven.encode(), self.token.encode()):
            return await JSONResponse({"fout": "Geen toegang: open de pagina met het adres dat budgetkoppeling "
                                               "verken in de terminal toonde (met token)."},
                                      status_code=403)(scope, receive, send)
        try:
            return await self.toepassing(scope, receive, send)
        except Exception as fout:  # the page got its Dutch 500 already (_zonder_traceback); the terminal a line
            import sys

            print(f"Onverwachte fout bij een verzoek van de pagina ({scope.get('path')}): {type(fout).__name__}: "
                  f"{fout}. Dit is een fout in budgetkoppeling; meld het, met deze regel.", file=sys.stderr)


def serveer(verkenner: Verkenner, poort: int | None = None, *, bij_start: Callable[[str], None] | None = None,
            curves: bool = True) -> None:
    """Serve the page on 127.0.0.1 until Ctrl-C (or SIGTERM), which ends it with KeyboardInterrupt;
    ``bij_start(url)`` once the socket listens (the URL with the token)."""
    import socket

    import uvicorn

    contact = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        contact.bind(("127.0.0.1", poort or 0))
    except OSError as fout:
        contact.close()
        raise BudgetkoppelingFout(f"Poort {poort} op 127.0.0.1 is niet vrij ({fout.strerror}); kies een andere "
                                  "met --poort, of laat --poort weg.") from None
    contact.listen(64)
    poort = contact.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app(verkenner, poort), log_level="warning", access_log=False,
                                           lifespan="off", timeout_graceful_shutdown=1))
    try:
        if curves:
            verkenner.start_curves()
        if bij_start is not None:
            bij_start(f"http://127.0.0.1:{poort}/?token={verkenner.token}")
        server.run(sockets=[contact])  # uvicorn raises the caught signal again once it has stopped
        raise KeyboardInterrupt  # stopped without a signal (uvicorn's own exit): as Ctrl-C
    finally:
        contact.close()
        verkenner.sluit()
