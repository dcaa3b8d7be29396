"""Solve the array model in process: HiGHS (``passModel``) or Clp (``cylp``); CBC for a MIP.

The solution comes back per block and family, keyed by domain keys
(:meth:`Oplossing.waarde`, :meth:`Oplossing.dual`), in one sign convention whatever the
solver: d(objective)/d(right-hand side), so for the maximisation a binding ``<=`` row
has a dual >= 0.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import polars as pl

from .bestanden import stille_stdout
from .errors import BudgetkoppelingFout
from .model import Jaarverschil, Model, jaarverschil, som_product
from .onderbreking import in_kind, in_kindproces

CLP_TOLERANTIE = 1e-9  # measured (bench/README.md): exact to 1e-6 and faster than Clp's 1e-7
CLP_BASIS, CLP_ONDERGRENS = 1, 3  # Clp's status of a basic column or row, and of one at its lower bound
OPTIMAAL, ONMOGELIJK, ONBEGRENSD, ONBEKEND = "optimaal", "onmogelijk", "onbegrensd", "onbekend"
CLP_GESTOPT = 3  # Clp's status: stopped at its iteration (or time) limit
TIJDSLIMIET = 120.0  # seconds for a MIP (--geheel) unless --tijdslimiet says otherwise: CBC ran 11 minutes


@dataclass
class Oplossing:
    """The solved model: a value per column and a dual per row, read per block and family."""

    model: Model
    status: str
    oplosser: str
    oplosser_versie: str
    doelwaarde: float
    seconden: float
    kolomwaarden: np.ndarray
    rijduals: np.ndarray
    duals_uit_relaxatie: bool = False  # with --geheel: the duals are the LP relaxation's (fractional persons)
    basis: Startbasis | None = None  # the first phase's basis, when asked for (los_op(..., bewaar_basis=True))
    gap: float | None = None  # with --geheel stopped at its time limit: how far the plan may be from the optimum
    tijdslimiet: float | None = None  # with --geheel: the seconds the MIP was given
    # the LP whose duals are the prices: its optimal basis and that basis's point (the first phase's
    # values), for the range of each price (uitleg.prijsbereik); None where not kept
    prijsbasis: Startbasis | None = None
    prijspunt: np.ndarray | None = None
    bewaard: dict = field(default_factory=dict, repr=False)  # what readers computed once from it (uitleg)

    def waarde(self, blok: str, *kenmerken: str) -> pl.DataFrame:
        """The block's keys with ``waarde`` (solver noise below 1e-9 is 0: every variable is >= 0);
        ``kenmerken`` adds what the model knows of each column of ``x`` or ``y`` (for x: ``kans``,
        ``factor``, ``vertraging``, ``potentieel``; for y: ``max_aandeel``, ``landelijk``)."""
        variabelen = self.model.variabelen[blok]
        waarden = self.kolomwaarden[variabelen.start:variabelen.start + variabelen.aantal]
        frame = variabelen.sleutels.with_columns(waarde=pl.Series(np.where(waarden < 1e-9, 0.0, waarden)))
        if kenmerken:
            cellen = {"x": self.model.cellen_x, "y": self.model.cellen_y}[blok]
            frame = frame.with_columns(cellen.select(kenmerken))
        return frame

    def dual(self, familie: str) -> pl.DataFrame:
        """The family's keys with ``dual``, for example ``dual("budget")``: (fonds, regio, jaar, dual)."""
        rijen = self.model.families.get(familie)
        if rijen is None:
            return pl.DataFrame({"dual": []}, schema={"dual": pl.Float64})
        return rijen.sleutels.with_columns(dual=pl.Series(self.rijduals[rijen.start:rijen.start + rijen.aantal]))

    def heeft(self, naam: str) -> bool:
        """Whether the model built the family or the block of columns ``naam`` (for example
        ``overgang`` only with a band, ``z`` only with a vaststellingsrisico; it may be empty)."""
        return self.model.heeft(naam)

    def rijen(self, familie: str) -> pl.DataFrame:
        """The family's rows in one frame: its keys, ``onder`` and ``boven`` (the bounds of the row's
        sum), ``teken`` (``<=``, ``>=``, ``=`` or ``<=>`` for a range), ``activiteit`` (the sum in this
        plan), ``dual`` and ``rij`` (the row's number in the model). Empty (with those columns) for a
        family the model does not have."""
        rijen = self.model.families.get(familie)
        schema = {"onder": pl.Float64, "boven": pl.Float64, "teken": pl.String, "activiteit": pl.Float64,
                  "dual": pl.Float64, "rij": pl.Int64}
        if rijen is None:
            return pl.DataFrame(schema=schema)
        activiteit = np.zeros(rijen.aantal)
        if len(self.kolomwaarden):
            np.add.at(activiteit, rijen.rij, rijen.coef * self.kolomwaarden[rijen.kolom])
        onder, boven = np.broadcast_to(rijen.onder, rijen.aantal), np.broadcast_to(rijen.boven, rijen.aantal)
        teken = np.where(onder == boven, "=", np.where(np.isinf(onder), "<=", np.where(np.isinf(boven), ">=", "<=>")))
        return rijen.sleutels.with_columns(
            onder=pl.Series(onder, dtype=pl.Float64), boven=pl.Series(boven, dtype=pl.Float64),
            teken=pl.Series(teken, dtype=pl.String), activiteit=pl.Series(activiteit),
            dual=pl.Series(self.rijduals[rijen.start:rijen.start + rijen.aantal] if len(self.rijduals)
                           else np.zeros(rijen.aantal)),
            rij=pl.int_range(rijen.start, rijen.start + rijen.aantal, dtype=pl.Int64))

    @property
    def gewogen_plaatsingen(self) -> float:
        """The plan's weighted placements (the objective of SPEC §5, also where the solver optimised
        something else, as evalueer's least spending)."""
        return som_product(self.model.plaatsingsdoel, self.kolomwaarden)

    @property
    def plaatsingen(self) -> float:
        """The plan's expected placements (unweighted, undiscounted)."""
        from .model import plaatsingen_per_kolom

        return som_product(plaatsingen_per_kolom(self.model), self.kolomwaarden)

    def regels(self) -> pl.DataFrame:
        """The policy rules as the model expanded them (a rule over ``elk`` year is one row per year):
        ``regel``, ``omschrijving``, ``grootheid``, ``operator``, ``grens``, ``actief``, ``bereikt``
        (the rule's quantity in this plan) and the model's ``rij`` (None where it matches no cell)."""
        rijen = [(r.regel.regel, r.omschrijving, r.regel.grootheid, r.regel.operator, r.regel.waarde, r.regel.actief,
                  rij_activiteit(self, r.kolom, r.coef), r.rij) for r in self.model.regels]
        return pl.DataFrame(rijen, schema={"regel": pl.String, "omschrijving": pl.String, "grootheid": pl.String,
                                           "operator": pl.String, "grens": pl.Float64, "actief": pl.Boolean,
                                           "bereikt": pl.Float64, "rij": pl.Int64}, orient="row")

    def _als_dict(self, blok: str) -> dict[tuple, float]:
        frame = self.waarde(blok)
        return {tuple(rij[:-1]): rij[-1] for rij in frame.iter_rows()}

    @cached_property
    def x(self) -> dict[tuple[str, str, str, int, int], float]:
        return self._als_dict("x")

    @cached_property
    def k(self) -> dict[tuple[str, str, str, int], float]:
        return self._als_dict("k")

    @cached_property
    def y(self) -> dict[tuple[str, str, str, str, int], float]:
        return self._als_dict("y")

    @cached_property
    def c(self) -> dict[tuple[str, str, int], float]:
        return self._als_dict("c")


def kies_oplosser(model: Model, gevraagd: str) -> str:
    """``auto``: Clp in process for an LP, HiGHS for a MIP (measured over the structures of
    bench/meet.py: see bench/README.md)."""
    if gevraagd != "auto":
        return gevraagd
    return "highs" if model.geheel else "cbc"


def oplosser_versie(naam: str, geheel: bool = False) -> str:
    if naam == "highs":
        import highspy

        return f"HiGHS {highspy.Highs().version()}"
    if geheel:
        import pulp

        return f"CBC (PuLP {pulp.__version__})"
    import cylp  # its own attribute: the package metadata may lie in a folder the user cannot read

    return f"Clp (cylp {cylp.__version__})"


@dataclass
class Startbasis:
    """An optimal basis of one solver (the status of every column and row), to start another LP of
    the same size from: a scenario from its base."""

    oplosser: str
    kolommen: np.ndarray
    rijen: np.ndarray

    def past(self, model: Model, naam: str) -> bool:
        return (self.oplosser, len(self.kolommen), len(self.rijen)) == (naam, model.aantal_kolommen, model.aantal_rijen)


@dataclass
class Uitkomst:
    status: str
    waarden: np.ndarray | None = None
    duals: np.ndarray | None = None
    basis: Startbasis | None = None
    gap: float | None = None  # a MIP stopped at its time limit: the best plan's relative distance to the bound
    eerste: np.ndarray | None = None  # after steps 2 and 3: the first phase's values (its basis's point)


@dataclass
class Iteratiebudget:
    """At most ``resterend`` simplex iterations over a series of re-solves (the Toelichting's causes of
    unused money): each solve may use what is left, and a solve stopped by it ends as ONBEKEND with ``op``
    set. Counted in iterations, not seconds, so that the same input gives the same Toelichting on every
    machine."""

    resterend: int
    op: bool = False

    def gebruik(self, iteraties: int, gestopt: bool) -> bool:
        """Count a solve's ``iteraties``; False (and ``op``) when it was ``gestopt`` by the limit."""
        self.resterend -= int(iteraties)
        if gestopt:
            self.op = True
        return not gestopt


def _los_op(model: Model, naam: str, geheel: bool | None = None, start: Startbasis | None = None,
            bewaar_basis: bool = False, tijdslimiet: float | None = None, voortgang=None) -> Uitkomst:
    """Solve with ``naam``; an LP warm from ``start`` if it fits, and with its basis if asked. A MIP
    stops after ``tijdslimiet`` seconds with the best plan found and its gap; ``voortgang(tekst)``
    hears how far CBC is (the gap so far) while it runs."""
    geheel = model.geheel if geheel is None else geheel
    voorkeur = None if geheel or model.elastisch else financieringsvoorkeur(model)
    start = start if start is not None and not geheel and start.past(model, naam) else None
    if naam == "highs":
        return _highs(model, geheel, voorkeur, start, bewaar_basis and not geheel, tijdslimiet if geheel else None)
    if geheel:
        return _cbc_via_pulp(model, tijdslimiet, voortgang)
    return _clp(model, voorkeur, start, bewaar_basis)


SOORT_VOLGORDE = {"esf": 0, "sector": 1, "oeo": 2, "overig": 3, "participatiebudget": 4}
OVERHEVEL_GEWICHT = 0.5  # a euro carried over weighs half a euro of the first fund to spend
BREEK_GELIJKSPEL = 1e-3  # per euro or person


@dataclass
class Voorkeur:
    """The second phase: ``kosten`` to minimise over the first phase's optimal face (``_optimaal_vlak``),
    after the year-to-year change of ``verschil`` (step (2) of "Which optimum"; None: nothing to steady).
    Made in the parent process: polars cannot run in a forked child (its thread pool stays behind)."""

    kosten: np.ndarray
    verschil: Jaarverschil | None = None


def financieringsvoorkeur(model: Model, stabiel: bool = True) -> Voorkeur | None:
    """The second objective that makes the split over funds unique without changing the plan's
    weighted placements (over the optimal face of the first): minimise sum of w_f * y + 0.5 * sum
    of c plus a small fixed tie-breaking cost per column, where w_f
    is the rank of the fund (1, 2, ...) by (vervaljaar, soort, order in Fondsen): money that
    expires first, then EU (esf), national (sector) and O&O money, the Participatiebudget last;
    and carry over as little as needed. None when the model pays nothing. The participants stay
    free: with them held at the first phase's values the solvers still differ where the
    allocation itself has ties, and it was slower (bench/README.md)."""
    y = model.variabelen.get("y")
    if y is None or y.aantal == 0:
        return None
    fondsen = model.invoer.fondsen
    volgorde = sorted(fondsen, key=lambda f: (fondsen[f].vervaljaar if fondsen[f].vervaljaar is not None else 10**6,
                                              SOORT_VOLGORDE.get(fondsen[f].soort, 3), list(fondsen).index(f)))
    rang = {f: float(n) for n, f in enumerate(volgorde, start=1)}
    voorkeur = np.zeros(model.aantal_kolommen)
    voorkeur[y.start:y.start + y.aantal] = y.sleutels["fonds"].replace_strict(rang, return_dtype=pl.Float64).to_numpy()
    c = model.variabelen.get("c")
    if c is not None:
        voorkeur[c.start:c.start + c.aantal] = OVERHEVEL_GEWICHT
    # ties (two instruments with equal placements, one fund in two years) broken the same way by
    # every solver: a small fixed pseudo-random cost per column, far above the solvers' tolerances
    # and far below the difference between two funds' ranks
    voorkeur += BREEK_GELIJKSPEL * np.random.default_rng(20261202).random(model.aantal_kolommen)
    return Voorkeur(voorkeur, jaarverschil(model) if stabiel else None)


VLAK_DREMPEL = 1e-8  # a reduced cost or dual above this is not zero: that column or row is fixed in phase 2


def _optimaal_vlak(model: Model, matrix, waarden: np.ndarray,
                   rij_duals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The bounds of the optimal face, for the second phase: (column lower, column upper, row lower,
    row upper). Every optimal solution meets complementary slackness with any optimal dual, so a
    column with a reduced cost, or a row with a dual, stays where the first phase put it: fixed,
    the solver moves only the columns that the tie leaves free (bench/README.md: a second phase
    over the whole LP took as long as the first)."""
    onder, boven = model.kolomgrenzen()
    rij_onder, rij_boven = model.rijgrenzen()
    gereduceerd = model.doel - matrix.T @ rij_duals  # the reduced costs, the same way for both solvers
    vast = np.abs(gereduceerd) > VLAK_DREMPEL
    punt = np.clip(waarden, onder, boven)
    onder[vast] = boven[vast] = punt[vast]
    actief = np.abs(rij_duals) > VLAK_DREMPEL  # fixed where the point is, so that the point stays feasible
    rij_onder[actief] = rij_boven[actief] = (matrix @ punt)[actief]
    return onder, boven, rij_onder, rij_boven


def _highs_lp(model: Model, matrix, geheel: bool = False, voorkeur: Voorkeur | None = None, vlak: tuple | None = None):
    """The model as a ``HighsLp`` (``matrix``: its scipy CSR or CSC matrix), handed over in one piece;
    for the second phase with the preference as its (minimised) cost and the bounds of ``vlak``."""
    import highspy

    oneindig = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = model.aantal_kolommen, model.aantal_rijen
    if voorkeur is None:
        lp.sense_ = highspy.ObjSense.kMaximize if model.zin == "max" else highspy.ObjSense.kMinimize
        lp.col_cost_ = model.doel
    else:
        lp.sense_, lp.col_cost_ = highspy.ObjSense.kMinimize, voorkeur.kosten
    grenzen = vlak if vlak is not None else (*model.kolomgrenzen(), *model.rijgrenzen())
    lp.col_lower_, lp.col_upper_, lp.row_lower_, lp.row_upper_ = (np.clip(g, -oneindig, oneindig) for g in grenzen)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise if matrix.format == "csr" else highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
    if geheel:
        lp.integrality_ = [highspy.HighsVarType.kInteger if g else highspy.HighsVarType.kContinuous
                           for g in model.gehele_kolommen()]
    return lp


def _highs_uitkomst(h, model: Model, geheel: bool = False) -> Uitkomst:
    """What a HiGHS run gave, in our status words; duals only for an LP."""
    import highspy

    uitkomst = {
        highspy.HighsModelStatus.kOptimal: OPTIMAAL,
        highspy.HighsModelStatus.kModelEmpty: OPTIMAAL,
        highspy.HighsModelStatus.kInfeasible: ONMOGELIJK,
        highspy.HighsModelStatus.kUnboundedOrInfeasible: ONMOGELIJK,
        highspy.HighsModelStatus.kUnbounded: ONBEGRENSD,
    }.get(h.getModelStatus(), ONBEKEND)
    gap = None
    if geheel and h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit and h.getInfo().primal_solution_status == 2:
        uitkomst, gap = OPTIMAAL, float(h.getInfo().mip_gap)  # the best plan found in the time allowed
    if uitkomst != OPTIMAAL:
        return Uitkomst(uitkomst)
    oplossing = h.getSolution()
    waarden = np.asarray(oplossing.col_value, dtype=np.float64) if model.aantal_kolommen else np.zeros(0)
    duals = np.asarray(oplossing.row_dual, dtype=np.float64) if oplossing.dual_valid and not geheel \
        else np.zeros(model.aantal_rijen)
    return Uitkomst(OPTIMAAL, waarden, duals, gap=gap)


def _highs(model: Model, geheel: bool, voorkeur: Voorkeur | None = None, start: Startbasis | None = None,
           bewaar_basis: bool = False, tijdslimiet: float | None = None) -> Uitkomst:
    """HiGHS's dual simplex (branch and bound for a MIP) on the matrix, in a forked child: HiGHS checks
    its interrupt callback only after presolve (seconds on a large model), a child ends at once.
    With ``voorkeur`` an LP is solved a second time, over its optimal face, for the split over funds."""
    import highspy  # noqa: F401 - imported before the fork

    return in_kindproces(_highs_hier, model, model.matrix("csr"), geheel, voorkeur, start, bewaar_basis, tijdslimiet)


def _highs_hier(model: Model, matrix, geheel: bool, voorkeur: Voorkeur | None = None,
                start: Startbasis | None = None, bewaar_basis: bool = False,
                tijdslimiet: float | None = None) -> Uitkomst:
    import highspy

    if in_kind():  # in a forked child HiGHS's thread pool is the parent's, without its threads: a fresh one
        highspy._Highs.resetGlobalScheduler(False)
    lp = _highs_lp(model, matrix, geheel)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if tijdslimiet is not None:
        h.setOptionValue("time_limit", float(tijdslimiet))
    if start is not None:  # HiGHS's default 1e-7 let warm starts stop below the optimum (Herberekening)
        h.setOptionValue("primal_feasibility_tolerance", CLP_TOLERANTIE)
        h.setOptionValue("dual_feasibility_tolerance", CLP_TOLERANTIE)
    with stille_stdout():
        h.passModel(lp)
        del lp
        if start is not None:
            h.setBasis(_highs_basis(start))
        h.run()
    if h.getModelStatus() == highspy.HighsModelStatus.kUnboundedOrInfeasible:  # presolve could not tell: again
        h.setOptionValue("presolve", "off")
        with stille_stdout():
            h.run()
    uitkomst = _highs_uitkomst(h, model, geheel)
    if bewaar_basis and uitkomst.status == OPTIMAAL:
        basis = h.getBasis()
        uitkomst.basis = Startbasis("highs", np.fromiter(map(int, basis.col_status), np.int8, model.aantal_kolommen),
                                    np.fromiter(map(int, basis.row_status), np.int8, model.aantal_rijen))
    if voorkeur is None or uitkomst.status != OPTIMAAL or geheel:
        return uitkomst
    return _highs_tweede_fase(model, matrix, uitkomst, voorkeur)


def _highs_basis(start: Startbasis):
    import highspy

    status = [highspy.HighsBasisStatus(i) for i in range(int(max(start.kolommen.max(initial=0),
                                                                 start.rijen.max(initial=0))) + 1)]
    basis = highspy.HighsBasis()
    basis.col_status = [status[i] for i in start.kolommen.tolist()]
    basis.row_status = [status[i] for i in start.rijen.tolist()]
    basis.valid = True
    return basis


def _highs_tweede_fase(model: Model, matrix, uitkomst: Uitkomst, voorkeur: Voorkeur,
                       bases: dict | None = None, budget: Iteratiebudget | None = None) -> Uitkomst:
    """The second phase after a first ``uitkomst`` (:func:`_tweede_fase`) with HiGHS: cold with
    presolve, which removes the fixed columns (twice as fast as warm from the first basis,
    bench/README.md), or with ``bases`` (a re-solve in place) from the previous second phase's
    basis where it fits; step (3) warm after step (2), on the same HiGHS object."""
    return _tweede_fase(model, matrix, uitkomst, voorkeur,
                        lambda *lp: _highs_stappen(*lp, bases=bases, budget=budget), budget is not None)


def _clp_tweede_fase(model: Model, matrix, uitkomst: Uitkomst, voorkeur: Voorkeur,
                     vrij: Kostenvrij | None, budget: Iteratiebudget | None = None) -> Uitkomst:
    """As :func:`_highs_tweede_fase`, with Clp (``matrix`` in CSC), cold with presolve for each step,
    also in a re-solve in place: the face of another budget or cost is another LP, and warm from the
    step's basis of the solve before took 27 to 570 ms a move of the national example's what-if page
    against 90 to 150 ms cold, Zuid-Limburg's causes 0.06 to 0.34 s per relaxation against 0.02 to
    0.03 s (bench/README.md). Without step (2) (nothing to steady) Clp gets the LP
    without cost columns (``vrij``)."""
    return _tweede_fase(model, matrix, uitkomst, voorkeur,
                        lambda *lp: _clp_stappen(*lp, model=model, vrij=vrij, budget=budget), budget is not None,
                        zonder_vaste=True)


STABIEL_MARGE = 1e-7  # step (3) may use this much more year-to-year change than step (2) found (relative) ...
STABIEL_MARGE_ABSOLUUT = 1e-6  # ... plus this (persons): the solvers' tolerance, never a real swing


def _tweede_fase(model: Model, matrix, uitkomst: Uitkomst, voorkeur: Voorkeur, stappen,
                 binnen_budget: bool = False, zonder_vaste: bool = False) -> Uitkomst:
    """Steps (2) and (3) of "Which optimum" (SPEC §5) over the optimal face of the first phase
    (:func:`_optimaal_vlak`): (2) the least change from year to year (:func:`model.jaarverschil`),
    (3) with that change held, the preferred split over funds (``voorkeur``). ``stappen(matrix,
    grenzen, kosten_2, kosten_3, rij_3, grens_3)`` solves both and returns the values of step (3) (None
    where a step failed); ``kosten_2`` is None when there is nothing to steady; ``grens_3`` is step (3)'s
    bound when step (2) is solved already (on a large face, :func:`_stap_2_inwendig`; not
    ``binnen_budget``, whose simplex iterations are counted). Returns the first phase's duals and basis
    with the values of the last step (:func:`_houd_optimum`). ``zonder_vaste``: steps (2) and (3) get
    only the columns the face leaves free (:func:`_zonder_vaste`)."""
    import scipy.sparse

    vlak = _optimaal_vlak(model, matrix, uitkomst.waarden, uitkomst.duals)
    verschil = voorkeur.verschil
    n = model.aantal_kolommen
    if verschil is None:
        waarden = stappen(matrix.tocsr(), vlak, None, voorkeur.kosten, None)
        return _houd_optimum(model, uitkomst, waarden)
    uitgebreid = scipy.sparse.vstack([
        scipy.sparse.hstack([matrix, scipy.sparse.csr_matrix((model.aantal_rijen, verschil.aantal))]),
        verschil.matrix]).tocsr()
    onder, boven, rij_onder, rij_boven = vlak
    groot_vlak = not binnen_budget and int(np.count_nonzero(onder < boven)) > GROOT_VLAK
    grenzen = (np.concatenate([onder, np.zeros(verschil.aantal)]),
               np.concatenate([boven, np.full(verschil.aantal, np.inf)]),
               np.concatenate([rij_onder, verschil.vast]),
               np.concatenate([rij_boven, verschil.vast]))
    stabiel = np.concatenate([np.zeros(n), np.ones(verschil.aantal)])
    voorkeur_ = np.concatenate([voorkeur.kosten, np.zeros(verschil.aantal)])
    rij_3 = np.concatenate([np.zeros(n), np.ones(verschil.aantal)])  # sum d+ + d- <= what step (2) found
    lp = (uitgebreid, grenzen, stabiel, voorkeur_, rij_3)
    klein = _zonder_vaste(*lp) if zonder_vaste or groot_vlak else None
    grens_3 = None
    if groot_vlak:  # the interior point on the free columns only: HiGHS's presolve drops the fixed ones too,
        # but only after it holds the whole LP (bench/README.md, "The municipal model's memory")
        _, matrix_, grenzen_, stabiel_, _, rij_3_ = klein
        grens_3 = _stap_2_inwendig(matrix_, grenzen_, stabiel_, rij_3_)
    vrij, *lp = klein if zonder_vaste else (None, *lp)
    waarden = stappen(*lp, grens_3)
    if vrij is not None and waarden is not None:
        alle = grenzen[0].copy()  # a fixed column where the face holds it
        alle[vrij] = waarden
        waarden = alle
    return _houd_optimum(model, uitkomst, None if waarden is None else waarden[:n])


def _zonder_vaste(matrix, grenzen: tuple, *per_kolom: np.ndarray) -> tuple:
    """The LP of ``matrix`` (CSR), ``grenzen`` and the vectors ``per_kolom`` (costs, a row) over its
    free columns only: each fixed column's terms moved into the row bounds, and the rows left without
    a term dropped. Returns (the free columns as a mask, the matrix, the bounds, each vector). Clp's
    presolve does the same, but handing it the smaller LP saves 10 ms of each step of the national
    example's what-if move (bench/README.md)."""
    onder, boven, rij_onder, rij_boven = grenzen
    vrij = onder < boven
    bijdrage = matrix @ np.where(vrij, 0.0, onder)
    kolommen = matrix[:, vrij]
    rijen = np.diff(kolommen.indptr) > 0
    return (vrij, kolommen[rijen],
            (onder[vrij], boven[vrij], (rij_onder - bijdrage)[rijen], (rij_boven - bijdrage)[rijen]),
            *(vector[vrij] for vector in per_kolom))


GROOT_VLAK = 100_000  # columns left free by the optimal face above which step (2) goes to the interior point


def _stap_2_inwendig(matrix, grenzen: tuple, kosten_2: np.ndarray, rij_3: np.ndarray) -> float | None:
    """Step (2) on a large face (its free columns only) by HiGHS's interior point method: the bound of step
    (3), or None when it did not end optimal (then the simplex of the chosen solver does step (2) as on a small
    face). The national example at municipal level (198,000 free columns): 4.8 s against more than 100 s
    for Clp's dual simplex, whose pivots stall on its many equal municipalities (bench/README.md). Only
    its minimum is used: step (3) holds it and makes the plan unique with the chosen solver."""
    import highspy

    if in_kind():  # as in _highs_hier: a forked child gets a thread pool of its own
        highspy._Highs.resetGlobalScheduler(False)
    # without crossover first: only the minimum is used, and step (3)'s margin (STABIEL_MARGE) is far wider
    # than the interior point's tolerance; crossover made the municipal example's peak of memory. Where the
    # interior solution alone is not optimal, again with crossover (not where presolve finds the face
    # infeasible at 1e-9, as on the 400-unit workbook: the simplex does step (2) then)
    status = highspy.HighsModelStatus
    for crossover in ("off", "on"):
        h = _highs_nauwkeurig()
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", crossover)
        with stille_stdout():
            h.passModel(_highs_arrays(matrix, kosten_2, grenzen))
            h.run()
        uitkomst = h.getModelStatus()
        if uitkomst == status.kOptimal:
            return _stap_3_grens(np.asarray(h.getSolution().col_value, dtype=np.float64), rij_3)
        del h
        if uitkomst in (status.kInfeasible, status.kUnboundedOrInfeasible, status.kUnbounded):
            break
    return None


def _met_rij(matrix, grenzen: tuple, rij: np.ndarray, grens: float) -> tuple:
    """The LP of step (3): ``matrix`` (CSR) and ``grenzen`` with the row ``rij . x <= grens`` added."""
    import scipy.sparse

    onder, boven, rij_onder, rij_boven = grenzen
    return (scipy.sparse.vstack([matrix, scipy.sparse.csr_matrix(rij)]).tocsr(),
            (onder, boven, np.append(rij_onder, -np.inf), np.append(rij_boven, grens)))


def _highs_nauwkeurig():
    """A silent HiGHS with the tolerances of Clp (1e-9): the second phase's steps."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("primal_feasibility_tolerance", CLP_TOLERANTIE)
    h.setOptionValue("dual_feasibility_tolerance", CLP_TOLERANTIE)
    return h


def _stap_3_grens(waarden: np.ndarray, rij_3: np.ndarray) -> float:
    gevonden = som_product(rij_3, waarden)
    return gevonden * (1 + STABIEL_MARGE) + STABIEL_MARGE_ABSOLUUT


def _highs_arrays(matrix, kosten: np.ndarray, grenzen: tuple):
    """A minimisation as a ``HighsLp`` from arrays (``matrix`` in CSR)."""
    import highspy

    oneindig = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_row_, lp.num_col_ = matrix.shape
    lp.sense_, lp.col_cost_ = highspy.ObjSense.kMinimize, kosten
    lp.col_lower_, lp.col_upper_, lp.row_lower_, lp.row_upper_ = (np.clip(g, -oneindig, oneindig) for g in grenzen)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
    return lp


def _highs_stappen(matrix, grenzen: tuple, kosten_2, kosten_3: np.ndarray, rij_3, grens_3: float | None = None,
                   bases: dict | None = None, budget: Iteratiebudget | None = None) -> np.ndarray | None:
    import highspy

    optimaal = highspy.HighsModelStatus.kOptimal

    def los(h) -> bool:
        """Run ``h`` (within what is left of ``budget``); True when it found the optimum."""
        if budget is not None:
            if budget.resterend <= 0:
                budget.op = True
                return False
            h.setOptionValue("simplex_iteration_limit", budget.resterend)
        h.run()
        if budget is not None and not budget.gebruik(
                h.getInfo().simplex_iteration_count,
                h.getModelStatus() == highspy.HighsModelStatus.kIterationLimit):
            return False
        return h.getModelStatus() == optimaal

    h = _highs_nauwkeurig()
    with stille_stdout():
        if grens_3 is not None:  # step (2) is done: step (3) alone, cold with presolve
            met_rij, grenzen_3 = _met_rij(matrix, grenzen, rij_3, grens_3)
            h.passModel(_highs_arrays(met_rij, kosten_3, grenzen_3))
            return np.asarray(h.getSolution().col_value, dtype=np.float64) if los(h) else None
        h.passModel(_highs_arrays(matrix, kosten_3 if kosten_2 is None else kosten_2, grenzen))
        vorige = None if bases is None else bases.get("eerste stap")
        if vorige is not None and vorige[0] == matrix.shape:
            h.setBasis(vorige[1])
        if not los(h):
            if vorige is None or (budget is not None and budget.op):
                return None
            h.clearSolver()  # the basis of the solve before did not lead anywhere: cold
            if not los(h):
                return None
        if bases is not None:
            bases["eerste stap"] = (matrix.shape, h.getBasis())
        if kosten_2 is not None:  # step (3): the change of step (2) held, the funds' preference as cost
            kolommen = np.flatnonzero(rij_3).astype(np.int32)
            grens = _stap_3_grens(np.asarray(h.getSolution().col_value), rij_3)
            h.addRow(-highspy.kHighsInf, grens, len(kolommen), kolommen, rij_3[kolommen])
            h.changeColsCost(len(kosten_3), np.arange(len(kosten_3), dtype=np.int32), kosten_3)
            if not los(h):
                if budget is not None and budget.op:
                    return None
                # warm from step (2) it may stop unsure (kUnknown, seen on a scenario of the national
                # example): the same LP again, cold with presolve
                h = _highs_nauwkeurig()
                met_rij, grenzen_3 = _met_rij(matrix, grenzen, rij_3, grens)
                h.passModel(_highs_arrays(met_rij, kosten_3, grenzen_3))
                if not los(h):
                    return None
    return np.asarray(h.getSolution().col_value, dtype=np.float64)


def _clp_stappen(matrix, grenzen: tuple, kosten_2, kosten_3: np.ndarray, rij_3, grens_3: float | None = None, *,
                 model: Model, vrij: Kostenvrij | None,
                 budget: Iteratiebudget | None = None) -> np.ndarray | None:
    from cylp.cy import CyClpSimplex

    def los(matrix_, grenzen_, kosten, vrij_=None) -> np.ndarray | None:
        simplex = CyClpSimplex()
        if vrij_ is not None:  # the model's own LP: the substitution of the first phase
            _clp_laad(simplex, model, matrix.tocsc(), kosten, vlak=grenzen_, vrij=vrij_)
        else:
            oneindig = simplex.getCoinInfinity()
            onder, boven, rij_onder, rij_boven = (np.clip(g, -oneindig, oneindig) for g in grenzen_)
            simplex.loadProblem(_clp_matrix(matrix_), onder, boven, np.ascontiguousarray(kosten), rij_onder, rij_boven)
            simplex.logLevel = 0
            simplex.primalTolerance = CLP_TOLERANTIE
            simplex.dualTolerance = CLP_TOLERANTIE
            simplex.setPerturbation(50)  # as in the first phase: step (2) of a municipal region 0.5 s against 0.9
            # unscaled: of 14 workbooks' face LPs 10 solved faster than with Clp's default scaling and 4 slower,
            # together 3.2 s against 5.2 s (bench/README.md); the first phase is faster scaled
            simplex.scaling = 0
        if budget is not None:
            if budget.resterend <= 0:
                budget.op = True
                return None
            simplex.maxNumIteration = budget.resterend
        try:
            with stille_stdout():
                simplex.initialSolve()
        except IndexError:  # a status code cylp's table lacks
            return None
        if budget is not None and not budget.gebruik(simplex.iteration, simplex.getStatusCode() == CLP_GESTOPT):
            return None
        if simplex.getStatusCode() != 0:
            return None
        waarden = np.array(simplex.primalVariableSolution, dtype=np.float64)
        return vrij_.waarden(waarden, model.aantal_kolommen) if vrij_ is not None else waarden

    if kosten_2 is None:
        return los(matrix, grenzen, kosten_3, vrij)
    if grens_3 is None:
        stap_2 = los(matrix, grenzen, kosten_2)
        if stap_2 is None:
            return None
        grens_3 = _stap_3_grens(stap_2, rij_3)
    return los(*_met_rij(matrix, grenzen, rij_3, grens_3), kosten=kosten_3)


def _houd_optimum(model: Model, uitkomst: Uitkomst, waarden: np.ndarray | None) -> Uitkomst:
    """The second phase's ``waarden`` with the first phase's duals and basis, unless it failed or
    lost more than 1e-9 (relative) of the first objective: a reduced cost just under the face's
    threshold left a column free that it should have fixed. Then the first phase stands."""
    eerste = som_product(model.doel, uitkomst.waarden)
    if waarden is None or abs(som_product(model.doel, waarden) - eerste) > 1e-9 * max(1.0, abs(eerste)):
        return uitkomst
    return Uitkomst(OPTIMAAL, waarden, uitkomst.duals, uitkomst.basis, eerste=uitkomst.waarden)  # the first duals


@dataclass
class Kostenvrij:
    """The LP that Clp gets: the model with its cost columns substituted out.

    A ``kosten`` row says k[r,i,g,t] = sum of cost * x, so k = K z for the other columns z, and
    every other row's terms on k become terms on z (``matrix`` = A_z + A_k K, without the kosten
    rows); the objective becomes c_z + K^T c_k. That is the same LP on fewer columns and rows:
    Clp solves it faster (measured: bench/README.md). A solution, its duals and its basis
    come back in the model's columns and rows (:meth:`waarden`, :meth:`duals`, :meth:`basis_op`).
    Only where k >= 0 follows from z >= 0 (no shortfall in a kosten row, costs >= 0); otherwise
    :meth:`van` gives None and Clp gets the model as it is.
    """

    kolommen: np.ndarray  # the model's columns kept (every column but k)
    rijen: np.ndarray  # the model's rows kept (every row but kosten)
    k: slice  # the cost columns, in the model's numbering
    kosten: slice  # the kosten rows (row j defines column k.start + j)
    K: object  # k = K z (CSR: k columns x kept columns)
    A_k: object  # the kept rows' terms on k (CSC: kept rows x k columns)
    matrix: object  # the LP's matrix (CSC: kept rows x kept columns)

    @classmethod
    def van(cls, model: Model, matrix) -> Kostenvrij | None:
        """The substitution for ``model`` (``matrix``: its CSC matrix), or None where it does not hold."""
        import scipy.sparse

        k, kosten = model.variabelen.get("k"), model.families.get("kosten")
        if k is None or kosten is None or k.aantal == 0 or kosten.aantal != k.aantal or k.geheel:
            return None
        in_k = (kosten.kolom >= k.start) & (kosten.kolom < k.start + k.aantal)
        # each row holds its own k once, with coefficient 1 (add_kosten numbers them alike)
        if in_k.sum() != k.aantal or not np.array_equal(np.sort(kosten.rij[in_k]), np.arange(k.aantal)) or \
                not np.array_equal(kosten.kolom[in_k] - k.start, kosten.rij[in_k]) or \
                not np.all(kosten.coef[in_k] == 1.0) or np.any(k.onder != 0.0) or np.any(np.isfinite(k.boven)):
            return None
        onder, _boven = model.kolomgrenzen()
        andere = ~in_k
        if np.any(kosten.coef[andere] > 0.0) or np.any(onder[kosten.kolom[andere]] < 0.0):
            return None  # k >= 0 would not follow from the other columns >= 0
        n = model.aantal_kolommen
        kolommen = np.concatenate([np.arange(k.start), np.arange(k.start + k.aantal, n)])
        nummer = np.full(n, -1, np.int64)
        nummer[kolommen] = np.arange(len(kolommen))
        K = scipy.sparse.csr_matrix((-kosten.coef[andere], (kosten.rij[andere], nummer[kosten.kolom[andere]])),
                                    shape=(k.aantal, len(kolommen)))
        K.sum_duplicates()
        rijen = np.concatenate([np.arange(kosten.start), np.arange(kosten.start + kosten.aantal, model.aantal_rijen)])
        gehouden = matrix[rijen]
        A_k = gehouden[:, k.start:k.start + k.aantal]
        verkleind = (gehouden[:, kolommen] + (A_k @ K)).tocsc()
        verkleind.sum_duplicates()
        verkleind.sort_indices()
        return cls(kolommen, rijen, slice(k.start, k.start + k.aantal),
                   slice(kosten.start, kosten.start + kosten.aantal), K, A_k.tocsc(), verkleind)

    def doel(self, kosten: np.ndarray) -> np.ndarray:
        """Column costs of the model as costs of the LP: c_z + K^T c_k (the same value on every plan)."""
        return kosten[self.kolommen] + self.K.T @ kosten[self.k]

    def grenzen(self, onder: np.ndarray, boven: np.ndarray, rij_onder: np.ndarray,
                rij_boven: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return onder[self.kolommen], boven[self.kolommen], rij_onder[self.rijen], rij_boven[self.rijen]

    def waarden(self, z: np.ndarray, aantal: int) -> np.ndarray:
        """The LP's solution in the model's columns (k = K z)."""
        waarden = np.empty(aantal)
        waarden[self.kolommen] = z
        waarden[self.k] = self.K @ z
        return waarden

    def duals(self, pi: np.ndarray, aantal: int, kosten: np.ndarray) -> np.ndarray:
        """The LP's duals in the model's rows: a kosten row's dual is the one that leaves k a reduced
        cost of 0 (k = K z is basic): c_k - A_k^T pi. ``kosten``: the model's column costs, in the
        sign of ``pi``."""
        duals = np.empty(aantal)
        duals[self.rijen] = pi
        duals[self.kosten] = kosten[self.k] - self.A_k.T @ pi
        return duals

    def basis_op(self, kolommen: np.ndarray, rijen: np.ndarray, aantal_kolommen: int,
                 aantal_rijen: int) -> tuple[np.ndarray, np.ndarray]:
        """Clp's status per column and row of the LP as one of the model: k basic, kosten rows at their bound."""
        alle_kolommen = np.full(aantal_kolommen, CLP_BASIS, np.int8)
        alle_kolommen[self.kolommen] = kolommen
        alle_rijen = np.full(aantal_rijen, CLP_ONDERGRENS, np.int8)
        alle_rijen[self.rijen] = rijen
        return alle_kolommen, alle_rijen

    def basis_neer(self, kolommen: np.ndarray, rijen: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """A basis of the model as one of the LP, or None when k is not basic with its kosten rows at
        their bounds (a basis that did not come from this LP)."""
        if np.any(kolommen[self.k] != CLP_BASIS) or np.any(rijen[self.kosten] == CLP_BASIS):
            return None
        return kolommen[self.kolommen], rijen[self.rijen]


def _clp_matrix(matrix):
    """A scipy matrix as cylp's CoinPackedMatrix (Clp copies it when it loads the problem)."""
    from cylp.cy.CyCoinPackedMatrix import CyCoinPackedMatrix

    coo = matrix.tocoo()
    return CyCoinPackedMatrix(True, coo.row.astype(np.int32), coo.col.astype(np.int32), coo.data.astype(np.float64))


def _clp_laad(simplex, model: Model, matrix, kosten: np.ndarray | None = None, vlak: tuple | None = None,
              vrij: Kostenvrij | None = None) -> float:
    """Load ``model`` (with its CSC ``matrix``) into ``simplex`` as min -doel for a maximisation, with
    the product's settings; returns the objective's sign. The second phase passes its own ``kosten``
    (minimised) and the bounds of the optimal face (``_optimaal_vlak``). With ``vrij`` Clp gets the
    LP without the cost columns (:class:`Kostenvrij`)."""
    teken = -1.0 if model.zin == "max" and kosten is None else 1.0
    oneindig = simplex.getCoinInfinity()

    def eindig(waarden: np.ndarray) -> np.ndarray:
        return np.clip(np.asarray(waarden, dtype=np.float64), -oneindig, oneindig)

    grenzen = vlak if vlak is not None else (*model.kolomgrenzen(), *model.rijgrenzen())
    doel = teken * model.doel if kosten is None else kosten
    if vrij is not None:
        matrix, grenzen, doel = vrij.matrix, vrij.grenzen(*grenzen), vrij.doel(doel)
    onder, boven, rij_onder, rij_boven = grenzen
    simplex.loadProblem(_clp_matrix(matrix), eindig(onder), eindig(boven), np.ascontiguousarray(doel),
                        eindig(rij_onder), eindig(rij_boven))
    simplex.logLevel = 0
    simplex.primalTolerance = CLP_TOLERANTIE
    simplex.dualTolerance = CLP_TOLERANTIE
    simplex.setPerturbation(50)  # what the cbc command does by default: a quarter fewer iterations here
    return teken


def _clp_uitkomst(simplex, teken: float, model: Model, vrij: Kostenvrij | None = None) -> Uitkomst:
    code = simplex.getStatusCode()
    if code != 0:
        return Uitkomst({1: ONMOGELIJK, 2: ONBEGRENSD}.get(code, ONBEKEND))
    waarden = np.array(simplex.primalVariableSolution, dtype=np.float64)
    duals = teken * np.array(simplex.dualConstraintSolution, dtype=np.float64)
    if vrij is not None:
        waarden = vrij.waarden(waarden, model.aantal_kolommen)
        duals = vrij.duals(duals, model.aantal_rijen, model.doel)
    return Uitkomst(OPTIMAAL, waarden, duals)


def _clp_basis(simplex, model: Model, vrij: Kostenvrij | None) -> Startbasis:
    """Clp's current basis, in the model's columns and rows."""
    kolommen, rijen = (np.asarray(statussen, np.int8) for statussen in simplex.getBasisStatus())
    if vrij is not None:
        kolommen, rijen = vrij.basis_op(kolommen, rijen, model.aantal_kolommen, model.aantal_rijen)
    return Startbasis("cbc", kolommen, rijen)


def _clp_zet_basis(simplex, start: Startbasis, vrij: Kostenvrij | None) -> bool:
    """Start Clp from ``start`` (a basis of the model); False when it is not one of the loaded LP."""
    statussen = (start.kolommen, start.rijen) if vrij is None else vrij.basis_neer(start.kolommen, start.rijen)
    if statussen is None:
        return False
    simplex.setBasisStatus(*(np.asarray(s, np.int32) for s in statussen))
    return True


def _clp(model: Model, voorkeur: Voorkeur | None = None, start: Startbasis | None = None,
         bewaar_basis: bool = False) -> Uitkomst:
    """Clp (cylp) on the same arrays, in a forked child: cylp holds the interpreter for the whole
    solve, so only a child process lets Ctrl-C or SIGTERM stop it at once (onderbreking.py)."""
    from cylp.cy import CyClpSimplex  # noqa: F401 - imported before the fork

    if model.aantal_kolommen == 0:
        return Uitkomst(OPTIMAAL, np.zeros(0), np.zeros(model.aantal_rijen))
    matrix = model.matrix("csc")  # built in this process
    vrij = Kostenvrij.van(model, matrix)
    return in_kindproces(_clp_hier, model, matrix, vrij, voorkeur, start, bewaar_basis)


def _clp_hier(model: Model, matrix, vrij: Kostenvrij | None, voorkeur: Voorkeur | None = None,
              start: Startbasis | None = None, bewaar_basis: bool = False) -> Uitkomst:
    from cylp.cy import CyClpSimplex

    simplex = CyClpSimplex()
    teken = _clp_laad(simplex, model, matrix, vrij=vrij)
    with stille_stdout():
        if start is None or not _clp_zet_basis(simplex, start, vrij):
            simplex.initialSolve()
        else:
            simplex.dual()  # another budget or bound leaves the start dual feasible
            if simplex.getStatusCode() != 0:
                simplex.primal()
            if simplex.getStatusCode() != 0:  # a start that fits too badly: cold
                simplex.initialSolve()
    uitkomst = _clp_uitkomst(simplex, teken, model, vrij)
    if bewaar_basis and uitkomst.status == OPTIMAAL:
        uitkomst.basis = _clp_basis(simplex, model, vrij)
    del simplex  # its copy of the LP and its factorization, before the second phase loads its own
    if voorkeur is None or uitkomst.status != OPTIMAAL:
        return uitkomst
    return _clp_tweede_fase(model, matrix, uitkomst, voorkeur, vrij)


def _cbc_via_pulp(model: Model, tijdslimiet: float | None = None, voortgang=None) -> Uitkomst:
    """A MIP with CBC through the model's PuLP view, in a child process that a signal can stop (the
    ``cbc`` program with it, its files removed). The view is built here: polars, which builds it,
    cannot run in a forked child (its thread pool stays behind). While CBC runs, this process reads
    its log and tells ``voortgang`` the best plan's gap so far."""
    probleem = model.als_pulp()

    def bij_wachten(map_: Path, seconden: float) -> None:
        if voortgang is not None:
            gap = cbc_gap(map_ / "cbc.log")
            grens = f" van ten hoogste {tijdslimiet:.0f} s" if tijdslimiet else ""
            stand = f"beste plan hoogstens {gap:.1%} onder het optimum".replace(".", ",") if gap is not None \
                else "nog geen plan met hele deelnemers"
            voortgang(f"Model oplossen (hele deelnemers, {seconden:.0f} s{grens}): {stand}")

    return in_kindproces(_cbc_in_map, model.aantal_rijen, probleem, model.kolomnamen(), tijdslimiet,
                         tijdelijke_map=True, bij_wachten=bij_wachten)


_CBC_STAND = re.compile(r"([-+0-9.eE]+) best solution, best possible ([-+0-9.eE]+)")
_CBC_GAP = re.compile(r"^Gap:\s+([-+0-9.eE]+)", re.MULTILINE)


def cbc_gap(log: Path) -> float | None:
    """The relative gap in CBC's log: the final 'Gap:' line, or else the last progress line's best plan
    against its bound. None: no plan yet (or no log)."""
    try:
        tekst = log.read_text(errors="replace")
    except OSError:
        return None
    eind = _CBC_GAP.findall(tekst)
    if eind:
        return abs(float(eind[-1]))
    stand = _CBC_STAND.findall(tekst)
    if not stand:
        return None
    beste, grens = (float(w) for w in stand[-1])
    return abs(grens - beste) / max(1e-9, abs(beste))


def _cbc_in_map(rijen: int, probleem, kolomnamen: list[str], tijdslimiet: float | None, map_) -> Uitkomst:
    """CBC on ``probleem`` with its MPS, solution and log files in ``map_`` (values read back by column
    order); stopped after ``tijdslimiet`` seconds with the best plan found and its gap."""
    import pulp

    kolommen = {v.name: v for v in probleem.variables()}
    oplosser = pulp.PULP_CBC_CMD(msg=False, timeLimit=tijdslimiet, logPath=str(map_ / "cbc.log"),
                                 _skip_v4_deprecation=True)
    oplosser.tmpDir = str(map_)
    with stille_stdout():
        status = probleem.solve(oplosser)
    naam = pulp.LpStatus[status]
    if naam != "Optimal":
        return Uitkomst(ONMOGELIJK if naam == "Infeasible" else ONBEKEND)
    waarden = np.array([kolommen[n].varValue or 0.0 if n in kolommen else 0.0 for n in kolomnamen])
    gap = None
    if probleem.sol_status == pulp.LpSolutionIntegerFeasible:  # stopped at the time limit with a plan
        gap = cbc_gap(map_ / "cbc.log")
        gap = float("nan") if gap is None else gap
    return Uitkomst(OPTIMAAL, waarden, np.zeros(rijen), gap=gap)


def los_op(model: Model, gevraagd: str = "auto", start: Startbasis | None = None,
          bewaar_basis: bool = False, tijdslimiet: float | None = TIJDSLIMIET, voortgang=None) -> Oplossing:
    """Solve ``model``. An LP starts warm from ``start`` (another model's :attr:`Oplossing.basis`)
    when that is of the same solver and size; ``bewaar_basis`` keeps the first phase's basis in the
    answer. A MIP (whole participants) stops after ``tijdslimiet`` seconds (None: no limit) with the
    best plan found; its gap is :attr:`Oplossing.gap`. ``voortgang(tekst)`` hears how far the MIP is.

    A model without a plan gives an :class:`Oplossing` with status ``onmogelijk`` and no values:
    the caller asks :mod:`budgetkoppeling.diagnose` why (``diagnose.los_op_of_verklaar`` does both)."""
    naam = kies_oplosser(model, gevraagd)
    begin = time.perf_counter()
    uitkomst = _los_op(model, naam, start=start, bewaar_basis=bewaar_basis,
                       tijdslimiet=tijdslimiet if model.geheel else None, voortgang=voortgang)
    seconden = time.perf_counter() - begin
    if uitkomst.status == ONMOGELIJK:
        return _onmogelijk(model, naam, seconden)
    if uitkomst.status != OPTIMAAL and model.geheel and tijdslimiet and seconden >= tijdslimiet:
        raise BudgetkoppelingFout(
            f"Binnen de tijdslimiet van {tijdslimiet:g} seconden vond de oplosser {naam} nog geen plan met hele "
            "deelnemers. Geef meer tijd (bijvoorbeeld --tijdslimiet 600), kies --oplosser highs (meestal sneller "
            "voor hele deelnemers) of reken zonder --geheel (binnen een seconde optimaal).")
    if uitkomst.status != OPTIMAAL:
        raise BudgetkoppelingFout(f"De oplosser {naam} gaf geen optimale oplossing (status: {uitkomst.status}).")
    waarden, duals = uitkomst.waarden, uitkomst.duals
    prijsbasis, prijspunt = uitkomst.basis, uitkomst.eerste if uitkomst.eerste is not None else uitkomst.waarden
    relaxatie = model.geheel
    if relaxatie:
        # values from the LP with the whole participants fixed (the split over funds and segments);
        # shadow prices do not exist for whole numbers, so the duals are those of the same model with
        # fractional participants (the LP relaxation), said so wherever they are shown
        waarden, _ = _lp_bij_vaste_deelnemers(model, np.round(waarden), naam)
        lp = _los_op(model, "highs" if naam == "highs" else "cbc", geheel=False, bewaar_basis=bewaar_basis)
        duals = lp.duals if lp.status == OPTIMAAL else np.zeros(model.aantal_rijen)
        prijsbasis, prijspunt = (lp.basis, lp.eerste if lp.eerste is not None else lp.waarden) \
            if lp.status == OPTIMAAL else (None, None)
    return Oplossing(
        model=model, status="optimaal", oplosser=naam, oplosser_versie=oplosser_versie(naam, model.geheel),
        doelwaarde=model.doelwaarde(waarden), seconden=seconden,
        kolomwaarden=waarden, rijduals=duals, duals_uit_relaxatie=relaxatie, basis=uitkomst.basis,
        gap=uitkomst.gap, tijdslimiet=tijdslimiet if model.geheel else None,
        prijsbasis=prijsbasis, prijspunt=prijspunt,
    )


def _onmogelijk(model: Model, naam: str, seconden: float) -> Oplossing:
    """The answer for a model without a plan: its status, no values."""
    return Oplossing(model=model, status=ONMOGELIJK, oplosser=naam, oplosser_versie=oplosser_versie(naam, model.geheel),
                     doelwaarde=float("nan"), seconden=seconden, kolomwaarden=np.zeros(0), rijduals=np.zeros(0))


def _lp_bij_vaste_deelnemers(model: Model, waarden: np.ndarray, naam: str) -> tuple[np.ndarray, np.ndarray]:
    """Values and duals of the LP with the integer columns fixed at ``waarden`` (the model is restored)."""
    blokken = [blok for blok in model.variabelen.values() if blok.geheel]
    oud = [(blok.onder.copy(), blok.boven.copy()) for blok in blokken]
    for blok in blokken:
        blok.onder = blok.boven = waarden[blok.start:blok.start + blok.aantal].copy()
    try:
        uitkomst = _los_op(model, "highs" if naam == "highs" else "cbc", geheel=False)
    finally:
        for blok, (onder, boven) in zip(blokken, oud):
            blok.onder, blok.boven = onder, boven
    if uitkomst.status != OPTIMAAL:
        raise BudgetkoppelingFout("Het herberekenen van de schaduwprijzen bij hele deelnemers mislukte.")
    return uitkomst.waarden, uitkomst.duals


def rij_activiteit(oplossing: Oplossing, kolommen: np.ndarray, coef: np.ndarray) -> float:
    """sum(coef * value) over ``kolommen``: what a rule or row reaches in the plan."""
    return som_product(oplossing.kolomwaarden[kolommen], coef) if len(kolommen) else 0.0


class AndereVorm(Exception):
    """The model handed to :meth:`Herberekening.pas_aan` has another shape than the loaded one
    (other blocks, keys or matrix pattern): it cannot be changed in place, only loaded anew (as
    linopy's ``RebuildRequiredError``). :class:`~budgetkoppeling.sessie.Sessie` does that itself."""


class Herberekening:
    """A model loaded once into HiGHS or Clp, then changed in place and re-solved warm.

    :meth:`pas_aan` takes a model of the same shape (the same blocks, keys and matrix pattern,
    e.g. the same input with other budgets, costs, chances or rule limits), hands the solver only
    the costs, bounds and coefficients that differ, and :meth:`herbereken` re-solves from the previous
    basis. A model of another shape raises :class:`AndereVorm`: build and load it anew.
    """

    def __init__(self, model: Model, oplosser: str = "auto", zonder_kosten: bool = True,
                 budget: Iteratiebudget | None = None):
        """``zonder_kosten=False``: Clp gets the model as it is, not :class:`Kostenvrij` (whose
        substitution is made anew whenever a coefficient changes). ``budget``: every solve from here on,
        both phases, counts its simplex iterations against it and stops at what is left (ONBEKEND)."""
        if model.geheel:
            raise ValueError("herberekenen in place is er alleen voor het lineaire model")
        self.budget = budget
        self.oplosser = "cbc" if oplosser in ("auto", "cbc") else oplosser
        self._zonder_kosten = zonder_kosten and self.oplosser != "highs"
        matrix = model.matrix("csc")
        self._begin = (model, matrix, Kostenvrij.van(model, matrix) if self._zonder_kosten else None)
        self.terug_naar_begin()

    def terug_naar_begin(self) -> None:
        """Load the model this was made with into a new solver object, as if just made: nothing of the
        solves before stays behind (Clp keeps work areas and factors between solves), so what
        follows, from :meth:`zet_basis` on, does not depend on them."""
        model, self._matrix, vrij = self._begin
        self.model = model
        self._doel = model.doel.copy()
        self._kolommen = model.kolomgrenzen()
        self._rijen = model.rijgrenzen()
        if self.oplosser == "highs":
            import highspy

            self._highs = highspy.Highs()
            self._highs.setOptionValue("output_flag", False)
            # HiGHS's default 1e-7 let a warm re-solve stop 1.5e-6 below the optimum (the example's
            # scenarios in a row; cf. ERGO-Code/HiGHS#3194); 1e-9 as for Clp
            self._highs.setOptionValue("dual_feasibility_tolerance", CLP_TOLERANTIE)
            self._highs.setOptionValue("primal_feasibility_tolerance", CLP_TOLERANTIE)
            with stille_stdout():
                self._highs.passModel(_highs_lp(model, self._matrix))
        else:
            from cylp.cy import CyClpSimplex

            self._clp = CyClpSimplex()
            self._vrij = vrij
            self._teken = _clp_laad(self._clp, model, self._matrix, vrij=vrij)
        self.opgelost = False
        self._tweede_bases: dict = {}  # HiGHS: the second phase's last basis, to start the next from
        self._primaal = False
        self._alleen_kosten = False  # Clp: only the costs changed since the last load
        self._basis_gezet = False  # a basis was set from outside since the last solve (its factorization is gone)
        self._voorkeur_van: tuple | None = None  # (what it read, the second phase's Voorkeur): _voorkeur

    # -------------------------------------------------------------- changing in place

    def pas_aan(self, model: Model) -> int:
        """Make the loaded problem ``model``; returns how many numbers changed."""
        if (model.aantal_kolommen, model.aantal_rijen, model.zin) != (
                self.model.aantal_kolommen, self.model.aantal_rijen, self.model.zin) or any(
                nieuw.sleutels is not oud.sleutels and not nieuw.sleutels.equals(oud.sleutels) for nieuw, oud in zip(
                    [*model.variabelen.values(), *model.families.values()],
                    [*self.model.variabelen.values(), *self.model.families.values()])):
            raise AndereVorm("het model heeft een andere vorm")
        # the same family objects as loaded (a draw that changes no cost): the same matrix, not rebuilt
        zelfde = len(model.families) == len(self.model.families) and all(
            nieuw is oud for nieuw, oud in zip(model.families.values(), self.model.families.values()))
        matrix = self._matrix if zelfde else model.matrix("csc")
        if not zelfde and not (np.array_equal(matrix.indptr, self._matrix.indptr)
                               and np.array_equal(matrix.indices, self._matrix.indices)):
            raise AndereVorm("de matrix heeft een ander patroon")
        doel = model.doel
        kolommen, rijen = model.kolomgrenzen(), model.rijgrenzen()
        veranderd_doel = np.flatnonzero(doel != self._doel)
        veranderd_kolom = np.flatnonzero((kolommen[0] != self._kolommen[0]) | (kolommen[1] != self._kolommen[1]))
        veranderd_rij = np.flatnonzero((rijen[0] != self._rijen[0]) | (rijen[1] != self._rijen[1]))
        veranderd_coef = np.zeros(0, np.int64) if zelfde else np.flatnonzero(matrix.data != self._matrix.data)
        if self.oplosser == "highs":
            import highspy

            h = self._highs

            def grenzen(onder, boven):
                return (np.where(np.isinf(onder), -highspy.kHighsInf, onder),
                        np.where(np.isinf(boven), highspy.kHighsInf, boven))

            if len(veranderd_doel):
                h.changeColsCost(len(veranderd_doel), veranderd_doel.astype(np.int32), doel[veranderd_doel])
            if len(veranderd_kolom):
                h.changeColsBounds(len(veranderd_kolom), veranderd_kolom.astype(np.int32),
                                   *grenzen(kolommen[0][veranderd_kolom], kolommen[1][veranderd_kolom]))
            if len(veranderd_rij):
                h.changeRowsBounds(len(veranderd_rij), veranderd_rij.astype(np.int32),
                                   *grenzen(rijen[0][veranderd_rij], rijen[1][veranderd_rij]))
            if len(veranderd_coef):
                kolom_van = np.repeat(np.arange(len(matrix.indptr) - 1), np.diff(matrix.indptr))
                for plek in veranderd_coef:
                    h.changeCoeff(int(matrix.indices[plek]), int(kolom_van[plek]), float(matrix.data[plek]))
        elif self.opgelost and not (len(veranderd_kolom) or len(veranderd_rij) or len(veranderd_coef)):
            self._zet_clp_doel(doel)  # only the costs
            self._alleen_kosten = True
        elif (self.opgelost and not (len(veranderd_kolom) or len(veranderd_coef))
              and (clp_rijen := self._clp_rijen(veranderd_rij)) is not None):
            # row bounds (a budget) and perhaps costs: in place, each row through Clp's own setter, which keeps
            # the loaded problem and its basis (loading anew took 9 ms of a what-if move: bench/README.md)
            oneindig = self._clp.getCoinInfinity()
            for rij, j in zip(clp_rijen.tolist(), veranderd_rij.tolist()):
                self._clp.setRowLower(rij, max(float(rijen[0][j]), -oneindig))
                self._clp.setRowUpper(rij, min(float(rijen[1][j]), oneindig))
            if len(veranderd_doel):
                self._zet_clp_doel(doel)
            self._alleen_kosten = False
        else:  # cylp's array setters only assign pointers: load anew (Clp copies) and keep the basis
            self._alleen_kosten = False
            basis = self._clp.getBasisStatus() if self.opgelost else None
            vrij = self._vrij if zelfde or not self._zonder_kosten else Kostenvrij.van(model, matrix)
            if (vrij is None) != (self._vrij is None):
                basis = None  # another LP than the one the basis belongs to
            self._vrij = vrij
            _clp_laad(self._clp, model, matrix, vrij=vrij)
            if basis is not None:
                self._clp.setBasisStatus(*basis)
        self.model, self._matrix, self._doel, self._kolommen, self._rijen = model, matrix, doel.copy(), kolommen, rijen
        # new costs leave the basis primal feasible where only they changed: Clp's primal simplex then
        # (faster than the dual on the draws of onzekerheid, measured: bench/README.md)
        self._primaal = len(veranderd_doel) > 0
        return len(veranderd_doel) + len(veranderd_kolom) + len(veranderd_rij) + len(veranderd_coef)

    def _zet_clp_doel(self, doel: np.ndarray) -> None:
        """The model's costs handed to the loaded Clp in place (cylp keeps a pointer, so the array is kept here)."""
        kosten = self._teken * doel
        self._clp_doel = np.ascontiguousarray(kosten if self._vrij is None else self._vrij.doel(kosten),
                                              dtype=np.float64)
        self._clp.setObjectiveArray(self._clp_doel)

    def _clp_rijen(self, rijen: np.ndarray) -> np.ndarray | None:
        """The loaded Clp's row of each of the model's ``rijen`` (ascending); None where one is not there
        (a kosten row, substituted out: :class:`Kostenvrij`)."""
        if self._vrij is None:
            return rijen
        gehouden = self._vrij.rijen  # ascending
        plek = np.searchsorted(gehouden, rijen)
        if np.any(plek >= len(gehouden)) or np.any(gehouden[np.minimum(plek, len(gehouden) - 1)] != rijen):
            return None
        return plek

    # -------------------------------------------------------------- solving

    def basis(self) -> Startbasis:
        """The loaded problem's current basis (after a solve: an optimal one)."""
        if self.oplosser == "highs":
            basis = self._highs.getBasis()
            return Startbasis("highs", np.fromiter(map(int, basis.col_status), np.int8, self.model.aantal_kolommen),
                              np.fromiter(map(int, basis.row_status), np.int8, self.model.aantal_rijen))
        return _clp_basis(self._clp, self.model, self._vrij)

    def zet_basis(self, start: Startbasis, duaal: bool = False) -> None:
        """Start the next solve from ``start`` (of this solver and size), whatever was solved before:
        a chunk of draws then does not depend on the chunks before it. ``duaal``: ``start`` is optimal
        for an LP with the same costs (other bounds or coefficients), so Clp's dual simplex takes it on."""
        if not start.past(self.model, self.oplosser):
            raise ValueError("de startbasis past niet bij dit model")
        if duaal:
            self._primaal = False
        if self.oplosser == "highs":
            self._highs.setBasis(_highs_basis(start))
        elif not _clp_zet_basis(self._clp, start, self._vrij):
            self.opgelost = False  # not a basis of the loaded LP: the next solve is cold
            return
        self.opgelost = True
        self._basis_gezet = True

    def herbereken(self, tweede_fase: bool = True, stabiel: bool = True, verruimd: bool = False,
                   tweede_warm: bool = True, voorkeur: Voorkeur | None = None) -> Uitkomst:
        """Solve, warm from the previous basis after the first time, then the second phase (cold on
        a solver of its own, so that the loaded problem keeps its basis); ``tweede_fase=False`` when
        only the objective counts, not the split over funds; ``stabiel=False`` when the split over
        funds counts but not which of the optimal plans is the steadiest (step 2 skipped). ``verruimd``:
        the change since the basis only loosened limits (:meth:`Model.verruimd`), so the basis is still
        primal feasible: Clp's primal simplex goes on from it (the dual simplex first had to regain
        dual feasibility: 3.7 s against 1.4 s for the causes of a municipal region's unused money).
        ``tweede_warm=False``: HiGHS's second phase cold with presolve too, not from the last second
        phase's basis (where the LP before was another relaxation); Clp's is always cold
        (:func:`_clp_tweede_fase`). ``voorkeur``: the second phase's
        (:func:`financieringsvoorkeur` for ``stabiel``), made beforehand where this runs in a forked
        child, which cannot use polars."""
        budget = self.budget
        if budget is not None and budget.resterend <= 0:
            budget.op = True
            return Uitkomst(ONBEKEND)
        if self.oplosser == "highs":
            import highspy

            if budget is not None:
                self._highs.setOptionValue("simplex_iteration_limit", budget.resterend)
            with stille_stdout():
                self._highs.run()
            if budget is not None and not budget.gebruik(
                    self.iteraties, self._highs.getModelStatus() == highspy.HighsModelStatus.kIterationLimit):
                return Uitkomst(ONBEKEND)
            uitkomst = _highs_uitkomst(self._highs, self.model)
        else:
            s = self._clp

            def verder(los, *argumenten) -> bool:
                """Run one of Clp's methods; True when it did not end optimal and another may try."""
                if budget is not None:
                    s.maxNumIteration = max(budget.resterend, 1)
                los(*argumenten)
                if budget is not None and not budget.gebruik(s.iteration, s.getStatusCode() == CLP_GESTOPT):
                    return False
                return s.getStatusCode() != 0

            with stille_stdout():
                if not self.opgelost:
                    verder(s.initialSolve)
                elif self._primaal or verruimd:
                    # with the same matrix loaded, Clp keeps its factorization and work areas between
                    # solves (startFinishOptions 1 + 2 + 4), which saves time on every draw (bench/README.md)
                    if verder(s.primal, 0, 7 if self._alleen_kosten and not self._basis_gezet else 0):
                        verder(s.dual)
                # from the basis in place (a changed bound or budget leaves it dual feasible); else
                # the primal simplex, and cold for a basis that fits the changed model too badly
                elif verder(s.dual) and verder(s.primal):
                    verder(s.initialSolve)
            self._basis_gezet = False
            if budget is not None and budget.op:
                return Uitkomst(ONBEKEND)
            uitkomst = _clp_uitkomst(s, self._teken, self.model, self._vrij)
        self.opgelost = self.opgelost or uitkomst.status == OPTIMAAL
        if self.model.elastisch or not tweede_fase:
            voorkeur = None
        elif voorkeur is None:
            voorkeur = self._voorkeur(stabiel)
        if voorkeur is None or uitkomst.status != OPTIMAAL:
            return uitkomst
        bases = self._tweede_bases if tweede_warm else None
        if self.oplosser == "highs":  # the same split as a cold solve
            uitkomst = _highs_tweede_fase(self.model, self._matrix, uitkomst, voorkeur, bases, budget)
        else:
            uitkomst = _clp_tweede_fase(self.model, self._matrix, uitkomst, voorkeur, self._vrij, budget)
        # a second phase stopped by the budget leaves the first phase's plan, not the preferred one
        return Uitkomst(ONBEKEND) if budget is not None and budget.op else uitkomst

    def _voorkeur(self, stabiel: bool) -> Voorkeur | None:
        """:func:`financieringsvoorkeur` of the loaded model, made once for as long as it reads the same:
        the columns' keys (which :meth:`pas_aan` holds equal, or the model is loaded anew) and the
        input's funds, years, units, instruments and today's split. A what-if move changes numbers
        only; this saved 10 ms of each (bench/README.md)."""
        invoer = self.model.invoer
        gelezen = (stabiel, self.model.aantal_kolommen, invoer.start, invoer.eind, list(invoer.eenheden),
                   list(invoer.instrumenten), [(f, g.vervaljaar, g.soort) for f, g in invoer.fondsen.items()],
                   invoer.huidige_verdeling)
        if self._voorkeur_van is None or self._voorkeur_van[0] != gelezen:
            self._voorkeur_van = (gelezen, financieringsvoorkeur(self.model, stabiel))
        return self._voorkeur_van[1]

    def oplossing(self) -> Oplossing:
        """:meth:`herbereken` (warm, both phases) as an :class:`Oplossing` with the first phase's basis,
        like :func:`los_op` (status ``onmogelijk`` and no values when no plan fits)."""
        begin = time.perf_counter()
        uitkomst = self.herbereken()
        seconden = time.perf_counter() - begin
        if uitkomst.status == ONMOGELIJK:
            return _onmogelijk(self.model, self.oplosser, seconden)
        if uitkomst.status != OPTIMAAL:
            raise BudgetkoppelingFout(f"De oplosser {self.oplosser} gaf geen optimale oplossing "
                                      f"(status: {uitkomst.status}).")
        basis = self.basis()  # the loaded problem's: the second phase ran on a solver of its own
        return Oplossing(
            model=self.model, status=OPTIMAAL, oplosser=self.oplosser, oplosser_versie=oplosser_versie(self.oplosser),
            doelwaarde=self.model.doelwaarde(uitkomst.waarden), seconden=seconden,
            kolomwaarden=uitkomst.waarden, rijduals=uitkomst.duals, basis=basis, prijsbasis=basis,
            prijspunt=uitkomst.eerste if uitkomst.eerste is not None else uitkomst.waarden,
        )

    @property
    def iteraties(self) -> int:
        return int(self._highs.getInfo().simplex_iteration_count) if self.oplosser == "highs" else \
            int(self._clp.iteration)
