"""Uncertainty (SPEC §8): the draws of the Onzekerheid sheet.

Draw d comes from its own generator, seeded with (zaad, d): a draw does not depend on the
number of draws, on the order in which draws are computed, or on the machine or worker that
computes them. Within a draw the factors are made in the order of the sheet, and for a
``per_regio`` row in the order of the regions (a landelijk fund's budget counts as the
region ``landelijk``).

:func:`bij_trekking` puts a draw on the built model (chances, cost terms, budget and carry-over
bounds; the same shape, so that ``solve.Herberekening`` re-solves it in place), which gives the
optima per draw and the base plan's weighted placements under it. :func:`reken_blok` re-solves a
chunk of draws (the optimum for the drawn chances, SPEC §8's optimum with every parameter as drawn,
and both plans' shortfalls) on whichever worker gets it (:mod:`budgetkoppeling.werkers`);
:func:`analyseer` solves the base and the robust (CVaR) plan, sends the chunks out and writes the
workbook (:mod:`budgetkoppeling.rapport.onzekerheid`).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from .errors import BudgetkoppelingFout
from .invoer import COHORTSLEUTELS, INZETSLEUTELS, LANDELIJK, POTSLEUTELS, Invoer, Onzekerheidsregel
from .model import (
    FINANCIERINGSTEKORT_GEWICHT,
    ONEINDIG,
    Model,
    add_budget,
    add_cofinanciering,
    add_financiering,
    add_koppeling,
    add_kosten,
    add_overheveling,
    add_reservering,
    add_variabelen_plan,
    add_vaststelling,
    bouw_families,
    groepsom,
    som_product,
    som_producten,
    zet_plaatsingsdoel,
)
from .sessie import Sessie


def kolommen(invoer: Invoer) -> list[tuple[Onzekerheidsregel, str | None, str]]:
    """(row, region or None, column name) for every factor a draw holds: one per ``gedeeld`` row,
    one per region for a ``per_regio`` row (``naam [regio]``)."""
    uitkomst = []
    for regel in invoer.onzekerheid:
        if regel.samenhang != "per_regio":
            uitkomst.append((regel, None, regel.naam))
            continue
        regios = list(invoer.regios) if regel.filters.get("regio") is None else [regel.filters["regio"]]
        if regel.grootheid == "budget" and regel.filters.get("regio") is None:
            fonds = regel.filters.get("fonds")
            if any(gegevens.landelijk and (fonds is None or fonds == naam) for naam, gegevens in
                   invoer.fondsen.items()):
                regios.append(LANDELIJK)
        uitkomst += [(regel, regio, f"{regel.naam} [{regio}]") for regio in regios]
    return uitkomst


def trek(regel: Onzekerheidsregel, generator: np.random.Generator) -> float:
    """One factor of ``regel``: triangular with its peak at 1 (driehoek) or uniform, in [laag, hoog]."""
    if regel.laag == regel.hoog:  # laag <= 1 <= hoog, so both are 1: no uncertainty
        return 1.0
    if regel.verdeling == "uniform":
        return float(generator.uniform(regel.laag, regel.hoog))
    return float(generator.triangular(regel.laag, 1.0, regel.hoog))


def trekking(invoer: Invoer, zaad: int, nummer: int) -> list[float]:
    """The factors of draw ``nummer`` (numbered from 1), in the order of :func:`kolommen`."""
    generator = np.random.default_rng(np.random.SeedSequence([zaad, nummer]))
    return [trek(regel, generator) for regel, _regio, _naam in kolommen(invoer)]


def trekkingen(invoer: Invoer, aantal: int, zaad: int = 2026) -> pl.DataFrame:
    """Every draw: ``trekking`` (1..aantal) and one column of factors per :func:`kolommen` entry."""
    namen = [naam for _regel, _regio, naam in kolommen(invoer)]
    rijen = [[nummer, *trekking(invoer, zaad, nummer)] for nummer in range(1, aantal + 1)]
    schema = {"trekking": pl.Int64, **{naam: pl.Float64 for naam in namen}}
    return pl.DataFrame(rijen, schema=schema, orient="row")


# ----------------------------------------------------------------------------- a draw on the model


def _past(regel: Onzekerheidsregel, kolom: str, waarden: np.ndarray) -> np.ndarray:
    """Which of ``waarden`` (a key column of cells or rows) the row's filter on ``kolom`` matches."""
    filter_ = regel.filters.get(kolom)
    if filter_ is None:
        return np.ones(len(waarden), dtype=bool)
    if kolom == "jaar":
        eerste, _, laatste = filter_.partition("-")
        return (waarden >= int(eerste)) & (waarden <= int(laatste or eerste))
    return waarden == filter_


def _raak(invoer: Invoer, grootheid: str, sleutels: dict[str, np.ndarray]) -> list[np.ndarray | None]:
    """Per :func:`kolommen` entry the cells or rows of ``sleutels`` (key columns as arrays) that it
    matches; None for an entry of another quantity. A per_regio entry matches its own region only."""
    if invoer.gemeenten and "regio" in sleutels:  # SPEC §9: a cell's unit or a municipal pot lies in a region
        naar_regio = {r: r for r in invoer.regios} | invoer.regio_van | {LANDELIJK: LANDELIJK}
        sleutels = {**sleutels, "regio": np.array([naar_regio.get(w, w) for w in sleutels["regio"]], dtype=object),
                    "gemeente": np.array([w if w in invoer.gemeenten else None for w in sleutels["regio"]],
                                         dtype=object)}
    raak = []
    for regel, regio, _naam in kolommen(invoer):
        if regel.grootheid != grootheid:
            raak.append(None)
            continue
        masker = np.ones(len(next(iter(sleutels.values()))), dtype=bool)
        for kolom, waarden in sleutels.items():
            masker &= _past(regel, kolom, waarden)
        if regio is not None:
            masker &= sleutels["regio"] == regio
        raak.append(masker)
    return raak


def _product(raak: list[np.ndarray | None], draw: list[float], aantal: int) -> np.ndarray:
    """The product of the drawn factors on each cell or row (1 where no entry matches)."""
    product = np.ones(aantal)
    for masker, factor in zip(raak, draw):
        if masker is not None and factor != 1.0:
            product[masker] *= factor
    return product


@dataclass
class _Doelwit:
    """What a draw changes in a model, found once per model (a draw only multiplies): the x cells'
    chances, the x cells that each entry matches, and for kosten, budget and overheveling the rows
    that each entry matches with their number of rows (None: the model has no such family)."""

    kans: np.ndarray
    raak_kans: list
    raak_kosten: tuple[list, int] | None = None
    raak_budget: tuple[list, int] | None = None
    raak_overheveling: tuple[list, int] | None = None


def _doelwit(model) -> _Doelwit:
    doelwit = model.__dict__.get("_doelwit")  # a draw's copy of the model shares it
    if doelwit is not None:
        return doelwit
    invoer, cellen = model.invoer, model.cellen("x")

    def raak(familie: str, grootheid: str, sleutels: tuple[str, ...]) -> tuple[list, int] | None:
        if not model.heeft(familie):
            return None
        frame = model.sleutels_van(familie)
        return _raak(invoer, grootheid, {k: frame[k].to_numpy() for k in sleutels}), frame.height

    doelwit = _Doelwit(cellen["kans"].to_numpy(),
                       _raak(invoer, "plaatsingskans", {k: cellen[k].to_numpy() for k in COHORTSLEUTELS[:3]}),
                       raak("kosten", "kosten", INZETSLEUTELS),
                       raak("budget", "budget", POTSLEUTELS), raak("overheveling", "budget", POTSLEUTELS))
    model.__dict__["_doelwit"] = doelwit
    return doelwit


def kansschaal(model, draw: list[float]) -> np.ndarray:
    """The factor on each x column's chance under ``draw`` (1 where no row matches): the product of the
    drawn factors, with the chance capped at 1 after multiplying."""
    doelwit = _doelwit(model)
    kans = doelwit.kans
    factor = _product(doelwit.raak_kans, draw, len(kans))
    return np.where(kans > 0, np.minimum(1.0, kans * factor) / np.where(kans > 0, kans, 1.0), 1.0)


def bij_trekking(model, draw: list[float]):
    """A copy of ``model`` (the plan of SPEC §5) with the chances, costs and budgets of ``draw``
    (:meth:`~budgetkoppeling.model.Model.met_factoren`): the same shape, so that
    :class:`~budgetkoppeling.solve.Herberekening` re-solves it in place.

    A chance is capped at 1 after multiplying. Costs scale the ``kosten`` terms by their payment year;
    a budget scales its ``budget`` bound (commitments stay) and its ``overheveling`` cap."""
    doelwit = _doelwit(model)

    def factoren(raak: tuple[list, int] | None) -> np.ndarray | None:
        return None if raak is None else _product(*raak[:1], draw, raak[1])

    return model.met_factoren(kansschaal(model, draw), factoren(doelwit.raak_kosten), factoren(doelwit.raak_budget),
                              factoren(doelwit.raak_overheveling))


def gewogen_onder_trekking(model, waarden: np.ndarray, draw: list[float]) -> float:
    """The weighted placements of a plan (its column values) when the chances are as drawn."""
    return bij_trekking(model, draw).gewogen(waarden)


# ----------------------------------------------------------------------------- the models of this command


def bouw_tekort(invoer: Invoer, vast: dict[tuple[str, str, str, int], float]) -> Model:
    """The shortfall of a plan whose participants ``vast`` are fixed (SPEC §8): the least sum of
    euros over all budgets (each with a shortfall) when the financing, co-financing, koppelingen and
    carry-over may be rearranged; policy rules are left out. A euro that no fund may pay or a
    koppeling misses weighs 1,000: the shortfall lands on the budgets.

    The participants are fixed as bounds on x (all of a cell in its first segment: a segment changes
    the chance, not the cost), so only the families of the money remain: kosten, financiering,
    cofinanciering, budget, overheveling and koppeling."""
    invoer = dataclasses.replace(invoer, beleidsregels=[], max_verschuiving=None, vanaf=None)
    model = Model(invoer=invoer, verruiming=("regel", "plan"), vast=vast)
    add_variabelen_plan(model)
    for add in (add_kosten, add_financiering, add_reservering, add_cofinanciering, add_vaststelling, add_budget,
                add_overheveling, add_koppeling):
        add(model)
    model.sluit_af()
    model.zet_deelnemers(vast)
    model.minimaliseer_tekort({"budget": 1.0}, standaard=FINANCIERINGSTEKORT_GEWICHT)
    return model


def bouw_robuust(invoer: Invoer, schalen: np.ndarray, betrouwbaarheid: float) -> Model:
    """The robust plan (SPEC §8): every family of SPEC §5 at the input values, and the conditional
    value at risk of the weighted placements over the draws maximised. ``schalen`` holds a row per
    draw: the factor on each x column's weighted placements under that draw."""
    model = bouw_families(invoer)
    zet_plaatsingsdoel(model)
    groepen, geschaald = add_aggregaat(model, schalen)
    add_cvar(model, groepen, geschaald, betrouwbaarheid)
    return model


def add_aggregaat(model: Model, schalen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """aggregaat: A[h] = sum_{x in h} w(x) x for every group h of x columns that every draw scales
    alike (the same Onzekerheid rows, the same cap at 1); w the weighted placements per column.

    Returns the columns of A and the factor per draw and group (draws x groups), so that the
    weighted placements under draw d are sum_h factor[d, h] A[h].
    """
    x = model.kolommen("x")
    per_kolom = np.ascontiguousarray(schalen.T)  # a row per x column
    vorm = np.dtype((np.void, per_kolom.dtype.itemsize * per_kolom.shape[1]))
    _, eerste, groep = np.unique(per_kolom.view(vorm).ravel(), return_index=True, return_inverse=True)
    groep = groep.ravel()
    gewicht = model.gewicht_per_cel()
    binnen = gewicht != 0
    aantal = len(eerste)
    a = model.add_kolommen("A", pl.DataFrame({"groep": np.arange(1, aantal + 1)}), onder=-ONEINDIG)
    model.add_rijen("aggregaat", pl.DataFrame({"groep": np.arange(1, aantal + 1)}), 0.0, 0.0,
                    np.concatenate([np.arange(aantal), groep[binnen]]),
                    np.concatenate([a, x[binnen]]),
                    np.concatenate([np.ones(aantal), -gewicht[binnen]]))
    return a, schalen[:, eerste]


def add_cvar(model: Model, a: np.ndarray, schalen: np.ndarray, betrouwbaarheid: float) -> None:
    """cvar: u[d] >= t - sum_h schalen[d,h] A[h], u[d] >= 0, for every draw d (``a``: the columns of A);
    the objective max t - 1 / ((1 - b) N) sum_d u[d]: the mean of the worst (1 - b) share of draws."""
    aantal, groepen = schalen.shape
    t = model.add_kolommen("t", pl.DataFrame({"naam": ["t"]}), onder=-ONEINDIG)
    u = model.add_kolommen("u", pl.DataFrame({"trekking": np.arange(1, aantal + 1)}))
    rij = np.arange(aantal)
    model.add_rijen("cvar", pl.DataFrame({"trekking": np.arange(1, aantal + 1)}), 0.0, ONEINDIG,
                    np.concatenate([rij, rij, np.repeat(rij, groepen)]),
                    np.concatenate([u, np.full(aantal, t[0]), np.tile(a, aantal)]),
                    np.concatenate([np.ones(aantal), -np.ones(aantal), schalen.ravel()]))
    model.zet_doel("max", np.concatenate([t, u]),
                   np.concatenate([[1.0], np.full(aantal, -1.0 / ((1.0 - betrouwbaarheid) * aantal))]))


# ----------------------------------------------------------------------------- the draws' re-solves

BLOK = 25  # draws per chunk: a worker builds its models once, each chunk starts from the same basis
CONTROLE_ELKE = 20  # one draw in twenty is solved cold as well (ERGO-Code/HiGHS#3194)


@dataclass
class Trekkingsopdracht:
    """What a worker needs for a chunk of draws: the input, the solver, the seed and both plans'
    participants (fixed in the shortfall LPs). ``sleutel`` names it in a worker's memory."""

    sleutel: str
    invoer: Invoer
    oplosser: str
    zaad: int
    basis: dict[tuple[str, str, str, int], float]
    robuust: dict[tuple[str, str, str, int], float]
    gewogen_basis: float  # the base plan's weighted placements at the input values


@dataclass
class Trekkingresultaat:
    """One draw's re-solves: the optimum under the draw with every parameter as drawn (SPEC §8) and
    with only its chances drawn (None: no plan meets every rule then), and each plan's shortfall;
    ``afwijking`` the warm answer's distance from the cold one where checked."""

    trekking: int
    gewogen_optimum: float | None
    gewogen_optimum_effecten: float | None
    tekort_basis: float
    tekort_robuust: float
    gecontroleerd: bool = False
    afwijking: float = 0.0
    vervangen: bool = False  # the cold answer replaced a warm one


def alleen_kansen(invoer: Invoer, draw: list[float]) -> list[float]:
    """``draw`` with only its chances: costs and budgets at their input values. The optimum for it
    knows the true effects, not next year's wages or tranches: what better evaluations buy. The base
    plan stays feasible then, so that optimum is never below it (the optimum with every parameter as
    drawn may be, where the base plan cannot be paid)."""
    return [factor if regel.grootheid == "plaatsingskans" else 1.0
            for (regel, _regio, _naam), factor in zip(kolommen(invoer), draw)]


def _gewogen(model, waarden: np.ndarray) -> float:
    return model.gewogen(waarden)


def _tekort(model, waarden: np.ndarray) -> float:
    """The euros short in a shortfall LP's solution (budgets, and what no fund may pay)."""
    som = model.tekortsom(waarden, zonder="potentieel")
    return 0.0 if som < 1e-4 else som  # solver noise far below a cent is no shortfall


def _zeker_betaalbaar(invoer: Invoer, draw: list[float]) -> bool:
    """No cost above and no budget below its input value: a plan that is financed at the input values
    is financed under this draw too (its shortfall is 0 without solving)."""
    for (regel, _regio, _naam), factor in zip(kolommen(invoer), draw):
        if (regel.grootheid == "kosten" and factor > 1.0) or (regel.grootheid == "budget" and factor < 1.0):
            return False
    return True


_GEHEUGEN = threading.local()  # per worker thread (a Dask worker may run several): one Trekkingsopdracht's LPs


def _sessies(opdracht: Trekkingsopdracht) -> tuple[Sessie, Sessie | None, Sessie, Sessie]:
    """The optimum for the drawn chances, the optimum with every parameter as drawn (None when the
    Onzekerheid sheet draws only chances: then they are the same LP), and both plans' shortfalls: each
    a :class:`Sessie` loaded once (:meth:`Sessie.laad`) and re-solved per draw. The two optima are
    separate LPs, so that each is re-solved warm from a draw like it."""
    if getattr(_GEHEUGEN, "sleutel", None) != opdracht.sleutel:
        invoer, oplosser = opdracht.invoer, opdracht.oplosser
        sessies = (Sessie.van_invoer(invoer, oplosser),
                   None if invoer.trekt_alleen_kansen else Sessie.van_invoer(invoer, oplosser),
                   Sessie.van_invoer(invoer, oplosser, bouwer=functools.partial(bouw_tekort, vast=opdracht.basis)),
                   Sessie.van_invoer(invoer, oplosser, bouwer=functools.partial(bouw_tekort, vast=opdracht.robuust)))
        for sessie in sessies:
            if sessie is not None:
                sessie.laad()
        _GEHEUGEN.sessies = sessies
        _GEHEUGEN.sleutel = opdracht.sleutel
    return _GEHEUGEN.sessies


def _onder(draw: list[float]):
    """The variant of a model under ``draw`` (for :meth:`Sessie.herbereken`)."""
    return lambda model: bij_trekking(model, draw)


def reken_blok(opdracht: Trekkingsopdracht, nummers: list[int]) -> list[Trekkingresultaat]:
    """The re-solves of the draws ``nummers``, in order, warm one after the other from the input's basis."""
    optimum, optimum_alles, tekort_basis, tekort_robuust = _sessies(opdracht)
    for sessie in (optimum, optimum_alles, tekort_basis, tekort_robuust):
        if sessie is not None:
            sessie.terug_naar_begin()
    uitkomst = []
    for nummer in nummers:
        draw = trekking(opdracht.invoer, opdracht.zaad, nummer)
        controle = nummer % CONTROLE_ELKE == 0
        kansen = alleen_kansen(opdracht.invoer, draw)
        if all(factor == 1.0 for factor in kansen):  # the chances as put in: the base plan is the optimum
            effecten, afwijking, vervangen = opdracht.gewogen_basis, 0.0, False
            start = optimum.beginbasis
        else:
            effecten, afwijking, vervangen = optimum.herbereken(_onder(kansen), _gewogen, controle=controle)
            start = optimum.basis()
        if kansen == draw:  # nothing but chances drawn: one LP
            gewogen = effecten
        else:
            # from the optimum for the same chances, with only costs and budgets to take on: the dual
            # simplex, faster than warm from the draw before (measured: bench/README.md)
            gewogen, afwijking_alles, vervangen_alles = optimum_alles.herbereken(_onder(draw), _gewogen,
                                                                                 start=start, controle=controle)
            afwijking, vervangen = max(afwijking, afwijking_alles), vervangen or vervangen_alles
        resultaat = Trekkingresultaat(nummer, gewogen, effecten, 0.0, 0.0, controle, afwijking, vervangen)
        if not _zeker_betaalbaar(opdracht.invoer, draw):
            for sessie, veld in ((tekort_basis, "tekort_basis"), (tekort_robuust, "tekort_robuust")):
                tekort, afwijking, vervangen = sessie.herbereken(_onder(draw), _tekort, controle=controle)
                if tekort is None:
                    raise BudgetkoppelingFout(f"Het tekort in trekking {nummer} kon niet worden berekend.")
                setattr(resultaat, veld, tekort)
                resultaat.afwijking = max(resultaat.afwijking, afwijking)
                resultaat.vervangen = resultaat.vervangen or vervangen
        uitkomst.append(resultaat)
    return uitkomst


BUREN_TOT = 4000  # draws: up to here ordered nearest neighbour first (quadratic), beyond by their first factor


def blokken(frame: pl.DataFrame) -> list[list[int]]:
    """The draws of ``frame`` in chunks of :data:`BLOK`, the same whoever computes them. Each draw
    follows the draw nearest to it (factors scaled to their range) so that a warm re-solve starts
    close: fewer simplex iterations than in number order (measured: bench/README.md)."""
    factoren = frame.drop("trekking").to_numpy()
    nummers = frame["trekking"].to_list()
    if factoren.shape[1] == 0 or len(nummers) > BUREN_TOT:
        volgorde = list(np.argsort(factoren[:, 0], kind="stable")) if factoren.shape[1] else list(range(len(nummers)))
    else:
        bereik = np.ptp(factoren, axis=0)
        punten = (factoren - factoren.min(axis=0)) / np.where(bereik > 0, bereik, 1.0)
        over = np.ones(len(nummers), dtype=bool)
        volgorde, huidig = [0], 0
        over[0] = False
        for _ in range(len(nummers) - 1):
            afstand = np.where(over, ((punten - punten[huidig]) ** 2).sum(axis=1), np.inf)
            huidig = int(np.argmin(afstand))  # the first of equals: deterministic
            over[huidig] = False
            volgorde.append(huidig)
    geordend = [nummers[i] for i in volgorde]
    return [geordend[begin:begin + BLOK] for begin in range(0, len(geordend), BLOK)]


# ----------------------------------------------------------------------------- the analysis

KWANTIELEN = (5, 10, 50, 90, 95)
BETAALBAAR = 0.5  # euros: a shortfall below this is none (rounding in the solver)


@dataclass
class Planbeeld:
    """One plan (the base or the robust one) under every draw."""

    plan: str  # "basis" | "robuust"
    oplossing: object  # solve.Oplossing
    gewogen: np.ndarray  # weighted placements per draw
    plaatsingen: np.ndarray  # expected placements per draw
    per_jaar: dict[int, np.ndarray]  # placement year -> expected placements per draw
    tekort: np.ndarray  # euros short per draw
    gewogen_bij_invoer: float
    plaatsingen_bij_invoer: float


@dataclass
class Analyse:
    invoer: Invoer
    trekkingen: pl.DataFrame  # trekking and the factors drawn
    basis: Planbeeld
    robuust: Planbeeld
    optimum: np.ndarray  # weighted placements of each draw's own optimum, every parameter as drawn (SPEC §8;
    #                      nan: no plan meets every rule then)
    optimum_effecten: np.ndarray  # the same with only the chances drawn, costs and budgets as put in
    gevoeligheid: pl.DataFrame
    zaad: int
    betrouwbaarheid: float
    oplosser: str
    oplosser_versie: str
    seconden: float
    werkers: str  # "serieel", "2 lokale processen" or the cluster's address
    controles: int  # draws also solved cold
    vervangen: int  # warm answers that the cold one replaced
    max_afwijking: float  # the largest relative distance warm - cold
    tijden: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def aantal(self) -> int:
        return self.trekkingen.height

    def als_json(self, doel: Path) -> dict:
        """What ``--json`` prints for this result, written to ``doel``."""
        from .rapport.scherm import analyse_json

        return analyse_json(self, doel)

    def op_scherm(self, doel: Path) -> list:
        """What the terminal shows: rich tables and Dutch sentences, in order."""
        from .rapport.scherm import analyse_scherm

        return analyse_scherm(self, doel)

    def _winst(self, optimum: np.ndarray) -> np.ndarray:
        geldig = ~np.isnan(optimum)
        return optimum[geldig] - self.basis.gewogen[geldig]

    @property
    def winst(self) -> np.ndarray:
        """Per draw (with an optimum): the optimum with every parameter as drawn minus the base plan's
        weighted placements under the draw (SPEC §8). Negative where the base plan counts placements
        it cannot pay for at the drawn costs and budgets."""
        return self._winst(self.optimum)

    @property
    def winst_effecten(self) -> np.ndarray:
        """Per draw: the optimum for the drawn chances (costs and budgets as put in) minus the base
        plan: what knowing the true effects adds; never negative."""
        return self._winst(self.optimum_effecten)

    @property
    def waarde_betere_kennis(self) -> float:
        """The expected value of perfect information of SPEC §8, in weighted placements."""
        return float(self.winst.mean()) if len(self.winst) else float("nan")

    @property
    def waarde_betere_kennis_effecten(self) -> float:
        """The expected value of perfect information about the chances alone."""
        return float(self.winst_effecten.mean()) if len(self.winst_effecten) else float("nan")

    def cvar(self, waarden: np.ndarray) -> float:
        """The mean of the worst (1 - betrouwbaarheid) share of ``waarden``, as the robust LP counts it."""
        aantal = len(waarden)
        staart = (1.0 - self.betrouwbaarheid) * aantal
        geordend = np.sort(waarden)
        heel = int(np.floor(staart + 1e-9))
        som = geordend[:heel].sum() + (staart - heel) * (geordend[heel] if heel < aantal else 0.0)
        return float(som / staart)


def _planbeeld(plan: str, oplossing, model, schalen: np.ndarray, tekort: np.ndarray) -> Planbeeld:

    gewogen_per_kolom, per_kolom = model.per_cel(oplossing.kolomwaarden)
    cellen = model.cellen("x")
    jaar = cellen["jaar"].to_numpy() + cellen["vertraging"].to_numpy()
    per_jaar = {int(j): som_producten(schalen[:, jaar == j], per_kolom[jaar == j]) for j in np.unique(jaar)}
    return Planbeeld(plan, oplossing, som_producten(schalen, gewogen_per_kolom), som_producten(schalen, per_kolom),
                     per_jaar, tekort, float(gewogen_per_kolom.sum()), float(per_kolom.sum()))


def _deelnemers(oplossing) -> dict[tuple[str, str, str, int], float]:
    """X[r,i,g,t] of a plan: its participants summed over the segments."""
    frame = groepsom(oplossing.waarde("x"), list(COHORTSLEUTELS), waarde="waarde")
    return {(r, i, g, int(t)): w for r, i, g, t, w in frame.iter_rows() if w > 0}


def _rij_op(invoer: Invoer, regel: Onzekerheidsregel, factor: float) -> list[float]:
    """A draw with only ``regel`` at ``factor`` (all its regions for per_regio), every other factor 1."""
    return [factor if r is regel else 1.0 for r, _regio, _naam in kolommen(invoer)]


def _rangen(waarden: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties at their mean rank (as Spearman's correlation takes them)."""
    volgorde = np.argsort(waarden, kind="stable")
    gesorteerd = waarden[volgorde]
    nieuw = np.concatenate([[True], gesorteerd[1:] != gesorteerd[:-1]])
    groep = np.cumsum(nieuw) - 1
    grenzen = np.concatenate([np.flatnonzero(nieuw), [len(waarden)]])
    gemiddeld = (grenzen[:-1] + grenzen[1:] + 1) / 2.0  # the mean of ranks start+1 .. end
    rangen = np.empty(len(waarden))
    rangen[volgorde] = gemiddeld[groep]
    return rangen


def _spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    """Spearman's rank correlation (the Pearson correlation of the ranks); None when undefined.
    Written out: importing scipy.stats for it took longer than all of Gevoeligheid's solves."""
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return float(np.corrcoef(_rangen(np.asarray(a, float)), _rangen(np.asarray(b, float)))[0, 1])


def _gevoeligheid(invoer: Invoer, model, basis: np.ndarray, tekortlp: Sessie, trekkingen_: pl.DataFrame,
                  gewogen: np.ndarray) -> pl.DataFrame:
    """Per Onzekerheid row: the base plan (its column values ``basis``) with only that row at laag and
    at hoog (weighted placements and shortfall), and the Spearman correlation of its factor with the
    base plan's placements."""
    gewogen_per_kolom, _per_kolom = model.per_cel(basis)
    namen = kolommen(invoer)
    tekortlp.terug_naar_begin()
    rijen = []
    for regel in invoer.onzekerheid:
        uitkomst = {"naam": regel.naam, "grootheid": regel.grootheid}
        for kant, factor in (("laag", regel.laag), ("hoog", regel.hoog)):
            draw = _rij_op(invoer, regel, factor)
            uitkomst[f"gewogen_bij_{kant}"] = som_product(kansschaal(model, draw), gewogen_per_kolom)
            uitkomst[f"tekort_bij_{kant}"] = 0.0 if _zeker_betaalbaar(invoer, draw) else \
                tekortlp.herbereken(_onder(draw), _tekort)[0]
        eigen = [naam for r, _regio, naam in namen if r is regel]
        factor = trekkingen_.select(pl.mean_horizontal(eigen)).to_series().to_numpy()
        uitkomst["correlatie"] = _spearman(factor, gewogen)
        rijen.append(uitkomst)
    schema = {"naam": pl.String, "grootheid": pl.String, "gewogen_bij_laag": pl.Float64,
              "tekort_bij_laag": pl.Float64, "gewogen_bij_hoog": pl.Float64, "tekort_bij_hoog": pl.Float64,
              "correlatie": pl.Float64}
    return pl.DataFrame(rijen, schema=schema).select("naam", "grootheid", "gewogen_bij_laag", "gewogen_bij_hoog",
                                                      "correlatie", "tekort_bij_laag", "tekort_bij_hoog")


def analyseer(pad, *, trekkingen_: int = 200, zaad: int = 2026, betrouwbaarheid: float = 0.9,
              scenario: str = "basis", oplosser: str | None = None, cluster: str | None = None,
              werkers: int | None = None, tls: dict | None = None, voortgang=None) -> Analyse:
    """SPEC §8: the base plan and the robust plan under ``trekkingen_`` draws of the Onzekerheid sheet,
    and each draw's own optimum (the workbook: :func:`budgetkoppeling.onzekerheid`, which writes it).

    The draws' re-solves go in chunks through one executor (:mod:`budgetkoppeling.werkers`): a Dask
    cluster at ``cluster``, else ``werkers`` local processes (default one per core; 1: in this process).
    ``voortgang(stap, klaar, totaal)`` reports the draws done."""
    import time
    from pathlib import Path

    from .errors import InvoerFout, Probleem
    from .scenarios import pas_toe
    from .solve import kies_oplosser, oplosser_versie
    from .validate import lees_en_valideer
    from .werkers import Verdeler

    if trekkingen_ < 2:
        raise ValueError("onzekerheid vraagt minstens twee trekkingen")
    if not 0 < betrouwbaarheid < 1:
        raise ValueError("de betrouwbaarheid ligt tussen 0 en 1")
    begin = time.perf_counter()
    melding = voortgang or (lambda stap, klaar, totaal: None)
    invoer = pas_toe(lees_en_valideer(Path(pad)), scenario)
    if not invoer.onzekerheid:
        raise InvoerFout([Probleem("Onzekerheid", None, None, None,
                                   "het blad ontbreekt of is leeg; 'onzekerheid' heeft minstens één rij nodig "
                                   "(zie het sjabloon: budgetkoppeling sjabloon)")])
    frame = trekkingen(invoer, trekkingen_, zaad)
    draws = frame.drop("trekking").rows()
    delen = blokken(frame)
    # the workers start (or the cluster is reached) while this process solves both plans
    with Verdeler(cluster, werkers, len(delen), tls) as verdeler:
        tijden = {"inlezen": time.perf_counter() - begin}
        melding("Het plan bij de ingevoerde waarden", 0, trekkingen_)
        sessie = Sessie.van_invoer(invoer, oplosser or invoer.oplosser)
        model = sessie.model
        naam = kies_oplosser(model, sessie.oplosser)
        basis = sessie.oplossing()
        tijden["basisplan"] = time.perf_counter() - begin - sum(tijden.values())
        schalen = np.vstack([kansschaal(model, list(draw)) for draw in draws])
        melding("Het robuuste plan", 0, trekkingen_)
        robuuste_sessie = Sessie.van_invoer(invoer, naam, bouwer=functools.partial(
            bouw_robuust, schalen=schalen, betrouwbaarheid=betrouwbaarheid))
        robuust_model = robuuste_sessie.model
        robuust = robuuste_sessie.oplossing()
        tijden["robuust_plan"] = time.perf_counter() - begin - sum(tijden.values())
        opdracht = Trekkingsopdracht(f"{invoer.sha256}:{scenario}:{zaad}:{naam}:{time.time_ns()}", invoer, naam, zaad,
                            _deelnemers(basis), _deelnemers(robuust), basis.doelwaarde)
        resultaten: dict[int, Trekkingresultaat] = {}

        def klaar(blok: list[Trekkingresultaat]) -> None:
            resultaten.update((r.trekking, r) for r in blok)
            melding("Trekkingen", len(resultaten), trekkingen_)

        verdeler.verdeel(reken_blok, opdracht, delen, klaar)
        beschrijving = verdeler.beschrijving
        tijden["trekkingen"] = time.perf_counter() - begin - sum(tijden.values())
    geordend = [resultaten[n] for n in range(1, trekkingen_ + 1)]
    optimum, optimum_effecten = (np.array([np.nan if getattr(r, veld) is None else getattr(r, veld) for r in geordend])
                                 for veld in ("gewogen_optimum", "gewogen_optimum_effecten"))
    basisbeeld = _planbeeld("basis", basis, model, schalen, np.array([r.tekort_basis for r in geordend]))
    robuustbeeld = _planbeeld("robuust", robuust, robuust_model, schalen,
                              np.array([r.tekort_robuust for r in geordend]))
    tekortlp = Sessie.van_invoer(invoer, naam, bouwer=functools.partial(bouw_tekort, vast=opdracht.basis))
    tekortlp.laad()
    gevoeligheid = _gevoeligheid(invoer, model, basis.kolomwaarden, tekortlp, frame, basisbeeld.gewogen)
    tijden["gevoeligheid"] = time.perf_counter() - begin - sum(tijden.values())
    analyse = Analyse(invoer, frame, basisbeeld, robuustbeeld, optimum, optimum_effecten, gevoeligheid, zaad,
                      betrouwbaarheid, naam, oplosser_versie(naam), time.perf_counter() - begin, beschrijving,
                      sum(r.gecontroleerd for r in geordend), sum(r.vervangen for r in geordend),
                      max((r.afwijking for r in geordend), default=0.0), tijden)
    analyse.seconden = time.perf_counter() - begin
    return analyse
