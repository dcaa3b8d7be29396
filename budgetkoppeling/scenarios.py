"""Applying the rows of the Scenarios sheet (SPEC §4) to a validated input."""

from __future__ import annotations

import copy
import dataclasses

from .errors import InvoerFout, Probleem
from .invoer import ALLE, GEMEENTE, Invoer, jaarreeks
from .io import RIJ

BASIS = "basis"


def scenario_namen(invoer: Invoer) -> list[str]:
    """``basis`` first, then every scenario in the order of the sheet."""
    return [BASIS] + list(dict.fromkeys(rij["scenario"] for rij in invoer.scenarios))


def pas_toe(invoer: Invoer, naam: str) -> Invoer:
    """A copy of ``invoer`` with the rows of scenario ``naam`` applied in order."""
    if naam == BASIS:
        return invoer
    namen = scenario_namen(invoer)
    if naam not in namen:
        raise InvoerFout([Probleem("Scenarios", None, "scenario", naam,
                                   "onbekend scenario; er zijn: " + ", ".join(namen))])
    return pas_rijen_toe(invoer, scenario_rijen(invoer, naam), naam)


def scenario_rijen(invoer: Invoer, naam: str) -> list[dict]:
    """The (validated) rows of scenario ``naam``, in the order of the sheet; none for ``basis``."""
    return [rij for rij in invoer.scenarios if rij["scenario"] == naam]


def pas_rijen_toe(invoer: Invoer, rijen: list[dict], naam: str, basis: Invoer | None = None) -> Invoer:
    """A copy of ``invoer`` named ``naam`` with validated Scenarios ``rijen`` applied in order; the
    budgets that differ from ``basis`` (default ``invoer``) are its ``veranderde_budgetten``.

    Only what a row can change is copied (budgets, costs, chances, potential, rules; a deep copy
    took a quarter of a second on the national example, on every move of the what-if page)."""
    nieuw = copy.copy(invoer)
    nieuw.budget, nieuw.instrumenten = dict(invoer.budget), dict(invoer.instrumenten)
    nieuw.effecten, nieuw.potentieel = dict(invoer.effecten), dict(invoer.potentieel)
    nieuw.beleidsregels, nieuw.meldingen = list(invoer.beleidsregels), list(invoer.meldingen)
    nieuw.scenario = naam
    problemen: list[Probleem] = []
    for rij in rijen:
        _pas_rij_toe(nieuw, rij, problemen)
    if problemen:
        raise InvoerFout(problemen)
    basis = invoer if basis is None else basis
    nieuw.veranderde_budgetten = frozenset(k for k, bedrag in nieuw.budget.items()
                                           if abs(bedrag - basis.budget.get(k, 0.0)) > 1e-9)
    return nieuw


def _past(filterwaarde, waarde) -> bool:
    return filterwaarde is None or filterwaarde.casefold() == ALLE or filterwaarde == waarde


def _past_jaar(filterwaarde, jaar) -> bool:
    if filterwaarde is None or filterwaarde.casefold() == ALLE:
        return True
    eerste, laatste = jaarreeks(filterwaarde)
    return jaar is not None and eerste <= jaar <= laatste


def _nieuw(oud: float, rij: dict) -> float:
    return oud * rij["factor"] if rij["factor"] is not None else rij["waarde"]


def _pas_rij_toe(invoer: Invoer, rij: dict, problemen: list[Probleem]) -> None:
    soort = rij["aanpassing"]
    regio_van = invoer.regio_van  # a unit's region; with Gemeenten a regio filter takes its municipalities
    if soort == "budget":
        for (f, r, t), bedrag in list(invoer.budget.items()):
            gemeentelijk = invoer.fondsen[f].niveau == GEMEENTE
            if (_past(rij["fonds"], f) and _past(rij["regio"], regio_van[r] if gemeentelijk else r)
                    and _past(rij.get("gemeente"), r if gemeentelijk else None) and _past_jaar(rij["jaar"], t)):
                invoer.budget[(f, r, t)] = max(0.0, _nieuw(bedrag, rij))
    elif soort == "kosten":
        for naam, instrument in list(invoer.instrumenten.items()):
            if _past(rij["instrument"], naam):
                invoer.instrumenten[naam] = dataclasses.replace(
                    instrument, kosten=max(0.0, _nieuw(instrument.kosten, rij)))
    elif soort == "plaatsingskans":
        for (i, g), kans in list(invoer.effecten.items()):
            if _past(rij["instrument"], i) and _past(rij["doelgroep"], g):
                nieuw = _nieuw(kans, rij)
                if not 0 <= nieuw <= 1:
                    problemen.append(Probleem(
                        "Scenarios", rij[RIJ], "factor" if rij["factor"] is not None else "waarde",
                        f"{nieuw:.4g}",
                        f"de plaatsingskans van {i} / {g} komt buiten 0 tot 1 in scenario '{rij['scenario']}'",
                    ))
                else:
                    invoer.effecten[(i, g)] = nieuw
    elif soort == "potentieel":
        for (r, g, t), aantal in list(invoer.potentieel.items()):
            if (_past(rij["regio"], regio_van[r]) and _past(rij.get("gemeente"), r) and _past(rij["doelgroep"], g)
                    and _past_jaar(rij["jaar"], t)):
                invoer.potentieel[(r, g, t)] = max(0.0, _nieuw(aantal, rij))
    elif soort == "max_verschuiving":
        invoer.max_verschuiving = rij["waarde"]
    elif soort in ("regel_waarde", "regel_actief"):
        regels = []
        for regel in invoer.beleidsregels:
            if _past(rij["regel"], regel.regel):
                if soort == "regel_waarde":
                    regel = dataclasses.replace(regel, waarde=_nieuw(regel.waarde, rij))
                else:
                    regel = dataclasses.replace(regel, actief=_nieuw(1.0 if regel.actief else 0.0, rij) != 0)
            regels.append(regel)
        invoer.beleidsregels = regels
