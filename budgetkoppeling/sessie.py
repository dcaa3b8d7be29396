"""The library under every command (SPEC §12): an input opened once, changed with Scenarios rows,
re-solved warm in place.

    with Sessie.open("invoer.xlsx") as s:
        plan = s.los_op()
        s.pas_aan({"aanpassing": "budget", "fonds": "ESF+", "factor": 1.1})
        plan2 = s.los_op()          # warm from the previous basis
        plan2.schrijf("plan.xlsx")

The first :meth:`Sessie.los_op` solves cold, exactly as ``optimaliseer`` always did; from the
second on the model is loaded into the solver once (:class:`~budgetkoppeling.solve.Herberekening`)
and each change hands it only the numbers that differ. A change of the model's shape (a rule
switched on, max_verschuiving from none to a value) raises :class:`~budgetkoppeling.solve.AndereVorm`
inside; the session then loads the new model and starts from the last basis where it fits.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .scenarios import BASIS, pas_toe, scenario_rijen

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

    from .invoer import Invoer
    from .model import Model
    from .rapport import Plan
    from .solve import Herberekening, Oplossing, Startbasis

SESSIE = "sessie"  # the scenario name of rows added to a session opened on basis
CONTROLE_TOLERANTIE = 1e-7  # herbereken: relative; a warm answer further from the cold one is replaced by it


class Sessie:
    """One input workbook, opened and validated once; :meth:`pas_aan` changes it with rows of the
    Scenarios sheet, :meth:`los_op` gives the optimum of the current state as a :class:`Plan`."""

    def __init__(self, pad: Path, gelezen: Invoer, scenario: str = BASIS, oplosser: str | None = None, *,
                 geheel: bool = False, vanaf: int | None = None, tijdslimiet: float | None = 120.0,
                 datum: datetime.date | None = None, voortgang: Callable[[str], None] | None = None,
                 start: Startbasis | None = None, bouwer: Callable[[Invoer], Model] | None = None):
        """See :meth:`open`; made directly from an input validated before (``vergelijk`` makes one per
        scenario). ``start``: a basis the first solve starts from where it fits (the base plan's, for
        a scenario); ``bouwer(invoer)``: another model than the plan of SPEC §5 (``evalueer``'s plan
        with a spending cap)."""
        self.pad = None if pad is None else Path(pad)
        self.scenario = scenario
        self.geheel, self.vanaf, self.tijdslimiet, self.datum = geheel, vanaf, tijdslimiet, datum
        self._gelezen = gelezen  # as validated: the base that every state is made from
        self._scenario_rijen = scenario_rijen(gelezen, scenario)
        self._oplosser = oplosser
        self._voortgang = voortgang or (lambda stap: None)
        self._rijen: list[dict] = []  # the rows of pas_aan, validated
        self._invoer: Invoer | None = None
        self._aangepast: Invoer | None = None  # the state before herijk: the scenario and the rows applied
        self._vorige: Oplossing | None = None
        self._herberekening: Herberekening | None = None
        self._start, self._bouwer = start, bouwer
        self._model: Model | None = None  # the current state's model, built once
        self._beginbasis: Startbasis | None = None  # herbereken: the basis of the loaded state (laad)
        self.warm = False  # the last los_op started from the previous solve's basis (not cold)
        self.invoer  # noqa: B018 - the opened scenario's rows are applied now: a bad one fails at open

    @classmethod
    def van_invoer(cls, invoer: Invoer, oplosser: str, *, bouwer: Callable[[Invoer], Model] | None = None) -> Sessie:
        """A session on an input validated (and changed) before, without a workbook: ``onzekerheid``
        solves its plans and re-solves its draws on such sessions, in this process or a worker."""
        return cls(None, invoer, BASIS, oplosser, bouwer=bouwer)

    @classmethod
    def open(cls, pad: Path | str, scenario: str = BASIS, oplosser: str | None = None, *, geheel: bool = False,
             vanaf: int | None = None, tijdslimiet: float | None = 120.0, datum: datetime.date | None = None,
             voortgang: Callable[[str], None] | None = None) -> Sessie:
        """Read and validate ``pad`` (raises :class:`InvoerFout` with every problem) and start from
        ``scenario``. ``oplosser`` None takes the workbook's setting; ``geheel``, ``vanaf``,
        ``tijdslimiet`` and ``datum`` are those of ``optimaliseer``; ``voortgang(stap)`` hears each
        stage in Dutch."""
        from .validate import lees_en_valideer

        if voortgang is not None:
            voortgang("Invoer lezen en controleren")
        gelezen = lees_en_valideer(Path(pad))
        pas_toe(gelezen, scenario)  # an unknown scenario: the sheet's message, before anything is solved
        return cls(Path(pad), gelezen, scenario, oplosser, geheel=geheel, vanaf=vanaf, tijdslimiet=tijdslimiet,
                   datum=datum, voortgang=voortgang)

    def __enter__(self) -> Sessie:
        return self

    def __exit__(self, *_fout) -> None:
        self.sluit()

    def sluit(self) -> None:
        """Let go of the solver (its memory); the session can still solve, cold again."""
        self._herberekening = None

    # -------------------------------------------------------------- the state

    @property
    def oplosser(self) -> str:
        return self._oplosser or self._gelezen.oplosser

    @property
    def invoer(self) -> Invoer:
        """The current input: the opened scenario's rows and then those of :meth:`pas_aan` applied."""
        if self._invoer is None:
            from .herijking import herijk
            from .scenarios import pas_rijen_toe

            if self._aangepast is None:
                rijen = self._scenario_rijen + self._rijen
                naam = self.scenario if not self._rijen or self.scenario != BASIS else SESSIE
                self._aangepast = pas_rijen_toe(self._gelezen, rijen, naam) if rijen else self._gelezen
            self._invoer = herijk(self._aangepast, self.vanaf)
        return self._invoer

    def pas_aan(self, *rijen: Mapping) -> None:
        """Apply rows of the Scenarios sheet (SPEC §4) after those so far, for example
        ``{"aanpassing": "budget", "fonds": "ESF+", "factor": 1.1}``; a missing column is empty, a
        ``scenario`` column is not needed. Raises :class:`InvoerFout` with the sheet's messages (row
        numbers as :meth:`scenario_rijen` would write them) and then changes nothing."""
        from .scenarios import pas_rijen_toe
        from .validate import controleer_scenariorijen

        naam = self.scenario if self.scenario != BASIS else SESSIE
        eerste = 2 + len(self._scenario_rijen) + len(self._rijen)
        nieuw = controleer_scenariorijen([{**rij, "scenario": naam} for rij in rijen], self._gelezen, eerste)
        self.invoer  # noqa: B018 - the state the rows apply to
        # applied to the state so far (a chance pushed outside 0..1 fails here, before anything is kept);
        # changed budgets counted from the opened input, as for a scenario of the sheet
        aangepast = pas_rijen_toe(self._aangepast, nieuw, naam, basis=self._gelezen)
        self._rijen += nieuw
        self._aangepast, self._invoer, self._model = aangepast, None, None

    def herstel(self) -> None:
        """Back to the state the session was opened in (the solver keeps its last basis)."""
        self._rijen = []
        self._invoer = self._aangepast = self._model = None

    def scenario_rijen(self, naam: str | None = None) -> pl.DataFrame:
        """The changes so far as rows of the Scenarios sheet (the opened scenario's first), under
        scenario ``naam`` (default the opened scenario's name, or ``sessie``): paste them into the
        sheet and ``optimaliseer --scenario`` gives this session's plan."""
        import polars as pl

        from .schemas import BLAD_PER_NAAM

        kolommen = list(BLAD_PER_NAAM["Scenarios"].kolommen)
        naam = naam or (self.scenario if self.scenario != BASIS else SESSIE)
        rijen = [{**{kolom: rij.get(kolom) for kolom in kolommen}, "scenario": naam}
                 for rij in self._scenario_rijen + self._rijen]
        schema = {kolom: pl.Float64 if kolom in ("factor", "waarde") else pl.String for kolom in kolommen}
        return pl.DataFrame(rijen, schema=schema, orient="row") if rijen else pl.DataFrame(schema=schema)

    # -------------------------------------------------------------- solving

    @property
    def model(self) -> Model:
        """The model of the current state (the plan of SPEC §5, or the session's ``bouwer``'s), built
        once per state."""
        if self._model is None:
            from .model import bouw

            invoer = self.invoer
            self._model = self._bouwer(invoer) if self._bouwer is not None else bouw(invoer, geheel=self.geheel)
        return self._model

    def los_op(self, *, voortgang: Callable[[str], None] | None = None, schrijf_lp: Path | None = None) -> Plan:
        """The optimum of the current state as a :class:`Plan`; raises :class:`GeenOplossing` (with
        its diagnosis) when no plan fits. Warm from the previous solve's basis where it can be
        (not for whole participants, whose MIP is solved anew). The stages go to the session's
        ``voortgang``; how far a MIP is goes to ``voortgang`` here (default: the session's too).
        ``schrijf_lp``: the model as an LP file there too (``--schrijf-lp``)."""
        from .rapport import Plan

        oplossing = self.oplossing(voortgang=voortgang, schrijf_lp=schrijf_lp)
        self._voortgang("Plan samenstellen")
        return Plan(oplossing, self.pad, self.datum)

    def oplossing(self, *, voortgang: Callable[[str], None] | None = None,
                  schrijf_lp: Path | None = None) -> Oplossing:
        """What :meth:`los_op` makes its :class:`Plan` of: the solved model, without the tables."""
        melding = self._voortgang
        melding("Model opbouwen")
        model = self.model
        if schrijf_lp is not None:
            from .bestanden import schrijf_atomisch

            schrijf_atomisch(Path(schrijf_lp), lambda pad: model.als_pulp().writeLP(str(pad)), invoer=self.pad)
        melding("Model oplossen")
        self.warm = False
        if self._vorige is None or model.geheel:
            oplossing = self._koud(model, voortgang or melding)
        else:
            oplossing = self._warm(model)
        self._vorige = oplossing
        return oplossing

    def _koud(self, model, voortgang) -> Oplossing:
        from .diagnose import los_op_of_verklaar

        return los_op_of_verklaar(model, self.oplosser, start=self._start,
                                  bewaar_basis=True,  # the explanation and the next solve start from its basis
                                  tijdslimiet=self.tijdslimiet, voortgang=voortgang)

    def _warm(self, model) -> Oplossing:
        """Change the loaded model in place and re-solve from its basis; a model of another shape
        is loaded anew, from the previous basis if it still fits."""
        from .diagnose import verklaar, voorcontrole
        from .errors import GeenOplossing
        from .solve import AndereVorm, Herberekening, kies_oplosser

        fout = voorcontrole(model)
        if fout is not None:
            raise fout

        naam = kies_oplosser(model, self.oplosser)
        herberekening = self._herberekening
        if herberekening is not None and herberekening.oplosser == naam:
            try:
                herberekening.pas_aan(model)
                self.warm = True
            except AndereVorm:
                herberekening = None
        else:
            herberekening = None
        if herberekening is None:
            herberekening = Herberekening(model, naam)
            vorige = self._vorige.basis if self._vorige is not None else None
            if vorige is not None and vorige.past(model, herberekening.oplosser):
                herberekening.zet_basis(vorige)
                self.warm = True
        self._herberekening = herberekening
        try:
            return verklaar(herberekening.oplossing())
        except GeenOplossing:
            self._herberekening = None  # the next state starts from the last plan's basis, not this one's
            raise

    # -------------------------------------------------------------- many variants of one state (onzekerheid)

    def laad(self) -> Startbasis:
        """Load the current state's model into the solver and solve it there: the basis that
        :meth:`terug_naar_begin` returns to, and that each :meth:`herbereken` may start from. Raises
        :class:`BudgetkoppelingFout` when the model has no solution."""
        from .errors import BudgetkoppelingFout
        from .solve import OPTIMAAL, Herberekening, kies_oplosser

        model = self.model
        # a fixed plan's costs change with every variant (onzekerheid's shortfall): Clp gets them as they
        # are (Kostenvrij would be made anew every time, 6 ms, and saved nothing: bench/README.md)
        self._herberekening = Herberekening(model, kies_oplosser(model, self.oplosser),
                                            zonder_kosten=model.vast is None)
        if self._herberekening.herbereken(tweede_fase=False).status != OPTIMAAL:
            raise BudgetkoppelingFout("Het model bij de ingevoerde waarden heeft geen oplossing.")
        self._beginbasis = self._herberekening.basis()
        return self._beginbasis

    def terug_naar_begin(self) -> None:
        """The loaded model and basis as :meth:`laad` left them (then a series of :meth:`herbereken`
        gives the same answers wherever it runs)."""
        self._herberekening.terug_naar_begin()
        self._herberekening.zet_basis(self._beginbasis)

    @property
    def beginbasis(self) -> Startbasis | None:
        """The basis :meth:`laad` found (None before)."""
        return self._beginbasis

    def basis(self) -> Startbasis:
        """The basis of the last solve in the solver."""
        return self._herberekening.basis()

    def herbereken(self, variant: Callable[[Model], Model], waarde: Callable[[Model, np.ndarray], float], *,
                   start: Startbasis | None = None, controle: bool = False) -> tuple[float | None, float, bool]:
        """Re-solve the loaded model changed into ``variant(model)`` (the same shape), warm in place
        from the last basis (``start``: from this basis, with the dual simplex); the session's state
        stays. Returns (``waarde(variant, column values)``, None without a solution; the relative
        distance from a cold solve; whether the cold answer replaced the warm one). With ``controle``
        the variant is solved cold as well and a warm answer further than CONTROLE_TOLERANTIE from it
        is replaced (ERGO-Code/HiGHS#3194)."""
        import numpy as np

        from .solve import OPTIMAAL, Herberekening

        model = variant(self.model)
        herberekening = self._herberekening
        herberekening.pas_aan(model)
        if start is not None:
            herberekening.zet_basis(start, duaal=True)
        uitkomst = herberekening.herbereken(tweede_fase=False)
        warm = waarde(model, uitkomst.waarden) if uitkomst.status == OPTIMAAL else None
        if not controle:
            return warm, 0.0, False
        koud_uitkomst = Herberekening(model, herberekening.oplosser,
                                      zonder_kosten=model.vast is None).herbereken(tweede_fase=False)
        koud = waarde(model, koud_uitkomst.waarden) if koud_uitkomst.status == OPTIMAAL else None
        if warm is None or koud is None:
            return koud, 0.0 if warm is None and koud is None else np.inf, warm is not None or koud is not None
        afwijking = abs(warm - koud) / max(1.0, abs(koud))
        return (koud, afwijking, True) if afwijking > CONTROLE_TOLERANTIE else (warm, afwijking, False)
