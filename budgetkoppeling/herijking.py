"""Herijking (``optimaliseer --vanaf JAAR``): the mid-period re-plan of the yearly budget cycle.

The years before JAAR are fixed to what happened (sheets Realisatie and Realisatie_uitgaven,
family ``realisatie`` in :mod:`budgetkoppeling.model`); only the later years are optimised,
with the money that is left. What the realised years broke (a budget overspent, a rule
missed, a fund total the realised cells cannot match, more starts than the potential) is
reported as a finding with its amount (:func:`bevindingen`), not as an infeasible plan.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np

from .errors import InvoerFout, Probleem
from .tekst import euro_precies, getal, jaren_tekst
from .validate import Invoer

NUL = 1e-6
# below these, a finding is the rounding of realised figures typed into a workbook, not an overspend
DREMPEL_EURO = 0.5
DREMPEL_AANTAL = 1e-3


def herijk(invoer: Invoer, vanaf: int | None) -> Invoer:
    """``invoer`` re-planned from ``vanaf`` on: the years before are realised. ``vanaf`` None or the
    first plan year: the ordinary plan."""
    if vanaf is None:
        return invoer
    if not invoer.start <= vanaf <= invoer.eind:
        raise InvoerFout([Probleem("Instellingen", None, "waarde", str(vanaf),
                                   f"--vanaf {vanaf} ligt buiten de planperiode {invoer.start}-{invoer.eind}; kies "
                                   "een planjaar")])
    if vanaf == invoer.start:
        return invoer
    if not invoer.realisatie:
        raise InvoerFout([Probleem("Realisatie", None, None, None,
                                   f"blad ontbreekt of is leeg: met --vanaf {vanaf} liggen de jaren "
                                   f"{jaren_tekst(list(range(invoer.start, vanaf)))} vast aan wat er werkelijk "
                                   "startte; vul per regio, instrument, doelgroep en startjaar de deelnemers in")])
    meldingen = list(invoer.meldingen)
    later = sorted({t for (_r, _i, _g, t) in invoer.realisatie if t >= vanaf}
                   | {t for (_f, _r, t) in invoer.realisatie_uitgaven if t >= vanaf})
    if later:
        meldingen.append(f"Realisatie: de rijen voor {jaren_tekst(later)} tellen niet mee; met --vanaf {vanaf} "
                         f"worden die jaren gepland.")
    return dataclasses.replace(invoer, vanaf=vanaf, meldingen=meldingen)


def bevindingen(oplossing) -> list[dict]:
    """What the realised years broke, each with its amount and a Dutch sentence (soort, tekst, bedrag)."""
    model = oplossing.model
    if model.vanaf is None:
        return []
    invoer = model.invoer
    uitkomst: list[dict] = []
    per_groep: dict[tuple[str, str, int], float] = defaultdict(float)
    for (r, _i, g, t), aantal in invoer.realisatie.items():
        if t < model.vanaf:
            per_groep[(r, g, t)] += aantal
    for (r, g, t), aantal in sorted(per_groep.items()):
        potentieel = invoer.potentieel.get((r, g, t), 0.0)
        if aantal > potentieel + DREMPEL_AANTAL:
            uitkomst.append({"soort": "potentieel", "bedrag": aantal - potentieel, "tekst": (
                f"Realisatie {t}: in regio '{r}' startten {getal(round(aantal, 1))} deelnemers uit {g}, "
                f"{getal(round(aantal - potentieel, 1))} meer dan het potentieel ({getal(round(potentieel, 1))}); "
                "het plan rekent de extra deelnemers tegen de laagste factor van de afnemende meeropbrengst.")})
    tekort = model.variabelen.get("tekort")
    if tekort is None:
        return uitkomst
    waarden = oplossing.kolomwaarden[tekort.kolommen]
    for info, waarde in zip(model.tekort_info, waarden):
        in_euro = info["familie"] in ("budget", "realisatie", "koppeling")
        if waarde <= (DREMPEL_EURO if in_euro else DREMPEL_AANTAL):
            continue
        rijen = model.families[info["familie"]]
        sleutels = rijen.sleutels.row(info["rij"], named=True)
        uitkomst.append(_bevinding(model, info, sleutels, float(waarde)))
    return uitkomst


def _bevinding(model, info: dict, sleutels: dict, waarde: float) -> dict:
    familie = info["familie"]
    if familie == "budget":
        regio = "landelijk" if sleutels["regio"] == "" else f"regio '{sleutels['regio']}'"
        return {"soort": "budget", "bedrag": waarde, "tekst": (
            f"Realisatie {sleutels['jaar']}: fonds '{sleutels['fonds']}' ({regio}) is {euro_precies(waarde)} "
            "overschreden: de gerealiseerde kosten en verplichtingen waren hoger dan het budget (met de toegestane "
            "overheveling). Het plan voor de latere jaren rekent met wat er over is.")}
    if familie == "realisatie":
        regio = sleutels["regio"] or "landelijk"
        hoe = ("meer dan de gerealiseerde deelnemers kosten, of waarvoor het fonds volgens de Financieringsregels "
               "niet mag betalen" if info["richting"] == "min" else "minder dan de gerealiseerde deelnemers van "
               "dit fonds kosten (de rest moest een ander fonds betalen, en dat kon niet)")
        return {"soort": "realisatie_uitgaven", "bedrag": waarde, "tekst": (
            f"Realisatie_uitgaven {sleutels['jaar']}: fonds '{sleutels['fonds']}' ({regio}) betaalde volgens het "
            f"blad {euro_precies(waarde)} {hoe}. Het plan volgt de gerealiseerde kosten.")}
    if familie == "beleidsregel":
        regel = next(r for r in model.regels if r.rij == model.families[familie].start + info["rij"])
        hoe = "haalde het minimum niet" if info["richting"] == "min" else "kwam boven het maximum"
        return {"soort": "beleidsregel", "bedrag": waarde, "tekst": (
            f"Realisatie: beleidsregel '{regel.omschrijving}' ({regel.regel.grootheid} {regel.regel.operator} "
            f"{getal(regel.regel.waarde)}) {hoe} in de gerealiseerde jaren; het verschil is "
            f"{getal(round(waarde, 2))}.")}
    return {"soort": familie, "bedrag": waarde, "tekst": (
        f"Realisatie: koppeling '{sleutels.get('koppeling', '')}' werd in de gerealiseerde jaren niet gehaald; er "
        f"ontbreekt {euro_precies(waarde)} aan matching.")}


def gerealiseerd(model, jaren: np.ndarray) -> np.ndarray:
    """True for the years before ``vanaf`` (a herijking's realised years)."""
    return np.zeros(len(jaren), dtype=bool) if model.vanaf is None else np.asarray(jaren) < model.vanaf
