"""The linear program of SPEC §5, built once as arrays; one ``add_<familie>()`` per family.

Symbols (as in SPEC §5): r region, i instrument, g target group, t year, s segment,
f fund. ``x[r,i,g,t,s]`` participants starting, ``X[r,i,g,t] = sum_s x``;
``k[r,i,g,t]`` the cost paid in year t; ``y[f,r,i,g,t]`` euros of fund f;
``c[f,r,t]`` budget carried from t to t+1.

The model is data, in the manner of linopy: every variable kind is a block of columns
(:class:`Variabelen`: a frame of its domain keys, a contiguous column range, bounds),
every constraint family a block of rows (:class:`Rijen`: a frame of its keys, a
contiguous row range, row bounds, and its terms as (row, column, coefficient) arrays
made with polars joins). :meth:`Model.matrix` assembles the sparse matrix once; names
are rendered from the keys only when a file or a message needs them
(:meth:`Model.kolomnamen`, :meth:`Model.rijnamen`, :meth:`Model.als_pulp`). Column order
is k, x, y, c, shortfalls: Clp needs fewer iterations with k before x (measured:
bench/README.md).

The builders receive a validated :class:`~budgetkoppeling.validate.Invoer` only.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from .invoer import (
    COHORTSLEUTELS,
    ELK,
    INZETSLEUTELS,
    LANDELIJK,
    POTSLEUTELS,
    Beleidsregel,
    Invoer,
    grootboek,
    max_aandeel,
)

FAMILIES = (
    "segment", "potentieel", "looptijd", "kosten", "financiering", "reservering", "cofinanciering",
    "vaststelling", "budget", "inbreng", "tegenprestatie", "overheveling", "beleidsregel", "koppeling", "overgang",
    "realisatie",
)
ONEINDIG = np.inf
FINANCIERINGSTEKORT_GEWICHT = 1000.0  # the diagnosis's penalty on a euro that no fund may pay
# herijking: what the realised years broke (a budget overspent, a rule missed) is a column of its own,
# penalised by one weighted placement per euro or person: far above what a euro or person can gain, so
# the plan is the best one that breaks no more than the realisation already did
OVERSCHRIJDING_STRAF = 1.0
OVERHEVELING_GEWICHT = 1e-3  # the diagnosis's second solve: per euro carried, below a euro of shortfall elsewhere
# the kinds of shortfall a family may declare (Rijen.verruimbaar) and a builder may add (Model.verruiming)
VERRUIMINGEN = {
    "regel": "the row as a rule, broken at a price: the diagnosis of an infeasible plan, a plan's shortfall",
    "plan": "a fixed plan's own limits (its potential, its financing): the diagnosis of a hand plan",
    "gerealiseerd": "herijking: what the realised years alone broke (a budget overspent, a rule missed)",
}

# how each block and family renders a name from its keys: (column, kind of safe key or None for a number)
CEL = (("regio", "r"), ("instrument", "i"), ("doelgroep", "g"))
NAAMDELEN = {
    "k": (*CEL, ("jaar", None)),
    "x": (*CEL, ("jaar", None), ("segment", None)),
    "y": (("fonds", "f"), *CEL, ("jaar", None)),
    "c": (("fonds", "f"), ("regio", "r"), ("jaar", None)),
    "z": (("fonds", "f"), ("regio", "r"), ("jaar", None)),
    "vaststelling": (("fonds", "f"), ("regio", "r"), ("jaar", None)),
    "potentieel": (("regio", "r"), ("doelgroep", "g"), ("jaar", None)),
    "looptijd": (*CEL, ("jaar", None)),
    "kosten": (*CEL, ("jaar", None)),
    "financiering": (*CEL, ("jaar", None)),
    "reservering": (*CEL, ("jaar", None)),
    "cofinanciering": (("fonds", "f"), *CEL, ("jaar", None)),
    "budget": (("fonds", "f"), ("regio", "r"), ("jaar", None)),
    "p": (("fonds", "f"), ("regio", "r"), ("jaar", None)),
    "inbreng": (("fonds", "f"), ("regio", "r"), ("jaar", None)),
    "tegenprestatie": (("fonds", "f"), ("regio", "r")),
    "overheveling": (("fonds", "f"), ("regio", "r"), ("jaar", None)),
    "overgang": (("regio", "r"), ("instrument", "i"), ("jaar", None), ("kant", None)),
    "realisatie": (("regio", "r"), ("instrument", "i"), ("doelgroep", "g"), ("jaar", None)),
    "vast": (*CEL, ("jaar", None)),
    "X": (*CEL, ("jaar", None)),
    "geheel": (*CEL, ("jaar", None)),
    "A": (("groep", None),),
    "u": (("trekking", None),),
    "t": (),
    "aggregaat": (("groep", None),),
    "cvar": (("trekking", None),),
}


class Sleutels:
    """Safe LP names for user names: PuLP rewrites ``-+[] `` and LP files limit length.

    A key holds letters, digits and ``.`` but never ``_``, which joins the keys of a name: so
    region 'Zuid Holland' with instrument 'X' and region 'Zuid' with instrument 'Holland X'
    give different names (``Zuid.Holland_X`` and ``Zuid_Holland.X``).
    """

    def __init__(self) -> None:
        self._naar: dict[tuple[str, str], str] = {}
        self._gebruikt: set[tuple[str, str]] = set()

    def __call__(self, soort: str, naam: str | int | None) -> str:
        if naam is None or naam == LANDELIJK:
            return LANDELIJK
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

    def namen(self, prefix: str, frame: pl.DataFrame, delen: tuple) -> list[str]:
        """``prefix_key1_key2...`` for every row of ``frame``, the keys as ``delen`` says."""
        if frame.height == 0:
            return []
        stukken = [pl.lit(prefix)]
        for kolom, soort in delen:
            if soort is None:
                stukken.append(pl.col(kolom).cast(pl.String))
            else:
                waarden = frame[kolom].unique(maintain_order=True).to_list()
                vertaling = {w: self(soort, w) for w in waarden}
                stukken.append(pl.col(kolom).replace_strict(vertaling, return_dtype=pl.String))
        return frame.select(pl.concat_str(stukken, separator="_")).to_series().to_list()



def som_product(a: np.ndarray, b: np.ndarray) -> float:
    """sum(a * b), summed the same way in every process.

    numpy's ``@`` on dense vectors calls BLAS, whose last bits depend on its number of threads (a
    Dask worker runs BLAS on one thread, this process on every core); numpy's own pairwise sum does
    not, so serial, local and cluster runs give the same bytes."""
    return float(np.add.reduce(np.multiply(a, b)))


def groepsom(frame: pl.DataFrame, sleutels: str | list[str], **sommen: str) -> pl.DataFrame:
    """``frame.group_by(sleutels).agg(naam=pl.col(bron).sum(), ...)`` for ``naam=bron``, each group's
    sum taken in row order: polars sums a group in parallel parts whose order varies from run to
    run, and with it the last bits (2 variants in 200 runs on the national example's Allocatie), so
    that equal input gave different workbooks. Groups in the order they first appear."""
    sleutels = [sleutels] if isinstance(sleutels, str) else list(sleutels)
    nummers, eerste = _groepnummers(frame, sleutels)
    groepen = frame.select(sleutels)[eerste]
    return groepen.with_columns(**{
        naam: pl.Series(naam, np.bincount(nummers, weights=frame[bron].cast(pl.Float64).to_numpy(),
                                          minlength=groepen.height) if frame.height else [], dtype=pl.Float64)
        for naam, bron in sommen.items()})


def _groepnummers(frame: pl.DataFrame, sleutels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group, numbered in the order the groups first appear, and each group's first row.
    The dense rank of the keys (a null a value of its own), renumbered: a quarter faster than unique
    and a join."""
    rang = frame.select(pl.struct(sleutels).rank("dense").cast(pl.Int64)).to_series().to_numpy() - 1
    eerste = np.unique(rang, return_index=True)[1]  # each rank's first row
    volgorde = np.argsort(eerste)
    nummer = np.empty_like(volgorde)
    nummer[volgorde] = np.arange(len(volgorde))
    return nummer[rang], eerste[volgorde]


def som_producten(matrix: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``matrix @ b`` for a dense matrix, row by row as :func:`som_product` (no BLAS)."""
    return np.add.reduce(np.multiply(matrix, b), axis=1)

@dataclass
class Variabelen:
    """A block of columns: one per row of ``sleutels``, numbered from ``start`` on."""

    naam: str
    sleutels: pl.DataFrame
    onder: np.ndarray
    boven: np.ndarray
    start: int = 0
    geheel: bool = False

    @property
    def aantal(self) -> int:
        return self.sleutels.height

    @property
    def kolommen(self) -> np.ndarray:
        return np.arange(self.start, self.start + self.aantal, dtype=np.int64)


@dataclass
class Rijen:
    """A constraint family: one row per row of ``sleutels``, numbered from ``start`` on.

    ``onder <= sum(coef * column) <= boven`` per row; the terms are (``rij`` within the
    family, global ``kolom``, ``coef``) arrays.
    """

    naam: str
    sleutels: pl.DataFrame
    onder: np.ndarray
    boven: np.ndarray
    rij: np.ndarray
    kolom: np.ndarray
    coef: np.ndarray
    start: int = 0
    # per kind of shortfall (VERRUIMINGEN) the rows a shortfall column may relax: (rows, coefficient, richting)
    verruimbaar: dict[str, tuple] = field(default_factory=dict)

    @property
    def aantal(self) -> int:
        return self.sleutels.height


@dataclass
class Regel:
    """One expanded policy rule: the original rule, the values its ``elk`` columns took, its row."""

    regel: Beleidsregel
    waarden: dict[str, str]
    naam: str  # the constraint name
    kolom: np.ndarray  # the columns of its quantity (without a shortfall) ...
    coef: np.ndarray  # ... and their coefficients
    rij: int | None = None  # global row; None when the rule matches nothing and holds anyway

    @property
    def omschrijving(self) -> str:
        if not self.waarden:
            return self.regel.regel
        delen = ", ".join(f"{kolom}={waarde}" for kolom, waarde in self.waarden.items())
        return f"{self.regel.regel} [{delen}]"


@dataclass
class Model:
    """The built problem: blocks of columns and rows, the objective, and what they stand for."""

    invoer: Invoer
    zin: str = "max"  # "max" or "min"
    geheel: bool = False  # whole participants (MIP)
    variabelen: dict[str, Variabelen] = field(default_factory=dict)
    families: dict[str, Rijen] = field(default_factory=dict)
    doel: np.ndarray | None = None  # objective coefficient per column
    plaatsingsdoel: np.ndarray | None = None  # weighted placements per column (the plan's objective)
    vast: dict[tuple[str, str, str, int], float] | None = None  # a hand-made plan being evaluated
    onmogelijk: list[dict] = field(default_factory=list)  # hand-plan cells that cannot exist at all
    regels: list[Regel] = field(default_factory=list)
    lege_regels: list[Regel] = field(default_factory=list)  # rules that match no cell at all
    tekort_info: list[dict] = field(default_factory=list)  # what each shortfall column stands for
    sleutels: Sleutels = field(default_factory=Sleutels)
    verruiming: tuple[str, ...] = ()  # the kinds of shortfall (VERRUIMINGEN) :meth:`sluit_af` adds
    vanaf: int | None = None  # herijking: the years before are realised (family realisatie)
    # the prepared cells of x and y with their parameters (chance, factor, duration, share), for the families
    cellen_x: pl.DataFrame | None = None
    cellen_y: pl.DataFrame | None = None
    _kolommen: int = 0
    _rijen: int = 0
    _tekort_kolommen: list[int] = field(default_factory=list)

    # -------------------------------------------------------------- building blocks

    def add_variabelen(self, naam: str, sleutels: pl.DataFrame, boven: np.ndarray | None = None,
                       geheel: bool = False) -> Variabelen:
        """A block of columns >= 0 (``boven``: upper bounds, default none), numbered next."""
        aantal = sleutels.height
        blok = Variabelen(naam, sleutels, np.zeros(aantal), np.full(aantal, ONEINDIG) if boven is None else boven,
                          start=self._kolommen, geheel=geheel)
        self._kolommen += aantal
        self.variabelen[naam] = blok
        return blok

    @property
    def elastisch(self) -> bool:
        """Whether the rules may be broken at a price (the diagnosis, a plan's shortfall)."""
        return "regel" in self.verruiming

    def add_rijen(self, familie: str, sleutels: pl.DataFrame, onder, boven, rij, kolom, coef,
                  verruimbaar: dict[str, tuple] | None = None, weglaatbaar: np.ndarray | None = None) -> Rijen:
        """Add the rows of ``familie``. ``verruimbaar``: per kind of shortfall (VERRUIMINGEN) the rows
        (rows, coefficient, richting) that a shortfall column may relax; :meth:`sluit_af` adds those
        columns for the kinds of :attr:`verruiming`. ``weglaatbaar``: rows without terms that hold
        whatever the plan; left out, unless the model relaxes this family's rules (the diagnosis
        names every rule it relaxed). A family whose rows are all left out is not added."""
        verruimbaar = {soort: delen for soort, delen in (verruimbaar or {}).items() if delen}
        rij = np.asarray(rij, np.int64)
        if weglaatbaar is not None and weglaatbaar.any() and not (self.elastisch and "regel" in verruimbaar):
            nummer = np.full(len(weglaatbaar), -1, dtype=np.int64)
            behouden = np.flatnonzero(~weglaatbaar)
            nummer[behouden] = np.arange(len(behouden))
            sleutels = sleutels[behouden]
            onder = np.broadcast_to(np.asarray(onder, dtype=np.float64), (len(nummer),))[behouden]
            boven = np.broadcast_to(np.asarray(boven, dtype=np.float64), (len(nummer),))[behouden]
            rij = nummer[rij]  # a row left out has no terms
            verruimbaar = {soort: tuple((nummer[rijen][nummer[rijen] >= 0], coefficient, richting)
                                        for rijen, coefficient, richting in delen)
                           for soort, delen in verruimbaar.items()}
        aantal = sleutels.height
        onder = np.broadcast_to(np.asarray(onder, dtype=np.float64), (aantal,)).copy()
        boven = np.broadcast_to(np.asarray(boven, dtype=np.float64), (aantal,)).copy()
        if familie in self.families:
            raise ValueError(f"familie {familie} twee keer opgebouwd")
        blok = Rijen(familie, sleutels, onder, boven, rij, np.asarray(kolom, np.int64),
                     np.asarray(coef, np.float64), start=self._rijen, verruimbaar=verruimbaar)
        if aantal == 0 and weglaatbaar is not None and len(weglaatbaar):
            return blok  # every row left out
        self._rijen += aantal
        self.families[familie] = blok
        return blok

    def sluit_af(self) -> None:
        """The one pass after building that adds the shortfall columns (as PyPSA adds load shedding):
        for each family, in the order built, and each kind of :attr:`verruiming` it declares, a
        column per relaxable row with its coefficient. They become one block, after every other kind."""
        for familie, blok in self.families.items():
            delen_rij, delen_kolom, delen_coef = [blok.rij], [blok.kolom], [blok.coef]
            for soort in self.verruiming:
                for rijen, coefficient, richting in blok.verruimbaar.get(soort, ()):
                    rijen = np.asarray(rijen, dtype=np.int64)
                    nieuw = np.arange(self._kolommen, self._kolommen + len(rijen), dtype=np.int64)
                    self._kolommen += len(rijen)
                    self._tekort_kolommen.extend(nieuw.tolist())
                    delen_rij.append(rijen)
                    delen_kolom.append(nieuw)
                    delen_coef.append(np.full(len(rijen), coefficient))
                    self.tekort_info += [{"familie": familie, "rij": int(r), "richting": richting} for r in rijen]
            if len(delen_rij) > 1:
                blok.rij, blok.kolom, blok.coef = (np.concatenate(delen_rij), np.concatenate(delen_kolom),
                                                   np.concatenate(delen_coef))
        if self._tekort_kolommen:
            eerste = self._tekort_kolommen[0]
            aantal = len(self._tekort_kolommen)
            sleutels = pl.DataFrame(self.tekort_info, schema={"familie": pl.String, "rij": pl.Int64,
                                                              "richting": pl.String})
            self.variabelen["tekort"] = Variabelen("tekort", sleutels, np.zeros(aantal), np.full(aantal, ONEINDIG),
                                                   start=eerste)

    def tekortwaarden(self, waarden: np.ndarray) -> list[tuple[dict, float]]:
        """Every shortfall column (what it stands for: ``familie``, ``rij`` within it, ``richting``)
        with its value in ``waarden``; none in a model without shortfall columns."""
        tekort = self.variabelen.get("tekort")
        if tekort is None:
            return []
        return list(zip(self.tekort_info, waarden[tekort.start:tekort.start + tekort.aantal]))

    def heeft(self, naam: str) -> bool:
        """Whether this model built the family or the block of columns ``naam`` (it may be empty)."""
        return naam in self.families or naam in self.variabelen

    def actieve_rijen(self, duals: np.ndarray, familie: str):
        """(number within the family, keys) of every row of ``familie`` whose dual in ``duals`` is not 0."""
        rijen = self.families.get(familie)
        if rijen is None:
            return
        eigen = duals[rijen.start:rijen.start + rijen.aantal]
        for nummer in np.flatnonzero(np.abs(eigen) > 1e-9):
            yield int(nummer), rijen.sleutels.row(int(nummer), named=True)

    def rijsleutels(self, familie: str, rij: int) -> dict:
        """The keys of row ``rij`` (counted within the family) of ``familie``."""
        return self.families[familie].sleutels.row(rij, named=True)

    def regels_zonder_cellen(self) -> list[Regel]:
        """The expanded policy rules that match no cell at all (a row only where they cannot hold)."""
        return self.lege_regels

    def regel_van_rij(self, familie: str, rij: int) -> Regel:
        """The expanded policy rule whose row is ``rij`` (counted within ``familie``)."""
        return next(r for r in self.regels if r.rij == self.families[familie].start + rij)

    def add_kolommen(self, naam: str, sleutels: pl.DataFrame, onder: float = 0.0) -> np.ndarray:
        """A block of columns without an upper bound, at least ``onder`` (-ONEINDIG: free); their numbers."""
        blok = self.add_variabelen(naam, sleutels)
        blok.onder = np.full(blok.aantal, onder)
        return blok.kolommen

    def zet_doel(self, zin: str, kolommen: np.ndarray, gewichten) -> None:
        """The objective: ``zin`` ("max" or "min") of ``gewichten`` times ``kolommen`` (every other
        column 0); the weighted placements of columns added since are 0."""
        self.zin = zin
        self.doel = np.zeros(self.aantal_kolommen)
        self.doel[kolommen] = gewichten
        if self.plaatsingsdoel is not None and len(self.plaatsingsdoel) < self.aantal_kolommen:
            self.plaatsingsdoel = np.concatenate([self.plaatsingsdoel,
                                                  np.zeros(self.aantal_kolommen - len(self.plaatsingsdoel))])

    def minimaliseer_tekort(self, gewichten: dict[str, float], standaard: float) -> None:
        """The objective of a shortfall model: the least sum of its shortfall columns, each weighted by
        its family's weight in ``gewichten`` (``standaard`` for the others)."""
        tekort = self.variabelen.get("tekort")
        kolommen = np.zeros(0, np.int64) if tekort is None else tekort.kolommen
        familie = np.zeros(0, dtype=object) if tekort is None else tekort.sleutels["familie"].to_numpy()
        gewicht = np.full(len(kolommen), standaard)
        for naam, waarde in gewichten.items():
            gewicht = np.where(familie == naam, waarde, gewicht)
        zet_plaatsingsdoel(self)
        self.zet_doel("min", kolommen, gewicht)

    def zet_deelnemers(self, vast: dict[tuple[str, str, str, int], float]) -> None:
        """Fix the participants X[r,i,g,t] at ``vast`` (0 where absent) as bounds on x: all of a cell in
        its first segment (a segment changes the chance, not the cost)."""
        x = self.variabelen["x"]
        cellen = self.cellen_x.select(*COHORTSLEUTELS, "segment")
        eerste = (cellen.with_columns(_kolom=pl.int_range(pl.len(), dtype=pl.Int64))
                  .group_by(*COHORTSLEUTELS).agg(pl.col("_kolom").first()))
        waarden = np.zeros(x.aantal)
        for regio, instrument, doelgroep, jaar, kolom in eerste.iter_rows():
            waarden[kolom] = vast.get((regio, instrument, doelgroep, jaar), 0.0)
        x.onder, x.boven = waarden, waarden.copy()

    def gewicht_per_cel(self) -> np.ndarray:
        """Per x column (the cells of :meth:`cellen`): its weighted placements per participant."""
        return self.plaatsingsdoel[self.kolommen("x")]

    def sleutels_van(self, naam: str) -> pl.DataFrame:
        """The keys of the rows of family ``naam`` or of the columns of block ``naam`` (a row each, in
        order); an empty frame when the model has neither."""
        blok = self.families.get(naam) or self.variabelen.get(naam)
        return pl.DataFrame() if blok is None else blok.sleutels

    def kolommen(self, blok: str) -> np.ndarray:
        """The column numbers of block ``blok`` (none when the model has no such block)."""
        gevonden = self.variabelen.get(blok)
        return np.zeros(0, np.int64) if gevonden is None else gevonden.kolommen

    def cellen(self, blok: str) -> pl.DataFrame:
        """The cells of ``x`` or ``y`` with their parameters (chance, factor, duration; share), and
        ``_kolom``, each cell's column number."""
        cellen = self.cellen_x if blok == "x" else self.cellen_y
        return cellen.with_columns(_kolom=pl.Series(self.kolommen(blok), dtype=pl.Int64))

    def van_rijen(self, familie: str, per_rij: np.ndarray) -> np.ndarray:
        """The part of ``per_rij`` (a value per row of the model, as duals) that belongs to ``familie``."""
        rijen = self.families.get(familie)
        return per_rij[:0] if rijen is None else per_rij[rijen.start:rijen.start + rijen.aantal]

    def ruimte(self, familie: str, waarden: np.ndarray) -> np.ndarray:
        """Per row of ``familie``: its upper bound minus what the columns ``waarden`` use of it."""
        import scipy.sparse

        rijen = self.families[familie]
        matrix = scipy.sparse.coo_matrix((rijen.coef, (rijen.rij, rijen.kolom)),
                                         shape=(rijen.aantal, self._kolommen)).tocsr()
        matrix.sum_duplicates()  # as matrix(): the same sums in the same order
        matrix.sort_indices()
        return rijen.boven - matrix @ waarden

    def doelsom(self, waarden: np.ndarray) -> float:
        """The objective function at the columns ``waarden`` (with every penalty it holds)."""
        return som_product(self.doel, waarden)

    def gewogen(self, waarden: np.ndarray) -> float:
        """The weighted placements of the columns ``waarden`` (the plan's objective, SPEC §5)."""
        return som_product(self.plaatsingsdoel, waarden)

    def per_cel(self, waarden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per x column (the cells of :meth:`cellen`): (weighted placements, placements) of ``waarden``."""
        x = self.kolommen("x")
        return self.plaatsingsdoel[x] * waarden[x], plaatsingen_per_kolom(self)[x] * waarden[x]

    def tekortsom(self, waarden: np.ndarray, zonder: str = "potentieel") -> float:
        """The sum of the shortfall columns in ``waarden`` (those below 0 as 0), but for family ``zonder``."""
        tekort = self.variabelen.get("tekort")
        if tekort is None:
            return 0.0
        mee = tekort.sleutels["familie"].to_numpy() != zonder
        return float(np.clip(waarden[tekort.kolommen[mee]], 0.0, None).sum())

    def met_factoren(self, kans: np.ndarray, kosten: np.ndarray | None = None, budget: np.ndarray | None = None,
                     overheveling: np.ndarray | None = None) -> Model:
        """A copy with the numbers of one draw (onzekerheid, SPEC §8) multiplied in: ``kans`` per x column
        on its weighted placements, ``kosten`` per row of kosten on its x terms, ``budget`` per budget row
        on its budget (the commitments stay) and ``overheveling`` per row on its cap. A family whose
        factors are all 1 stays the same object (a loaded solver then keeps its matrix); the shape stays,
        so that :class:`~budgetkoppeling.solve.Herberekening` re-solves the copy in place."""
        nieuw = copy.copy(self)
        nieuw.families = dict(self.families)
        x = self.variabelen["x"]
        nieuw.doel = self.doel.copy()
        nieuw.doel[x.kolommen] = self.doel[x.kolommen] * kans
        nieuw.plaatsingsdoel = self.plaatsingsdoel.copy()
        nieuw.plaatsingsdoel[x.kolommen] = self.plaatsingsdoel[x.kolommen] * kans
        rijen = self.families.get("kosten")
        if rijen is not None and kosten is not None and (kosten != 1.0).any():
            op_x = (rijen.kolom >= x.start) & (rijen.kolom < x.start + x.aantal)
            nieuw.families["kosten"] = dataclasses.replace(rijen, coef=np.where(op_x, rijen.coef * kosten[rijen.rij],
                                                                                rijen.coef))
        rijen = self.families.get("budget")
        if rijen is not None and budget is not None and (budget != 1.0).any():
            if "_budgetbedrag" not in self.__dict__:  # a draw's copy shares it
                self.__dict__["_budgetbedrag"] = np.array([self.invoer.budget.get((f, r, int(t)), 0.0)
                                                           for f, r, t in rijen.sleutels.iter_rows()])
            nieuw.families["budget"] = dataclasses.replace(
                rijen, boven=rijen.boven + (budget - 1.0) * self.__dict__["_budgetbedrag"])
        rijen = self.families.get("overheveling")
        if rijen is not None and overheveling is not None and (overheveling != 1.0).any():
            nieuw.families["overheveling"] = dataclasses.replace(rijen, boven=rijen.boven * overheveling)
        return nieuw

    def regelprijzen(self, rijduals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per column, the policy rules' duals (``rijduals``: per row) times its coefficient in them:
        (rules on participants and spending, rules on placements)."""
        regelprijs, plaatsingsregels = np.zeros(self.aantal_kolommen), np.zeros(self.aantal_kolommen)
        for regel in self.regels:
            if regel.rij is not None:
                doel = plaatsingsregels if regel.regel.grootheid == "plaatsingen" else regelprijs
                np.add.at(doel, regel.kolom, rijduals[regel.rij] * regel.coef)
        for familie in ("inbreng", "tegenprestatie"):  # a pool's euro costs its members' money (SPEC §9)
            blok = self.families.get(familie)
            if blok is not None:
                np.add.at(regelprijs, blok.kolom, rijduals[blok.start + blok.rij] * blok.coef)
        return regelprijs, plaatsingsregels

    def verruimd(self, families: tuple[str, ...]) -> Model:
        """A copy with the rows of ``families`` free (for potentieel: the segment caps on the
        participants too); the same shape, so that a loaded solver changes only bounds."""
        nieuw = copy.copy(self)
        nieuw.families = dict(self.families)
        nieuw.variabelen = dict(self.variabelen)
        for familie in families:
            for naam in (familie, "segment") if familie == "potentieel" else (familie,):
                if naam in self.families:
                    rijen = self.families[naam]
                    nieuw.families[naam] = dataclasses.replace(rijen, onder=np.full(rijen.aantal, -np.inf),
                                                               boven=np.full(rijen.aantal, np.inf))
            if familie == "potentieel":
                x = self.variabelen["x"]
                nieuw.variabelen["x"] = dataclasses.replace(x, boven=np.where(x.boven > 0, np.inf, x.boven))
        return nieuw

    def met_minimaal_tekort(self, waarden: np.ndarray, gewicht: np.ndarray) -> Model:
        """A copy for a second solve of the diagnosis: a row ``minimaal_tekort`` keeps the (weighted)
        shortfall of ``waarden`` at most (a hair above) what it is, and the objective weighs each
        shortfall column by ``gewicht`` and every euro carried forward (c) by OVERHEVELING_GEWICHT."""
        tekort = self.variabelen["tekort"]
        minimum = float(self.doel[tekort.kolommen] @ waarden[tekort.kolommen])
        tweede = copy.copy(self)
        tweede.families = dict(self.families)
        tweede.add_rijen("minimaal_tekort", pl.DataFrame({"naam": ["minimaal_tekort"]}), -np.inf,
                         minimum * (1 + 1e-9) + 1e-6, np.zeros(tekort.aantal, np.int64), tekort.kolommen,
                         self.doel[tekort.kolommen])
        tweede.doel = np.zeros(tweede.aantal_kolommen)
        tweede.doel[tekort.kolommen] = gewicht
        overheveling = self.variabelen.get("c")
        if overheveling is not None:
            tweede.doel[overheveling.kolommen] = OVERHEVELING_GEWICHT
        return tweede

    def doelwaarde(self, waarden: np.ndarray) -> float:
        """The objective of a solution; for a herijking without the penalty on what the realised
        years broke (that is reported, not an objective)."""
        if not len(waarden):
            return 0.0
        waarde = som_product(self.doel, waarden)
        tekort = self.variabelen.get("tekort")
        if self.vanaf is not None and not self.elastisch and tekort is not None and self.zin == "max":
            waarde += OVERSCHRIJDING_STRAF * float(waarden[tekort.kolommen].sum())
        return waarde

    # -------------------------------------------------------------- the assembled problem

    @property
    def aantal_kolommen(self) -> int:
        return self._kolommen

    @property
    def aantal_rijen(self) -> int:
        return self._rijen

    def kolomgrenzen(self) -> tuple[np.ndarray, np.ndarray]:
        onder, boven = np.zeros(self._kolommen), np.full(self._kolommen, ONEINDIG)
        for blok in self.variabelen.values():
            onder[blok.start:blok.start + blok.aantal] = blok.onder
            boven[blok.start:blok.start + blok.aantal] = blok.boven
        return onder, boven

    def rijgrenzen(self) -> tuple[np.ndarray, np.ndarray]:
        onder, boven = np.empty(self._rijen), np.empty(self._rijen)
        for blok in self.families.values():
            onder[blok.start:blok.start + blok.aantal] = blok.onder
            boven[blok.start:blok.start + blok.aantal] = blok.boven
        return onder, boven

    def gehele_kolommen(self) -> np.ndarray:
        soort = np.zeros(self._kolommen, dtype=bool)
        for blok in self.variabelen.values():
            if blok.geheel:
                soort[blok.start:blok.start + blok.aantal] = True
        return soort

    def termen(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every term as global (row, column, coefficient) arrays."""
        blokken = list(self.families.values())
        if not blokken:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return (np.concatenate([b.rij + b.start for b in blokken]), np.concatenate([b.kolom for b in blokken]),
                np.concatenate([b.coef for b in blokken]))

    def matrix(self, formaat: str = "csr"):
        """The constraint matrix as a scipy sparse matrix (repeated terms added up)."""
        import scipy.sparse

        rij, kolom, coef = self.termen()
        coo = scipy.sparse.coo_matrix((coef, (rij, kolom)), shape=(self._rijen, self._kolommen))
        matrix = coo.tocsr() if formaat == "csr" else coo.tocsc()
        matrix.sum_duplicates()
        matrix.sort_indices()
        return matrix

    # -------------------------------------------------------------- names, rendered when needed

    def rijnamen(self) -> list[str]:
        namen: list[str] = []
        for blok in self.families.values():
            if "naam" in blok.sleutels.columns:
                namen += blok.sleutels["naam"].to_list()
            else:
                namen += self.sleutels.namen(blok.naam, blok.sleutels, NAAMDELEN[blok.naam])
        return namen

    def kolomnamen(self) -> list[str]:
        namen: list[str] = [""] * self._kolommen
        rijnamen = None
        for blok in self.variabelen.values():
            if blok.naam == "tekort":
                rijnamen = rijnamen or self.rijnamen()
                eigen = []
                for info in self.tekort_info:
                    basis = rijnamen[self.families[info["familie"]].start + info["rij"]]
                    tweezijdig = info["familie"] in ("beleidsregel", "realisatie")
                    eigen.append(f"tekort_{basis}" + (f"_{info['richting']}" if tweezijdig else ""))
            else:
                eigen = self.sleutels.namen(blok.naam, blok.sleutels, NAAMDELEN[blok.naam])
            namen[blok.start:blok.start + blok.aantal] = eigen
        return namen

    def als_pulp(self):
        """The same model as a complete, named ``pulp.LpProblem``: the LP file, the analyst's API, CBC.

        One generic translation of the blocks: a variable per column (bounds and integrality as
        in the arrays), a named constraint per row, the objective. No family is written twice.
        """
        import pulp

        probleem = pulp.LpProblem("budgetkoppeling", pulp.LpMaximize if self.zin == "max" else pulp.LpMinimize)
        onder, boven = self.kolomgrenzen()
        geheel = self.gehele_kolommen()
        kolommen = [
            probleem.add_variable(naam, lowBound=None if np.isinf(o) else float(o),
                                  upBound=None if np.isinf(b) else float(b),
                                  cat=pulp.LpInteger if g else pulp.LpContinuous)
            for naam, o, b, g in zip(self.kolomnamen(), onder, boven, geheel)
        ]
        matrix = self.matrix("csr")
        rij_onder, rij_boven = self.rijgrenzen()
        for r, naam in enumerate(self.rijnamen()):
            begin, eind = matrix.indptr[r], matrix.indptr[r + 1]
            uitdrukking = pulp.LpAffineExpression(
                [(kolommen[k], float(a)) for k, a in zip(matrix.indices[begin:eind], matrix.data[begin:eind])])
            if rij_onder[r] == rij_boven[r]:
                zin, rechts = pulp.LpConstraintEQ, rij_onder[r]
            elif np.isinf(rij_boven[r]):
                zin, rechts = pulp.LpConstraintGE, rij_onder[r]
            else:
                zin, rechts = pulp.LpConstraintLE, rij_boven[r]
            probleem.addConstraint(pulp.LpConstraint(uitdrukking, sense=zin, rhs=float(rechts)), name=naam)
        doel = self.doel if self.doel is not None else np.zeros(self._kolommen)
        probleem.setObjective(pulp.LpAffineExpression(
            [(kolommen[k], float(doel[k])) for k in np.flatnonzero(doel)]))
        return probleem


# ----------------------------------------------------------------------------- builders


def bouw(invoer: Invoer, geheel: bool = False) -> Model:
    """The plan of SPEC §5: maximise weighted placements (a MIP with ``geheel``)."""
    model = bouw_families(invoer, geheel=geheel)
    add_doelstelling(model)
    return model


def bouw_elastisch(invoer: Invoer, geheel: bool = False,
                   vast: dict[tuple[str, str, str, int], float] | None = None) -> Model:
    """The model of the infeasibility diagnosis: a penalised shortfall on every budget and policy
    rule (with ``vast`` also on potentieel and financiering), their sum minimised."""
    model = bouw_families(invoer, geheel=geheel, vast=vast,
                          verruiming=("regel",) if vast is None else ("regel", "plan"))
    # a cost that no fund may pay is the last resort: where a fund may pay, the shortfall lands on
    # the budget that is overdrawn (a hand plan above the budget blames the budget, not the rules)
    model.minimaliseer_tekort({"financiering": FINANCIERINGSTEKORT_GEWICHT}, standaard=1.0)
    return model


def bouw_vast(invoer: Invoer, vast: dict[tuple[str, str, str, int], float]) -> Model:
    """The hand-made plan ``vast`` fixed (``evalueer``): can it be financed, and what does it yield."""
    model = bouw_families(invoer, vast=vast)
    add_doelstelling(model)
    return model


def bouw_met_grens(invoer: Invoer, max_uitgaven: float | None = None, min_doel: float | None = None) -> Model:
    """The plan with a bound for comparing with a hand plan: ``max_uitgaven`` caps total spending
    (maximise placements); ``min_doel`` asks for at least that objective at the least spending."""
    model = bouw_families(invoer)
    add_doelstelling(model)
    add_evaluatie(model, max_uitgaven, min_doel)
    return model


def bouw_families(invoer: Invoer, geheel: bool = False, verruiming: tuple[str, ...] = (),
           vast: dict[tuple[str, str, str, int], float] | None = None) -> Model:
    """Every family of SPEC §5; ``verruiming``: the kinds of shortfall to add (VERRUIMINGEN), by
    default those of herijking when years are realised."""
    vanaf = invoer.vanaf if vast is None and invoer.vanaf is not None and invoer.vanaf > invoer.start else None
    model = Model(invoer=invoer, geheel=geheel, vast=vast, vanaf=vanaf,
                  verruiming=verruiming or (("gerealiseerd",) if vanaf is not None else ()))
    add_variabelen_plan(model)
    if geheel:
        add_geheel(model)
    add_segment(model)
    add_potentieel(model)
    add_looptijd(model)
    add_kosten(model)
    add_financiering(model)
    add_reservering(model)
    add_cofinanciering(model)
    add_vaststelling(model)
    add_budget(model)
    add_inbreng(model)
    add_tegenprestatie(model)
    add_overheveling(model)
    add_beleidsregel(model)
    add_koppeling(model)
    if vast is None:
        add_overgang(model)
        add_realisatie(model)
    else:
        add_vast(model)
    model.sluit_af()
    return model


# ----------------------------------------------------------------------------- variables


def _volgorde(namen: list, kolom: str) -> pl.DataFrame:
    return pl.DataFrame({kolom: namen, f"_{kolom}": list(range(len(namen)))},
                        schema={kolom: pl.String, f"_{kolom}": pl.Int64})


def add_variabelen_plan(model: Model) -> None:
    """x[r,i,g,t,s] where the pair is allowed and potential exists; k, y, c where they can be non-zero."""
    invoer = model.invoer
    regios = _volgorde(invoer.eenheden, "regio")  # the units of planning (SPEC §9)
    effecten = pl.DataFrame(
        {"instrument": [i for i, _g in invoer.effecten], "doelgroep": [g for _i, g in invoer.effecten],
         "kans": list(invoer.effecten.values()), "_e": list(range(len(invoer.effecten)))},
        schema={"instrument": pl.String, "doelgroep": pl.String, "kans": pl.Float64, "_e": pl.Int64})
    aantallen = dict(invoer.potentieel)
    for (r, g, t), gestart in _gerealiseerd_per_groep(model).items():  # what happened, happened: a realised
        aantallen[(r, g, t)] = max(aantallen.get((r, g, t), 0.0), gestart)  # start above the potential fits
    potentieel = pl.DataFrame(
        [(r, g, t, a) for (r, g, t), a in aantallen.items() if a > 0 and invoer.start <= t <= invoer.eind],
        schema={"regio": pl.String, "doelgroep": pl.String, "jaar": pl.Int64, "potentieel": pl.Float64},
        orient="row")
    segmenten = pl.DataFrame(
        [(i, s.nummer, s.aandeel, s.factor, len(lijst) == 1 and s.aandeel >= 1)
         for i, lijst in invoer.segmenten.items() for s in lijst if s.aandeel > 0],
        schema={"instrument": pl.String, "segment": pl.Int64, "aandeel": pl.Float64, "factor": pl.Float64,
                "enkel": pl.Boolean}, orient="row")
    instrumenten = pl.DataFrame(
        [(naam, i.kosten, i.duur, i.vertraging) for naam, i in invoer.instrumenten.items()],
        schema={"instrument": pl.String, "tarief": pl.Float64, "duur": pl.Int64, "vertraging": pl.Int64},
        orient="row")
    # region-major, each region's cells together (the order within x made no difference to the
    # solvers; the order of the kinds does: k before x, see the module docstring)
    # (each chain one lazy query: a collect costs about 0.2 ms however small the frame)
    laatste_segment = segmenten.lazy().group_by("instrument").agg(pl.col("segment").max().alias("_laatste"))
    x = (potentieel.lazy().join(regios.lazy(), on="regio").join(effecten.lazy(), on="doelgroep")
         .join(segmenten.lazy(), on="instrument").join(instrumenten.lazy(), on="instrument")
         .sort("_regio", "_e", "jaar", "segment")
         .join(laatste_segment, on="instrument", maintain_order="left").collect())
    # a realised year's participants above the potential count at the last segment's factor (as in evalueer)
    realisatie = pl.lit(False) if model.vanaf is None else (pl.col("jaar") < model.vanaf) & (
        pl.col("segment") == pl.col("_laatste"))
    boven = x.select(pl.when(pl.col("enkel") | realisatie).then(np.inf)
                     .otherwise(pl.col("aandeel") * pl.col("potentieel")))
    # the cost columns: one per cell and payment year within the plan
    duur_max = int(x["duur"].max()) if x.height else 1
    k = (x.lazy().select(*COHORTSLEUTELS, "duur", "_regio", "_e").unique()
         .join(pl.LazyFrame({"_d": list(range(duur_max))}, schema={"_d": pl.Int64}), how="cross")
         .filter(pl.col("_d") < pl.col("duur"))
         .with_columns(jaar=pl.col("jaar") + pl.col("_d"))
         .filter(pl.lit(invoer.doorloop) | (pl.col("jaar") <= invoer.eind))  # past the plan: reservering
         .select(*COHORTSLEUTELS, "_regio", "_e").unique()
         .sort("_regio", "_e", "jaar").collect())
    kolommen_k = list(COHORTSLEUTELS)
    model.add_variabelen("k", k.select(kolommen_k))
    model.add_variabelen("x", x.select(*kolommen_k, "segment"), boven=boven.to_series().to_numpy().copy())
    model.cellen_x = x

    # y: a fund pays a cost cell where a rule lets it, up to its vervaljaar, and where it has a budget row
    # for the unit's pot (a landelijk fund always; a pool that the municipalities fill always)
    met_budget = {(f, r) for (f, r, _t) in invoer.budget}
    met_budget |= {(f, invoer.pot(f, u)) for f, gegevens in invoer.fondsen.items() if gegevens.pool
                   for u in invoer.eenheden}
    # with a Financieringsregels row for one municipality (SPEC §9) the share depends on the unit as well
    per_gemeente = any(regel.gemeente is not None for regel in invoer.financieringsregels)
    eenheden = invoer.eenheden if per_gemeente else [None]
    aandelen = []
    for f_nummer, (fonds, gegevens) in enumerate(invoer.fondsen.items()):
        for (instrument, doelgroep) in invoer.effecten:
            for eenheid in eenheden:
                aandeel = max_aandeel(invoer, fonds, instrument, doelgroep, eenheid)
                if aandeel:
                    aandelen.append((fonds, f_nummer, instrument, doelgroep, eenheid, aandeel, gegevens.landelijk,
                                     gegevens.vervaljaar if gegevens.vervaljaar is not None else invoer.eind + 1))
    aandelen_frame = pl.DataFrame(aandelen, schema={
        "fonds": pl.String, "_f": pl.Int64, "instrument": pl.String, "doelgroep": pl.String, "regio": pl.String,
        "max_aandeel": pl.Float64, "landelijk": pl.Boolean, "vervaljaar": pl.Int64}, orient="row")
    aandelen_sleutels = ["instrument", "doelgroep", "regio"] if per_gemeente else ["instrument", "doelgroep"]
    if not per_gemeente:
        aandelen_frame = aandelen_frame.drop("regio")
    potten = _potten(invoer)
    budgetregios = pl.DataFrame(sorted(met_budget, key=lambda p: (p[0], p[1] or "")),
                                schema={"fonds": pl.String, "pot": pl.String}, orient="row")
    k_genummerd = k.with_columns(_kolom_k=pl.int_range(pl.len(), dtype=pl.Int64))
    # a cost past the plan (reservering) is paid by a fund whose vervaljaar is not before the plan's end
    y = (k_genummerd.lazy().join(aandelen_frame.lazy(), on=aandelen_sleutels)
         .filter((pl.col("jaar") <= pl.col("vervaljaar"))
                 | ((pl.col("jaar") > invoer.eind) & (pl.col("vervaljaar") >= invoer.eind)))
         .join(potten.lazy(), on=["fonds", "regio"], how="left", maintain_order="left")
         .join(budgetregios.lazy().with_columns(_heeft=pl.lit(True)), on=["fonds", "pot"], how="left")
         .filter(pl.col("landelijk") | pl.col("_heeft").fill_null(False)).sort("_f", "_kolom_k").collect())
    model.add_variabelen("y", y.select("fonds", *kolommen_k))
    model.cellen_y = y.select("fonds", *kolommen_k, "max_aandeel", "landelijk", "pot")

    # carry-over for every pot that can spend, also in a year without budget (its cap is then 0,
    # but its dual still prices the carry-over that more budget would allow)
    c = []
    for fonds, regio in sorted({(f, r) for (f, r, _t) in invoer.budget}
                               | set(y.select("fonds", "pot").unique().iter_rows())):  # one level per fund
        gegevens = invoer.fondsen[fonds]
        laatste = invoer.eind if gegevens.vervaljaar is None else min(invoer.eind, gegevens.vervaljaar)
        if gegevens.overheveling > 0:
            c += [(fonds, regio, jaar) for jaar in range(invoer.start, laatste)]
    model.add_variabelen("c", pl.DataFrame(c, schema={"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64},
                                           orient="row"))
    # z: the reserve held against a settlement correction, per fund with vaststellingsrisico, region and
    # payment year where that fund pays (family vaststelling)
    riskant = [f for f, gegevens in invoer.fondsen.items() if gegevens.vaststellingsrisico > 0]
    if riskant and invoer.reservefonds is not None:
        z = y.filter(pl.col("fonds").is_in(riskant)).select("fonds", "regio", "jaar", "_f", "_regio").unique()
        model.add_variabelen("z", z.sort("_f", "_regio", "jaar").select("fonds", "regio", "jaar"))
    # p: what a pool that the municipalities fill pays in a region and budget year (family inbreng)
    pools = [f for f, gegevens in invoer.fondsen.items() if gegevens.pool]
    if pools:
        p = (y.filter(pl.col("fonds").is_in(pools))
             .select("fonds", pl.col("pot").alias("regio"), pl.min_horizontal("jaar", pl.lit(invoer.eind)))
             .unique())
        verplicht = pl.DataFrame([(f, r, t) for (f, r, t) in invoer.verplichtingen if f in pools],
                                 schema={"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64}, orient="row")
        volgorde = {r: n for n, r in enumerate(invoer.regios)}
        p = (pl.concat([p, verplicht]).unique()
             .with_columns(_f=pl.col("fonds").replace_strict({f: n for n, f in enumerate(invoer.fondsen)},
                                                              return_dtype=pl.Int64),
                           _r=pl.col("regio").replace_strict(volgorde, return_dtype=pl.Int64))
             .sort("_f", "_r", "jaar"))
        model.add_variabelen("p", p.select("fonds", "regio", "jaar"))


def _potten(invoer: Invoer) -> pl.DataFrame:
    """(fonds, regio = a unit of planning) -> pot: the key of the fund's budget row that pays for that unit's
    residents (:meth:`Invoer.pot`)."""
    return pl.DataFrame([(f, u, invoer.pot(f, u)) for f in invoer.fondsen for u in invoer.eenheden],
                        schema={"fonds": pl.String, "regio": pl.String, "pot": pl.String}, orient="row")


def _gerealiseerd_per_groep(model: Model) -> dict[tuple[str, str, int], float]:
    """Herijking: the realised starts per region, group and year before ``vanaf``."""
    per_groep: dict[tuple[str, str, int], float] = {}
    if model.vanaf is not None:
        for (r, _i, g, t), aantal in model.invoer.realisatie.items():
            if t < model.vanaf:
                per_groep[(r, g, t)] = per_groep.get((r, g, t), 0.0) + aantal
    return per_groep


def _gerealiseerde_kolommen(model: Model) -> np.ndarray:
    """Herijking: True for the columns of x (start year) and y (payment year) before ``vanaf``;
    their values follow from the realisation (a cost paid before vanaf is of a realised start)."""
    vast = np.zeros(model.aantal_kolommen, dtype=bool)
    for naam in ("x", "y"):
        blok = model.variabelen[naam]
        vast[blok.kolommen] = blok.sleutels["jaar"].to_numpy() < model.vanaf
    return vast


def _met_kolom(blok: Variabelen, frame: pl.DataFrame | None = None, naam: str = "_kolom") -> pl.DataFrame:
    """The block's keys (or ``frame``, in the block's order) with the global column number."""
    frame = blok.sleutels if frame is None else frame
    return frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(naam) + blok.start)


def _rijnummers(frame: pl.DataFrame, sleutels: list[str], naam: str = "_rij") -> pl.DataFrame:
    return frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(naam)).select(*sleutels, naam)


def _np(frame: pl.DataFrame, kolom: str) -> np.ndarray:
    return frame[kolom].to_numpy()


def _alle(aantal: int) -> np.ndarray:
    return np.arange(aantal, dtype=np.int64)


# ----------------------------------------------------------------------------- families


def add_geheel(model: Model) -> None:
    """geheel (``--geheel`` only): X[r,i,g,t] = sum_s x[r,i,g,t,s] with X integer.

    Whole persons per cell; the split over the segments (the shape of diminishing returns)
    stays continuous, as a person is not split between segments.
    """
    sleutels = list(COHORTSLEUTELS)
    x = _met_kolom(model.variabelen["x"])
    cellen = _rijnummers(x.select(sleutels).unique(maintain_order=True), sleutels)
    blok = model.add_variabelen("X", cellen.select(sleutels), geheel=True)
    termen = x.join(cellen, on=sleutels)
    rij = _alle(cellen.height)
    model.add_rijen("geheel", cellen.select(sleutels), 0.0, 0.0, np.concatenate([rij, _np(termen, "_rij")]),
                    np.concatenate([blok.kolommen, _np(termen, "_kolom")]),
                    np.concatenate([np.ones(cellen.height), -np.ones(termen.height)]))


def add_segment(model: Model) -> None:
    """segment: x[r,i,g,t,s] <= aandeel(i,s) * Potentieel[r,g,t], as the upper bound of x.

    A bound, not a row: the same limit at a fraction of the memory and build time (half of
    all rows of a large model would be these). None when the instrument has one segment of
    share 1: then ``potentieel`` is the same limit. Set in :func:`add_variabelen_plan`.
    """


def add_potentieel(model: Model) -> None:
    """potentieel: sum_{i,s} x[r,i,g,t,s] <= Potentieel[r,g,t]."""
    x = _met_kolom(model.variabelen["x"], model.cellen_x)
    rijen = (x.group_by("regio", "doelgroep", "jaar", maintain_order=True)
             .agg(pl.col("potentieel").first()))
    rijen = rijen.with_columns(_rij=pl.int_range(pl.len(), dtype=pl.Int64))
    termen = x.join(rijen.select("regio", "doelgroep", "jaar", "_rij"), on=["regio", "doelgroep", "jaar"])
    model.add_rijen("potentieel", rijen.select("regio", "doelgroep", "jaar"), -ONEINDIG, _np(rijen, "potentieel"),
                    _np(termen, "_rij"), _np(termen, "_kolom"), np.ones(termen.height),
                    verruimbaar={"plan": ((_alle(rijen.height), -1.0, "max"),)})


def _cellen_vast(model: Model) -> set[tuple[str, str, str, int]]:
    return {sleutel for sleutel, aantal in (model.vast or {}).items() if aantal > 0}


def add_looptijd(model: Model) -> None:
    """looptijd: X[r,i,g,t] = 0 when t + duur(i) - 1 > eind and doorloop_na_planperiode = nee."""
    invoer = model.invoer
    if invoer.doorloop:
        return
    x = _met_kolom(model.variabelen["x"], model.cellen_x)
    x = x.filter(pl.col("jaar") + pl.col("duur") - 1 > invoer.eind)
    if model.vanaf is not None:  # a realised start happened, whether or not it runs past the plan
        x = x.filter(pl.col("jaar") >= model.vanaf)
    vast = _cellen_vast(model)
    if vast:  # add_vast reports the hand plan's trajectory that runs past the plan
        vast_frame = pl.DataFrame(sorted(vast), schema={"regio": pl.String, "instrument": pl.String,
                                                        "doelgroep": pl.String, "jaar": pl.Int64}, orient="row")
        x = x.join(vast_frame, on=list(COHORTSLEUTELS), how="anti", maintain_order="left")
    sleutels = list(COHORTSLEUTELS)
    rijen = _rijnummers(x.select(sleutels).unique(maintain_order=True), sleutels)
    termen = x.join(rijen, on=sleutels)
    if rijen.height:
        model.add_rijen("looptijd", rijen.select(sleutels), 0.0, 0.0, _np(termen, "_rij"), _np(termen, "_kolom"),
                        np.ones(termen.height))


def add_kosten(model: Model) -> None:
    """kosten: k[r,i,g,t] = k(i) (1 + kostenindexatie)^(t - start) sum_{d<duur(i)} X[r,i,g,t-d]."""
    invoer = model.invoer
    sleutels = list(COHORTSLEUTELS)
    k = _met_kolom(model.variabelen["k"]).with_columns(_rij=pl.int_range(pl.len(), dtype=pl.Int64))
    x = _met_kolom(model.variabelen["x"], model.cellen_x)
    duur_max = int(x["duur"].max()) if x.height else 1
    betaald = (x.select("regio", "instrument", "doelgroep", "jaar", "duur", "tarief", "_kolom")
               .join(pl.DataFrame({"_d": list(range(duur_max))}, schema={"_d": pl.Int64}), how="cross")
               .filter(pl.col("_d") < pl.col("duur"))
               .with_columns(jaar=pl.col("jaar") + pl.col("_d"))
               .join(k.select(*sleutels, "_rij"), on=sleutels))  # only years with a k column (past the plan: doorloop)
    groei = 1.0 + invoer.kostenindexatie
    coef = -(_np(betaald, "tarief") * groei ** (_np(betaald, "jaar") - invoer.start).astype(np.float64))
    model.add_rijen("kosten", k.select(sleutels), 0.0, 0.0,
                    np.concatenate([_np(k, "_rij"), _np(betaald, "_rij")]),
                    np.concatenate([_np(k, "_kolom"), _np(betaald, "_kolom")]),
                    np.concatenate([np.ones(k.height), coef]))


def _financieringsrijen(model: Model, familie: str, na_plan: bool) -> None:
    """sum_f y[f,r,i,g,t] = k[r,i,g,t] for the payment years within the plan (``na_plan`` False) or after it."""
    sleutels = list(COHORTSLEUTELS)
    eind = model.invoer.eind
    k = (_met_kolom(model.variabelen["k"]).filter((pl.col("jaar") > eind) == na_plan)
         .with_columns(_rij=pl.int_range(pl.len(), dtype=pl.Int64)))
    if na_plan and k.height == 0:
        return
    y = _met_kolom(model.variabelen["y"]).join(k.select(*sleutels, "_rij"), on=sleutels)
    model.add_rijen(familie, k.select(sleutels), 0.0, 0.0,
                    np.concatenate([_np(y, "_rij"), _np(k, "_rij")]),
                    np.concatenate([_np(y, "_kolom"), _np(k, "_kolom")]),
                    np.concatenate([np.ones(y.height), -np.ones(k.height)]),
                    verruimbaar={"plan": ((_alle(k.height), 1.0, "min"),)})


def add_financiering(model: Model) -> None:
    """financiering: sum_f y[f,r,i,g,t] = k[r,i,g,t] for every payment year t <= eind."""
    _financieringsrijen(model, "financiering", na_plan=False)


def add_reservering(model: Model) -> None:
    """reservering (doorloop_na_planperiode = ja): sum_f y[f,r,i,g,t] = k[r,i,g,t] for a payment year t > eind.

    The cost a trajectory has after the plan's end, indexed as in its payment year, is paid by funds
    that may pay it and whose vervaljaar is not before eind; those y enter the budget rows of year
    eind (:func:`add_budget`), so a late start costs what it really commits. Reported as
    reservering_na_planperiode, not as uitgaven.
    """
    _financieringsrijen(model, "reservering", na_plan=True)


def add_vaststelling(model: Model) -> None:
    """vaststelling: z[f,r,t] = vaststellingsrisico(f) * sum_{i,g} y[f,r,i,g,t] for a fund with a risk.

    The reserve fund (Instellingen.reservefonds, default the participatiebudget fund) holds z in its
    own budget row of the same region (its landelijk row for a landelijk reserve fund) and year (the
    last plan year for a payment after the plan): the plan stays payable if the settlement corrects
    the expected share. Reported as esf_risico.
    """
    blok = model.variabelen.get("z")
    if blok is None or blok.aantal == 0:
        return
    sleutels = list(POTSLEUTELS)
    risico = {f: gegevens.vaststellingsrisico for f, gegevens in model.invoer.fondsen.items()}
    z = _met_kolom(blok).with_columns(_rij=pl.int_range(pl.len(), dtype=pl.Int64))
    y = _met_kolom(model.variabelen["y"]).join(z.select(*sleutels, "_rij"), on=sleutels)
    coef = -y["fonds"].replace_strict(risico, return_dtype=pl.Float64).to_numpy()
    model.add_rijen("vaststelling", z.select(sleutels), 0.0, 0.0,
                    np.concatenate([_np(z, "_rij"), _np(y, "_rij")]),
                    np.concatenate([_np(z, "_kolom"), _np(y, "_kolom")]),
                    np.concatenate([np.ones(z.height), coef]))


def add_cofinanciering(model: Model) -> None:
    """cofinanciering: y[f,r,i,g,t] <= max_aandeel(f,i,g) k[r,i,g,t] where max_aandeel < 1."""
    sleutels = list(COHORTSLEUTELS)
    y = _met_kolom(model.variabelen["y"], model.cellen_y).filter(pl.col("max_aandeel") < 1)
    y = y.join(_met_kolom(model.variabelen["k"], naam="_kolom_k"), on=sleutels, maintain_order="left")
    if y.height == 0:
        return
    rij = _alle(y.height)
    model.add_rijen("cofinanciering", y.select("fonds", *sleutels), -ONEINDIG, 0.0,
                    np.concatenate([rij, rij]), np.concatenate([_np(y, "_kolom"), _np(y, "_kolom_k")]),
                    np.concatenate([np.ones(y.height), -_np(y, "max_aandeel")]))


def _budgetsleutels(invoer: Invoer, waarden: dict) -> pl.DataFrame:
    return pl.DataFrame([(f, r, t, w) for (f, r, t), w in waarden.items()],
                        schema={"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64, "bedrag": pl.Float64},
                        orient="row")


def add_budget(model: Model) -> None:
    """budget: sum_{i,g} y[f,r,i,g,t] + Verplichtingen[f,r,t] + c[f,r,t] <= Budget[f,r,t] + c[f,r,t-1].

    One row per pot: r is the fund's region, its municipality (niveau gemeente: the sum runs over its own
    residents) or, for a landelijk fund, the whole country (the sum runs over every unit). The row of the
    last plan year also holds the fund's payments after the plan (family reservering). A municipality's
    row of the fund its pools are filled from holds its inbreng a[m] p[pool,r,t] (family inbreng); a pool
    has a row only where Budgetten caps it.
    """
    invoer = model.invoer
    sleutels = list(POTSLEUTELS)
    y = (_met_kolom(model.variabelen["y"], model.cellen_y)
         .with_columns(regio=pl.col("pot"),
                       jaar=pl.min_horizontal("jaar", pl.lit(invoer.eind)),  # reservering: in the last year's row
                       _coef=pl.lit(1.0)).select(*sleutels, "_kolom", "_coef"))
    c = _met_kolom(model.variabelen["c"])
    uit = c.with_columns(_coef=pl.lit(1.0)).select(*sleutels, "_kolom", "_coef")
    reserve = pl.DataFrame(schema={"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64, "_kolom": pl.Int64,
                                   "_coef": pl.Float64})
    if "z" in model.variabelen and invoer.reservefonds is not None:  # vaststelling: the reserve fund holds z
        houder = invoer.reservefonds
        reserve = (_met_kolom(model.variabelen["z"])
                   .with_columns(fonds=pl.lit(houder), _coef=pl.lit(1.0),
                                 regio=pl.col("regio").replace_strict(
                                     {u: invoer.pot(houder, u) for u in invoer.eenheden}, return_dtype=pl.String),
                                 jaar=pl.min_horizontal("jaar", pl.lit(invoer.eind)))
                   .select(*sleutels, "_kolom", "_coef"))
    terug = (c.with_columns(jaar=pl.col("jaar") + 1, _coef=pl.lit(-1.0)).filter(pl.col("jaar") <= invoer.eind)
             .select(*sleutels, "_kolom", "_coef"))
    termen = pl.concat([y, uit, terug, reserve, _inbrengtermen(model)])
    budget = groepsom(_budgetsleutels(invoer, invoer.budget), sleutels, budget="bedrag")
    verplicht = groepsom(_budgetsleutels(invoer, invoer.verplichtingen), sleutels, verplicht="bedrag")
    met_termen = termen.lazy().select(sleutels).unique()
    rijen = (pl.concat([met_termen, budget.lazy().select(sleutels), verplicht.lazy().select(sleutels)])
             .unique().join(budget.lazy(), on=sleutels, how="left").join(verplicht.lazy(), on=sleutels, how="left")
             .with_columns(ruimte=pl.col("budget").fill_null(0.0) - pl.col("verplicht").fill_null(0.0)))
    pools = [f for f, gegevens in invoer.fondsen.items() if gegevens.pool]
    if pools:  # a pool is capped only where the councils agreed a maximum (its Budgetten rows)
        rijen = rijen.filter(~pl.col("fonds").is_in(pools) | pl.col("budget").is_not_null())
    rijen = (rijen.join(met_termen.with_columns(_termen=pl.lit(True)), on=sleutels, how="left")
             .with_columns(pl.col("_termen").fill_null(False)))
    boek = _grootboek(model)
    if boek.height:  # herijking: a realised year with a ledger is a fact, not a row (its carry-over is fixed)
        rijen = rijen.join(boek.lazy().select(sleutels), on=sleutels, how="anti")
    rijen = rijen.sort(sleutels).with_columns(_rij=pl.int_range(pl.len(), dtype=pl.Int64)).collect()
    termen = termen.join(rijen.select(*sleutels, "_rij"), on=sleutels)
    gerealiseerd = () if model.vanaf is None else np.flatnonzero(_np(rijen, "jaar") < model.vanaf)
    model.add_rijen("budget", rijen.select(sleutels), -ONEINDIG, _np(rijen, "ruimte"), _np(termen, "_rij"),
                    _np(termen, "_kolom"), _np(termen, "_coef"),
                    verruimbaar={"regel": ((_alle(rijen.height), -1.0, "max"),),
                                 "gerealiseerd": ((gerealiseerd, -1.0, "max"),) if len(gerealiseerd) else ()},
                    weglaatbaar=~_np(rijen, "_termen") & (_np(rijen, "ruimte") >= -1e-9))
    if boek.height:
        c = _met_kolom(model.variabelen["c"]).join(boek, on=sleutels)
        kolommen = _np(c, "_kolom") - model.variabelen["c"].start
        model.variabelen["c"].onder[kolommen] = model.variabelen["c"].boven[kolommen] = _np(c, "overheveling_uit")


def inbrengaandelen(invoer: Invoer) -> pl.DataFrame:
    """Per pool and municipality: the fund it pays its inbreng from (``bron``), its region and its share a[m]."""
    rijen = [(pool, gegevens.inbreng_uit, m, invoer.gemeenten[m].regio, aandeel)
             for pool, gegevens in invoer.fondsen.items() if gegevens.pool
             for m, aandeel in invoer.aandelen(pool).items()]
    return pl.DataFrame(rijen, schema={"pool": pl.String, "bron": pl.String, "gemeente": pl.String,
                                       "regio": pl.String, "aandeel": pl.Float64}, orient="row")


def _inbrengtermen(model: Model) -> pl.DataFrame:
    """The inbreng inside the budget rows: a[m] p[pool, r(m), t] in the row (bron, m, t) of each municipality
    m of the pool's region r (SPEC §9)."""
    schema = {"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64, "_kolom": pl.Int64, "_coef": pl.Float64}
    if "p" not in model.variabelen:
        return pl.DataFrame(schema=schema)
    p = _met_kolom(model.variabelen["p"]).rename({"fonds": "pool"})
    return (p.join(inbrengaandelen(model.invoer), on=["pool", "regio"])
            .filter(pl.col("aandeel") > 0)
            .select(pl.col("bron").alias("fonds"), pl.col("gemeente").alias("regio"), "jaar", "_kolom",
                    pl.col("aandeel").alias("_coef")))


def add_inbreng(model: Model) -> None:
    """inbreng: p[f,r,t] = sum over r's municipalities m of sum_{i,g} y[f,m,i,g,t] + Verplichtingen[f,r,t].

    For a pool f (a fund of niveau regio with inbreng_uit = F): what it pays in region r and budget year t.
    Each municipality m of r pays a[m] p[f,r,t] out of its own F, in F's budget row (m, t) (:func:`add_budget`);
    so the pool is as large as its most constrained member allows. A pool carries nothing over.
    """
    blok = model.variabelen.get("p")
    if blok is None or blok.aantal == 0:
        return
    invoer = model.invoer
    sleutels = list(POTSLEUTELS)
    p = _met_kolom(blok).with_columns(_rij=pl.int_range(pl.len(), dtype=pl.Int64))
    y = (_met_kolom(model.variabelen["y"], model.cellen_y)
         .with_columns(regio=pl.col("pot"), jaar=pl.min_horizontal("jaar", pl.lit(invoer.eind)))
         .join(p.select(*sleutels, "_rij"), on=sleutels))
    verplicht = np.array([invoer.verplichtingen.get(sleutel, 0.0) for sleutel in blok.sleutels.iter_rows()])
    model.add_rijen("inbreng", blok.sleutels, verplicht, verplicht,
                    np.concatenate([_np(p, "_rij"), _np(y, "_rij")]),
                    np.concatenate([_np(p, "_kolom"), _np(y, "_kolom")]),
                    np.concatenate([np.ones(p.height), -np.ones(y.height)]))


def add_tegenprestatie(model: Model) -> None:
    """tegenprestatie: sum_t sum_{i,g} y[f,m,i,g,t] >= alpha a[m] sum_t (p[f,r,t] - Verplichtingen[f,r,t]).

    For each pool f with min_tegenprestatie alpha > 0 and each municipality m of region r: over the plan
    period (payments after it included, as in the pool's rows), the pool pays for m's residents at least
    alpha times m's share of what the pool pays for trajectories in r. alpha = 1: each gets what it pays in.
    """
    blok = model.variabelen.get("p")
    if blok is None or blok.aantal == 0:
        return
    invoer = model.invoer
    alpha = {f: gegevens.min_tegenprestatie for f, gegevens in invoer.fondsen.items()
             if gegevens.pool and gegevens.min_tegenprestatie > 0}
    if not alpha:
        return
    aandelen = (inbrengaandelen(invoer).filter(pl.col("pool").is_in(list(alpha)))
                .rename({"pool": "fonds"}).select("fonds", "gemeente", "regio", "aandeel"))
    p = _met_kolom(blok).filter(pl.col("fonds").is_in(list(alpha)))
    rijen = (aandelen.join(p.select("fonds", "regio").unique(), on=["fonds", "regio"])
             .with_columns(_alpha=pl.col("fonds").replace_strict(alpha, return_dtype=pl.Float64))
             .with_columns(_rij=pl.int_range(pl.len(), dtype=pl.Int64)))
    if rijen.height == 0:
        return
    eigen = (_met_kolom(model.variabelen["y"]).rename({"regio": "gemeente"})
             .join(rijen.select("fonds", "gemeente", "_rij"), on=["fonds", "gemeente"]))
    pot = p.join(rijen.select("fonds", "regio", "_rij", "aandeel", "_alpha"), on=["fonds", "regio"])
    verplicht = {(f, r): 0.0 for f, r in rijen.select("fonds", "regio").iter_rows()}
    for (f, r, t), bedrag in invoer.verplichtingen.items():
        if (f, r) in verplicht and invoer.start <= t <= invoer.eind:
            verplicht[(f, r)] += bedrag
    onder = -(_np(rijen, "_alpha") * _np(rijen, "aandeel")
              * np.array([verplicht[(f, r)] for f, r in rijen.select("fonds", "regio").iter_rows()]))
    model.add_rijen("tegenprestatie", rijen.select("fonds", pl.col("gemeente").alias("regio")), onder, ONEINDIG,
                    np.concatenate([_np(eigen, "_rij"), _np(pot, "_rij")]),
                    np.concatenate([_np(eigen, "_kolom"), _np(pot, "_kolom")]),
                    np.concatenate([np.ones(eigen.height), -_np(pot, "_alpha") * _np(pot, "aandeel")]),
                    verruimbaar={"regel": ((_alle(rijen.height), 1.0, "min"),)})


def _grootboek(model: Model) -> pl.DataFrame:
    """Herijking: the realised funds, regions and years whose ledger is known (invoer.grootboek), keyed as
    the budget rows are, with the carry-over the ledger gives."""
    schema = {"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64, "overheveling_uit": pl.Float64}
    if model.vanaf is None:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame([(f, r, t, boek.overheveling_uit) for (f, r, t), boek in
                         grootboek(model.invoer).items()], schema=schema, orient="row")


def add_overheveling(model: Model) -> None:
    """overheveling: c[f,r,t] <= overheveling(f) Budget[f,r,t]; no c in the last year or from vervaljaar on."""
    invoer = model.invoer
    blok = model.variabelen["c"]
    if blok.aantal == 0:
        return
    grens = np.array([invoer.fondsen[f].overheveling * invoer.budget.get((f, r, t), 0.0)
                      for f, r, t in blok.sleutels.iter_rows()])
    model.add_rijen("overheveling", blok.sleutels, -ONEINDIG, grens, _alle(blok.aantal), blok.kolommen,
                    np.ones(blok.aantal))


def _filterwaarden(invoer: Invoer) -> dict[str, list[str]]:
    """The values an ``elk`` filter column runs over."""
    return {"regio": list(invoer.regios), "gemeente": list(invoer.gemeenten), "fonds": list(invoer.fondsen),
            "instrument": list(invoer.instrumenten), "doelgroep": list(invoer.doelgroepen),
            "jaar": [str(j) for j in invoer.jaren]}


def regel_uitbreiding(invoer: Invoer) -> list[tuple[Beleidsregel, dict[str, str]]]:
    """Every active rule, once per combination of values of its ``elk`` columns."""
    waarden = _filterwaarden(invoer)
    uitgebreid = []
    for regel in invoer.beleidsregels:
        if not regel.actief:
            continue
        combinaties: list[dict[str, str]] = [{}]
        for kolom in ("regio", "gemeente", "fonds", "instrument", "doelgroep", "jaar"):
            if regel.filters.get(kolom) == ELK:
                combinaties = [{**c, kolom: w} for c in combinaties for w in waarden[kolom]]
        uitgebreid += [(regel, combinatie) for combinatie in combinaties]
    return uitgebreid


def _grootheid(model: Model, grootheid: str) -> pl.DataFrame:
    """The cells a rule on ``grootheid`` sums over, with their column and coefficient; ``jaar`` as text
    (start year, payment year or placement year)."""
    if grootheid == "uitgaven":  # within the plan period: a reservation for costs past it is not spending
        frame = (_met_kolom(model.variabelen["y"]).filter(pl.col("jaar") <= model.invoer.eind)
                 .with_columns(_coef=pl.lit(1.0)))
    else:
        frame = _met_kolom(model.variabelen["x"], model.cellen_x)
        if grootheid == "plaatsingen":  # a placement counts in the year it happens
            frame = frame.with_columns(jaar=pl.col("jaar") + pl.col("vertraging"),
                                       _coef=pl.col("kans") * pl.col("factor"))
        else:
            frame = frame.with_columns(_coef=pl.lit(1.0))
        frame = frame.with_columns(fonds=pl.lit(None, dtype=pl.String))
    if model.invoer.gemeenten:  # a regio filter sums over the region's municipalities (SPEC §9)
        frame = frame.with_columns(gemeente=pl.col("regio"), regio=pl.col("regio").replace_strict(
            model.invoer.regio_van, return_dtype=pl.String))
        return frame.select("fonds", "regio", "gemeente", "instrument", "doelgroep", pl.col("jaar").cast(pl.String),
                            "_kolom", "_coef")
    return frame.select("fonds", "regio", "instrument", "doelgroep", pl.col("jaar").cast(pl.String), "_kolom", "_coef")


def _per_groep(cellen: pl.DataFrame, elk: list[str]) -> dict[tuple, tuple[np.ndarray, np.ndarray]]:
    """The cells' columns and coefficients per value of the ``elk`` columns (as text), groups in the order
    they first appear, each in the cells' order: numbered once for all (iterating over polars' groups took
    0.1 ms each, a third of the model of the national example's what-if move)."""
    if cellen.height == 0:
        return {}
    nummers, eerste = _groepnummers(cellen, elk)
    volgorde = np.argsort(nummers, kind="stable")
    grenzen = np.flatnonzero(np.diff(nummers[volgorde])) + 1
    kolommen = np.split(_np(cellen, "_kolom")[volgorde], grenzen)
    coefficienten = np.split(_np(cellen, "_coef")[volgorde], grenzen)
    return {tuple(str(s) for s in sleutel): (k, c)
            for sleutel, k, c in zip(cellen.select(elk)[eerste].iter_rows(), kolommen, coefficienten, strict=True)}


def add_beleidsregel(model: Model) -> None:
    """beleidsregel: sum over matched cells of the quantity <=, >= or = waarde, per ``elk`` value."""
    naam = model.sleutels
    grootheden: dict[str, pl.DataFrame] = {}
    regelgroepen: dict[int, dict[tuple, tuple[np.ndarray, np.ndarray]]] = {}
    rijen, rij, kolom, coef, min_rijen, max_rijen, weglaatbaar = [], [], [], [], [], [], []
    for regel, waarden in regel_uitbreiding(model.invoer):
        if id(regel) not in regelgroepen:  # one pass per rule over the cells its fixed filters allow
            if regel.grootheid not in grootheden:
                grootheden[regel.grootheid] = _grootheid(model, regel.grootheid)
            cellen = _filter_cellen(grootheden[regel.grootheid], regel.filters, {})
            elk = [k for k, w in regel.filters.items() if w == ELK]
            regelgroepen[id(regel)] = _per_groep(cellen, elk) if elk else {(): (_np(cellen, "_kolom"),
                                                                                 _np(cellen, "_coef"))}
        elk = tuple(waarden[k] for k in regel.filters if regel.filters[k] == ELK)
        kolommen, coefficienten = regelgroepen[id(regel)].get(elk, (np.zeros(0, np.int64), np.zeros(0)))
        rijnaam = "beleidsregel_" + "_".join(
            [naam("regel", regel.regel)] + [naam(k, w) for k, w in waarden.items()])
        uitgebreid = Regel(regel, waarden, rijnaam, kolommen, coefficienten)
        model.regels.append(uitgebreid)
        houdt = False
        if len(kolommen) == 0:
            model.lege_regels.append(uitgebreid)
            houdt = {"<=": 0 <= regel.waarde, ">=": 0 >= regel.waarde, "=": regel.waarde == 0}[regel.operator]
        nummer = len(rijen)
        uitgebreid.rij = nummer  # made global below (None when the row is left out)
        weglaatbaar.append(houdt)
        rijen.append((rijnaam, uitgebreid.omschrijving, regel.operator, regel.waarde))
        rij.append(np.full(len(kolommen), nummer, dtype=np.int64))
        kolom.append(kolommen)
        coef.append(coefficienten)
        if regel.operator in (">=", "="):
            min_rijen.append(nummer)
        if regel.operator in ("<=", "="):
            max_rijen.append(nummer)
    if not rijen:
        return
    sleutels = pl.DataFrame(rijen, schema={"naam": pl.String, "regel": pl.String, "operator": pl.String,
                                           "waarde": pl.Float64}, orient="row")
    waarde = _np(sleutels, "waarde")
    onder = np.where(np.isin(_np(sleutels, "operator"), [">=", "="]), waarde, -ONEINDIG)
    boven = np.where(np.isin(_np(sleutels, "operator"), ["<=", "="]), waarde, ONEINDIG)
    verruimbaar = {"regel": ((np.array(min_rijen, np.int64), 1.0, "min"),
                             (np.array(max_rijen, np.int64), -1.0, "max"))}
    if model.vanaf is not None:  # herijking: a rule the realised years alone broke
        vast = _gerealiseerde_kolommen(model)
        gerealiseerd = {n for n, k in enumerate(kolom) if len(k) and vast[k].all()}
        verruimbaar["gerealiseerd"] = ((np.array([n for n in min_rijen if n in gerealiseerd], np.int64), 1.0, "min"),
                                       (np.array([n for n in max_rijen if n in gerealiseerd], np.int64), -1.0, "max"))
    weglaten = np.array(weglaatbaar, dtype=bool)
    blok = model.add_rijen("beleidsregel", sleutels.select("naam", "regel"), onder, boven, np.concatenate(rij),
                           np.concatenate(kolom), np.concatenate(coef), verruimbaar=verruimbaar, weglaatbaar=weglaten)
    nummer = np.cumsum(~weglaten) - 1 if blok.aantal < len(weglaten) else np.arange(len(weglaten))
    for uitgebreid in model.regels:
        if uitgebreid.rij is not None:
            uitgebreid.rij = None if blok.aantal < len(weglaten) and weglaten[uitgebreid.rij] \
                else int(nummer[uitgebreid.rij]) + blok.start


def koppeling_uitbreiding(invoer: Invoer) -> list[tuple[object, dict[str, str]]]:
    """Every koppeling, once per combination of values of its ``elk`` columns."""
    waarden = _filterwaarden(invoer)
    uitgebreid = []
    for koppeling in invoer.koppelingen:
        combinaties: list[dict[str, str]] = [{}]
        for kolom in ("regio", "gemeente", "instrument", "doelgroep", "jaar"):
            if koppeling.filters.get(kolom) == ELK:
                combinaties = [{**c, kolom: w} for c in combinaties for w in waarden[kolom]]
        uitgebreid += [(koppeling, combinatie) for combinatie in combinaties]
    return uitgebreid


def _filter_cellen(cellen: pl.DataFrame, filters: dict[str, str | None], waarden: dict[str, str]) -> pl.DataFrame:
    """The cells a rule's fixed filters (a name, or for jaar a range 2026-2028) and ``elk`` values allow."""
    for kolom, waarde in filters.items():
        waarde = waarden.get(kolom, waarde)
        if waarde in (None, ELK):
            continue
        if kolom == "jaar" and "-" in waarde:
            eerste, laatste = (int(j) for j in waarde.split("-"))
            cellen = cellen.filter(pl.col("jaar").cast(pl.Int64).is_between(eerste, laatste))
        else:
            cellen = cellen.filter(pl.col(kolom) == str(waarde))
    return cellen


def add_koppeling(model: Model) -> None:
    """koppeling: sum over matched cells of y[partner] - verhouding * y[fonds] >= 0, per ``elk`` value
    (payment years; a landelijk fund's spending counts on the cells of every region)."""
    uitgaven = None
    naam = model.sleutels
    sleutels, rij, kolom, coef = [], [], [], []
    for koppeling, waarden in koppeling_uitbreiding(model.invoer):
        if uitgaven is None:
            uitgaven = _grootheid(model, "uitgaven")
        cellen = _filter_cellen(uitgaven, koppeling.filters, waarden)
        fonds = cellen.filter(pl.col("fonds") == koppeling.fonds)
        partner = cellen.filter(pl.col("fonds") == koppeling.partner)
        if fonds.height == 0:  # nothing to match: the row would read 0 >= 0
            continue
        nummer = len(sleutels)
        rijnaam = "koppeling_" + "_".join([naam("regel", koppeling.koppeling)]
                                          + [naam(k, w) for k, w in waarden.items()])
        omschrijving = koppeling.koppeling + ("" if not waarden else
                                              " [" + ", ".join(f"{k}={w}" for k, w in waarden.items()) + "]")
        sleutels.append((rijnaam, omschrijving, koppeling.fonds, koppeling.partner, koppeling.verhouding))
        kolommen = np.concatenate([_np(partner, "_kolom"), _np(fonds, "_kolom")])
        rij.append(np.full(len(kolommen), nummer, dtype=np.int64))
        kolom.append(kolommen)
        coef.append(np.concatenate([np.ones(partner.height), np.full(fonds.height, -koppeling.verhouding)]))
    if not sleutels:
        return
    frame = pl.DataFrame(sleutels, schema={"naam": pl.String, "koppeling": pl.String, "fonds": pl.String,
                                           "partner": pl.String, "verhouding": pl.Float64}, orient="row")
    verruimbaar = {"regel": ((np.arange(frame.height, dtype=np.int64), 1.0, "min"),)}
    if model.vanaf is not None:  # herijking: matching the realised years missed
        vast = _gerealiseerde_kolommen(model)
        verruimbaar["gerealiseerd"] = ((np.array([n for n, k in enumerate(kolom) if vast[k].all()], np.int64),
                                        1.0, "min"),)
    model.add_rijen("koppeling", frame, 0.0, ONEINDIG, np.concatenate(rij), np.concatenate(kolom),
                    np.concatenate(coef), verruimbaar=verruimbaar)


def add_overgang(model: Model) -> None:
    """overgang: (1 - a) H[r,i,t] <= sum_g X[r,i,g,t] <= (1 + a) H[r,i,t]; where H[r,i,t] = 0, at most a sum_i H[r,i,t].

    a is max_verschuiving, H today's participants (Huidige_verdeling) summed over the groups.
    Only with both; per region, instrument and plan year where today's plan has participants
    or the model has cells, a row ``min`` (the lower side, where it is above 0) and ``max``.
    """
    invoer = model.invoer
    a = invoer.max_verschuiving
    if a is None or not invoer.huidige_verdeling:
        return
    sleutels = list(INZETSLEUTELS)
    huidig = (pl.DataFrame([(r, i, t, n) for (r, i, _g, t), n in invoer.huidige_verdeling.items()
                            if invoer.start <= t <= invoer.eind],
                           schema={"regio": pl.String, "instrument": pl.String, "jaar": pl.Int64,
                                   "huidig": pl.Float64}, orient="row"))
    huidig = groepsom(huidig, sleutels, huidig="huidig")
    totaal = groepsom(huidig, ["regio", "jaar"], _totaal="huidig")
    x = _met_kolom(model.variabelen["x"], model.cellen_x)
    rijen = (pl.concat([x.select(sleutels).unique(), huidig.filter(pl.col("huidig") > 0).select(sleutels)]).unique()
             .join(huidig, on=sleutels, how="left").join(totaal, on=["regio", "jaar"], how="left")
             .with_columns(pl.col("huidig").fill_null(0.0), pl.col("_totaal").fill_null(0.0))
             .with_columns(onder=pl.when(pl.col("huidig") > 0).then((1 - a) * pl.col("huidig")).otherwise(0.0),
                           boven=pl.when(pl.col("huidig") > 0).then((1 + a) * pl.col("huidig"))
                           .otherwise(a * pl.col("_totaal"))))
    met_termen = x.select(sleutels).unique().with_columns(_termen=pl.lit(True))
    rijen = rijen.join(met_termen, on=sleutels, how="left").with_columns(pl.col("_termen").fill_null(False))
    # two one-sided rows (kant min and max) rather than one ranged row: each side has its own dual
    # (which side a wider band would gain on) and the PuLP view stays the same LP
    rijen = pl.concat([
        rijen.filter(pl.col("onder") > 0).with_columns(kant=pl.lit("min"), grens=pl.col("onder")),
        rijen.with_columns(kant=pl.lit("max"), grens=pl.col("boven"))])
    volgorde = {naam: nummer for nummer, naam in enumerate(invoer.eenheden)}
    instrumenten = {naam: nummer for nummer, naam in enumerate(invoer.instrumenten)}
    rijen = (rijen.with_columns(_r=pl.col("regio").replace_strict(volgorde, return_dtype=pl.Int64),
                                _i=pl.col("instrument").replace_strict(instrumenten, return_dtype=pl.Int64))
             .sort("_r", "_i", "jaar", "kant").with_columns(_rij=pl.int_range(pl.len(), dtype=pl.Int64)))
    if rijen.height == 0:
        return
    termen = x.join(rijen.select(*sleutels, "_rij"), on=sleutels)
    minimum = _np(rijen, "kant") == "min"
    grens = _np(rijen, "grens")
    model.add_rijen("overgang", rijen.select(*sleutels, "kant", "huidig", "_totaal"),
                    np.where(minimum, grens, -ONEINDIG), np.where(minimum, ONEINDIG, grens),
                    _np(termen, "_rij"), _np(termen, "_kolom"), np.ones(termen.height),
                    verruimbaar={"regel": ((np.flatnonzero(minimum), 1.0, "min"),
                                           (np.flatnonzero(~minimum), -1.0, "max"))},
                    weglaatbaar=~_np(rijen, "_termen") & ~(minimum & (grens > 1e-9)))


def add_realisatie(model: Model) -> None:
    """realisatie (herijking, ``--vanaf``): X[r,i,g,t] = Realisatie[r,i,g,t] for t < vanaf (0 where absent);
    sum_{i,g} y[f,r,i,g,t] + Verplichtingen[f,r,t] = Realisatie_uitgaven[f,r,t] where given.

    The ledger (Realisatie_uitgaven) is the truth for money: where a realised year's ledger is known
    (:func:`budgetkoppeling.invoer.grootboek`) its budget row is gone and its carry-over is fixed to
    what the ledger leaves (:func:`add_budget`); realised costs that differ from the ledger are findings.

    The realised years are fixed to what happened; only the later years are optimised, with the
    money that is left. A realised fund total that the cells cannot match gets a shortfall column
    each way (reported as a finding), as do the budgets and rules the realised years alone broke.
    """
    vanaf = model.vanaf
    if vanaf is None:
        return
    invoer = model.invoer
    sleutels = list(COHORTSLEUTELS)
    x = _met_kolom(model.variabelen["x"], model.cellen_x).filter(pl.col("jaar") < vanaf)
    cellen = _rijnummers(x.select(sleutels).unique(maintain_order=True), sleutels)
    aantallen = np.array([invoer.realisatie.get(sleutel, 0.0) for sleutel in cellen.select(sleutels).iter_rows()])
    termen = x.join(cellen, on=sleutels)
    naam = model.sleutels
    namen = naam.namen("realisatie", cellen, NAAMDELEN["realisatie"])
    rij, kolom, coef = [_np(termen, "_rij")], [_np(termen, "_kolom")], [np.ones(termen.height)]
    onder, boven = [aantallen], [aantallen]
    uitgaven = sorted(((f, r, t, b) for (f, r, t), b in invoer.realisatie_uitgaven.items() if t < vanaf),
                      key=lambda u: (u[0], u[1], u[2]))  # a fund's pots are all national or all regional
    y = _met_kolom(model.variabelen["y"], model.cellen_y)
    eerste = cellen.height
    for nummer, (fonds, regio, jaar, bedrag) in enumerate(uitgaven):
        bedrag -= invoer.verplichtingen.get((fonds, regio, jaar), 0.0)  # the ledger's amount includes them
        betaald = y.filter((pl.col("fonds") == fonds) & (pl.col("jaar") == jaar) & (pl.col("pot") == regio))
        rij.append(np.full(betaald.height, eerste + nummer, dtype=np.int64))
        kolom.append(_np(betaald, "_kolom"))
        coef.append(np.ones(betaald.height))
        namen.append(f"realisatie_uitgaven_{naam('f', fonds)}_{naam('r', regio)}_{jaar}")
        onder.append(np.array([bedrag]))
        boven.append(np.array([bedrag]))
    frame = pl.concat([
        cellen.select(pl.lit("deelnemers").alias("soort"), pl.lit(None, pl.String).alias("fonds"), *sleutels),
        pl.DataFrame([("uitgaven", f, r, None, None, t) for f, r, t, _b in uitgaven],
                     schema={"soort": pl.String, "fonds": pl.String, "regio": pl.String, "instrument": pl.String,
                             "doelgroep": pl.String, "jaar": pl.Int64}, orient="row"),
    ]).with_columns(naam=pl.Series(namen, dtype=pl.String))
    if frame.height == 0:
        return
    geld = np.arange(eerste, frame.height, dtype=np.int64)
    verruimen = ((geld, 1.0, "min"), (geld, -1.0, "max")) if len(geld) else ()
    model.add_rijen("realisatie", frame, np.concatenate(onder), np.concatenate(boven), np.concatenate(rij),
                    np.concatenate(kolom), np.concatenate(coef),
                    verruimbaar={"regel": verruimen, "gerealiseerd": verruimen})


def add_vast(model: Model) -> None:
    """vast (evaluation only): X[r,i,g,t] = the hand-made plan's participants, 0 where it has none.

    Cells the plan fills that cannot exist (no potential, or a trajectory past the
    plan period while that is not allowed) go to ``model.onmogelijk`` instead.
    """
    invoer = model.invoer
    sleutels = list(COHORTSLEUTELS)
    x = _met_kolom(model.variabelen["x"], model.cellen_x)
    cellen = set(x.select(sleutels).unique().iter_rows())
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
    rijen = _rijnummers(x.select(sleutels).unique(maintain_order=True), sleutels)
    aantallen = np.array([0.0 if sleutel in onmogelijk else model.vast.get(sleutel, 0.0)
                          for sleutel in rijen.select(sleutels).iter_rows()])
    termen = x.join(rijen, on=sleutels)
    model.add_rijen("vast", rijen.select(sleutels), aantallen, aantallen, _np(termen, "_rij"),
                    _np(termen, "_kolom"), np.ones(termen.height))


def zet_plaatsingsdoel(model: Model) -> np.ndarray:
    """Weighted placements per column: gewicht(g) p(i,g) factor(i,s) / (1 + rho)^(t + vertraging(i) - start)."""
    invoer = model.invoer
    x = model.cellen_x
    gewicht = x["doelgroep"].replace_strict(invoer.doelgroepen, return_dtype=pl.Float64).to_numpy()
    jaren = (_np(x, "jaar") + _np(x, "vertraging") - invoer.start).astype(np.float64)
    doel = np.zeros(model.aantal_kolommen)
    if x.height:
        doel[model.variabelen["x"].kolommen] = (gewicht * _np(x, "kans") * _np(x, "factor")
                                                * (1 + invoer.disconteringsvoet) ** -jaren)
    model.plaatsingsdoel = doel
    return doel


def plaatsingen_per_kolom(model: Model) -> np.ndarray:
    """Expected placements (unweighted, undiscounted) per column: p(i,g) factor(i,s) on x, 0 elsewhere."""
    per_kolom = np.zeros(model.aantal_kolommen)
    x = model.cellen_x
    if x is not None and x.height:
        per_kolom[model.variabelen["x"].kolommen] = _np(x, "kans") * _np(x, "factor")
    return per_kolom


def add_doelstelling(model: Model) -> None:
    """Objective: max sum gewicht(g) p(i,g) factor(i,s) x[r,i,g,t,s] / (1 + rho)^(t + vertraging(i) - start).

    rho is the disconteringsvoet.
    """
    model.zin = "max"
    model.doel = zet_plaatsingsdoel(model).copy()
    tekort = model.variabelen.get("tekort")
    if model.vanaf is not None and tekort is not None:  # herijking: what the realisation broke
        model.doel[tekort.kolommen] = -OVERSCHRIJDING_STRAF


def add_evaluatie(model: Model, max_uitgaven: float | None, min_doel: float | None) -> None:
    """evaluatie (comparing with a hand plan): sum y <= max_uitgaven, or weighted placements >= min_doel
    with the least spending as the objective."""
    y = model.variabelen["y"]
    rijen, onder, boven, rij, kolom, coef = [], [], [], [], [], []
    if max_uitgaven is not None:
        rijen.append("evaluatie_uitgaven")
        onder.append(-ONEINDIG)
        boven.append(max_uitgaven)
        rij.append(np.zeros(y.aantal, np.int64))
        kolom.append(y.kolommen)
        coef.append(np.ones(y.aantal))
    if min_doel is not None:
        kolommen = np.flatnonzero(model.plaatsingsdoel)
        rij.append(np.full(len(kolommen), len(rijen), np.int64))
        rijen.append("evaluatie_plaatsingen")
        onder.append(min_doel)
        boven.append(ONEINDIG)
        kolom.append(kolommen)
        coef.append(model.plaatsingsdoel[kolommen])
        model.zin = "min"
        model.doel = np.zeros(model.aantal_kolommen)
        model.doel[y.kolommen] = 1.0
    if rijen:
        model.add_rijen("evaluatie", pl.DataFrame({"naam": rijen}), np.array(onder), np.array(boven),
                        np.concatenate(rij), np.concatenate(kolom), np.concatenate(coef))


# ----------------------------------------------------------------------------- which optimum, step 2


@dataclass
class Jaarverschil:
    """Step (2) of "Which optimum" (SPEC §5), as columns and rows added to the model for the second
    phase: d[u,i,t] = |sum_g X[u,i,g,t] - sum_g X[u,i,g,t-1]| for each unit u (region), instrument i
    and plan year t after the first; for the first year against today's plan (Huidige_verdeling of
    that year, summed over groups) where the sheet exists. Minimising the sum of the d over the optimal
    face gives the optimal plan that changes least from year to year.

    ``matrix`` holds the rows over the model's columns followed by the columns d+ and d- (CSR): per
    (u, i, t) one row ``S_t - S_prev - d+ + d- = vast`` (``vast`` is today's number for the first year,
    else 0), d+ and d- >= 0, and |S_t - S_prev - vast| = d+ + d- at the minimum. One equality row per
    change instead of two inequalities around one d: Clp solved step (2) of a municipal region 12x
    faster this way (bench/README.md)."""

    sleutels: pl.DataFrame  # regio, instrument, jaar: one per row (its d+ is column n + j, its d- n + m + j)
    matrix: object
    vast: np.ndarray  # the rows' right-hand side (lower and upper bound)

    @property
    def aantal(self) -> int:
        """The number of columns added (d+ and d-)."""
        return 2 * self.sleutels.height


def jaarverschil(model: Model) -> Jaarverschil | None:
    """The rows and columns of step (2) for ``model``; None when there is nothing to steady."""
    import scipy.sparse

    invoer = model.invoer
    x = model.variabelen.get("x")
    if x is None or x.aantal == 0:
        return None
    sleutels = list(INZETSLEUTELS)
    cellen = _met_kolom(x).select(*sleutels, "_kolom")
    huidig = {}
    if invoer.huidige_verdeling:
        for (r, i, _g, t), aantal in invoer.huidige_verdeling.items():
            if t == invoer.start:
                huidig[(r, i)] = huidig.get((r, i), 0.0) + aantal
    eenheden = {naam: nummer for nummer, naam in enumerate(invoer.eenheden)}
    instrumenten = {naam: nummer for nummer, naam in enumerate(invoer.instrumenten)}
    paren = sorted({(r, i) for r, i in cellen.select("regio", "instrument").unique().iter_rows()} | set(huidig),
                   key=lambda p: (eenheden.get(p[0], -1), instrumenten.get(p[1], -1)))
    eerste = invoer.start if huidig else invoer.start + 1
    d = pl.DataFrame([(r, i, t) for r, i in paren for t in range(eerste, invoer.eind + 1)],
                     schema={"regio": pl.String, "instrument": pl.String, "jaar": pl.Int64}, orient="row")
    if d.height == 0:
        return None
    d = d.with_columns(_d=pl.int_range(pl.len(), dtype=pl.Int64))
    n, m = model.aantal_kolommen, d.height
    # row j: S_t - S_prev - d+_j + d-_j = vast_j
    nu = cellen.join(d, on=sleutels)
    vorig = cellen.with_columns(jaar=pl.col("jaar") + 1).join(d, on=sleutels)
    rij = np.concatenate([_np(nu, "_d"), _np(vorig, "_d"), _np(d, "_d"), _np(d, "_d")])
    kolom = np.concatenate([_np(nu, "_kolom"), _np(vorig, "_kolom"), n + _np(d, "_d"), n + m + _np(d, "_d")])
    coef = np.concatenate([np.ones(nu.height), -np.ones(vorig.height), -np.ones(m), np.ones(m)])
    matrix = scipy.sparse.coo_matrix((coef, (rij, kolom)), shape=(m, n + 2 * m)).tocsr()
    matrix.sum_duplicates()
    vast = np.array([huidig.get((r, i), 0.0) if t == invoer.start else 0.0
                     for r, i, t in d.select(sleutels).iter_rows()])
    return Jaarverschil(d.select(sleutels), matrix, vast)


def jaarverandering(model: Model, waarden: np.ndarray) -> float:
    """The year-to-year change of a plan: sum over regions, instruments and plan years after the
    first of |sum_g X[r,i,g,t] - sum_g X[r,i,g,t-1]| (persons). What step (2) minimises, without the
    first year's change from today's plan."""
    x = model.variabelen.get("x")
    if x is None or x.aantal == 0:
        return 0.0
    per_jaar = groepsom(x.sleutels.select(*INZETSLEUTELS)
                        .with_columns(waarde=pl.Series(waarden[x.start:x.start + x.aantal])),
                        list(INZETSLEUTELS), waarde="waarde")
    jaren = pl.DataFrame({"jaar": list(range(model.invoer.start, model.invoer.eind + 1))}, schema={"jaar": pl.Int64})
    rooster = per_jaar.select("regio", "instrument").unique().join(jaren, how="cross")
    reeks = (rooster.join(per_jaar, on=list(INZETSLEUTELS), how="left").fill_null(0.0)
             .sort(*INZETSLEUTELS)
             .with_columns(verschil=(pl.col("waarde") - pl.col("waarde").shift(1).over("regio", "instrument")).abs()))
    return float(reeks["verschil"].fill_null(0.0).sum())
