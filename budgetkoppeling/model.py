"""The linear program of SPEC §5, one ``add_<familie>()`` per constraint family.

Symbols (as in SPEC §5): r region, i instrument, g target group, t year, s segment,
f fund. ``x[r,i,g,t,s]`` participants starting, ``X[r,i,g,t] = sum_s x``;
``k[r,i,g,t]`` the cost paid in year t; ``y[f,r,i,g,t]`` euros of fund f;
``c[f,r,t]`` budget carried from t to t+1. Every constraint is named
``<familie>_<keys>`` with the safe keys of :class:`Sleutels`, so that the LP file,
the reports and the diagnosis speak the same names.

The builder receives a validated :class:`~budgetkoppeling.validate.Invoer` only and
prepares every coefficient before it creates a constraint.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pulp

from .validate import ELK, Beleidsregel, Invoer

FAMILIES = (
    "segment", "potentieel", "looptijd", "kosten", "financiering", "cofinanciering",
    "budget", "overheveling", "beleidsregel",
)
LANDELIJK = None  # the region key of a landelijk fund's budget


class Sleutels:
    """Safe LP names for user names: PuLP rewrites ``-+[] `` and LP files limit length.

    A key holds letters, digits and ``.`` but never ``_``, which joins the keys of a name: so
    region 'Zuid Holland' with instrument 'X' and region 'Zuid' with instrument 'Holland X'
    give different names (``Zuid.Holland_X`` and ``Zuid_Holland.X``).
    """

    def __init__(self) -> None:
        self._naar: dict[tuple[str, str], str] = {}
        self._gebruikt: set[str] = set()

    def __call__(self, soort: str, naam: str | int | None) -> str:
        if naam is None:
            return "landelijk"
        sleutel = (soort, str(naam))
        if sleutel not in self._naar:
            basis = re.sub(r"[^0-9A-Za-z]+", ".", str(naam)).strip(".")[:24].rstrip(".") or soort
            kandidaat, volgnummer = basis, 1
            while (soort, kandidaat) in self._gebruikt:
                volgnummer += 1
                kandidaat = f"{basis}.{volgnummer}"
            self._gebruikt.add((soort, kandidaat))
            self._naar[sleutel] = kandidaat
        return self._naar[sleutel]

    @property
    def mapping(self) -> dict[tuple[str, str], str]:
        return dict(self._naar)


@dataclass
class Regel:
    """One expanded policy rule: the original rule and the values its ``elk`` columns took."""

    regel: Beleidsregel
    waarden: dict[str, str]
    naam: str  # the constraint name
    termen: list[tuple[pulp.LpVariable, float]] = field(default_factory=list)  # its quantity, without shortfall

    @property
    def omschrijving(self) -> str:
        if not self.waarden:
            return self.regel.regel
        delen = ", ".join(f"{kolom}={waarde}" for kolom, waarde in self.waarden.items())
        return f"{self.regel.regel} [{delen}]"


@dataclass
class Model:
    """The built problem with its variables by index, for solving and reporting."""

    invoer: Invoer
    probleem: pulp.LpProblem
    sleutels: Sleutels
    x: dict[tuple[str, str, str, int, int], pulp.LpVariable] = field(default_factory=dict)
    k: dict[tuple[str, str, str, int], pulp.LpVariable] = field(default_factory=dict)
    y: dict[tuple[str, str, str, str, int], pulp.LpVariable] = field(default_factory=dict)
    c: dict[tuple[str, str | None, int], pulp.LpVariable] = field(default_factory=dict)
    tekort: dict[str, pulp.LpVariable] = field(default_factory=dict)  # elastic mode only
    tekort_info: dict[str, dict] = field(default_factory=dict)  # what each shortfall stands for
    vast: dict[tuple[str, str, str, int], float] | None = None  # a hand-made plan being evaluated
    onmogelijk: list[dict] = field(default_factory=list)  # hand-plan cells that cannot exist at all
    nulvariabele: pulp.LpVariable | None = None
    regels: list[Regel] = field(default_factory=list)
    lege_regels: list[Regel] = field(default_factory=list)  # rules that match no cell at all
    constraints: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    budgetrijen: dict[tuple[str, str | None, int], str] = field(default_factory=dict)
    rijen: dict[tuple, str] = field(default_factory=dict)  # (familie, *index) -> constraint name
    max_aandeel: dict[tuple[str, str, str], float] = field(default_factory=dict)
    index: dict[tuple, dict] = field(default_factory=dict)  # keys of x and y per filter value, rule terms
    geheel: bool = False  # whole participants (MIP); stays True while the duals come from the fixed LP

    def kolommen(self) -> list[pulp.LpVariable]:
        """Every variable, in the solver's column order (PuLP's ``variables()`` walks and sorts every
        row). k before x: Clp needs 17-27% fewer iterations then (bench/README.md; HiGHS is indifferent)."""
        kolommen = [*self.k.values(), *self.x.values(), *self.y.values(), *self.c.values(), *self.tekort.values()]
        return kolommen if self.nulvariabele is None else [*kolommen, self.nulvariabele]

    def voeg_toe(self, familie: str, naam: str, termen: list[tuple[pulp.LpVariable, float]],
                 zin: int, rechts: float, sleutel: tuple | None = None) -> pulp.LpConstraint:
        """Add ``sum(termen) <zin> rechts`` as the named constraint ``naam`` of ``familie``.

        ``sleutel`` (the row's index) makes the row findable as ``rijen[(familie, *sleutel)]``.
        """
        uitdrukking = pulp.LpAffineExpression(termen)
        constraint = pulp.LpConstraint(uitdrukking, sense=zin, rhs=rechts)  # named once, by addConstraint
        self.probleem.addConstraint(constraint, name=naam)
        self.constraints[familie].append(naam)
        if sleutel is not None:
            self.rijen[(familie, *sleutel)] = naam
        return constraint


# ----------------------------------------------------------------------------- helpers


def discontering(invoer: Invoer, plaatsingsjaar: int) -> float:
    return (1 + invoer.disconteringsvoet) ** -(plaatsingsjaar - invoer.start)


def indexatie(invoer: Invoer, jaar: int) -> float:
    return (1 + invoer.kostenindexatie) ** (jaar - invoer.start)


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


def betaaljaren(invoer: Invoer, instrument: str, startjaar: int) -> range:
    return range(startjaar, startjaar + invoer.instrumenten[instrument].duur)


# ----------------------------------------------------------------------------- build


def bouw(
    invoer: Invoer,
    geheel: bool = False,
    elastisch: bool = False,
    vast: dict[tuple[str, str, str, int], float] | None = None,
    max_uitgaven: float | None = None,
    min_doel: float | None = None,
) -> Model:
    """Build the LP (or MIP with ``geheel``) of SPEC §5 for ``invoer``.

    ``elastisch`` adds a penalised shortfall variable to every budget and policy
    rule (with ``vast`` also to potentieel and financiering) and minimises their
    sum: the model of the infeasibility diagnosis. ``vast`` fixes X to a hand-made
    plan (``evalueer``). ``max_uitgaven`` caps total spending; ``min_doel`` asks for
    at least that objective at the least spending (both for comparing with a hand plan).
    """
    zin = pulp.LpMinimize if elastisch or min_doel is not None else pulp.LpMaximize
    model = Model(invoer=invoer, probleem=pulp.LpProblem("budgetkoppeling", zin), sleutels=Sleutels(),
                  vast=vast, geheel=geheel)
    add_variabelen(model, geheel)
    add_segment(model)
    add_potentieel(model, elastisch)
    add_looptijd(model)
    add_kosten(model)
    add_financiering(model, elastisch)
    add_cofinanciering(model)
    add_budget(model, elastisch)
    add_overheveling(model)
    add_beleidsregel(model, elastisch)
    if vast is not None:
        add_vast(model)
    if max_uitgaven is not None:
        model.voeg_toe("evaluatie", "evaluatie_uitgaven", [(v, 1.0) for v in model.y.values()],
                       pulp.LpConstraintLE, max_uitgaven)
    _controleer_unieke_namen(model)  # duplicate constraint names already raise in addConstraint
    if elastisch:
        model.probleem.setObjective(pulp.LpAffineExpression([(v, 1.0) for v in model.tekort.values()]))
    elif min_doel is not None:
        model.voeg_toe("evaluatie", "evaluatie_plaatsingen", doelstelling_termen(model),
                       pulp.LpConstraintGE, min_doel)
        model.probleem.setObjective(pulp.LpAffineExpression([(v, 1.0) for v in model.y.values()]))
    else:
        add_doelstelling(model)
    return model


def _controleer_unieke_namen(model: Model) -> None:
    """PuLP's ``checkDuplicateVars`` on the model's own column list: a safety net, as
    :class:`Sleutels` keeps the names of different columns apart."""
    namen = Counter(v.name for v in model.kolommen())
    dubbel = sorted(naam for naam, aantal in namen.items() if aantal > 1)
    if dubbel:
        raise pulp.PulpError(f"Repeated variable names: {dubbel[:5]}")


def _tekort(model: Model, rijnaam: str, info: dict) -> pulp.LpVariable:
    """A shortfall variable of the elastic model, with what it stands for."""
    variabele = model.probleem.add_variable(f"tekort_{rijnaam}", lowBound=0)
    model.tekort[rijnaam] = variabele
    model.tekort_info[rijnaam] = info
    return variabele


def add_variabelen(model: Model, geheel: bool) -> None:
    """x[r,i,g,t,s] where the pair is allowed and potential exists; k, y, c where they can be non-zero."""
    invoer, naam = model.invoer, model.sleutels
    categorie = pulp.LpInteger if geheel else pulp.LpContinuous
    # region-major, each region's cells together (the order within x made no difference to the
    # solvers, bench/README.md; the order of the kinds does: Model.kolommen)
    cel: dict[tuple[str, str, str], str] = {}  # (r, i, g) -> its part of the names

    def celnaam(regio: str, instrument: str, doelgroep: str) -> str:
        if (regio, instrument, doelgroep) not in cel:
            cel[(regio, instrument, doelgroep)] = f"{naam('r', regio)}_{naam('i', instrument)}_{naam('g', doelgroep)}"
        return cel[(regio, instrument, doelgroep)]

    for regio in invoer.regios:
        for (instrument, doelgroep) in invoer.effecten:
            for jaar in invoer.jaren:
                if invoer.potentieel.get((regio, doelgroep, jaar), 0) <= 0:
                    continue
                for segment in invoer.segmenten[instrument]:
                    if segment.aandeel <= 0:
                        continue
                    sleutel = (regio, instrument, doelgroep, jaar, segment.nummer)
                    model.x[sleutel] = model.probleem.add_variable(
                        f"x_{celnaam(regio, instrument, doelgroep)}_{jaar}_{segment.nummer}", lowBound=0,
                        cat=categorie,
                    )
    cellen = {sleutel[:4] for sleutel in model.x}
    for regio, instrument, doelgroep, start in sorted(cellen):
        for jaar in betaaljaren(invoer, instrument, start):
            if jaar > invoer.eind or (regio, instrument, doelgroep, jaar) in model.k:
                continue
            model.k[(regio, instrument, doelgroep, jaar)] = model.probleem.add_variable(
                f"k_{celnaam(regio, instrument, doelgroep)}_{jaar}", lowBound=0,
            )
    aandelen = {(f, i, g): max_aandeel(invoer, f, i, g) for f in invoer.fondsen for (i, g) in invoer.effecten}
    met_budget = {(f, r) for (f, r, _t) in invoer.budget}
    for fonds in invoer.fondsen:
        vervaljaar = invoer.fondsen[fonds].vervaljaar
        landelijk = invoer.fondsen[fonds].landelijk
        for regio, instrument, doelgroep, jaar in model.k:
            aandeel = aandelen[(fonds, instrument, doelgroep)]
            if not aandeel or (vervaljaar is not None and jaar > vervaljaar):
                continue
            if not landelijk and (fonds, regio) not in met_budget:  # a regional fund serves regions with a budget row
                continue
            model.max_aandeel[(fonds, instrument, doelgroep)] = aandeel
            model.y[(fonds, regio, instrument, doelgroep, jaar)] = model.probleem.add_variable(
                f"y_{naam('f', fonds)}_{celnaam(regio, instrument, doelgroep)}_{jaar}", lowBound=0,
            )
    # carry-over for every pot that can spend, also in a year without budget (its cap is
    # then 0, but its dual still prices the carry-over that more budget would allow)
    potten = {(f, r) for (f, r, _t) in invoer.budget} | {
        (f, None if invoer.fondsen[f].landelijk else r) for (f, r, _i, _g, _t) in model.y}
    for fonds, regio in sorted(potten, key=lambda pot: (pot[0], pot[1] or "")):
        gegevens = invoer.fondsen[fonds]
        laatste = invoer.eind if gegevens.vervaljaar is None else min(invoer.eind, gegevens.vervaljaar)
        if gegevens.overheveling <= 0:
            continue
        for jaar in range(invoer.start, laatste):
            model.c[(fonds, regio, jaar)] = model.probleem.add_variable(
                f"c_{naam('f', fonds)}_{naam('r', regio)}_{jaar}", lowBound=0,
            )


def _per_cel(model: Model) -> dict[tuple[str, str, str, int], list[pulp.LpVariable]]:
    cellen: dict[tuple[str, str, str, int], list[pulp.LpVariable]] = defaultdict(list)
    for sleutel, variabele in model.x.items():
        cellen[sleutel[:4]].append(variabele)
    return cellen


def add_segment(model: Model) -> None:
    """segment: x[r,i,g,t,s] <= aandeel(i,s) * Potentieel[r,g,t], as the upper bound of x.

    A bound, not a row: the same limit at a fraction of the memory and build time (half of
    all rows of a large model would be these). None when the instrument has one segment of
    share 1: then ``potentieel`` is the same limit.
    """
    invoer = model.invoer
    aandelen = {
        (instrument, segment.nummer): segment.aandeel
        for instrument, segmenten in invoer.segmenten.items() for segment in segmenten
    }
    for (regio, instrument, doelgroep, jaar, segment), variabele in model.x.items():
        if len(invoer.segmenten[instrument]) == 1 and aandelen[(instrument, segment)] >= 1:
            continue
        variabele.upBound = aandelen[(instrument, segment)] * invoer.potentieel[(regio, doelgroep, jaar)]


def add_potentieel(model: Model, elastisch: bool = False) -> None:
    """potentieel: sum_{i,s} x[r,i,g,t,s] <= Potentieel[r,g,t]."""
    invoer, naam = model.invoer, model.sleutels
    per_groep: dict[tuple[str, str, int], list] = defaultdict(list)
    for (regio, _instrument, doelgroep, jaar, _segment), variabele in model.x.items():
        per_groep[(regio, doelgroep, jaar)].append((variabele, 1.0))
    for (regio, doelgroep, jaar), termen in per_groep.items():
        rijnaam = f"potentieel_{naam('r', regio)}_{naam('g', doelgroep)}_{jaar}"
        if elastisch and model.vast is not None:
            info = {"soort": "potentieel", "regio": regio, "doelgroep": doelgroep, "jaar": jaar}
            termen = termen + [(_tekort(model, rijnaam, info), -1.0)]
        model.voeg_toe("potentieel", rijnaam, termen, pulp.LpConstraintLE,
                       invoer.potentieel[(regio, doelgroep, jaar)], sleutel=(regio, doelgroep, jaar))


def add_looptijd(model: Model) -> None:
    """looptijd: X[r,i,g,t] = 0 when t + duur(i) - 1 > eind and doorloop_na_planperiode = nee."""
    invoer, naam = model.invoer, model.sleutels
    if invoer.doorloop:
        return
    for (regio, instrument, doelgroep, jaar), variabelen in _per_cel(model).items():
        if model.vast is not None and model.vast.get((regio, instrument, doelgroep, jaar), 0) > 0:
            continue  # add_vast reports the hand plan's trajectory that runs past the plan
        if jaar + invoer.instrumenten[instrument].duur - 1 > invoer.eind:
            model.voeg_toe(
                "looptijd",
                f"looptijd_{naam('r', regio)}_{naam('i', instrument)}_{naam('g', doelgroep)}_{jaar}",
                [(v, 1.0) for v in variabelen], pulp.LpConstraintEQ, 0.0,
                sleutel=(regio, instrument, doelgroep, jaar),
            )


def add_kosten(model: Model) -> None:
    """kosten: k[r,i,g,t] = k(i) (1 + kostenindexatie)^(t - start) sum_{d<duur(i)} X[r,i,g,t-d]."""
    invoer, naam = model.invoer, model.sleutels
    cellen = _per_cel(model)
    for (regio, instrument, doelgroep, jaar), kosten in model.k.items():
        tarief = invoer.instrumenten[instrument].kosten * indexatie(invoer, jaar)
        termen = [(kosten, 1.0)]
        for start in range(jaar - invoer.instrumenten[instrument].duur + 1, jaar + 1):
            termen += [(v, -tarief) for v in cellen.get((regio, instrument, doelgroep, start), [])]
        model.voeg_toe(
            "kosten", f"kosten_{naam('r', regio)}_{naam('i', instrument)}_{naam('g', doelgroep)}_{jaar}",
            termen, pulp.LpConstraintEQ, 0.0, sleutel=(regio, instrument, doelgroep, jaar),
        )


def add_financiering(model: Model, elastisch: bool = False) -> None:
    """financiering: sum_f y[f,r,i,g,t] = k[r,i,g,t]."""
    naam = model.sleutels
    per_cel: dict[tuple[str, str, str, int], list] = defaultdict(list)
    for (_fonds, regio, instrument, doelgroep, jaar), variabele in model.y.items():
        per_cel[(regio, instrument, doelgroep, jaar)].append((variabele, 1.0))
    for sleutel, kosten in model.k.items():
        regio, instrument, doelgroep, jaar = sleutel
        rijnaam = f"financiering_{naam('r', regio)}_{naam('i', instrument)}_{naam('g', doelgroep)}_{jaar}"
        termen = per_cel.get(sleutel, []) + [(kosten, -1.0)]
        if elastisch and model.vast is not None:
            info = {"soort": "financiering", "regio": regio, "instrument": instrument,
                    "doelgroep": doelgroep, "jaar": jaar}
            termen.append((_tekort(model, rijnaam, info), 1.0))
        model.voeg_toe("financiering", rijnaam, termen, pulp.LpConstraintEQ, 0.0)


def add_cofinanciering(model: Model) -> None:
    """cofinanciering: y[f,r,i,g,t] <= max_aandeel(f,i,g) k[r,i,g,t] where max_aandeel < 1."""
    naam = model.sleutels
    for (fonds, regio, instrument, doelgroep, jaar), variabele in model.y.items():
        aandeel = model.max_aandeel[(fonds, instrument, doelgroep)]
        if aandeel >= 1:
            continue
        model.voeg_toe(
            "cofinanciering",
            f"cofinanciering_{naam('f', fonds)}_{naam('r', regio)}_{naam('i', instrument)}"
            f"_{naam('g', doelgroep)}_{jaar}",
            [(variabele, 1.0), (model.k[(regio, instrument, doelgroep, jaar)], -aandeel)],
            pulp.LpConstraintLE, 0.0, sleutel=(fonds, regio, instrument, doelgroep, jaar),
        )


def add_budget(model: Model, elastisch: bool = False) -> None:
    """budget: sum_{i,g} y[f,r,i,g,t] + Verplichtingen[f,r,t] + c[f,r,t] <= Budget[f,r,t] + c[f,r,t-1].

    For a landelijk fund the sum runs over every region too, one row per (f,t).
    """
    invoer, naam = model.invoer, model.sleutels
    termen: dict[tuple[str, str | None, int], list] = defaultdict(list)
    for (fonds, regio, _instrument, _doelgroep, jaar), variabele in model.y.items():
        budgetregio = LANDELIJK if invoer.fondsen[fonds].landelijk else regio
        termen[(fonds, budgetregio, jaar)].append((variabele, 1.0))
    for (fonds, regio, jaar), variabele in model.c.items():
        termen[(fonds, regio, jaar)].append((variabele, 1.0))
        if jaar + 1 <= invoer.eind:
            termen[(fonds, regio, jaar + 1)].append((variabele, -1.0))
    rijen = set(termen) | set(invoer.budget) | set(invoer.verplichtingen)
    for sleutel in sorted(rijen, key=lambda s: (s[0], s[1] or "", s[2])):
        fonds, regio, jaar = sleutel
        ruimte = invoer.budget.get(sleutel, 0.0) - invoer.verplichtingen.get(sleutel, 0.0)
        rijnaam = f"budget_{naam('f', fonds)}_{naam('r', regio)}_{jaar}"
        rij = list(termen.get(sleutel, []))
        if elastisch:
            info = {"soort": "budget", "fonds": fonds, "regio": regio or "landelijk", "jaar": jaar}
            rij.append((_tekort(model, rijnaam, info), -1.0))
        if not rij:
            if ruimte < -1e-9:
                rij = [(_nul(model), 1.0)]  # keep the impossible row visible to the solver
            else:
                continue
        model.voeg_toe("budget", rijnaam, rij, pulp.LpConstraintLE, ruimte)
        model.budgetrijen[sleutel] = rijnaam


def _nul(model: Model) -> pulp.LpVariable:
    """A variable fixed at 0, to keep a row without variables (and so impossible) in the model."""
    if model.nulvariabele is None:
        model.nulvariabele = model.probleem.add_variable("nul", lowBound=0, upBound=0)
    return model.nulvariabele


def add_overheveling(model: Model) -> None:
    """overheveling: c[f,r,t] <= overheveling(f) Budget[f,r,t]; no c in the last year or from vervaljaar on."""
    invoer, naam = model.invoer, model.sleutels
    for (fonds, regio, jaar), variabele in model.c.items():
        grens = invoer.fondsen[fonds].overheveling * invoer.budget.get((fonds, regio, jaar), 0.0)
        model.voeg_toe(
            "overheveling", f"overheveling_{naam('f', fonds)}_{naam('r', regio)}_{jaar}",
            [(variabele, 1.0)], pulp.LpConstraintLE, grens, sleutel=(fonds, regio, jaar),
        )


def regel_uitbreiding(invoer: Invoer) -> list[tuple[Beleidsregel, dict[str, str]]]:
    """Every active rule, once per combination of values of its ``elk`` columns."""
    waarden = {
        "regio": list(invoer.regios), "fonds": list(invoer.fondsen),
        "instrument": list(invoer.instrumenten), "doelgroep": list(invoer.doelgroepen),
        "jaar": [str(j) for j in invoer.jaren],
    }
    uitgebreid = []
    for regel in invoer.beleidsregels:
        if not regel.actief:
            continue
        combinaties: list[dict[str, str]] = [{}]
        for kolom in ("regio", "fonds", "instrument", "doelgroep", "jaar"):
            if regel.filters.get(kolom) == ELK:
                combinaties = [{**c, kolom: w} for c in combinaties for w in waarden[kolom]]
        uitgebreid += [(regel, combinatie) for combinatie in combinaties]
    return uitgebreid


def regel_termen(model: Model, regel: Beleidsregel, waarden: dict[str, str]) -> list[tuple[pulp.LpVariable, float]]:
    """The (variable, coefficient) list of a rule's quantity over the cells it matches, for the
    values ``waarden`` its ``elk`` columns take (the list is shared: do not change it)."""
    groepen = _regelgroepen(model, regel)
    return groepen.get(tuple(waarden[kolom] for kolom in _elk_kolommen(regel)), [])


KOLOMMEN = {  # the columns a rule can filter on, in the order of the keys of model.x and model.y
    "x": ("regio", "instrument", "doelgroep", "jaar"),
    "y": ("fonds", "regio", "instrument", "doelgroep", "jaar"),
}


def _elk_kolommen(regel: Beleidsregel) -> tuple[str, ...]:
    return tuple(kolom for kolom, waarde in regel.filters.items() if waarde == ELK)


def _regelgroepen(model: Model, regel: Beleidsregel) -> dict[tuple[str, ...], list]:
    """A rule's terms for every combination of its ``elk`` values at once: one pass over the
    cells its fixed filters allow (built once per rule and model)."""
    cache = ("regel", id(regel))
    if cache in model.index:
        return model.index[cache]
    invoer = model.invoer
    soort = "y" if regel.grootheid == "uitgaven" else "x"
    plaatsingen = regel.grootheid == "plaatsingen"
    positie = {kolom: nummer for nummer, kolom in enumerate(KOLOMMEN[soort])}
    vast = {kolom: waarde for kolom, waarde in regel.filters.items() if waarde not in (None, ELK)}
    elk = [positie[kolom] for kolom in _elk_kolommen(regel)]
    vaste_posities = [(positie[kolom], waarde) for kolom, waarde in vast.items()]
    factoren = segment_factoren(invoer)
    variabelen = model.y if soort == "y" else model.x
    groepen: dict[tuple[str, ...], list] = defaultdict(list)
    for sleutel in _kandidaten(model, soort, vast, plaatsingen):
        if soort == "x" and plaatsingen:  # a placement counts in the year it happens
            r, i, g, t, s = sleutel
            waarden = (r, i, g, str(t + invoer.instrumenten[i].vertraging))
            coefficient = invoer.effecten[(i, g)] * factoren[(i, s)]
        else:
            waarden = tuple(str(w) for w in sleutel)
            coefficient = 1.0
        if all(waarden[p] == w for p, w in vaste_posities):
            groepen[tuple(waarden[p] for p in elk)].append((variabelen[sleutel], coefficient))
    model.index[cache] = groepen
    return groepen


def _kandidaten(model: Model, soort: str, filters: dict, plaatsingen: bool = False) -> list[tuple]:
    """The keys of ``model.x`` or ``model.y`` that may match a rule: those of its most selective
    named filter (an index built once per model), or all keys when it names none."""
    sleutel_index = (soort, plaatsingen)
    if sleutel_index not in model.index:
        index: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for sleutel in (model.y if soort == "y" else model.x):
            for kolom, waarde in zip(KOLOMMEN[soort], sleutel):
                if kolom == "jaar" and plaatsingen:  # a placement counts in the year it happens
                    waarde = waarde + model.invoer.instrumenten[sleutel[1]].vertraging
                index[(kolom, str(waarde))].append(sleutel)
        model.index[sleutel_index] = index
    index = model.index[sleutel_index]
    lijsten = [index.get((kolom, waarde), []) for kolom, waarde in filters.items() if waarde is not None]
    if not lijsten:
        return list(model.y if soort == "y" else model.x)
    return min(lijsten, key=len)


def add_beleidsregel(model: Model, elastisch: bool = False) -> None:
    """beleidsregel: sum over matched cells of the quantity <=, >= or = waarde, per ``elk`` value."""
    naam = model.sleutels
    zinnen = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "=": pulp.LpConstraintEQ}
    for regel, waarden in regel_uitbreiding(model.invoer):
        delen = [naam("regel", regel.regel)] + [
            naam(kolom if kolom != "jaar" else "jaar", w) for kolom, w in waarden.items()
        ]
        rijnaam = "beleidsregel_" + "_".join(delen)
        termen = regel_termen(model, regel, waarden)
        regel_termen_bestaan = bool(termen)
        uitgebreid = Regel(regel, waarden, rijnaam, termen)
        if elastisch:
            if regel.operator in (">=", "="):
                info = {"soort": "beleidsregel", "regel": uitgebreid, "richting": "min"}
                termen = termen + [(_tekort(model, f"{rijnaam}_min", info), 1.0)]
            if regel.operator in ("<=", "="):
                info = {"soort": "beleidsregel", "regel": uitgebreid, "richting": "max"}
                termen = termen + [(_tekort(model, f"{rijnaam}_max", info), -1.0)]
        model.regels.append(uitgebreid)
        if not regel_termen_bestaan:
            model.lege_regels.append(uitgebreid)
        if not termen:
            satisfied = {"<=": 0 <= regel.waarde, ">=": 0 >= regel.waarde, "=": regel.waarde == 0}
            if satisfied[regel.operator]:
                continue
            termen = [(_nul(model), 1.0)]
        model.voeg_toe("beleidsregel", rijnaam, termen, zinnen[regel.operator], regel.waarde)


def add_vast(model: Model) -> None:
    """vast (evaluation only): X[r,i,g,t] = the hand-made plan's participants, 0 where it has none.

    Cells the plan fills that cannot exist (no potential, or a trajectory past the
    plan period while that is not allowed) go to ``model.onmogelijk`` instead.
    """
    invoer, naam = model.invoer, model.sleutels
    cellen = _per_cel(model)
    for (regio, instrument, doelgroep, jaar), aantal in sorted(model.vast.items()):
        if aantal <= 0:
            continue
        duur = invoer.instrumenten[instrument].duur
        if (regio, instrument, doelgroep, jaar) not in cellen:
            model.onmogelijk.append({"soort": "potentieel", "regio": regio, "instrument": instrument,
                                     "doelgroep": doelgroep, "jaar": jaar, "tekort": aantal})
        elif not invoer.doorloop and jaar + duur - 1 > invoer.eind:
            model.onmogelijk.append({"soort": "looptijd", "regio": regio, "instrument": instrument,
                                     "doelgroep": doelgroep, "jaar": jaar, "tekort": aantal})
    onmogelijk = {(o["regio"], o["instrument"], o["doelgroep"], o["jaar"]) for o in model.onmogelijk}
    for (regio, instrument, doelgroep, jaar), variabelen in cellen.items():
        aantal = 0.0 if (regio, instrument, doelgroep, jaar) in onmogelijk else model.vast.get(
            (regio, instrument, doelgroep, jaar), 0.0)
        model.voeg_toe(
            "vast", f"vast_{naam('r', regio)}_{naam('i', instrument)}_{naam('g', doelgroep)}_{jaar}",
            [(v, 1.0) for v in variabelen], pulp.LpConstraintEQ, aantal,
        )


def doelstelling_termen(model: Model) -> list[tuple[pulp.LpVariable, float]]:
    """The objective's (variable, coefficient) list; see :func:`add_doelstelling`."""
    invoer = model.invoer
    factoren = segment_factoren(invoer)
    termen = []
    for (_r, i, g, t, s), variabele in model.x.items():
        coefficient = (
            invoer.doelgroepen[g] * invoer.effecten[(i, g)] * factoren[(i, s)]
            * discontering(invoer, t + invoer.instrumenten[i].vertraging)
        )
        if coefficient:
            termen.append((variabele, coefficient))
    return termen


def add_doelstelling(model: Model) -> None:
    """Objective: max sum gewicht(g) p(i,g) factor(i,s) x[r,i,g,t,s] / (1 + rho)^(t + vertraging(i) - start).

    rho is the disconteringsvoet.
    """
    model.probleem.setObjective(pulp.LpAffineExpression(doelstelling_termen(model)))
