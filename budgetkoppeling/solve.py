"""Solve a built model with HiGHS or CBC; explain an infeasible one down to the euro."""

from __future__ import annotations

import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import pulp

from .errors import BudgetkoppelingFout, GeenOplossing
from .io import stille_stdout
from .model import Model, bouw
from .tekst import euro, euro_precies, getal

# `auto` picks HiGHS's dual simplex for small models and Clp (CBC's LP solver) for large LPs, as
# measured end to end (bench/README.md): HiGHS faster at 83,000 and 149,000 variables (solve stage
# 1.2 s against 1.6 s, 2.7 s against 4.4 s: Clp also pays for the MPS file), equal at 342,000
# (8.7 s and 8.8 s), Clp at 934,000 (Clp 38 s; HiGHS dual simplex 181 s, interior point 146 s).
GROTE_MODEL_VARIABELEN = 300_000
CLP_OPTIES = ("-primalTolerance", "1e-9", "-dualTolerance", "1e-9")


@dataclass
class Oplossing:
    """Variable values of a solved model, with how it was solved."""

    model: Model
    status: str
    oplosser: str
    oplosser_versie: str
    doelwaarde: float
    seconden: float
    x: dict = field(default_factory=dict)
    k: dict = field(default_factory=dict)
    y: dict = field(default_factory=dict)
    c: dict = field(default_factory=dict)
    # d(objective)/d(right-hand side) per constraint name, in one sign convention whatever
    # the solver (a maximisation: a binding <= row has dual >= 0)
    duals: dict[str, float] = field(default_factory=dict)
    duals_uit_relaxatie: bool = False  # with --geheel: the LP with the whole participants fixed


def kies_oplosser(model: Model, gevraagd: str) -> str:
    if gevraagd != "auto":
        return gevraagd
    if len(model.kolommen()) >= GROTE_MODEL_VARIABELEN and not model.geheel:
        return "cbc"
    return "highs"


def oplosser_versie(naam: str) -> str:
    if naam == "highs":
        import highspy

        return f"HiGHS {highspy.Highs().version()}"
    return f"CBC (PuLP {pulp.__version__})"


def _los_op(model: Model, naam: str) -> int:
    if naam == "highs":
        return _los_op_met_highs(model.probleem, model.kolommen())
    return _los_op_met_cbc(model.probleem, model.kolommen())


def _matrix(probleem: pulp.LpProblem, variabelen: list[pulp.LpVariable], minimaliseer: bool = False):
    """The PuLP problem as one HiGHS model (rows as a sparse matrix), built in one pass.

    ``variabelen`` are the columns in order (``Model.kolommen``). ``minimaliseer`` negates a
    maximisation's objective (for solvers fed through a file). Returns the rows in the order of
    the matrix, and the ``HighsLp``.
    """
    import highspy
    import numpy as np

    kolom = _kolomzoeker(variabelen)
    rijen = list(probleem.constraints())
    start = np.zeros(len(rijen) + 1, dtype=np.int64)
    termen = array("Q")  # id() of every term's variable, row after row
    waarde = array("d")
    onder = np.empty(len(rijen))
    boven = np.empty(len(rijen))
    oneindig = highspy.kHighsInf
    for r, rij in enumerate(rijen):
        termen.extend(map(id, rij))
        waarde.extend(rij.values())
        start[r + 1] = len(termen)
        rechts = -rij.constant
        onder[r] = rechts if rij.sense != pulp.LpConstraintLE else -oneindig
        boven[r] = rechts if rij.sense != pulp.LpConstraintGE else oneindig
    index = kolom(np.frombuffer(termen, dtype=np.uint64))
    del termen
    maximaliseer = probleem.sense == pulp.LpMaximize
    doel = np.zeros(len(variabelen))
    if probleem.objective:
        ids = np.fromiter(map(id, probleem.objective), dtype=np.uint64, count=len(probleem.objective))
        teken = -1.0 if maximaliseer and minimaliseer else 1.0
        doel[kolom(ids)] = teken * np.fromiter(probleem.objective.values(), dtype=np.float64, count=len(ids))

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(variabelen), len(rijen)
    lp.sense_ = highspy.ObjSense.kMaximize if maximaliseer and not minimaliseer else highspy.ObjSense.kMinimize
    lp.col_cost_ = doel
    lp.col_lower_ = np.array([-oneindig if v.lowBound is None else v.lowBound for v in variabelen])
    lp.col_upper_ = np.array([oneindig if v.upBound is None else v.upBound for v in variabelen])
    lp.row_lower_, lp.row_upper_ = onder, boven
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = np.frombuffer(waarde, dtype=np.float64)
    if _geheel(variabelen):
        soort = {pulp.LpInteger: highspy.HighsVarType.kInteger}
        lp.integrality_ = [soort.get(v.cat, highspy.HighsVarType.kContinuous) for v in variabelen]
    return rijen, lp


def _kolomzoeker(variabelen: list[pulp.LpVariable]):
    """A function from an array of ``id()``s of variables to their column numbers (int32).

    Sorted ids and a binary search instead of a dict {id: column}: at 934,000 columns the dict
    took about 100 MB and a lookup per term (bench/README.md). A variable that is not a column
    is a bug in the model: it raises.
    """
    import numpy as np

    ids = np.fromiter(map(id, variabelen), dtype=np.uint64, count=len(variabelen))
    volgorde = np.argsort(ids)
    gesorteerd = ids[volgorde]

    def kolom(gezocht):
        plek = np.searchsorted(gesorteerd, gezocht)
        if not (plek < len(gesorteerd)).all() or not np.array_equal(gesorteerd[plek], gezocht):
            raise ValueError("een variabele in het model is geen kolom van de matrix")
        return volgorde[plek].astype(np.int32)

    return kolom


def _geheel(variabelen: list[pulp.LpVariable]) -> bool:
    """Whether any column is integer (false again once ``los_op`` fixed a MIP's whole participants)."""
    return any(v.cat == pulp.LpInteger for v in variabelen)


def _zet_oplossing(probleem, variabelen, rijen, waarden, duals, status: int) -> int:
    """Write values and duals (d objective / d right-hand side) back onto PuLP's variables and rows."""
    for v, x in zip(variabelen, waarden):
        v.varValue = x
    for rij, d in zip(rijen, duals):
        rij.pi = d
    probleem.status = status
    return status


def _los_op_met_highs(probleem: pulp.LpProblem, variabelen: list[pulp.LpVariable]) -> int:
    """Hand the PuLP problem to HiGHS as one sparse matrix (PuLP's own interface adds it row by
    row); HiGHS's dual simplex."""
    import highspy

    rijen, lp = _matrix(probleem, variabelen)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    with stille_stdout():
        h.passModel(lp)
        del lp
        h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:  # presolve could not tell: ask again
        h.setOptionValue("presolve", "off")
        with stille_stdout():
            h.run()
        status = h.getModelStatus()
    uitkomst = {
        highspy.HighsModelStatus.kOptimal: pulp.LpStatusOptimal,
        highspy.HighsModelStatus.kModelEmpty: pulp.LpStatusOptimal,
        highspy.HighsModelStatus.kInfeasible: pulp.LpStatusInfeasible,
        highspy.HighsModelStatus.kUnboundedOrInfeasible: pulp.LpStatusInfeasible,
        highspy.HighsModelStatus.kUnbounded: pulp.LpStatusUnbounded,
    }.get(status, pulp.LpStatusNotSolved)
    if uitkomst != pulp.LpStatusOptimal:
        probleem.status = uitkomst
        return uitkomst
    oplossing = h.getSolution()
    return _zet_oplossing(probleem, variabelen, rijen, oplossing.col_value,
                          oplossing.row_dual if oplossing.dual_valid else [None] * len(rijen), uitkomst)


def _los_op_met_cbc(probleem: pulp.LpProblem, variabelen: list[pulp.LpVariable]) -> int:
    """CBC (Clp for an LP) from PuLP's bundle, fed an MPS file that HiGHS writes from the matrix
    (PuLP's own writer builds the file in Python); the solution is read back by position."""
    import subprocess
    import tempfile

    import highspy

    rijen, lp = _matrix(probleem, variabelen, minimaliseer=True)
    if not variabelen:
        return _zet_oplossing(probleem, [], [], [], [], pulp.LpStatusOptimal)
    with tempfile.TemporaryDirectory(prefix="budgetkoppeling-") as map_:
        mps, oplossing, getallen = Path(map_) / "model.mps", Path(map_) / "model.sol", Path(map_) / "model.bin"
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        with stille_stdout():
            h.passModel(lp)
            del lp  # HiGHS holds its own copy: free ours before the file is written
            h.writeModel(str(mps))
        del h
        # tolerances 1e-9 instead of 1e-7: measured (bench/README.md) both exact to 1e-6 and faster
        # the values in full precision from the binary file (the text file prints 8 digits: cents
        # of a million-euro budget went missing); the text file only for the status line
        opdracht = [pulp.PULP_CBC_CMD(_skip_v4_deprecation=True).path, str(mps), *CLP_OPTIES,
                    "-solve" if _geheel(variabelen) else "-initialSolve", "-saveSolution", str(getallen),
                    "-printMask", "geen.enkele.naam", "-solution", str(oplossing)]
        subprocess.run(opdracht, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if not oplossing.exists():
            raise BudgetkoppelingFout("De oplosser CBC gaf geen oplossing terug.")
        with oplossing.open() as bestand:
            kop = bestand.readline()
            if kop.startswith("Optimal"):
                status = pulp.LpStatusOptimal
            elif "nfeasible" in kop:
                status = pulp.LpStatusInfeasible
            elif kop.startswith("Unbounded"):
                status = pulp.LpStatusUnbounded
            else:
                status = pulp.LpStatusNotSolved
        if status != pulp.LpStatusOptimal:
            probleem.status = status
            return status
        if not getallen.exists():
            raise BudgetkoppelingFout("De oplosser CBC gaf geen oplossing terug.")
        duals, waarden = _lees_cbc_oplossing(getallen, len(rijen), len(variabelen))
    if probleem.sense == pulp.LpMaximize:  # the file holds the minimisation of -doel
        duals = -duals
    return _zet_oplossing(probleem, variabelen, rijen, waarden, duals, status)


def _lees_cbc_oplossing(pad: Path, rijen: int, kolommen: int):
    """CBC's binary solution file (``-saveSolution``): the numbers of rows and columns (int), the
    objective, then row activities, row duals, column values and reduced costs (double)."""
    import numpy as np

    with pad.open("rb") as bestand:
        aantallen = np.fromfile(bestand, dtype=np.intc, count=2)
        getallen = np.fromfile(bestand, dtype=np.float64)[1:]  # after the objective
    if tuple(aantallen) != (rijen, kolommen) or len(getallen) != 2 * (rijen + kolommen):
        raise BudgetkoppelingFout("De oplossing van CBC past niet bij het model.")
    return getallen[rijen:2 * rijen], getallen[2 * rijen:2 * rijen + kolommen]


def los_op(model: Model, gevraagd: str = "auto") -> Oplossing:
    """Solve ``model``; raise :class:`GeenOplossing` with a diagnosis when it has no plan."""
    naam = kies_oplosser(model, gevraagd)
    fout = voorcontrole(model)
    if fout is not None:
        raise fout
    begin = time.perf_counter()
    status = _los_op(model, naam)
    seconden = time.perf_counter() - begin
    status_naam = pulp.LpStatus[status]
    if status_naam == "Infeasible":
        raise diagnose(model, naam)
    if status_naam != "Optimal":
        raise BudgetkoppelingFout(
            f"De oplosser {naam} gaf geen optimale oplossing (status: {status_naam})."
        )
    doelwaarde = pulp.value(model.probleem.objective) or 0.0
    relaxatie = model.geheel
    if relaxatie:  # duals come from the LP with the whole participants fixed
        for variabele in model.x.values():
            waarde = round(variabele.varValue or 0.0)
            variabele.cat = pulp.LpContinuous
            variabele.lowBound = variabele.upBound = waarde
        if pulp.LpStatus[_los_op(model, naam)] != "Optimal":
            raise BudgetkoppelingFout("Het herberekenen van de schaduwprijzen bij hele deelnemers mislukte.")
    duals = _dualen(model)

    def waarden(variabelen: dict) -> dict:
        # all variables are >= 0: a tiny negative or positive value is solver noise
        return {sleutel: _schoon(v.varValue) for sleutel, v in variabelen.items()}

    return Oplossing(
        model=model, status="optimaal", oplosser=naam, oplosser_versie=oplosser_versie(naam),
        doelwaarde=doelwaarde, seconden=seconden,
        x=waarden(model.x), k=waarden(model.k), y=waarden(model.y), c=waarden(model.c),
        duals=duals, duals_uit_relaxatie=relaxatie,
    )


def _dualen(model: Model) -> dict[str, float]:
    """Duals by row name: d(objective)/d(right-hand side), in one convention for HiGHS and CBC
    (a maximisation: a binding <= row has dual >= 0)."""
    return {constraint.name: constraint.pi or 0.0 for constraint in model.probleem.constraints()}


def _schoon(waarde: float | None) -> float:
    return 0.0 if waarde is None or waarde < 1e-9 else float(waarde)


def voorcontrole(model: Model) -> GeenOplossing | None:
    """The obvious conflicts, found without solving: commitments above a year's budget that no
    carry-over can cover, and a minimum rule that no cell can meet."""
    invoer = model.invoer
    tekorten = []
    for (fonds, regio, jaar), verplicht in sorted(invoer.verplichtingen.items(), key=lambda kv: str(kv[0])):
        budget = invoer.budget.get((fonds, regio, jaar), 0.0)
        kan_erbij = jaar > invoer.start and invoer.fondsen[fonds].overheveling > 0
        if verplicht > budget + 1e-9 and not kan_erbij:
            info = {"soort": "budget", "fonds": fonds, "regio": regio or "landelijk", "jaar": jaar}
            tekorten.append({**info, "tekort": verplicht - budget, "tekst": tekort_tekst(info, verplicht - budget)})
    for regel in model.lege_regels:
        if regel.regel.operator in (">=", "=") and regel.regel.waarde > 0:
            info = {"soort": "beleidsregel", "regel": regel.omschrijving, "richting": "min"}
            tekorten.append({**info, "tekort": regel.regel.waarde, "tekst": (
                f"Beleidsregel '{regel.omschrijving}' ({regel.regel.grootheid} {regel.regel.operator} "
                f"{getal(regel.regel.waarde)}) kan niet worden gehaald: geen enkele combinatie van regio, instrument, "
                "doelgroep en jaar valt onder de regel (of er is daar geen potentieel).")})
    if not tekorten:
        return None
    return GeenOplossing(
        "Er is geen plan dat aan alle budgetten en beleidsregels voldoet:\n"
        + "\n".join(f"- {t['tekst']}" for t in tekorten), tekorten)


def diagnose(model: Model, naam: str) -> GeenOplossing:
    """Re-solve with penalised shortfall on every budget and rule and name what falls short,
    and which other budgets and rules take part in the conflict (non-zero duals)."""
    elastisch = bouw(model.invoer, geheel=model.geheel, elastisch=True, vast=model.vast)
    status = _los_op(elastisch, naam)
    if pulp.LpStatus[status] != "Optimal":
        return GeenOplossing("Er is geen plan mogelijk, en de oorzaak kon niet worden bepaald.")
    tekorten = [
        {**info, "tekort": waarde, "tekst": tekort_tekst(info, waarde)}
        for rijnaam, info in elastisch.tekort_info.items()
        if (waarde := _schoon(elastisch.tekort[rijnaam].varValue)) > 1e-6
    ]
    tekorten += [{**info, "tekst": tekort_tekst(info, info["tekort"])} for info in elastisch.onmogelijk]
    for tekort in tekorten:  # plain data for JSON
        if "regel" in tekort and not isinstance(tekort["regel"], str):
            tekort["regel"] = tekort["regel"].omschrijving
    betrokken = [] if elastisch.geheel else _betrokken(elastisch, naam, tekorten)
    melding = (
        "Er is geen plan dat aan alle budgetten en beleidsregels voldoet. "
        "Het kleinste tekort dat het oplost:\n" + "\n".join(f"- {t['tekst']}" for t in tekorten)
    )
    if betrokken:
        melding += "\nDaarbij spelen ook mee:\n" + "\n".join(f"- {b}" for b in betrokken)
    return GeenOplossing(melding, tekorten, betrokken)


def _betrokken(elastisch: Model, naam: str, tekorten: list[dict]) -> list[str]:
    """The limits that hold the shortfall up: rows of the elastic model with a non-zero dual."""
    duals = _dualen(elastisch)
    per_naam = {rijnaam: sleutel for sleutel, rijnaam in elastisch.rijen.items()}
    regels = {regel.naam: regel for regel in elastisch.regels}
    genoemd = {t.get("regel") for t in tekorten}
    budgetten = {(t.get("fonds"), t.get("regio"), t.get("jaar")) for t in tekorten if t["soort"] == "budget"}
    zinnen: dict[str, None] = {}
    for rijnaam, dual in duals.items():
        if abs(dual) <= 1e-9:
            continue
        if rijnaam in regels and regels[rijnaam].omschrijving not in genoemd:
            regel = regels[rijnaam]
            zinnen[f"Beleidsregel '{regel.omschrijving}' ({regel.regel.grootheid} {regel.regel.operator} "
                   f"{getal(regel.regel.waarde)})."] = None
        elif rijnaam in per_naam:
            familie, *sleutel = per_naam[rijnaam]
            if familie == "cofinanciering":
                fonds, _r, instrument, doelgroep, _t = sleutel
                aandeel = elastisch.max_aandeel[(fonds, instrument, doelgroep)]
                zinnen[f"Fonds '{fonds}' betaalt ten hoogste {getal(round(100 * aandeel, 1))}% van de kosten van "
                       f"{instrument} voor {doelgroep} (cofinanciering); de rest moet uit een ander fonds "
                       "komen."] = None
            elif familie == "potentieel":
                regio, doelgroep, _t = sleutel
                zinnen[f"Het potentieel van {doelgroep} in {regio} is te klein."] = None
    for (fonds, regio, jaar), rijnaam in elastisch.budgetrijen.items():
        if abs(duals.get(rijnaam, 0.0)) > 1e-9 and (fonds, regio or "landelijk", jaar) not in budgetten:
            zinnen[f"Het budget van fonds '{fonds}' ({regio or 'landelijk'}, {jaar}) is volledig nodig."] = None
    return list(zinnen)[:12]


def tekort_tekst(info: dict, waarde: float) -> str:
    """One Dutch sentence for a shortfall of the elastic model."""
    soort = info["soort"]
    if soort == "budget":
        return (f"Fonds '{info['fonds']}', regio '{info['regio']}', jaar {info['jaar']}: er ontbreekt "
                f"{euro_precies(waarde)} (verplichtingen en vereiste uitgaven zijn hoger dan het budget).")
    if soort == "beleidsregel":
        regel = info["regel"]
        eenheid = {"deelnemers": "deelnemers", "uitgaven": "euro", "plaatsingen": "plaatsingen"}[
            regel.regel.grootheid]
        hoe = "haalt het minimum niet" if info["richting"] == "min" else "komt boven het maximum"
        return (f"Beleidsregel '{regel.omschrijving}' ({regel.regel.grootheid} {regel.regel.operator} "
                f"{getal(regel.regel.waarde)}) {hoe}: het verschil is {getal(waarde)} {eenheid}.")
    cel = f"regio '{info['regio']}', doelgroep '{info['doelgroep']}', jaar {info['jaar']}"
    if soort == "potentieel":
        if "instrument" in info:
            return (f"Instrument '{info['instrument']}', {cel}: {getal(waarde)} deelnemers, "
                    "maar er is geen potentieel voor deze doelgroep in dat jaar.")
        return f"Potentieel, {cel}: {getal(waarde)} deelnemers meer dan het potentieel."
    if soort == "looptijd":
        return (f"Instrument '{info['instrument']}', {cel}: {getal(waarde)} deelnemers starten een traject "
                "dat na de planperiode doorloopt, wat niet is toegestaan (doorloop_na_planperiode = nee).")
    return (f"Instrument '{info['instrument']}', {cel}: {euro(waarde)} aan kosten mag door geen enkel "
            "fonds worden betaald (Financieringsregels, vervaljaar of budget in de regio).")
