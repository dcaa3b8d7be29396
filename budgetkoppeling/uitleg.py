"""Explain a solved plan: shadow prices, thresholds for unused instruments, a plain-Dutch memo.

Everything here is computed from the solution's duals and reduced costs (in the sign
convention of :mod:`budgetkoppeling.solve`: for the maximisation, a binding ``<=`` row
has a dual >= 0 and a variable at zero has a reduced cost <= 0).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import polars as pl

from .invoer import COHORTSLEUTELS, LANDELIJK, POTSLEUTELS, betaaljaren, discontering, indexatie, segment_factoren
from .model import groepsom
from .rapport.opmaak import NUL
from .solve import Iteratiebudget, Oplossing
from .tekst import euro, euro_kort, getal, jaren_tekst, nl, opsomming, procent

PER = 100_000  # shadow prices per EUR 100,000


BASIS = 1  # the status of a basic column or row, for HiGHS and Clp alike
BEREIK_STAP = 1e-12  # a change of a basic variable per euro below this is no change


def prijsbereik(oplossing: Oplossing, richtingen: list[dict[int, float]]) -> list[tuple[float, float]]:
    """For each direction (row -> how much its right-hand side moves per euro of budget): the euros
    (``van`` <= 0 <= ``tot``) the budget may move while the optimal basis of the prices stays optimal,
    so while each price holds: the ranging of the right-hand side, SPEC §6 (as HiGHS's getRanging
    and Excel's Sensitivity Report give it for one row; here for the budget, which also moves its
    carry-over cap). From the basis: B dv = e over the rows that are not basic, then the ratio test
    over every basic variable. (nan, nan) where no basis was kept."""
    vooraf = oplossing.bewaard.pop("_prijsbereik", None)
    if vooraf is not None and vooraf[0] == richtingen:  # begun in a child (begin_prijsbereik), which imported
        return vooraf[1].uitkomst()  # scipy.sparse.linalg: this process need not
    import scipy.sparse
    import scipy.sparse.linalg

    basis, punt, model = oplossing.prijsbasis, oplossing.prijspunt, oplossing.model
    if basis is None or punt is None or not richtingen:
        return [(float("nan"), float("nan"))] * len(richtingen)
    matrix = model.matrix("csc")
    m = model.aantal_rijen
    kolommen, rijen = np.flatnonzero(basis.kolommen == BASIS), np.flatnonzero(basis.rijen == BASIS)
    if len(kolommen) + len(rijen) != m:
        return [(float("nan"), float("nan"))] * len(richtingen)
    B = scipy.sparse.hstack([matrix[:, kolommen], -scipy.sparse.identity(m, format="csc")[:, rijen]]).tocsc()
    try:
        # COLAMD: as little fill as MMD_ATA, factorized far faster (bench/README.md: 0.5 against 19 s at 400 units)
        lu = scipy.sparse.linalg.splu(B, permc_spec="COLAMD")
    except RuntimeError:  # singular: not a basis after all
        return [(float("nan"), float("nan"))] * len(richtingen)
    onder, boven = model.kolomgrenzen()
    rij_onder, rij_boven = model.rijgrenzen()
    activiteit = matrix @ punt
    waarde = np.concatenate([punt[kolommen], activiteit[rijen]])
    laag = np.concatenate([onder[kolommen], rij_onder[rijen]])
    hoog = np.concatenate([boven[kolommen], rij_boven[rijen]])
    is_basis_rij = np.zeros(m, bool)
    is_basis_rij[rijen] = True
    plek_in_basis = np.full(m, -1, np.int64)  # a basic row's place among the basic variables
    plek_in_basis[rijen] = len(kolommen) + np.arange(len(rijen))
    stuk = 25  # right-hand sides per solve: SuperLU's dense solve is fastest in small batches (measured)

    def bereik(begin: int, eind: int) -> list[tuple[float, float]]:
        """The ranges of ``richtingen[begin:eind]``."""
        uitkomst = []
        for eerste in range(begin, eind, stuk):
            deel = richtingen[eerste:min(eerste + stuk, eind)]
            e = np.zeros((m, len(deel)))
            for j, richting in enumerate(deel):
                for rij, coef in richting.items():
                    if not is_basis_rij[rij]:
                        e[rij, j] = coef
            dv = lu.solve(e)
            for j, richting in enumerate(deel):
                # value + d * netto within [laag, hoog], where a basic row's own bound moves with the budget
                netto = dv[:, j].copy()
                for rij, coef in richting.items():
                    if is_basis_rij[rij]:
                        netto[plek_in_basis[rij]] -= coef
                plek = np.flatnonzero(np.abs(netto) > BEREIK_STAP)  # few: a budget reaches few variables
                stap, nu = netto[plek], waarde[plek]
                boven_, onder_ = np.where(stap > 0, hoog[plek], laag[plek]), np.where(stap > 0, laag[plek], hoog[plek])
                with np.errstate(invalid="ignore", divide="ignore"):
                    tot = float(np.min((boven_ - nu) / stap, initial=np.inf))
                    van = float(np.max((onder_ - nu) / stap, initial=-np.inf))
                uitkomst.append((min(0.0, van), max(0.0, tot)))
        return uitkomst

    if len(richtingen) < BEREIK_OP_ELKE_KERN:
        return bereik(0, len(richtingen))
    # on every core: forked children share the factorization (each direction alone: the same ranges)
    from .onderbreking import in_kindprocessen, tegelijk

    per_kern = -(-len(richtingen) // (stuk * tegelijk())) * stuk
    delen = [(begin, min(begin + per_kern, len(richtingen))) for begin in range(0, len(richtingen), per_kern)]
    return [rang for deel in in_kindprocessen(bereik, delen) for rang in deel]


BEREIK_OP_ELKE_KERN = 1000  # directions from which the ranging is spread over the cores (400 units: 6,806 took 132 s)


def schaduwprijzen(oplossing: Oplossing) -> pl.DataFrame:
    """Per fund, region and year: weighted placements that EUR 100,000 more budget would yield, and
    the budget amounts between which that price holds (``geldig_van``, ``geldig_tot``).

    More budget also raises that year's carry-over cap (overheveling x Budget), so the
    price is the dual of the ``budget`` row plus overheveling(f) times the dual of the
    ``overheveling`` row; the range moves both right-hand sides together (:func:`prijsbereik`).
    Computed once per solution: the sheet Schaduwprijzen and the Toelichting both ask (the ranging
    was 1.4 s of the 35-unit plan's 9 s, twice).
    """
    if "schaduwprijzen" not in oplossing.bewaard:
        oplossing.bewaard["schaduwprijzen"] = _schaduwprijzen(oplossing)
    return oplossing.bewaard["schaduwprijzen"]


def begin_prijsbereik(oplossing: Oplossing) -> None:
    """Begin the ranging of :func:`schaduwprijzen` in a forked child, so that it runs while this process
    explains the plan (the Toelichting's causes re-solve the plan: at 80 units each took about 5 s, one
    after the other); :func:`prijsbereik` collects it. Nothing where forking is not possible."""
    from .onderbreking import begin_in_kind

    if "schaduwprijzen" in oplossing.bewaard or "_prijsbereik" in oplossing.bewaard or oplossing.prijsbasis is None:
        return
    richtingen = _budgetrichtingen(oplossing)[1]
    if richtingen:
        kind = begin_in_kind(prijsbereik, oplossing, richtingen)
        if kind is not None:
            oplossing.bewaard["_prijsbereik"] = (richtingen, kind)


def _budgetrichtingen(oplossing: Oplossing) -> tuple[pl.DataFrame, list[dict[int, float]]]:
    """The budget rows of the plan years with their price (dual), and the direction each moves in for the
    ranging: its own right-hand side one euro per euro, the carry-over cap overheveling(f)."""
    invoer = oplossing.model.invoer
    sleutels = list(POTSLEUTELS)
    budget = oplossing.dual("budget")
    if budget.height == 0:
        budget = pl.DataFrame(schema={"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64, "dual": pl.Float64})
    overheveling = oplossing.dual("overheveling")
    if overheveling.height:
        aandeel = {f: gegevens.overheveling for f, gegevens in invoer.fondsen.items()}
        budget = budget.join(overheveling.rename({"dual": "_over"}), on=sleutels, how="left").with_columns(
            dual=pl.col("dual") + pl.col("fonds").replace_strict(aandeel, return_dtype=pl.Float64)
            * pl.col("_over").fill_null(0.0))
    if oplossing.model.vanaf is not None:  # realised years are facts: no price (SPEC §6)
        budget = budget.filter(pl.col("jaar") >= oplossing.model.vanaf)
    nummer, over_nummer = ({} if not oplossing.heeft(familie) else
                           {(f, r, t): rij for f, r, t, rij in
                            oplossing.rijen(familie).select(*sleutels, "rij").iter_rows()}
                           for familie in ("budget", "overheveling"))
    richtingen = []
    for fonds, regio, jaar in budget.select(sleutels).iter_rows():
        richting = {nummer[(fonds, regio, jaar)]: 1.0}
        if (fonds, regio, jaar) in over_nummer:
            richting[over_nummer[(fonds, regio, jaar)]] = invoer.fondsen[fonds].overheveling
        richtingen.append(richting)
    return budget, richtingen


def _schaduwprijzen(oplossing: Oplossing) -> pl.DataFrame:
    invoer = oplossing.model.invoer
    sleutels = list(POTSLEUTELS)
    budget, richtingen = _budgetrichtingen(oplossing)
    bereik = prijsbereik(oplossing, richtingen)
    huidig = [invoer.budget.get((f, r, t), 0.0)
              for f, r, t in budget.select(sleutels).iter_rows()]
    budget = budget.with_columns(
        geldig_van=pl.Series([max(0.0, b + van) if van == van else None for b, (van, _tot) in zip(huidig, bereik)],
                             dtype=pl.Float64),
        # no upper end (the row does not bind, or nothing else ever binds): empty, not infinity
        geldig_tot=pl.Series([b + tot if np.isfinite(tot) else None for b, (_van, tot) in zip(huidig, bereik)],
                             dtype=pl.Float64))
    frame = budget.select(
        "fonds", "regio", "jaar",
        pl.when(pl.col("dual").abs() * PER < 1e-12).then(0.0).otherwise(pl.col("dual") * PER)
        .alias("extra_plaatsingen_per_100k"), "geldig_van", "geldig_tot")
    return frame.sort(["extra_plaatsingen_per_100k", "fonds", "regio", "jaar"], descending=[True, False, False, False])


EENHEID = {"deelnemers": "deelnemer", "uitgaven": "€ 100.000", "plaatsingen": "plaatsing"}
PER_EENHEID = {"deelnemers": 1.0, "uitgaven": 100_000.0, "plaatsingen": 1.0}  # per euro a gain rounds to nothing


def regelprijzen(oplossing: Oplossing, beleidsregels: pl.DataFrame) -> pl.DataFrame:
    """Every binding rule: the weighted placements gained by relaxing it by one unit."""
    bindend = dict(zip(beleidsregels["regel"], beleidsregels["bindend"]))
    gebroken = door_realisatie_gebroken(oplossing, "beleidsregel")
    start = oplossing.rijen("beleidsregel")["rij"].min() or 0
    rijen = []
    for _regel, omschrijving, grootheid, operator, grens, _actief, _bereikt, rij in oplossing.regels().iter_rows():
        if bindend.get(omschrijving) != "ja" or rij is None or rij - start in gebroken:
            continue
        dual = float(oplossing.rijduals[rij])
        winst = {"<=": dual, ">=": -dual, "=": abs(dual)}[operator]
        if operator == "=":
            richting = "grens verhogen" if dual >= 0 else "grens verlagen"
        else:
            richting = "grens verhogen" if operator == "<=" else "grens verlagen"
        rijen.append({"regel": omschrijving, "grootheid": grootheid, "operator": operator,
                      "grens": grens, "versoepeling": richting,
                      "eenheid": EENHEID[grootheid],
                      "winst_per_eenheid": _schoon(winst * PER_EENHEID[grootheid])})
    frame = pl.DataFrame(rijen, schema={
        "regel": pl.String, "grootheid": pl.String, "operator": pl.String, "grens": pl.Float64,
        "versoepeling": pl.String, "eenheid": pl.String, "winst_per_eenheid": pl.Float64})
    return frame.sort(["winst_per_eenheid", "regel"], descending=[True, False])


def koppelingprijzen(oplossing: Oplossing) -> pl.DataFrame:
    """Every binding koppeling as a row of the binding-rules table: the gain of € 100.000 less matching."""
    schema = {"regel": pl.String, "grootheid": pl.String, "operator": pl.String, "grens": pl.Float64,
              "versoepeling": pl.String, "eenheid": pl.String, "winst_per_eenheid": pl.Float64}
    rijen = []
    if oplossing.heeft("koppeling"):
        gebroken = door_realisatie_gebroken(oplossing, "koppeling")
        for rij, (_naam, koppeling, fonds, partner, verhouding, dual) in enumerate(
                oplossing.dual("koppeling").iter_rows()):
            if -dual > NUL and rij not in gebroken:
                rijen.append((f"koppeling {koppeling} ({partner} matcht {fonds})", "koppeling", ">=", verhouding,
                              "matchplicht verlagen", "€ 100.000", _schoon(-dual * 100_000)))
    return pl.DataFrame(rijen, schema=schema, orient="row")


def tegenprestatieprijzen(oplossing: Oplossing) -> pl.DataFrame:
    """Every binding fairness floor (family tegenprestatie, SPEC §9) as a row of the binding-rules table: the
    weighted placements that € 100.000 less for that municipality's residents would gain."""
    schema = {"regel": pl.String, "grootheid": pl.String, "operator": pl.String, "grens": pl.Float64,
              "versoepeling": pl.String, "eenheid": pl.String, "winst_per_eenheid": pl.Float64}
    rijen = []
    if oplossing.heeft("tegenprestatie"):
        invoer = oplossing.model.invoer
        for pool, gemeente, dual in oplossing.dual("tegenprestatie").iter_rows():
            if -dual > NUL:
                rijen.append((f"tegenprestatie {pool} voor {gemeente}", "tegenprestatie", ">=",
                              invoer.fondsen[pool].min_tegenprestatie, "vloer verlagen", "€ 100.000",
                              _schoon(-dual * 100_000)))
    return pl.DataFrame(rijen, schema=schema, orient="row")


def _gemeentezinnen(oplossing: Oplossing) -> list[tuple[str, str]]:
    """SPEC §9: which municipality limits each pool, and in which years; which fairness floors bind and
    what they cost in weighted placements (the plan solved again without them)."""
    from .rapport.gemeenten import begrenzers

    invoer = oplossing.model.invoer
    if not invoer.gemeenten:
        return []
    zinnen = []
    per_pot: dict[tuple[str, str], list[tuple[str, list[int]]]] = defaultdict(list)
    for pool, regio, gemeente, jaren in begrenzers(oplossing):
        per_pot[(pool, regio)].append((gemeente, jaren))
    for (pool, regio), leden in per_pot.items():
        bron, sleutel = invoer.fondsen[pool].inbreng_uit, invoer.fondsen[pool].verdeelsleutel
        aandelen = invoer.aandelen(pool)
        alle = [m for m, g in invoer.gemeenten.items() if g.regio == regio]
        if len(alle) > 1 and len(leden) == len(alle) and all(j == leden[0][1] for _m, j in leden):
            zinnen.append((pool, (
                f"De regionale pot {pool} in {regio} wordt in {jaren_tekst(leden[0][1])} begrensd door alle "
                f"gemeenten samen: het {bron} van elke gemeente is dan op, en meer uit de pot betalen gaat "
                "alleen met meer geld van de gemeenten.")))
            continue
        for gemeente, jaren in leden:
            aandeel = aandelen[gemeente]
            zinnen.append((pool, (
                f"De regionale pot {pool} in {regio} wordt in {jaren_tekst(jaren)} begrensd door {gemeente}: "
                f"het {bron} van {gemeente} is dan op. Elke euro die de pot meer betaalt, kost {gemeente} "
                f"€ {nl(round(aandeel, 2)) if aandeel >= 0.01 else nl(round(aandeel, 4))} (haar aandeel volgens "
                f"de verdeelsleutel {sleutel}).")))
    if oplossing.heeft("tegenprestatie"):
        bindend = [(f, m) for f, m, dual in oplossing.dual("tegenprestatie").iter_rows() if -dual > NUL]
        for pool in dict.fromkeys(f for f, _m in bindend):
            gemeenten = [m for f, m in bindend if f == pool]
            alpha = invoer.fondsen[pool].min_tegenprestatie
            zin = (f"De eerlijkheidsvloer van {pool} (elke gemeente krijgt minstens {procent(alpha)} van haar "
                   f"inbreng terug aan trajecten voor haar inwoners) bindt voor {opsomming(gemeenten)}.")
            kosten = kosten_van_de_vloer(oplossing)
            if kosten is not None:
                zin += (f" Zonder vloer zou het plan {getal(round(kosten, 1)) if kosten >= 1 else nl(round(kosten, 3))}"
                        " gewogen plaatsingen meer opleveren: zoveel kost de solidariteitsgrens.")
            elif oorzaakbudget(oplossing).op:
                zin += (" Wat de vloer kost, is niet nagerekend: het plan zonder vloer opnieuw doorrekenen kost bij "
                        "een model van deze omvang meer dan het plan zelf.")
            zinnen.append((pool, zin))
    return zinnen


def kosten_van_de_vloer(oplossing: Oplossing) -> float | None:
    """The weighted placements the fairness floors cost: the plan's objective without the tegenprestatie rows
    minus with them (one more solve, kept). None for whole persons (a second MIP is not worth it)."""
    if oplossing.model.geheel or not oplossing.heeft("tegenprestatie"):
        return None
    if "kosten_van_de_vloer" not in oplossing.bewaard:
        from .solve import OPTIMAAL, Herberekening

        model = oplossing.model
        herberekening = Herberekening(model, oplossing.oplosser,  # warm from the plan's basis: the objective only
                                      budget=oorzaakbudget(oplossing))
        herberekening.pas_aan(model.verruimd(("tegenprestatie",)))
        if oplossing.basis is not None and oplossing.basis.past(model, herberekening.oplosser):
            herberekening.zet_basis(oplossing.basis)
        zonder = herberekening.herbereken(tweede_fase=False, verruimd=True)
        oplossing.bewaard["kosten_van_de_vloer"] = (None if zonder.status != OPTIMAAL else
                                                    max(0.0, model.doelsom(zonder.waarden) - oplossing.doelwaarde))
    return oplossing.bewaard["kosten_van_de_vloer"]


def door_realisatie_gebroken(oplossing: Oplossing, familie: str) -> set[int]:
    """Herijking: the rows of ``familie`` (numbered within it) that the realised years alone broke. Their
    dual is the penalty of the shortfall that reports the breach, not a price: they get none."""
    if oplossing.model.vanaf is None:
        return set()
    return {info["rij"] for info, waarde in oplossing.model.tekortwaarden(oplossing.kolomwaarden)
            if info["familie"] == familie and waarde > 1e-9}


def overgangprijzen(oplossing: Oplossing) -> pl.DataFrame:
    """Every binding side of the overgang band: the weighted placements one participant more room
    gains, and what widening max_verschuiving by one percentage point gains there (the bound moves
    by 1% of today's participants, or of the region's for an instrument that is new)."""
    schema = {"regio": pl.String, "instrument": pl.String, "jaar": pl.Int64, "kant": pl.String,
              "huidig": pl.Float64, "grens": pl.Float64, "winst_per_deelnemer": pl.Float64,
              "winst_per_procentpunt": pl.Float64}
    if not oplossing.heeft("overgang"):
        return pl.DataFrame(schema=schema)
    rijen = oplossing.rijen("overgang")
    grens = np.where(rijen["kant"].to_numpy() == "min", rijen["onder"].to_numpy(), rijen["boven"].to_numpy())
    frame = (oplossing.dual("overgang").with_columns(grens=pl.Series(grens))
             .with_columns(winst_per_deelnemer=pl.col("dual").abs())
             .filter(pl.col("winst_per_deelnemer") > NUL)
             .with_columns(winst_per_procentpunt=pl.col("winst_per_deelnemer") * 0.01
                           * pl.when(pl.col("huidig") > 0).then(pl.col("huidig")).otherwise(pl.col("_totaal"))))
    return (frame.select(list(schema)).sort(["winst_per_procentpunt", "regio", "instrument", "jaar"],
                                              descending=[True, False, False, False]))


def _overgangzinnen(oplossing: Oplossing) -> list[tuple[str, str]]:
    """How much the band around today's plan costs, and where it pinches most."""
    a = oplossing.model.invoer.max_verschuiving
    if not oplossing.heeft("overgang") or a is None:
        return []
    prijzen = overgangprijzen(oplossing)
    rijen = oplossing.rijen("overgang").height
    if prijzen.height == 0:
        return [("overgang", f"De overgang (elk instrument binnen ±{procent(a)} van de huidige verdeling) beperkt "
                             "het plan niet: geen grens van de band is bindend.")]
    totaal = float(prijzen["winst_per_procentpunt"].sum())
    beste = prijzen.row(0, named=True)
    kant = "omhoog" if beste["kant"] == "max" else "omlaag"
    return [("overgang", (
        f"De overgang houdt elk instrument per regio en jaar binnen ±{procent(a)} van de huidige verdeling; "
        f"{prijzen.height} van de {rijen} grenzen zijn bindend. Een band die 1 procentpunt breder is levert naar "
        f"verwachting {_klein_getal(totaal)} gewogen plaatsingen op. Het meest knelt {beste['instrument']} in "
        f"{beste['regio']} ({beste['jaar']}), dat {kant} zou willen (Schaduwprijzen)."))]


def _herijkingzinnen(oplossing: Oplossing) -> list[tuple[str, str]]:
    """Herijking: which years are realised, and what the realisation broke, with its amount."""
    model = oplossing.model
    if model.vanaf is None:
        return []
    from .herijking import bevindingen

    invoer = model.invoer
    zinnen = [("herijking", (
        f"Herijking vanaf {model.vanaf}: {jaren_tekst(list(range(invoer.start, model.vanaf)))} "
        f"{'ligt' if model.vanaf - invoer.start == 1 else 'liggen'} vast aan wat er werkelijk startte (blad "
        "Realisatie; een ontbrekende rij is 0) en werd betaald (blad Realisatie_uitgaven: het grootboek, met de "
        "verplichtingen; het is leidend voor het geld en de overheveling). "
        f"Alleen {jaren_tekst(list(range(model.vanaf, invoer.eind + 1)))} "
        f"{'wordt' if invoer.eind == model.vanaf else 'worden'} opnieuw gepland, met het geld dat over is; "
        "lopende trajecten lopen door. In de tabellen staat dit in de kolom periode (realisatie of plan)."))]
    zinnen += [("realisatie", b["tekst"]) for b in bevindingen(oplossing)]
    return zinnen


def _koppelingzinnen(oplossing: Oplossing) -> list[tuple[str, str]]:
    """Each koppeling that binds: matching the partner's share costs placements (the row's dual)."""
    if not oplossing.heeft("koppeling"):
        return []
    zinnen = []
    for _naam, koppeling, fonds, partner, verhouding, dual in oplossing.dual("koppeling").iter_rows():
        winst = -dual * 100_000  # a >= row of a maximisation: relaxing it by one euro gains -dual
        if winst > NUL:
            zinnen.append((koppeling, (
                f"Koppeling '{koppeling}' is bindend: {partner} betaalt precies {nl(verhouding)} x wat {fonds} "
                f"betaalt. € 100.000 minder matchplicht levert tot {_klein_getal(winst)} gewogen plaatsingen op.")))
    return zinnen


def _klein_getal(waarde: float) -> str:
    """A gain in Dutch with enough digits to show it (4,4; 0,0123; 2,1e-06 never becomes 0)."""
    if waarde >= 1:
        return getal(round(waarde, 2))
    if waarde >= 1e-4:
        return nl(round(waarde, 4))
    return nl(float(f"{waarde:.2g}"))


def _schoon(waarde: float) -> float:
    return 0.0 if abs(waarde) < 1e-12 else waarde


@dataclass(frozen=True)
class Drempel:
    """When an unused instrument would be used: the chance per group, or the cost."""

    instrument: str
    kansen: dict[str, tuple[float, float | None]]  # group -> (current chance, threshold or None)
    kosten: float
    kosten_drempel: float | None  # the highest cost per participant per year at which it would be used


def drempels(oplossing: Oplossing) -> list[Drempel]:
    """Thresholds for every instrument that the plan does not use, from the duals of the limits.

    A participant in cell (r,i,g,t,s) is worth ``gewicht x p x factor x discount`` and costs
    what the limits it uses are worth: its potential, the rules it counts in,
    and for every payment year the cheapest mix of eligible funds (each up to its
    ``max_aandeel``) priced at their budget duals. The cell would enter the plan once its
    worth exceeds its price; raising p(i,g) or lowering k(i) moves the two. (The
    reduced cost of x alone is not used: with the cost and financing variables at zero
    it is degenerate.)
    """
    model, invoer = oplossing.model, oplossing.model.invoer
    gebruikt = dict(groepsom(oplossing.waarde("x"), "instrument", waarde="waarde").iter_rows())
    ongebruikt = [i for i in invoer.instrumenten if gebruikt.get(i, 0.0) <= NUL]
    factoren = segment_factoren(invoer)
    # per column: the rules' duals times the column's coefficient in them (participants and spending; placements)
    regelprijs, plaatsingsregels = model.regelprijzen(oplossing.rijduals)
    budgetprijs = {(f, r, t): d for f, r, t, d in oplossing.dual("budget").iter_rows()} \
        if model.heeft("budget") else {}
    potentieelprijs = {(r, g, t): d for r, g, t, d in oplossing.dual("potentieel").iter_rows()} \
        if model.heeft("potentieel") else {}
    looptijd = set(model.sleutels_van("looptijd").iter_rows())
    fondsen_per_cel: dict[tuple, list[tuple[str, float, bool, int]]] = defaultdict(list)  # unused instruments only
    cellen_y = model.cellen("y")
    for f, r, i, g, t, aandeel, pot, kolom in (cellen_y.filter(pl.col("instrument").is_in(ongebruikt))
                                               .select("fonds", *COHORTSLEUTELS, "max_aandeel", "pot", "_kolom")
                                               .iter_rows()):
        fondsen_per_cel[(r, i, g, t)].append((f, aandeel, pot, kolom))

    houder = invoer.reservefonds

    def reserveprijs(f: str, r: str, jaar: int) -> float:
        """vaststelling: a euro of a fund with a settlement risk also holds that share in the reserve fund."""
        risico = invoer.fondsen[f].vaststellingsrisico
        if not risico or houder is None:
            return 0.0
        return risico * budgetprijs.get((houder, invoer.pot(houder, r), jaar), 0.0)

    @functools.cache  # every segment and start year of a cell asks again
    def euro_prijs(r: str, i: str, g: str, jaar: int) -> float:
        """The least shadow cost of one euro of cell cost in ``jaar``: cheapest funds first."""
        betaaljaar = min(jaar, invoer.eind)  # reservering: a cost after the plan is paid from the last year
        aanbod = [(budgetprijs.get((f, pot, betaaljaar), 0.0) + regelprijs[kolom]
                   + reserveprijs(f, r, betaaljaar), aandeel)
                  for f, aandeel, pot, kolom in fondsen_per_cel.get((r, i, g, jaar), ())]
        prijs, rest = 0.0, 1.0
        for fondsprijs, aandeel in sorted(aanbod):
            deel = min(rest, aandeel)
            prijs += deel * fondsprijs
            rest -= deel
        return prijs if rest <= 1e-9 else float("inf")

    cellen_per_instrument: dict[str, list] = defaultdict(list)  # one pass over x, not one per unused instrument
    x_cellen = model.sleutels_van("x").with_columns(_kolom=pl.Series(model.kolommen("x"), dtype=pl.Int64))
    for *sleutel, kolom in x_cellen.filter(pl.col("instrument").is_in(ongebruikt)).iter_rows():
        cellen_per_instrument[sleutel[1]].append((tuple(sleutel), kolom))
    uitkomst = []
    for instrument, gegevens in invoer.instrumenten.items():
        if gebruikt.get(instrument, 0.0) > NUL:
            continue
        kans_stap: dict[str, float] = {}
        kosten_drempel: float | None = None
        for (r, i, g, t, s), kolom in cellen_per_instrument.get(instrument, ()):
            if (r, i, g, t) in looptijd:
                continue
            per_euro = [(indexatie(invoer, j), euro_prijs(r, i, g, j)) for j in betaaljaren(invoer, i, t)
                        if j <= invoer.eind or invoer.doorloop]  # past the plan: reserved (reservering)
            geldprijs = sum(index * prijs for index, prijs in per_euro)  # per euro of k(i)
            if geldprijs == float("inf"):
                continue  # no fund may pay for this cell
            kans = invoer.effecten[(i, g)]
            waarde_per_kans = (invoer.doelgroepen[g] * factoren[(i, s)]
                               * discontering(invoer, t + gegevens.vertraging)
                               - (plaatsingsregels[kolom] / kans if kans else 0.0))
            # the segment bound is slack for an unused instrument (x = 0), so its dual is 0
            overig = potentieelprijs.get((r, g, t), 0.0) + regelprijs[kolom]
            netto = kans * waarde_per_kans - overig - gegevens.kosten * geldprijs  # reduced worth at p, k
            if waarde_per_kans > NUL:
                kans_stap[g] = min(kans_stap.get(g, float("inf")), max(0.0, -netto) / waarde_per_kans)
            if geldprijs > NUL:
                drempel = (kans * waarde_per_kans - overig) / geldprijs
                kosten_drempel = drempel if kosten_drempel is None else max(kosten_drempel, drempel)
        kansen = {
            g: (invoer.effecten[(instrument, g)],
                invoer.effecten[(instrument, g)] + kans_stap[g] if g in kans_stap else None)
            for (i, g) in invoer.effecten if i == instrument
        }
        uitkomst.append(Drempel(instrument, kansen, gegevens.kosten,
                                None if kosten_drempel is None or kosten_drempel <= 0 else kosten_drempel))
    return uitkomst


# ----------------------------------------------------------------------------- the memo


def toelichting(oplossing: Oplossing, fondsen: pl.DataFrame, allocatie: pl.DataFrame,
                beleidsregels: pl.DataFrame, kerncijfers: dict[str, float]) -> pl.DataFrame:
    """Short plain-Dutch sentences on why the plan looks as it does (onderwerp, toelichting)."""
    zinnen: list[tuple[str, str]] = []
    model, invoer = oplossing.model, oplossing.model.invoer
    zinnen.append(("samenvatting", (
        f"Het plan plaatst naar verwachting {getal(round(kerncijfers['plaatsingen'], 1))} mensen in werk, "
        f"met {getal(round(kerncijfers['deelnemers'], 1))} deelnemers en {euro(kerncijfers['uitgaven'])} "
        f"aan uitgaven ({euro(kerncijfers['kosten_per_plaatsing'])} per plaatsing).")))
    if oplossing.gap is not None:
        afstand = "onbekend hoe ver" if oplossing.gap != oplossing.gap else \
            f"hoogstens {procent(oplossing.gap)} (de afstand tot de beste grens die de oplosser vond)"
        zinnen.append(("tijdslimiet", (
            f"Het plan is het beste plan met hele deelnemers dat de oplosser binnen de tijdslimiet van "
            f"{getal(round(oplossing.tijdslimiet or 0))} seconden vond, niet bewezen het beste: het optimum ligt "
            f"{afstand} hoger. Meer tijd (--tijdslimiet) kan een beter plan geven; het plan met gebroken "
            "aantallen (zonder --geheel) is binnen een seconde optimaal.")))
    if oplossing.duals_uit_relaxatie:
        zinnen.append(("hele deelnemers", (
            "Het plan rekent met hele deelnemers. Bij hele aantallen bestaan schaduwprijzen niet: de schaduwprijzen, "
            "drempels en redenen hieronder komen uit hetzelfde model met gebroken aantallen deelnemers en geven aan "
            "wat een verandering daar ongeveer oplevert.")))
    zinnen += _fondszinnen(oplossing, fondsen)
    zinnen += _gemeentezinnen(oplossing)
    zinnen += _beste_euro(oplossing)
    zinnen += _potentieelzinnen(oplossing)
    zinnen += _instrumentzinnen(oplossing)
    zinnen += _regelzinnen(oplossing, beleidsregels)
    zinnen += _koppelingzinnen(oplossing)
    zinnen += _overgangzinnen(oplossing)
    zinnen += _herijkingzinnen(oplossing)
    del model, invoer
    return pl.DataFrame(zinnen, schema={"onderwerp": pl.String, "toelichting": pl.String}, orient="row")


def _fondszinnen(oplossing: Oplossing, fondsen: pl.DataFrame) -> list[tuple[str, str]]:
    model, invoer = oplossing.model, oplossing.model.invoer
    zinnen = []
    for fonds in invoer.fondsen:
        if invoer.fondsen[fonds].pool:  # its money is what the municipalities put in: _gemeentezinnen
            continue
        rijen = fondsen.filter(pl.col("fonds") == fonds)
        if rijen.height == 0:
            zinnen.append((fonds, f"Voor {fonds} is geen budget opgegeven."))
            continue
        if "overschreden" not in rijen.columns:
            rijen = rijen.with_columns(overschreden=pl.lit(0.0))
        per_jaar = groepsom(rijen, "jaar", budget="budget", onbenut="onbenut", overschreden="overschreden").sort("jaar")
        vol = [j for j, b, o, x in per_jaar.iter_rows() if b > 0 and o <= 0.5 and x <= 0.5]
        if vol:
            zinnen.append((fonds, f"{fonds} is in {jaren_tekst(vol)} volledig besteed."))
        over = [j for j, _b, _o, x in per_jaar.iter_rows() if x > 0.5]
        if over:  # a herijking's realised years: the finding below says where and why
            zinnen.append((fonds, f"{fonds} is in {jaren_tekst(over)} overschreden, samen "
                                  f"{euro(float(per_jaar['overschreden'].sum()))} (gerealiseerd; zie de bevindingen)."))
        onbenut = float(rijen["onbenut"].sum())
        gerealiseerd = [j for j, _b, o, _x in per_jaar.iter_rows() if o > 0.5 and model.vanaf is not None
                        and j < model.vanaf]
        if gerealiseerd:  # what happened, happened: its reason is the realisation, not a row of the plan
            bedrag = float(per_jaar.filter(pl.col("jaar").is_in(gerealiseerd))["onbenut"].sum())
            zinnen.append((fonds, f"Van {fonds} bleef {euro(bedrag)} onbenut in {jaren_tekst(gerealiseerd)}. Reden: "
                                  "die jaren zijn gerealiseerd (--vanaf): er startten minder deelnemers dan het geld "
                                  "toeliet, en het plan kan dat niet meer veranderen."))
            onbenut -= bedrag
        if onbenut > 0.5:
            jaren = [j for j, _b, o, _x in per_jaar.iter_rows() if o > 0.5 and j not in gerealiseerd]
            if not jaren:
                reden = _reden_onbenut(oplossing, fonds, jaren)
                zinnen.append((fonds, f"Van {fonds} blijft {euro(onbenut)} onbenut (kleine bedragen, verspreid over "
                                      f"de jaren). {reden}"))
            einde = _zonder_nieuwe_starts(oplossing, fonds, jaren)
            delen = [deel for deel in (einde, [j for j in jaren if j not in einde]) if deel]
            for deel in sorted(delen):  # the end of the plan has its own reason; in order of the years
                bedrag = float(per_jaar.filter(pl.col("jaar").is_in(deel))["onbenut"].sum())
                reden = _reden_onbenut(oplossing, fonds, deel)
                zinnen.append((fonds, f"Van {fonds} blijft {euro(bedrag)} onbenut (in {jaren_tekst(deel)}). {reden}"))
    del model
    return zinnen


def _zonder_nieuwe_starts(oplossing: Oplossing, fonds: str, jaren: list[int]) -> list[int]:
    """The years of ``jaren`` in which no trajectory that ``fonds`` may pay can start without running
    past the plan (with doorloop_na_planperiode = nee): there its money can only pay earlier cohorts."""
    invoer = oplossing.model.invoer
    if invoer.doorloop or not oplossing.heeft("y"):
        return []
    cellen = oplossing.waarde("y")
    duren = [invoer.instrumenten[i].duur for i in set(cellen.filter(pl.col("fonds") == fonds)["instrument"].to_list())]
    return [jaar for jaar in jaren if duren and all(d > invoer.eind - jaar + 1 for d in duren)]


def _reden_onbenut(oplossing: Oplossing, fonds: str, jaren: list[int]) -> str:
    """Why money of a fund stays unused in ``jaren``: the first reason that applies."""
    invoer = oplossing.model.invoer
    y = oplossing.waarde("y").filter(pl.col("fonds") == fonds)
    if y.height == 0:
        return ("Reden: geen enkel instrument of doelgroep mag uit dit fonds worden betaald in de regio's en jaren "
                "waarvoor het budget heeft (blad Financieringsregels, of het vervaljaar).")
    # the end of the plan: in these years no trajectory that this fund may pay can still start
    if jaren and _zonder_nieuwe_starts(oplossing, fonds, jaren) == jaren:
        instrumenten = sorted(set(y["instrument"].to_list()))
        wat = opsomming([f"{i} duurt {invoer.instrumenten[i].duur} jaar" for i in instrumenten
                         if invoer.instrumenten[i].duur > 1])
        return (f"Reden: in {jaren_tekst(jaren)} kan geen traject meer starten dat dit fonds mag betalen ({wat}) "
                f"zonder na de planperiode door te lopen, en dat mag niet (doorloop_na_planperiode = nee in "
                f"Instellingen); het geld betaalt daar alleen de laatste jaren van eerdere trajecten.")
    if oplossing.duals_uit_relaxatie and oplossing.heeft("budget"):  # whole persons: is the money worth something?
        waardevol = oplossing.dual("budget").filter((pl.col("fonds") == fonds) & (pl.col("dual") > NUL)).height
        if waardevol:
            return ("Reden: het plan rekent met hele deelnemers. Met gebroken aantallen zou dit geld wel "
                    "plaatsingen opleveren; wat overblijft is te weinig voor nog een hele deelnemer die aan de "
                    "regels voldoet.")
    oorzaken = oorzaak_onbenut(oplossing, fonds)
    if oorzaken == (NIET_NAGEREKEND,):
        return ("Reden: niet nagerekend. Daarvoor moet het plan opnieuw worden doorgerekend met elke grens apart "
                "ruimer, en bij een model van deze omvang kost dat meer dan het plan zelf. Reken één "
                "arbeidsmarktregio apart door om de reden te zien.")
    if oorzaken:
        return "Reden: " + _oorzaakzin(oplossing, fonds, oorzaken)
    del invoer
    return ("Reden: meer uitgeven uit dit fonds levert binnen de regels geen extra plaatsingen op (ook niet als de "
            "band, een koppeling, een beleidsregel, het potentieel of de cofinanciering ruimer wordt).")


# the grenzen that can keep a fund's money unused, in the order a sentence names them; each is relaxed
# by itself (and, when none alone does it, together) and the plan re-solved: a cause is one whose
# relaxation makes the plan want the money. Other funds' budgets are not relaxed: their money would
# stand in for this one's
OORZAKEN = ("overgang", "koppeling", "beleidsregel", "potentieel", "cofinanciering")
GEBRUIKT = 1.0  # euros: less than this more spent is no difference
WAARDE = 1e-9  # weighted placements per euro: a shadow price below this is none


def _oorzaken(oplossing: Oplossing, alleen: set[str] | None = None) -> dict[str, tuple[str, ...]]:
    """:func:`oorzaken_onbenut` for every fund with money left (``alleen``: only these funds)."""
    from .onderbreking import in_kindprocessen
    from .solve import OPTIMAAL, Herberekening, financieringsvoorkeur

    model = oplossing.model
    if model.geheel or not model.heeft("budget"):
        return {}
    budget = model.sleutels_van("budget")
    fondsen = budget["fonds"].to_numpy()
    plan = budget["jaar"].to_numpy() >= (model.vanaf or model.invoer.start)

    vrij_nu = np.where(plan, model.ruimte("budget", oplossing.kolomwaarden), 0.0)
    met_geld = sorted({f for f, vrij in zip(fondsen, vrij_nu) if vrij > 0.5 and (alleen is None or f in alleen)})
    if not met_geld:
        return {}
    budget = oorzaakbudget(oplossing)
    if budget.resterend <= 0:
        return {f: (NIET_NAGEREKEND,) for f in met_geld}
    herberekening = Herberekening(model, oplossing.oplosser, budget=budget)
    start = oplossing.basis
    if start is None or not start.past(model, herberekening.oplosser):  # else: from the plan's own basis
        if herberekening.herbereken(tweede_fase=False).status != OPTIMAAL:
            return {f: (NIET_NAGEREKEND,) for f in met_geld} if budget.op else {}
        start = herberekening.basis()
    zoeker = _Oorzaakzoeker(herberekening, start, plan, fondsen, vrij_nu, model.doelsom(oplossing.kolomwaarden),
                            set(met_geld), None if model.elastisch else financieringsvoorkeur(model, stabiel=False))

    kandidaten = [f for f in OORZAKEN if oplossing.heeft(f) and oplossing.rijen(f).height]
    # each relaxation alone, in forked children on every core (independent re-solves from the plan's basis),
    # then counted against the budget in this order as if solved one after the other
    verruimingen = in_kindprocessen(_verruim, [(zoeker, (familie,), budget.resterend) for familie in kandidaten])
    verruimd = {(familie,): verruiming.tel(budget) for familie, verruiming in zip(kandidaten, verruimingen)}
    herberekening.budget = budget

    def gebruikt(fonds: str, families: tuple[str, ...]) -> bool:
        if families not in verruimd:
            verruimd[families] = _verruim(zoeker, families, budget.resterend).tel(budget)
        return fonds in verruimd[families]

    uitkomst: dict[str, tuple[str, ...]] = {}
    for fonds in met_geld:
        apart = tuple(f for f in kandidaten if gebruikt(fonds, (f,)))
        if budget.op:  # not every relaxation was re-solved: what was found is true, the absence of more is not known
            uitkomst[fonds] = apart or (NIET_NAGEREKEND,)
        elif apart:
            uitkomst[fonds] = apart
        elif len(kandidaten) > 1 and gebruikt(fonds, tuple(kandidaten)):  # together: drop what is not needed
            samen = list(kandidaten)
            for familie in kandidaten:
                zonder = tuple(f for f in samen if f != familie)
                if len(zonder) > 1 and gebruikt(fonds, zonder):
                    samen.remove(familie)
            uitkomst[fonds] = ("samen", *samen)  # true even if the budget ran out while dropping
        elif budget.op:
            uitkomst[fonds] = (NIET_NAGEREKEND,)
    return uitkomst


@dataclass
class _Oorzaakzoeker:
    """What every relaxation of :func:`_oorzaken` starts from: the plan's model loaded in a solver, its basis,
    and per budget row its fund and the money left. Numpy only: it goes to forked children."""

    herberekening: object  # solve.Herberekening
    start: object  # solve.Startbasis: the plan's basis
    plan: np.ndarray  # per budget row: in the plan years (not realised)
    fondsen: np.ndarray  # per budget row: its fund
    vrij_nu: np.ndarray  # per budget row: the money the plan leaves unused
    doel_nu: float  # the plan's objective
    met_geld: set[str]  # the funds asked about, with money left
    voorkeur: object  # solve.Voorkeur of the second phase without step (2), or None (made here: polars)


@dataclass
class _Verruiming:
    """What one relaxation gave (:func:`_verruim`) and the iterations its two solves used, so that they are
    counted against the budget afterwards (:meth:`tel`), in a fixed order, wherever they ran."""

    na_eerste: set[str]  # the funds that want their money after the first solve (none where it did not end optimal)
    eerste: int  # its simplex iterations
    eerste_op: bool  # it was stopped by the budget
    na_tweede: set[str] | None = None  # ... after the second phase, where one ran
    tweede: int = 0
    tweede_op: bool = False

    def tel(self, budget: Iteratiebudget) -> set[str]:
        """Count this against ``budget``; the funds, or what it would have given had the budget stopped it
        there (a solve that needs more than is left stops at that point, however far it went here)."""
        if budget.resterend <= 0:
            budget.op = True
            return set()
        if self.eerste_op or self.eerste > budget.resterend:
            budget.gebruik(budget.resterend, True)
            return set()
        budget.gebruik(self.eerste, False)
        if self.na_tweede is None:
            return self.na_eerste
        if self.tweede_op or self.tweede > budget.resterend or budget.resterend <= 0:
            budget.gebruik(max(budget.resterend, 0), True)
            return self.na_eerste
        budget.gebruik(self.tweede, False)
        return self.na_tweede


def _verruim(zoeker: _Oorzaakzoeker, families: tuple[str, ...], resterend: int) -> _Verruiming:
    """Re-solve the plan with ``families`` relaxed, from the plan's basis, within ``resterend`` iterations (here
    or in a forked child: the same loaded state either way): the funds whose unused money the plan then wants.
    It spends more of it (as the plan would: with the preferred split over funds, since which fund pays is
    not unique), or a budget row where the fund has money left gets a shadow price (more of it would give
    more placements)."""
    from .onderbreking import in_kind
    from .solve import OPTIMAAL

    herberekening = zoeker.herberekening
    if in_kind() and herberekening.oplosser == "highs":  # as solve._highs_hier: a thread pool of its own
        import highspy

        highspy._Highs.resetGlobalScheduler(False)
    if herberekening.opgelost:  # what a solve before left in the solver would change the iterations
        herberekening.terug_naar_begin()
    budget = herberekening.budget = Iteratiebudget(resterend)
    model = herberekening.model
    herberekening.pas_aan(model.verruimd(families))
    herberekening.zet_basis(zoeker.start)
    opgelost = herberekening.herbereken(tweede_fase=False, verruimd=True)
    eerste = resterend - budget.resterend
    if opgelost.status != OPTIMAAL:
        return _Verruiming(set(), eerste, budget.op)
    duals = model.van_rijen("budget", opgelost.duals)
    gewild = {f for f, nu, dual in zip(zoeker.fondsen, zoeker.vrij_nu, duals) if nu > 0.5 and dual > WAARDE}
    beter = model.doelsom(opgelost.waarden) > zoeker.doel_nu + 1e-9 * max(1.0, abs(zoeker.doel_nu))
    if gewild >= zoeker.met_geld or not beter:  # no more placements: what a fund spends then is happenstance
        return _Verruiming(gewild, eerste, False)
    # the split over funds decides whether this fund's money is used; which optimum is the steadiest
    # does not (step 2 skipped: one solve less per cause)
    opgelost = herberekening.herbereken(tweede_fase=True, stabiel=False, tweede_warm=False, voorkeur=zoeker.voorkeur)
    verruiming = _Verruiming(gewild, eerste, False, gewild, resterend - eerste - budget.resterend, budget.op)
    if opgelost.status == OPTIMAAL:
        vrij = np.where(zoeker.plan, model.ruimte("budget", opgelost.waarden), 0.0)
        fondsen, vrij_nu = zoeker.fondsen, zoeker.vrij_nu
        verruiming.na_tweede = gewild | {f for f in zoeker.met_geld
                                         if vrij_nu[fondsen == f].sum() - vrij[fondsen == f].sum() > GEBRUIKT}
    return verruiming


NIET_NAGEREKEND = "niet nagerekend"  # the re-solves for a fund's causes ran out of OORZAAK_ITERATIES
OORZAAK_ITERATIES = 100_000  # simplex iterations all re-solves of one plan's causes may use together, at least ...
OORZAAK_ITERATIES_PER_RIJ = 0.5  # ... or this many per row of the model, whichever is more


def oorzaakbudget(oplossing: Oplossing) -> Iteratiebudget:
    """The iterations left for re-solving ``oplossing`` with its limits relaxed (the causes of unused money and
    what the fairness floor costs share it): a Toelichting may cost about as much as the plan, not many times
    more (a degenerate model of 342 municipalities needed minutes per re-solve). Counted in iterations, so
    the same input gets the same Toelichting on every machine."""
    if "_oorzaakbudget" not in oplossing.__dict__:
        model = oplossing.model
        oplossing.__dict__["_oorzaakbudget"] = Iteratiebudget(
            max(OORZAAK_ITERATIES, int(OORZAAK_ITERATIES_PER_RIJ * model.aantal_rijen)))
    return oplossing.__dict__["_oorzaakbudget"]


def oorzaken_onbenut(oplossing: Oplossing) -> dict[str, tuple[str, ...]]:
    """Per fund with money left in the plan years: the grenzen (families of OORZAKEN) that keep it unused,
    found by re-solving the plan with each relaxed (warm, from the optimal basis): relaxing any one named
    makes the plan want the fund's money (it spends more of it, or a budget with money left gets a shadow
    price). ``('samen', ...)``: no single one does, these together do. A fund whose money no relaxation
    frees is absent. For whole participants: none (the LP's reasons)."""
    if "_oorzaken_onbenut" not in oplossing.__dict__:  # computed once per solution (a few warm re-solves)
        oplossing.__dict__["_oorzaken_onbenut"] = _oorzaken(oplossing)
    return oplossing.__dict__["_oorzaken_onbenut"]


def oorzaak_onbenut(oplossing: Oplossing, fonds: str) -> tuple[str, ...] | None:
    """:func:`oorzaken_onbenut` for one fund only (what the Toelichting asks: fewer re-solves)."""
    bekend = oplossing.__dict__.setdefault("_oorzaak_per_fonds", {})
    if "_oorzaken_onbenut" in oplossing.__dict__:
        return oplossing.__dict__["_oorzaken_onbenut"].get(fonds)
    if fonds not in bekend:
        bekend[fonds] = _oorzaken(oplossing, {fonds}).get(fonds)
    return bekend[fonds]


OORZAAK_TEKST = {
    "overgang": "de overgang houdt elk instrument binnen de band rond de huidige verdeling (max_verschuiving); "
                "een bredere band laat dit geld wel gebruiken",
    "koppeling": "elke euro uit dit fonds moet worden gematcht (Koppelingen) en de partner kan niet meer matchen",
    "beleidsregel": "een beleidsregel houdt het plan tegen (Beleidsregels)",
    "potentieel": "het potentieel van de doelgroepen waarvoor dit fonds mag betalen is op; meer geld levert daar "
                  "geen extra deelnemers op",
    "cofinanciering": "een fonds mag maar een deel van de kosten betalen (cofinanciering) en voor de rest is niet "
                      "genoeg ander geld",
}


def _oorzaakzin(oplossing: Oplossing, fonds: str, oorzaken: tuple[str, ...]) -> str:
    if oorzaken[0] == "samen":
        return ("grenzen die samen dit geld vasthouden: " + "; ".join(_oorzaak_precies(oplossing, fonds, f)
                                                                     for f in oorzaken[1:])
                + ". Pas als ze allemaal ruimer worden, levert dit geld meer plaatsingen op.")
    return opsomming([_oorzaak_precies(oplossing, fonds, f) for f in oorzaken]) + "."


def _oorzaak_precies(oplossing: Oplossing, fonds: str, familie: str) -> str:
    """The sentence for one cause, with the names of what binds where the solution says so."""
    if familie == "koppeling":
        gematcht = oplossing.dual("koppeling").filter((pl.col("fonds") == fonds) & (pl.col("dual").abs() > NUL))
        if gematcht.height:
            partners = sorted(set(gematcht["partner"].to_list()))
            namen = opsomming(sorted({"'" + k.split(" [")[0] + "'" for k in gematcht["koppeling"].to_list()}))
            return (f"elke euro uit dit fonds moet door {' en '.join(partners)} worden gematcht (koppeling {namen}, "
                    f"{nl(max(gematcht['verhouding'].to_list()))} x) en die kan niet meer matchen")
    if familie == "beleidsregel":
        bindend = [regel for regel, rij in oplossing.regels().select("regel", "rij").iter_rows()
                   if rij is not None and abs(oplossing.rijduals[rij]) > NUL]
        if bindend:
            return f"beleidsregel {opsomming(sorted({repr(r) for r in bindend}))} houdt het plan tegen"
    if familie == "cofinanciering":
        op = sorted(set(oplossing.dual("budget").filter((pl.col("fonds") != fonds) & (pl.col("dual") > NUL))
                        ["fonds"].to_list()))
        wie = f" ({opsomming(op)} {'is' if len(op) == 1 else 'zijn'} volledig besteed)" if op else ""
        eigen = (oplossing.dual("cofinanciering").filter((pl.col("fonds") == fonds) & (pl.col("dual").abs() > NUL))
                 if oplossing.heeft("cofinanciering") else None)
        if eigen is not None and eigen.height:  # its own cap binds: the rest of those costs is other funds' money
            aandelen = oplossing.waarde("y", "max_aandeel").filter(pl.col("fonds") == fonds)["max_aandeel"]
            aandeel = max(aandelen.to_list())
            return (f"dit fonds betaalt ten hoogste {procent(aandeel)} van de kosten (cofinanciering), en er is "
                    f"niet genoeg ander geld om de rest te betalen{wie}")
        return OORZAAK_TEKST["cofinanciering"] + wie
    return OORZAAK_TEKST[familie]


def _beste_euro(oplossing: Oplossing) -> list[tuple[str, str]]:
    frame = schaduwprijzen(oplossing)
    if frame.height == 0 or frame["extra_plaatsingen_per_100k"][0] <= NUL:
        return [("schaduwprijzen", "Geen enkel budget is beperkend: extra geld levert geen extra plaatsingen op.")]
    fonds, regio, jaar, waarde, van, tot = frame.row(0)
    # a landelijk pot is shared by every region of the workbook (all of the Netherlands, or a region's sub-regions)
    waar = "de gedeelde pot (alle regio's in dit werkboek)" if regio == LANDELIJK else regio
    if oplossing.model.invoer.gemeenten and regio in oplossing.model.invoer.gemeenten:
        waar = f"de gemeente {regio}"
    return [("schaduwprijzen", (
        f"De meeste extra plaatsingen per extra euro levert {fonds} in {waar} in {jaar}: "
        f"{getal(round(waarde, 2)) if waarde >= 1 else nl(round(waarde, 3))} gewogen plaatsingen "
        f"per € 100.000 extra budget{_geldig(van, tot)}."))]


def _geldig(van: float | None, tot: float | None) -> str:
    """Where a price holds, as a council reads it: ' (geldig tot een budget van € 31,2 mln)'."""
    if van is None:  # no basis kept: no range
        return ""
    if tot is None:
        return f" (geldig vanaf een budget van {euro_kort(van)}, zonder bovengrens)"
    return f" (geldig bij een budget van {euro_kort(van)} tot {euro_kort(tot)})"


def _potentieelzinnen(oplossing: Oplossing) -> list[tuple[str, str]]:
    totaal, op = defaultdict(int), defaultdict(int)
    if not oplossing.heeft("potentieel"):
        return []
    eenheid = "gemeente" if oplossing.model.invoer.gemeenten else "regio"
    for _r, g, _t, dual in oplossing.dual("potentieel").iter_rows():
        totaal[g] += 1
        if dual > NUL:
            op[g] += 1
    return [
        ("potentieel", f"Het potentieel van de doelgroep {g} is in {op[g]} van de {totaal[g]} combinaties van "
                       f"{eenheid} en jaar volledig benut: daar zou meer potentieel meer plaatsingen opleveren.")
        for g in totaal if op[g]
    ]


def _instrumentzinnen(oplossing: Oplossing) -> list[tuple[str, str]]:
    zinnen = []
    for drempel in drempels(oplossing):
        grens = [(nodig - kans, groep, kans, nodig) for groep, (kans, nodig) in drempel.kansen.items()
                 if nodig is not None and nodig <= 1]
        grens.sort()
        if grens and grens[0][0] < 1e-6:
            zinnen.append((drempel.instrument, (
                f"Instrument '{drempel.instrument}' wordt niet ingezet, maar is even goed als wat wel wordt "
                f"ingezet: elke verbetering van de plaatsingskans (nu {procent(grens[0][2])} voor {grens[0][1]}) "
                f"of van de kosten (nu {euro(drempel.kosten)} per deelnemer per jaar) brengt het in het plan.")))
            continue
        delen = [f"een plaatsingskans boven {procent(nodig)} voor {groep} (nu {procent(kans)})"
                 for _stap, groep, kans, nodig in grens[:3]]
        if drempel.kosten_drempel is not None:
            delen.append(f"kosten onder {euro(drempel.kosten_drempel)} per deelnemer per jaar "
                         f"(nu {euro(drempel.kosten)})")
        if delen:
            zinnen.append((drempel.instrument, (
                f"Instrument '{drempel.instrument}' wordt niet ingezet. Het zou worden ingezet bij "
                f"{' of bij '.join(delen)}.")))
        elif not any(i == drempel.instrument for i, _g in oplossing.model.invoer.effecten):
            zinnen.append((drempel.instrument, (
                f"Instrument '{drempel.instrument}' wordt niet ingezet: het blad Effecten noemt geen enkele "
                "doelgroep voor dit instrument, dus niemand mag eraan deelnemen.")))
        else:
            zinnen.append((drempel.instrument, (
                f"Instrument '{drempel.instrument}' wordt niet ingezet, en zou ook bij een plaatsingskans van 100% "
                f"niet worden ingezet: andere grenzen (potentieel, beleidsregels of financiering) houden het tegen.")))
    return zinnen


def _regelzinnen(oplossing: Oplossing, beleidsregels: pl.DataFrame) -> list[tuple[str, str]]:
    prijzen = regelprijzen(oplossing, beleidsregels)
    per_regel: dict[str, list[tuple]] = defaultdict(list)
    regels = oplossing.regels()
    namen = dict(zip(regels["omschrijving"], regels["regel"]))
    for rij in prijzen.iter_rows(named=True):
        per_regel[namen[rij["regel"]]].append(rij)
    totaal = defaultdict(int)
    for regel in regels["regel"]:
        totaal[regel] += 1
    zinnen = []
    for naam, rijen in per_regel.items():
        beste = max(rijen, key=lambda r: r["winst_per_eenheid"])
        eenheid = beste["eenheid"]
        stap = eenheid if eenheid.startswith("€") else "één " + eenheid
        winst = beste["winst_per_eenheid"]
        if beste["operator"] == ">=":
            hoe = f"{stap} minder als ondergrens"
        elif beste["operator"] == "<=":
            hoe = f"{stap} ruimer als bovengrens"
        else:
            hoe = f"de grens {stap} {'hoger' if beste['versoepeling'] == 'grens verhogen' else 'lager'}"
        waar = "" if totaal[naam] == 1 else f" in {len(rijen)} van de {totaal[naam]} gevallen"
        zinnen.append((naam, (
            f"Beleidsregel '{naam}' is bindend{waar}. De regel kost plaatsingen: {hoe} levert tot "
            f"{_klein_getal(winst)} gewogen plaatsingen op"
            f"{' (in ' + beste['regel'] + ')' if totaal[naam] > 1 else ''}.")))
    return zinnen
