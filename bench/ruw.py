"""The raw reference: the LP of SPEC §5 built directly as one sparse matrix (polars + numpy)
and handed to highspy in one call, without PuLP and without budgetkoppeling's model code.

It was written to build the same variables and rows as ``budgetkoppeling/model.py``, from the same
validated input; it lacks the families reservering and vaststelling (issue 28) and the pools of
municipalities (issue 30), so on a workbook that uses them it solves another LP (the national example:
277,141.0 against the model's 279,480.6). ``--model`` takes the model's own LP instead, which is what
``bench/meet.py`` hands the raw solvers. ``python bench/ruw.py invoer.xlsx`` prints the build and solve
time and the objective; ``--mps model.mps`` also writes the LP for other solvers.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from budgetkoppeling.invoer import (  # noqa: E402
    ELK,
    Invoer,
    max_aandeel,  # noqa: E402  (the specificity rule of SPEC §4)
)
from budgetkoppeling.validate import lees_en_valideer  # noqa: E402

ONEINDIG = np.inf


@dataclass
class RuwLP:
    kosten: np.ndarray  # objective per column (maximise)
    onder: np.ndarray
    boven: np.ndarray
    rij_onder: np.ndarray
    rij_boven: np.ndarray
    start: np.ndarray  # column-wise sparse matrix (CSC)
    index: np.ndarray
    waarde: np.ndarray


class Bouwer:
    """Collects columns and rows as numpy arrays (COO), then compresses once."""

    def __init__(self) -> None:
        self.kolommen = 0
        self.rijen = 0
        self.kosten: list[np.ndarray] = []
        self.boven: list[np.ndarray] = []
        self.coo: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.rij_onder: list[np.ndarray] = []
        self.rij_boven: list[np.ndarray] = []

    def kolom(self, aantal: int, kosten=None, boven=ONEINDIG) -> np.ndarray:
        nummers = np.arange(self.kolommen, self.kolommen + aantal, dtype=np.int64)
        self.kolommen += aantal
        self.kosten.append(np.zeros(aantal) if kosten is None else np.asarray(kosten, dtype=float))
        self.boven.append(np.broadcast_to(np.asarray(boven, dtype=float), (aantal,)).copy())
        return nummers

    def rij(self, aantal: int, onder, boven) -> np.ndarray:
        nummers = np.arange(self.rijen, self.rijen + aantal, dtype=np.int64)
        self.rijen += aantal
        self.rij_onder.append(np.broadcast_to(np.asarray(onder, dtype=float), (aantal,)).copy())
        self.rij_boven.append(np.broadcast_to(np.asarray(boven, dtype=float), (aantal,)).copy())
        return nummers

    def term(self, rij, kolom, waarde) -> None:
        rij = np.asarray(rij, dtype=np.int64)
        self.coo.append((rij, np.asarray(kolom, dtype=np.int64), np.broadcast_to(
            np.asarray(waarde, dtype=float), rij.shape).copy()))

    def lp(self) -> RuwLP:
        rij = np.concatenate([c[0] for c in self.coo])
        kolom = np.concatenate([c[1] for c in self.coo])
        waarde = np.concatenate([c[2] for c in self.coo])
        volgorde = np.lexsort((rij, kolom))
        start = np.zeros(self.kolommen + 1, dtype=np.int64)
        np.cumsum(np.bincount(kolom, minlength=self.kolommen), out=start[1:])
        return RuwLP(np.concatenate(self.kosten), np.zeros(self.kolommen), np.concatenate(self.boven),
                     np.concatenate(self.rij_onder), np.concatenate(self.rij_boven), start,
                     rij[volgorde], waarde[volgorde])


def bouw_ruw(inv: Invoer) -> RuwLP:
    b = Bouwer()
    jaren = inv.jaren
    instr = pl.DataFrame([(n, i.kosten, i.duur, i.vertraging) for n, i in inv.instrumenten.items()],
                         schema=["i", "kosten", "duur", "vertraging"], orient="row")
    segmenten = pl.DataFrame([(i, s.nummer, s.aandeel, s.factor, len(ss)) for i, ss in inv.segmenten.items()
                              for s in ss if s.aandeel > 0],
                             schema=["i", "s", "aandeel", "factor", "nseg"], orient="row")
    effecten = pl.DataFrame([(i, g, p, inv.doelgroepen[g]) for (i, g), p in inv.effecten.items()],
                            schema=["i", "g", "p", "gewicht"], orient="row")
    potentieel = pl.DataFrame([(r, g, t, n) for (r, g, t), n in inv.potentieel.items() if n > 0],
                              schema=["r", "g", "t", "aantal"], orient="row")

    # x[r,i,g,t,s]
    x = (effecten.join(potentieel, on="g").join(segmenten, on="i").join(instr, on="i")
         .sort(["r", "i", "g", "t", "s"]))  # region-major, as the product
    doel = (x["gewicht"] * x["p"] * x["factor"]
            * (1 + inv.disconteringsvoet) ** -(x["t"] + x["vertraging"] - inv.start).cast(pl.Float64))
    # segment: the upper bound of x, unless one segment of share 1 (then potentieel is the limit)
    grens = (pl.when((pl.col("nseg") == 1) & (pl.col("aandeel") >= 1)).then(ONEINDIG)
             .otherwise(pl.col("aandeel") * pl.col("aantal")))
    # the columns of k[r,i,g,t'] before those of x, as the product (bench/README.md: Clp is faster)
    k = (x.select("r", "i", "g", "t", "duur")
         .with_columns(tb=pl.int_ranges(pl.col("t"), pl.col("t") + pl.col("duur")))
         .explode("tb", empty_as_null=True).filter(pl.col("tb") <= inv.eind)
         .select("r", "i", "g", "tb").unique().sort(["r", "i", "g", "tb"]))
    k = k.with_columns(kol=pl.Series(b.kolom(k.height)))
    x = x.with_columns(kol=pl.Series(b.kolom(x.height, doel.to_numpy(), x.select(grens).to_series().to_numpy())))

    # potentieel
    groepen = x.with_columns(pot=pl.struct("r", "g", "t").rank("dense") - 1)
    per_groep = groepen.group_by("pot").agg(pl.col("aantal").first()).sort("pot")
    rijen = b.rij(per_groep.height, -ONEINDIG, per_groep["aantal"].to_numpy())
    b.term(rijen[groepen["pot"].to_numpy()], groepen["kol"].to_numpy(), 1.0)

    # looptijd
    if not inv.doorloop:
        lang = x.filter(pl.col("t") + pl.col("duur") - 1 > inv.eind).with_columns(
            cel=pl.struct("r", "i", "g", "t").rank("dense") - 1)
        if lang.height:
            rijen = b.rij(int(lang["cel"].max()) + 1, 0.0, 0.0)
            b.term(rijen[lang["cel"].to_numpy()], lang["kol"].to_numpy(), 1.0)

    # kosten
    betaald = (x.with_columns(tb=pl.int_ranges(pl.col("t"), pl.col("t") + pl.col("duur")))
               .explode("tb", empty_as_null=True).filter(pl.col("tb") <= inv.eind))
    k = k.with_columns(rij=pl.Series(b.rij(k.height, 0.0, 0.0)))
    b.term(k["rij"].to_numpy(), k["kol"].to_numpy(), 1.0)
    betaald = betaald.join(k.select("r", "i", "g", "tb", pl.col("rij").alias("krij")), on=["r", "i", "g", "tb"])
    tarief = betaald["kosten"] * (1 + inv.kostenindexatie) ** (betaald["tb"] - inv.start).cast(pl.Float64)
    b.term(betaald["krij"].to_numpy(), betaald["kol"].to_numpy(), -tarief.to_numpy())

    # y[f,r,i,g,t'] (where the fund may pay), financiering and cofinanciering
    aandelen = pl.DataFrame(
        [(f, i, g, a) for f in inv.fondsen for (i, g) in inv.effecten if (a := max_aandeel(inv, f, i, g))],
        schema=["f", "i", "g", "aandeel"], orient="row")
    fondsen = pl.DataFrame([(f, d.landelijk, d.vervaljaar if d.vervaljaar is not None else 10**6, n)
                            for n, (f, d) in enumerate(inv.fondsen.items())],
                           schema=["f", "landelijk", "verval", "fondsnummer"], orient="row")
    met_budget = pl.DataFrame(sorted({(f, r) for (f, r, _t) in inv.budget if r is not None}),
                              schema=["f", "r"], orient="row").with_columns(budget=pl.lit(True))
    y = (k.rename({"kol": "kkol", "rij": "krij"}).join(aandelen, on=["i", "g"]).join(fondsen, on="f")
         .join(met_budget, on=["f", "r"], how="left")
         .filter((pl.col("tb") <= pl.col("verval")) & (pl.col("landelijk") | pl.col("budget").fill_null(False)))
         .sort(["fondsnummer", "r", "i", "g", "tb"]))
    y = y.with_columns(kol=pl.Series(b.kolom(y.height)))
    financiering = b.rij(k.height, 0.0, 0.0)
    b.term(financiering, k["kol"].to_numpy(), -1.0)
    b.term(financiering[y["krij"].to_numpy() - int(k["rij"].min())], y["kol"].to_numpy(), 1.0)
    cof = y.filter(pl.col("aandeel") < 1)
    rijen = b.rij(cof.height, -ONEINDIG, 0.0)
    b.term(rijen, cof["kol"].to_numpy(), 1.0)
    b.term(rijen, cof["kkol"].to_numpy(), -cof["aandeel"].to_numpy())

    # c[f,r,t], budget and overheveling (small: per pot and year)
    y = y.with_columns(pot_r=pl.when(pl.col("landelijk")).then(None).otherwise(pl.col("r")))
    potten = {(f, r) for (f, r, _t) in inv.budget} | set(y.select("f", "pot_r").unique().iter_rows())
    c: dict[tuple, int] = {}
    for f, r in sorted(potten, key=lambda p: (p[0], p[1] or "")):
        d = inv.fondsen[f]
        laatste = inv.eind if d.vervaljaar is None else min(inv.eind, d.vervaljaar)
        if d.overheveling > 0:
            for t in range(inv.start, laatste):
                c[(f, r, t)] = int(b.kolom(1)[0])
    uit_y = y.group_by("f", "pot_r", "tb").agg(pl.col("kol"))
    termen: dict[tuple, list[tuple[int, float]]] = {
        (f, r, t): [(kol, 1.0) for kol in kols] for f, r, t, kols in uit_y.iter_rows()}
    for (f, r, t), kol in c.items():
        termen.setdefault((f, r, t), []).append((kol, 1.0))
        if t + 1 <= inv.eind:
            termen.setdefault((f, r, t + 1), []).append((kol, -1.0))
    nul = None
    for sleutel in set(termen) | set(inv.budget) | set(inv.verplichtingen):
        ruimte = inv.budget.get(sleutel, 0.0) - inv.verplichtingen.get(sleutel, 0.0)
        rij_termen = termen.get(sleutel, [])
        if not rij_termen:
            if ruimte >= -1e-9:
                continue
            nul = nul if nul is not None else int(b.kolom(1, boven=0.0)[0])
            rij_termen = [(nul, 1.0)]
        rij = b.rij(1, -ONEINDIG, ruimte)
        kols, waarden = zip(*rij_termen)
        b.term(np.repeat(rij, len(kols)), kols, waarden)
    for (f, r, t), kol in c.items():
        rij = b.rij(1, -ONEINDIG, inv.fondsen[f].overheveling * inv.budget.get((f, r, t), 0.0))
        b.term(rij, [kol], 1.0)

    # beleidsregels: the elk columns group the matching cells into one row each
    x = x.with_columns(plaatsingsjaar=pl.col("t") + pl.col("vertraging"), kans=pl.col("p") * pl.col("factor"))
    waarden = {"regio": inv.regios, "fonds": list(inv.fondsen), "instrument": list(inv.instrumenten),
               "doelgroep": list(inv.doelgroepen), "jaar": [str(t) for t in jaren]}
    for regel in (r for r in inv.beleidsregels if r.actief):
        if regel.grootheid == "uitgaven":
            frame = y.select(pl.col("f").alias("fonds"), pl.col("r").alias("regio"), pl.col("i").alias("instrument"),
                             pl.col("g").alias("doelgroep"), pl.col("tb").cast(pl.String).alias("jaar"), "kol",
                             pl.lit(1.0).alias("coef"))
        else:
            jaar = "t" if regel.grootheid == "deelnemers" else "plaatsingsjaar"
            coef = pl.lit(1.0) if regel.grootheid == "deelnemers" else pl.col("kans")
            frame = x.select(pl.col("r").alias("regio"), pl.col("i").alias("instrument"),
                             pl.col("g").alias("doelgroep"), pl.col(jaar).cast(pl.String).alias("jaar"), "kol",
                             coef.alias("coef"))
        elk = [k for k, v in regel.filters.items() if v == ELK]
        for kolom, waarde in regel.filters.items():
            if waarde not in (None, ELK) and kolom in frame.columns:
                frame = frame.filter(pl.col(kolom) == waarde)
        onder, boven = {"<=": (-ONEINDIG, regel.waarde), ">=": (regel.waarde, ONEINDIG),
                        "=": (regel.waarde, regel.waarde)}[regel.operator]
        groepen = {tuple(sleutel): deel for sleutel, deel in frame.group_by(elk)} if elk else {(): frame}
        for combinatie in itertools.product(*(waarden[k] for k in elk)):
            deel = groepen.get(tuple(combinatie))
            if deel is None or deel.height == 0:
                if onder <= 0 <= boven:
                    continue
                nul = nul if nul is not None else int(b.kolom(1, boven=0.0)[0])
                deel = pl.DataFrame({"kol": [nul], "coef": [1.0]})
            rij = b.rij(1, onder, boven)
            b.term(np.repeat(rij, deel.height), deel["kol"].to_numpy(), deel["coef"].to_numpy())

    # koppelingen: per elk value, the partner's spending on the matched cells >= verhouding x the fund's
    uitgaven = y.select(pl.col("f").alias("fonds"), pl.col("r").alias("regio"), pl.col("i").alias("instrument"),
                        pl.col("g").alias("doelgroep"), pl.col("tb").alias("jaar"), "kol")
    for koppeling in inv.koppelingen:
        frame = uitgaven
        for kolom, waarde in koppeling.filters.items():
            if waarde in (None, ELK):
                continue
            if kolom == "jaar":
                van, _, tot = str(waarde).partition("-")
                frame = frame.filter(pl.col("jaar").is_between(int(van), int(tot or van)))
            else:
                frame = frame.filter(pl.col(kolom) == waarde)
        elk = [k for k, v in koppeling.filters.items() if v == ELK]
        for _, deel in (frame.group_by(elk) if elk else [((), frame)]):
            fonds = deel.filter(pl.col("fonds") == koppeling.fonds)
            partner = deel.filter(pl.col("fonds") == koppeling.partner)
            if fonds.height == 0:
                continue
            rij = b.rij(1, 0.0, ONEINDIG)
            b.term(np.repeat(rij, partner.height + fonds.height),
                   np.concatenate([partner["kol"].to_numpy(), fonds["kol"].to_numpy()]),
                   np.concatenate([np.ones(partner.height), np.full(fonds.height, -koppeling.verhouding)]))
    return b.lp()


def van_het_model(inv: Invoer) -> RuwLP:
    """The product's own LP (budgetkoppeling.model) as a RuwLP: for workbooks with municipalities (SPEC §9),
    whose families inbreng and tegenprestatie the raw builder above does not make. The raw solvers then get
    exactly the LP the product solves; its build is the model's."""
    from budgetkoppeling.model import bouw

    model = bouw(inv)
    matrix = model.matrix("csc")
    onder, boven = model.kolomgrenzen()
    rij_onder, rij_boven = model.rijgrenzen()
    teken = 1.0 if model.zin == "max" else -1.0
    return RuwLP(teken * model.doel, onder, boven, rij_onder, rij_boven, matrix.indptr, matrix.indices, matrix.data)


def highs_met(lp: RuwLP, solver: str = "simplex", threads: int = 1):
    """A highspy instance holding ``lp``, passed in one call."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", solver)
    h.setOptionValue("threads", threads)
    model = highspy.HighsLp()
    model.num_col_ = len(lp.kosten)
    model.num_row_ = len(lp.rij_onder)
    model.sense_ = highspy.ObjSense.kMaximize
    model.col_cost_ = lp.kosten
    model.col_lower_ = lp.onder
    model.col_upper_ = lp.boven
    model.row_lower_ = lp.rij_onder
    model.row_upper_ = lp.rij_boven
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = lp.start
    model.a_matrix_.index_ = lp.index
    model.a_matrix_.value_ = lp.waarde
    model.a_matrix_.num_col_ = model.num_col_
    model.a_matrix_.num_row_ = model.num_row_
    h.passModel(model)
    return h


def clp_oplossen(lp: RuwLP) -> tuple[float, float, str]:
    """Clp in process (cylp) on ``lp``, with the product's settings; returns load and solve seconds and
    the objective."""
    from cylp.cy import CyClpSimplex
    from cylp.cy.CyCoinPackedMatrix import CyCoinPackedMatrix

    begin = time.perf_counter()
    kolom = np.repeat(np.arange(len(lp.start) - 1, dtype=np.int32), np.diff(lp.start))
    matrix = CyCoinPackedMatrix(True, lp.index.astype(np.int32), kolom, lp.waarde.astype(np.float64))
    s = CyClpSimplex()
    grens = s.getCoinInfinity()
    s.loadProblem(matrix, lp.onder.astype(float), np.minimum(lp.boven, grens).astype(float), -lp.kosten,
                  np.maximum(lp.rij_onder, -grens).astype(float), np.minimum(lp.rij_boven, grens).astype(float))
    s.logLevel = 0
    s.primalTolerance = s.dualTolerance = 1e-9
    s.setPerturbation(50)
    geladen = time.perf_counter()
    s.initialSolve()
    return geladen - begin, time.perf_counter() - geladen, -s.objectiveValue


def main() -> None:
    import json
    import resource

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("invoer", type=Path)
    parser.add_argument("--mps", type=Path, help="also write the LP as an MPS file (timed apart)")
    parser.add_argument("--solver", default="simplex")
    parser.add_argument("--clp", action="store_true", help="solve with Clp in process (cylp) instead of HiGHS")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--model", action="store_true",
                        help="the product's own LP instead of the raw build (workbooks with municipalities)")
    args = parser.parse_args()
    inv = lees_en_valideer(args.invoer)
    begin = time.perf_counter()
    lp = van_het_model(inv) if args.model else bouw_ruw(inv)
    if args.clp:
        opgebouwd = time.perf_counter()
        laden, oplossen, doel = clp_oplossen(lp)
        print(json.dumps({"kolommen": len(lp.kosten), "rijen": len(lp.rij_onder), "opbouwen": opgebouwd - begin,
                          "laden": laden, "oplossen": oplossen, "doel": doel}))
        return
    h = highs_met(lp, args.solver)
    opgebouwd = time.perf_counter()
    opbouw_piek = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    h.run()
    klaar = time.perf_counter()
    if args.mps:
        h.writeModel(str(args.mps))
    cijfers = {"kolommen": len(lp.kosten), "rijen": len(lp.rij_onder), "niet_nul": len(lp.waarde),
               "opbouwen": opgebouwd - begin, "oplossen": klaar - opgebouwd, "opbouw_piek_mb": opbouw_piek,
               "mps_schrijven": time.perf_counter() - klaar,
               "status": h.modelStatusToString(h.getModelStatus()), "doel": h.getInfo().objective_function_value,
               "iteraties": h.getInfo().simplex_iteration_count}
    if args.json:
        print(json.dumps(cijfers))
    else:
        print(f"kolommen {cijfers['kolommen']}, rijen {cijfers['rijen']}, niet-nul {cijfers['niet_nul']}")
        print(f"opbouwen {cijfers['opbouwen']:.2f} s, oplossen {cijfers['oplossen']:.2f} s, "
              f"status {cijfers['status']}, doel {cijfers['doel']:.6f}")


if __name__ == "__main__":
    main()
