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

from .diagnose import TEKORT_AANTAL, TEKORT_EURO, telt_als_tekort
from .errors import InvoerFout, Probleem
from .invoer import LANDELIJK, Invoer, grootboek
from .tekst import euro_precies, getal, jaren_tekst


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
        if aantal > potentieel + TEKORT_AANTAL:
            uitkomst.append({"soort": "potentieel", "bedrag": aantal - potentieel, "tekst": (
                f"Realisatie {t}: in regio '{r}' startten {getal(round(aantal, 1))} deelnemers uit {g}, "
                f"{getal(round(aantal - potentieel, 1))} meer dan het potentieel ({getal(round(potentieel, 1))}); "
                "het plan rekent de extra deelnemers tegen de laagste factor van de afnemende meeropbrengst.")})
    uitkomst += _overschrijdingen(invoer, grootboek(invoer))
    per_fonds: dict[tuple[str, str], list[tuple[dict, float]]] = defaultdict(list)
    for info, waarde in model.tekortwaarden(oplossing.kolomwaarden):
        if not telt_als_tekort(info, float(waarde)):
            continue
        sleutels = model.rijsleutels(info["familie"], info["rij"])
        if info["familie"] in ("budget", "realisatie"):  # one line per fund, not one per region and year
            per_fonds[(info["familie"], sleutels["fonds"])].append(({**sleutels, **info}, float(waarde)))
        else:
            uitkomst.append(_bevinding(model, info, sleutels, float(waarde)))
    for (familie, fonds), rijen in per_fonds.items():
        uitkomst.append(_budgetbevinding(fonds, rijen) if familie == "budget" else _grootboekverschil(fonds, rijen))
    return uitkomst


def _waar(regio: str) -> str:
    return LANDELIJK if regio == LANDELIJK else f"regio '{regio}'"


def _overschrijdingen(invoer: Invoer, boek: dict) -> list[dict]:
    """Per fund, the realised years its ledger overspent (budget + carry-in below what it paid)."""
    per_fonds: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    for (fonds, regio, jaar), regel in boek.items():
        if regel.overschreden > TEKORT_EURO:
            per_fonds[fonds].append((regio, jaar, regel.overschreden))
    uitkomst = []
    for fonds in invoer.fondsen:
        if fonds not in per_fonds:
            continue
        rijen = per_fonds[fonds]
        totaal = sum(b for _r, _t, b in rijen)
        regio, jaar, grootste = max(rijen, key=lambda rij: rij[2])
        waar = (f"{_waar(regio)} in {jaar}" if len(rijen) == 1 else
                f"{len(rijen)} keer (regio en jaar), in {jaren_tekst(sorted({t for _r, t, _b in rijen}))}; het meest "
                f"in {_waar(regio)} in {jaar} ({euro_precies(grootste)})")
        uitkomst.append({"soort": "budget", "bedrag": totaal, "tekst": (
            f"Realisatie: fonds '{fonds}' is volgens het grootboek (Realisatie_uitgaven) {euro_precies(totaal)} "
            f"overschreden: {waar}. Er is daar niets over te hevelen; het plan voor de latere jaren rekent met het "
            "budget dat dan overblijft.")})
    return uitkomst


def _budgetbevinding(fonds: str, rijen: list[tuple[dict, float]]) -> dict:
    """A realised year without a ledger row whose realised costs exceed the budget."""
    totaal = sum(w for _s, w in rijen)
    jaren = jaren_tekst(sorted({s["jaar"] for s, _w in rijen}))
    return {"soort": "budget", "bedrag": totaal, "tekst": (
        f"Realisatie {jaren}: fonds '{fonds}' is {euro_precies(totaal)} overschreden: de kosten van de gerealiseerde "
        "deelnemers en de verplichtingen waren hoger dan het budget (met de toegestane overheveling); zonder rij in "
        "Realisatie_uitgaven is dit berekend uit de gerealiseerde deelnemers. Het plan voor de latere jaren rekent met "
        "wat er over is.")}


def _grootboekverschil(fonds: str, rijen: list[tuple[dict, float]]) -> dict:
    """Per fund: where the realised participants' costs differ from the ledger, in both directions."""
    meer = sum(w for s, w in rijen if s["richting"] == "min")
    minder = sum(w for s, w in rijen if s["richting"] != "min")
    plekken = len({(s["regio"], s["jaar"]) for s, _w in rijen})
    delen = []
    if meer > 0:
        delen.append(f"{euro_precies(meer)} meer dan de gerealiseerde deelnemers (met de verplichtingen) kosten of dan "
                     "het fonds volgens de Financieringsregels mag betalen")
    if minder > 0:
        delen.append(f"{euro_precies(minder)} minder dan zijn deel van die kosten (de rest kon geen ander fonds "
                     "betalen)")
    return {"soort": "realisatie_uitgaven", "bedrag": meer + minder, "tekst": (
        f"Realisatie_uitgaven {jaren_tekst(sorted({s['jaar'] for s, _w in rijen}))}: volgens het grootboek betaalde "
        f"fonds '{fonds}' in {plekken} {'combinatie' if plekken == 1 else 'combinaties'} van regio en jaar "
        f"{' en '.join(delen)}. Het grootboek blijft leidend voor het geld (Fondsen: besteed, overheveling, "
        "overschreden); Financiering toont de kosten van de gerealiseerde deelnemers.")}


def _bevinding(model, info: dict, sleutels: dict, waarde: float) -> dict:
    familie = info["familie"]
    if familie == "beleidsregel":
        regel = model.regel_van_rij(familie, info["rij"])
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
