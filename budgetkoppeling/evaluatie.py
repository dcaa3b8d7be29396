"""Evaluation of a hand-made plan (``evalueer``): can it be financed, and the optima beside it."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import GeenOplossing
from .invoer import Invoer
from .validate import lees_en_valideer
from .vergelijking import Scenariocijfers, los_scenario_op


@dataclass
class Evaluatie:
    """A hand-made plan beside the optimum."""

    invoer: Invoer
    uitvoerbaar: bool
    tekorten: list[dict]
    huidig: dict[str, float]  # kerncijfers of the hand plan
    huidige_allocatie: list[dict]
    optimum: Scenariocijfers  # the whole budget
    zelfde_geld: Scenariocijfers  # the most weighted placements for at most the hand plan's spending
    zelfde_plaatsingen: Scenariocijfers  # the least spending for at least its weighted placements
    binnen_band: Scenariocijfers  # the whole budget, each instrument within ±band of the hand plan (overgang)
    band: float  # max_verschuiving of the fourth optimum (Instellingen, else STANDAARD_BAND)

    @property
    def tabellen(self) -> dict:
        """Every table of the evaluation workbook by sheet name, as polars frames."""
        from .rapport.evaluatie import tabellen

        return tabellen(self)

    def als_json(self, doel: Path) -> dict:
        """What ``--json`` prints for this result, written to ``doel``."""
        from .rapport.scherm import evaluatie_json

        return evaluatie_json(self, doel)

    def op_scherm(self, doel: Path) -> list:
        """What the terminal shows: rich tables and Dutch sentences, in order."""
        from .rapport.scherm import evaluatie_scherm

        return evaluatie_scherm(self, doel)


STANDAARD_BAND = 0.2  # the fourth optimum's band when Instellingen sets no max_verschuiving


def hand_plan_cijfers(invoer: Invoer) -> tuple[dict[str, float], list[dict]]:
    """Cost and expected placements of the Huidige_verdeling, computed directly from the sheet.

    Each cell fills its segments in order (most promising first), as the model does;
    participants above the potential count at the last segment's factor.
    """
    from .invoer import besparing, cohortkosten, discontering

    rijen, totaal = [], defaultdict(float)
    for (regio, instrument, doelgroep, jaar), aantal in sorted(invoer.huidige_verdeling.items()):
        potentieel = invoer.potentieel.get((regio, doelgroep, jaar), 0.0)
        rest, gewogen_aantal = aantal, 0.0
        segmenten = invoer.segmenten[instrument]
        for nummer, segment in enumerate(segmenten):
            deel = rest if nummer == len(segmenten) - 1 else min(rest, segment.aandeel * potentieel)
            gewogen_aantal += deel * segment.factor
            rest -= deel
        plaatsingen = invoer.effecten[(instrument, doelgroep)] * gewogen_aantal
        gegevens = invoer.instrumenten[instrument]
        per_jaar = [(j, tarief * aantal) for j, tarief in cohortkosten(invoer, instrument, jaar)]
        kosten = [k for _j, k in per_jaar]
        binnen = sum(k for j, k in per_jaar if j <= invoer.eind)
        rijen.append({"regio": regio, "instrument": instrument, "doelgroep": doelgroep, "startjaar": jaar,
                      "deelnemers": aantal, "kosten": sum(kosten), "plaatsingen": plaatsingen,
                      "plaatsingsjaar": jaar + gegevens.vertraging})
        totaal["plaatsingen"] += plaatsingen
        totaal["gewogen_plaatsingen"] += (invoer.doelgroepen[doelgroep] * plaatsingen
                                          * discontering(invoer, jaar + gegevens.vertraging))
        totaal["deelnemers"] += aantal
        totaal["uitgaven"] += binnen
        totaal["verplichtingen_na_planperiode"] += sum(kosten) - binnen
    cijfers = {k: totaal[k] for k in ("plaatsingen", "gewogen_plaatsingen", "deelnemers", "uitgaven",
                                      "verplichtingen_na_planperiode")}
    cijfers["kosten_per_plaatsing"] = cijfers["uitgaven"] / cijfers["plaatsingen"] if cijfers["plaatsingen"] else 0.0
    if invoer.uitkeringen:  # the savings rows, as the plan's Samenvatting has them
        cijfers["besparing_uitkeringen"] = besparing(
            invoer, ((r["doelgroep"], r["plaatsingsjaar"], r["plaatsingen"]) for r in rijen))
        cijfers["netto_kosten"] = cijfers["uitgaven"] - cijfers["besparing_uitkeringen"]
    return cijfers, rijen


def evalueer(pad: Path, uitvoer: Path | None = None, *, oplosser: str | None = None,
             voortgang: Callable[[str], None] | None = None, datum: datetime.date | None = None) -> Evaluatie:
    """Check whether the Huidige_verdeling can be financed, and set four optima beside it: the most
    placements for the same money, the same placements for the least money, the whole budget (these
    three free), and the whole budget within ±max_verschuiving of the hand plan (0.2 when unset).

    ``datum`` is the calculation date the workbook shows (default today)."""
    from .diagnose import diagnose
    from .errors import InvoerFout, Probleem
    from .model import bouw_vast
    from .sessie import Sessie

    melding = voortgang or (lambda stap: None)
    melding("Invoer lezen en controleren")
    invoer = lees_en_valideer(Path(pad))
    if not invoer.huidige_verdeling:
        raise InvoerFout([Probleem("Huidige_verdeling", None, None, None,
                                   "blad ontbreekt of is leeg: vul per regio, instrument, doelgroep en "
                                   "startjaar het aantal deelnemers in")])
    melding("Huidige verdeling doorrekenen")
    huidig, allocatie = hand_plan_cijfers(invoer)
    # the hand plan fixed (its cells the bounds of x): a session whose model is the plan of bouw_vast
    sessie = Sessie(Path(pad), invoer, oplosser=oplosser, bouwer=lambda inv: bouw_vast(inv, inv.huidige_verdeling))
    tekorten: list[dict] = []
    try:
        plan = sessie.los_op()
        oplossing = plan.oplossing
        if oplossing.model.onmogelijk:
            raise diagnose(oplossing.model, oplossing.oplosser)
        huidig["gewogen_plaatsingen"] = oplossing.doelwaarde
        huidig["uitgaven"] = plan.kerncijfers["uitgaven"]
        if "besparing_uitkeringen" in huidig:
            huidig["netto_kosten"] = huidig["uitgaven"] - huidig["besparing_uitkeringen"]
    except GeenOplossing as fout:
        tekorten = fout.tekorten
    melding("Optimum berekenen")
    # the first three optima are free (no band), the fourth stays within ±band of the hand plan:
    # the gain of a reform a council can adopt in one step beside the gain of the free optimum
    vrij = dataclasses.replace(invoer, max_verschuiving=None)
    optimum = los_scenario_op(vrij, oplosser)
    zelfde_geld = los_scenario_op(vrij, oplosser, max_uitgaven=huidig["uitgaven"])
    zelfde_plaatsingen = los_scenario_op(vrij, oplosser, min_doel=huidig["gewogen_plaatsingen"])
    band = STANDAARD_BAND if invoer.max_verschuiving is None else invoer.max_verschuiving
    binnen_band = los_scenario_op(dataclasses.replace(invoer, max_verschuiving=band), oplosser)
    evaluatie = Evaluatie(invoer, not tekorten, tekorten, huidig, allocatie, optimum, zelfde_geld,
                          zelfde_plaatsingen, binnen_band, band)
    if uitvoer is not None:
        melding("Werkboek schrijven")
        from .rapport import schrijf_evaluatie

        schrijf_evaluatie(evaluatie, Path(uitvoer), Path(pad), datum)
    return evaluatie
