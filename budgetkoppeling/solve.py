"""Solve a built model with HiGHS or CBC; explain an infeasible one down to the euro."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pulp

from .errors import BudgetkoppelingFout, GeenOplossing
from .io import stille_stdout
from .model import Model, bouw
from .tekst import euro, getal

# `auto` picks HiGHS for small models and Clp (through PuLP's CBC) for large LPs,
# where bench measurements (issue 6) show Clp well ahead of HiGHS' default simplex.
GROTE_MODEL_VARIABELEN = 100_000


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


def kies_oplosser(model: Model, gevraagd: str) -> str:
    if gevraagd != "auto":
        return gevraagd
    if len(model.probleem.variables()) >= GROTE_MODEL_VARIABELEN and not model.probleem.isMIP():
        return "cbc"
    return "highs"


def _oplosser(naam: str, mip: bool):
    if naam == "highs":
        return pulp.HiGHS(msg=False, mip=mip)
    return pulp.PULP_CBC_CMD(msg=False, mip=mip, _skip_v4_deprecation=True)


def oplosser_versie(naam: str) -> str:
    if naam == "highs":
        import highspy

        return f"HiGHS {highspy.Highs().version()}"
    return f"CBC (PuLP {pulp.__version__})"


def _los_op(model: Model, naam: str) -> int:
    oplosser = _oplosser(naam, mip=model.probleem.isMIP())
    with stille_stdout():
        return model.probleem.solve(oplosser)


def los_op(model: Model, gevraagd: str = "auto") -> Oplossing:
    """Solve ``model``; raise :class:`GeenOplossing` with a diagnosis when it has no plan."""
    naam = kies_oplosser(model, gevraagd)
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

    def waarden(variabelen: dict) -> dict:
        # all variables are >= 0: a tiny negative or positive value is solver noise
        return {sleutel: _schoon(v.varValue) for sleutel, v in variabelen.items()}

    return Oplossing(
        model=model, status="optimaal", oplosser=naam, oplosser_versie=oplosser_versie(naam),
        doelwaarde=pulp.value(model.probleem.objective) or 0.0, seconden=seconden,
        x=waarden(model.x), k=waarden(model.k), y=waarden(model.y), c=waarden(model.c),
    )


def _schoon(waarde: float | None) -> float:
    return 0.0 if waarde is None or waarde < 1e-9 else float(waarde)


def diagnose(model: Model, naam: str) -> GeenOplossing:
    """Re-solve with penalised shortfall on every budget and rule and name what falls short."""
    elastisch = bouw(model.invoer, geheel=model.probleem.isMIP(), elastisch=True)
    status = _los_op(elastisch, naam)
    if pulp.LpStatus[status] != "Optimal":
        return GeenOplossing("Er is geen plan mogelijk, en de oorzaak kon niet worden bepaald.")
    tekorten = []
    omgekeerd = {rijnaam: sleutel for sleutel, rijnaam in elastisch.budgetrijen.items()}
    regels = {regel.naam: regel for regel in elastisch.regels}
    for rijnaam, variabele in elastisch.tekort.items():
        waarde = variabele.varValue or 0.0
        if rijnaam == "__nul" or waarde <= 1e-6:
            continue
        if rijnaam in omgekeerd:
            fonds, regio, jaar = omgekeerd[rijnaam]
            tekorten.append({
                "soort": "budget", "fonds": fonds, "regio": regio or "landelijk", "jaar": jaar,
                "tekort": waarde,
                "tekst": f"Fonds '{fonds}', regio '{regio or 'landelijk'}', jaar {jaar}: "
                         f"er ontbreekt {euro(waarde)} (verplichtingen en vereiste uitgaven zijn "
                         f"hoger dan het budget).",
            })
        else:
            basis, _, richting = rijnaam.rpartition("_")
            regel = regels[basis]
            eenheid = {"deelnemers": "deelnemers", "uitgaven": "euro", "plaatsingen": "plaatsingen"}[
                regel.regel.grootheid]
            hoe = "haalt het minimum niet" if richting == "min" else "komt boven het maximum"
            tekorten.append({
                "soort": "beleidsregel", "regel": regel.omschrijving, "tekort": waarde,
                "tekst": f"Beleidsregel '{regel.omschrijving}' ({regel.regel.grootheid} "
                         f"{regel.regel.operator} {getal(regel.regel.waarde)}) {hoe}: "
                         f"het verschil is {getal(waarde)} {eenheid}.",
            })
    regels_tekst = "\n".join(f"- {t['tekst']}" for t in tekorten)
    melding = (
        "Er is geen plan dat aan alle budgetten en beleidsregels voldoet. "
        "Het kleinste tekort dat het oplost:\n" + regels_tekst
    )
    return GeenOplossing(melding, tekorten)
