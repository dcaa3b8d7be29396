"""Why no plan fits: the obvious conflicts before solving, and the smallest shortfall after.

The diagnosis re-solves the elastic model (:func:`~budgetkoppeling.model.bouw_elastisch`: a
penalised shortfall on every budget and rule) and reads the shortfalls and the duals per
family, keyed by domain keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .errors import GeenOplossing
from .invoer import GEMEENTE
from .model import Model, bouw_elastisch
from .tekst import euro, euro_precies, getal, procent

if TYPE_CHECKING:
    from .solve import Oplossing


def los_op_of_verklaar(model: Model, gevraagd: str = "auto", **opties) -> Oplossing:
    """The pipeline's solve: the obvious conflicts first (:func:`voorcontrole`), then
    :func:`~budgetkoppeling.solve.los_op` (``opties`` are its own); raises :class:`GeenOplossing`
    with the diagnosis when no plan fits."""
    from .solve import los_op

    fout = voorcontrole(model)
    if fout is not None:
        raise fout
    return verklaar(los_op(model, gevraagd, **opties))


def verklaar(oplossing: Oplossing) -> Oplossing:
    """``oplossing`` itself when it has a plan; otherwise :class:`GeenOplossing` with the diagnosis."""
    from .solve import ONMOGELIJK

    if oplossing.status == ONMOGELIJK:
        raise diagnose(oplossing.model, oplossing.oplosser)
    return oplossing


def voorcontrole(model: Model) -> GeenOplossing | None:
    """The obvious conflicts, found without solving: commitments above a year's budget that no
    carry-over can cover, and a minimum rule that no cell can meet."""
    invoer = model.invoer
    tekorten = []
    for (fonds, regio, jaar), verplicht in sorted(invoer.verplichtingen.items(), key=lambda kv: str(kv[0])):
        if invoer.fondsen[fonds].pool and (fonds, regio, jaar) not in invoer.budget:
            continue  # a pool's commitments are paid by what its municipalities put in (SPEC §9)
        budget = invoer.budget.get((fonds, regio, jaar), 0.0)
        kan_erbij = jaar > invoer.start and invoer.fondsen[fonds].overheveling > 0
        if model.vanaf is not None and jaar < model.vanaf:  # a realised year: a finding, not a conflict
            continue
        if verplicht > budget + 1e-9 and not kan_erbij:
            info = {"soort": "budget", "fonds": fonds, "regio": regio, "jaar": jaar}
            tekorten.append({**info, "tekort": verplicht - budget, "tekst": tekort_tekst(info, verplicht - budget)})
    for regel in model.regels_zonder_cellen():
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


def _tekort_info(model: Model, info: dict) -> dict:
    """What a shortfall column stands for, in domain terms."""
    familie = info["familie"]
    if familie == "beleidsregel":
        return {"soort": "beleidsregel", "regel": model.regel_van_rij(familie, info["rij"]),
                "richting": info["richting"]}
    sleutels = model.rijsleutels(familie, info["rij"])
    if familie == "budget":
        invoer = model.invoer
        if invoer.fondsen[sleutels["fonds"]].niveau == GEMEENTE:  # SPEC §9: the municipality whose money it is
            return {"soort": "budget", "fonds": sleutels["fonds"], "regio": invoer.regio_van[sleutels["regio"]],
                    "gemeente": sleutels["regio"], "jaar": sleutels["jaar"]}
        return {"soort": "budget", "fonds": sleutels["fonds"],
                "regio": sleutels["regio"],
                "jaar": sleutels["jaar"]}
    if familie == "overgang":
        return {"soort": "overgang", "regio": sleutels["regio"], "instrument": sleutels["instrument"],
                "eenheid": "gemeente" if model.invoer.gemeenten else "regio",
                "jaar": sleutels["jaar"], "richting": sleutels["kant"], "huidig": sleutels["huidig"],
                "totaal": sleutels["_totaal"], "max_verschuiving": model.invoer.max_verschuiving}
    if model.invoer.gemeenten and "regio" in sleutels:  # a cell's unit is a municipality (SPEC §9)
        return {"soort": familie, **sleutels, "eenheid": "gemeente"}
    return {"soort": familie, **sleutels}


def diagnose(model: Model, naam: str) -> GeenOplossing:
    """Re-solve with penalised shortfall on every budget and rule and name what falls short,
    and which other budgets and rules take part in the conflict (non-zero duals)."""
    from .solve import OPTIMAAL, _los_op

    elastisch = bouw_elastisch(model.invoer, geheel=model.geheel, vast=model.vast)
    uitkomst = _los_op(elastisch, naam)
    if uitkomst.status != OPTIMAAL:
        return GeenOplossing("Er is geen plan mogelijk, en de oorzaak kon niet worden bepaald.")
    uitkomst = _boek_waar_het_ontstaat(elastisch, uitkomst, naam)
    tekorten = []
    for info, waarde in elastisch.tekortwaarden(uitkomst.waarden):
        # solver noise is no shortfall: never 'er ontbreekt € 0'
        if telt_als_tekort(info, waarde):
            betekenis = _tekort_info(elastisch, info)
            tekorten.append({**betekenis, "tekort": float(waarde), "tekst": tekort_tekst(betekenis, waarde)})
    tekorten += [{**info, "tekst": tekort_tekst(info, info["tekort"])} for info in elastisch.onmogelijk]
    betrokken = [] if elastisch.geheel else _betrokken(elastisch, uitkomst.duals, tekorten)
    for t in tekorten:  # plain data for JSON
        if "regel" in t and not isinstance(t["regel"], str):
            t["regel"] = t["regel"].omschrijving
    melding = (
        "Er is geen plan dat aan alle budgetten en beleidsregels voldoet. "
        "Het kleinste tekort dat het oplost:\n" + "\n".join(f"- {t['tekst']}" for t in tekorten)
    )
    if betrokken:
        melding += "\nDaarbij spelen ook mee:\n" + "\n".join(f"- {b}" for b in betrokken)
    return GeenOplossing(melding, tekorten, betrokken)


TEKORT_EURO = 0.5  # euros: below half a euro a shortfall is solver noise (6e-6 was printed as € 0), or the
TEKORT_AANTAL = 1e-3  # rounding of typed figures; persons or placements
EURO_FAMILIES = ("budget", "financiering", "koppeling", "realisatie")


def telt_als_tekort(info: dict, waarde: float) -> bool:
    """Whether a shortfall column's value is a shortfall worth naming (the diagnosis and the herijking's
    findings alike), not solver noise or the rounding of typed figures."""
    return waarde > (TEKORT_EURO if info["familie"] in EURO_FAMILIES else TEKORT_AANTAL)


def _boek_waar_het_ontstaat(elastisch: Model, uitkomst, naam: str):
    """The least shortfall is one number; where it lands is not unique: money can be moved between funds
    and carried between years, so a cut in 2028 could show as a shortfall of another fund in 2026. A
    second solve keeps the (weighted) shortfall at its minimum and books it where it arises: on the
    budgets a scenario changed, and without carrying money forward to make room elsewhere."""
    from .solve import OPTIMAAL, _los_op

    tekorten = elastisch.tekortwaarden(uitkomst.waarden)
    if not tekorten or not elastisch.heeft("budget") or elastisch.geheel:
        return uitkomst
    op_budget = np.array([info["familie"] == "budget" for info, _waarde in tekorten])
    if not any(waarde > TEKORT_EURO for (info, waarde), budget in zip(tekorten, op_budget) if budget):
        return uitkomst
    veranderd = elastisch.invoer.veranderde_budgetten
    gewicht = np.zeros(len(tekorten))
    if veranderd:  # shortfall on budgets the scenario left alone
        for nummer, (info, _waarde) in enumerate(tekorten):
            if op_budget[nummer]:
                s = elastisch.rijsleutels("budget", info["rij"])
                gewicht[nummer] = float((s["fonds"], s["regio"], s["jaar"]) not in veranderd)
    opnieuw = _los_op(elastisch.met_minimaal_tekort(uitkomst.waarden, gewicht), naam)
    if opnieuw.status != OPTIMAAL:
        return uitkomst
    opnieuw.duals = uitkomst.duals  # the conflict's duals are the first solve's
    return opnieuw


def _betrokken(elastisch: Model, duals: np.ndarray, tekorten: list[dict]) -> list[str]:
    """The limits that hold the shortfall up: rows of the elastic model with a non-zero dual."""
    genoemd = {t["regel"].omschrijving if hasattr(t.get("regel"), "omschrijving") else t.get("regel")
               for t in tekorten} | {t.get("koppeling") for t in tekorten}
    budgetten = {(t.get("fonds"), t.get("gemeente") or t.get("regio"), t.get("jaar")) for t in tekorten
                 if t["soort"] == "budget"}
    overgangen = {(t["regio"], t["instrument"], t["jaar"]) for t in tekorten if t["soort"] == "overgang"}
    zinnen: dict[str, None] = {}
    for nummer, _sleutels in elastisch.actieve_rijen(duals, "beleidsregel"):
        regel = elastisch.regel_van_rij("beleidsregel", nummer)
        if regel.omschrijving not in genoemd:
            zinnen[f"Beleidsregel '{regel.omschrijving}' ({regel.regel.grootheid} {regel.regel.operator} "
                   f"{getal(regel.regel.waarde)})."] = None
    aandelen = {}
    if elastisch.heeft("cofinanciering"):
        from .invoer import max_aandeel

        for _nummer, s in elastisch.actieve_rijen(duals, "cofinanciering"):
            sleutel = (s["fonds"], s["instrument"], s["doelgroep"], s["regio"])
            if sleutel not in aandelen:
                aandelen[sleutel] = max_aandeel(elastisch.invoer, *sleutel)
            zinnen[f"Fonds '{s['fonds']}' betaalt ten hoogste {getal(round(100 * aandelen[sleutel], 1))}% van de "
                   f"kosten van {s['instrument']} voor {s['doelgroep']} (cofinanciering); de rest moet uit een ander "
                   "fonds komen."] = None
    for _nummer, s in elastisch.actieve_rijen(duals, "koppeling"):
        if s["koppeling"] not in genoemd:
            zinnen[f"Koppeling '{s['koppeling']}': '{s['partner']}' betaalt minstens {getal(s['verhouding'])} x "
                   f"wat '{s['fonds']}' betaalt."] = None
    looptijd: dict[tuple[str, int], None] = {}
    for _nummer, s in elastisch.actieve_rijen(duals, "looptijd"):
        looptijd[(s["instrument"], int(s["jaar"]))] = None
    for instrument, jaar in looptijd:
        duur = elastisch.invoer.instrumenten[instrument].duur
        zinnen[f"Instrument '{instrument}' duurt {getal(duur)} jaar: een traject dat in {jaar} start, loopt na "
               f"de planperiode ({elastisch.invoer.start}-{elastisch.invoer.eind}) door, en dat mag niet "
               "(doorloop_na_planperiode = nee in Instellingen)."] = None
    band = elastisch.invoer.max_verschuiving
    for _nummer, s in elastisch.actieve_rijen(duals, "overgang"):
        if (s["regio"], s["instrument"], s["jaar"]) not in overgangen:
            zinnen[f"De overgang (max_verschuiving ±{procent(band or 0.0)}) houdt {s['instrument']} in {s['regio']} "
                   f"({s['jaar']}) {'boven het minimum' if s['kant'] == 'min' else 'onder het maximum'} van de band "
                   "rond de huidige verdeling."] = None
    for _nummer, s in elastisch.actieve_rijen(duals, "potentieel"):
        zinnen[f"Het potentieel van {s['doelgroep']} in {s['regio']} is te klein."] = None
    for _nummer, s in elastisch.actieve_rijen(duals, "budget"):
        regio = s["regio"]
        if (s["fonds"], regio, s["jaar"]) not in budgetten:
            zinnen[f"Het budget van fonds '{s['fonds']}' ({regio}, {s['jaar']}) is volledig nodig."] = None
    return list(zinnen)[:12]


def tekort_tekst(info: dict, waarde: float) -> str:
    """One Dutch sentence for a shortfall of the elastic model."""
    soort = info["soort"]
    if soort == "budget" and info.get("gemeente"):
        return (f"Fonds '{info['fonds']}' van gemeente '{info['gemeente']}' (regio '{info['regio']}'), jaar "
                f"{info['jaar']}: er ontbreekt {euro_precies(waarde)} (verplichtingen, inbreng in regionale potten en "
                "vereiste uitgaven zijn hoger dan het budget).")
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
    if soort == "koppeling":
        return (f"Koppeling '{info['koppeling']}': fonds '{info['partner']}' moet minstens "
                f"{getal(info['verhouding'])} x zoveel betalen als '{info['fonds']}', en komt "
                f"{euro_precies(waarde)} tekort.")
    if soort == "overgang":
        return _overgang_tekst(info, waarde)
    cel = f"{info.get('eenheid', 'regio')} '{info['regio']}', doelgroep '{info['doelgroep']}', jaar {info['jaar']}"
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


def _overgang_tekst(info: dict, waarde: float) -> str:
    """The band of max_verschuiving around today's plan that the plan cannot keep."""
    a, huidig = info["max_verschuiving"] or 0.0, info["huidig"]
    wat = (f"Overgang: instrument '{info['instrument']}', {info.get('eenheid', 'regio')} '{info['regio']}', "
           f"jaar {info['jaar']}: ")
    if info["richting"] == "min":
        return (wat + f"binnen de band van ±{procent(a)} rond de huidige {getal(round(huidig, 1))} deelnemers "
                f"moeten er minstens {getal(round((1 - a) * huidig, 1))} starten, maar het plan komt "
                f"{getal(round(waarde, 1))} deelnemers tekort (te weinig budget, potentieel of ruimte in de regels). "
                "Een bredere band (max_verschuiving in Instellingen) of meer budget lost het op.")
    grens = (1 + a) * huidig if huidig > 0 else a * info["totaal"]
    nu = (f"de huidige {getal(round(huidig, 1))} deelnemers" if huidig > 0 else
          f"de {getal(round(info['totaal'], 1))} deelnemers van de hele regio (het instrument is nieuw)")
    return (wat + f"binnen de band van ±{procent(a)} rond {nu} mogen er hoogstens {getal(round(grens, 1))} starten, "
            f"maar de beleidsregels vragen {getal(round(waarde, 1))} deelnemers meer. Een bredere band "
            "(max_verschuiving in Instellingen) of een lagere grens in de regel lost het op.")
