"""The memo per scenario of the comparison workbook (``vergelijk``, sheet Toelichting).

Every sentence is derived from the scenario's rows and from the solved plans (figures,
instrument mix, spending and carry-over per year, what binds), never from a template of
guesses. One block per scenario, printed as one A4 page.
"""

from __future__ import annotations

from ..tekst import euro, getal, jaren_tekst, nl, opsomming, procent

AANPASSING = {
    "budget": "het budget", "kosten": "de kosten per deelnemer", "plaatsingskans": "de plaatsingskans",
    "potentieel": "het potentieel", "regel_waarde": "de grens van beleidsregel", "regel_actief": "beleidsregel",
    "max_verschuiving": "de overgang (max_verschuiving)",
}
EURO_DREMPEL = 0.5  # euros: below it a difference is rounding
AANTAL_DREMPEL = 0.05  # persons or placements


def wat_verandert(rij: dict) -> str:
    """One Scenarios row in plain Dutch."""
    soort = rij["aanpassing"]
    waar = [f"{kolom} {rij[kolom]}" for kolom in ("fonds", "regio", "instrument", "doelgroep")
            if rij.get(kolom) not in (None, "alle")]
    if rij.get("jaar") not in (None, "alle"):
        waar.append(f"jaar {rij['jaar']}")
    plek = f" ({', '.join(waar)})" if waar else ""
    if soort == "max_verschuiving":
        return (f"elk instrument blijft per regio en jaar binnen ±{procent(rij['waarde'])} van de huidige verdeling "
                "(max_verschuiving)")
    if soort == "regel_actief":
        return f"beleidsregel '{rij['regel']}' staat {'aan' if rij['waarde'] else 'uit'}"
    onderwerp = AANPASSING[soort] + (f" '{rij['regel']}'" if soort == "regel_waarde" else "") + plek
    if rij.get("factor") is not None:
        verandering = (f"{'+' if rij['factor'] >= 1 else '-'}{procent(abs(rij['factor'] - 1))}"
                       f" (factor {nl(round(rij['factor'], 4))})")
        return f"{onderwerp}: {verandering}"
    return f"{onderwerp} wordt {getal(rij['waarde'])}"


def _verschil(nieuw: float, oud: float, geld: bool) -> str:
    delta = nieuw - oud
    if abs(delta) < (EURO_DREMPEL if geld else AANTAL_DREMPEL):
        return "gelijk aan de basis"
    teken = "+" if delta > 0 else "-"
    bedrag = euro(abs(delta)) if geld else getal(round(abs(delta), 1))
    deel = abs(delta) / abs(oud) if abs(oud) > 1e-9 else None
    # a change that rounds to 0% (EUR 13,000 of billions) is not '-0%'
    relatief = "" if deel is None else f" ({teken}{procent(deel)})" if deel >= 0.0005 else \
        f" ({teken}minder dan 0,1%)"
    return f"{teken}{bedrag}{relatief}"


def _kerncijfers(uitkomst, basis) -> str:
    k, b = uitkomst.kerncijfers, basis.kerncijfers
    delen = []
    for kpi, naam, geld in (("plaatsingen", "Verwachte plaatsingen", False), ("gewogen_plaatsingen", "gewogen", False),
                            ("uitgaven", "uitgaven", True), ("kosten_per_plaatsing", "kosten per plaatsing", True),
                            ("onbenut_budget", "onbenut budget", True)):
        waarde = euro(k[kpi]) if geld else getal(round(k[kpi], 1))
        delen.append(f"{naam} {waarde} ({_verschil(k[kpi], b[kpi], geld)})")
    return "; ".join(delen) + "."


def _gelijk(uitkomst, basis) -> bool:
    """Whether every key figure of the scenario equals the base's (within rounding)."""
    return all(abs(uitkomst.kerncijfers[kpi] - basis.kerncijfers[kpi]) < (EURO_DREMPEL if geld else AANTAL_DREMPEL)
               for kpi, geld in (("plaatsingen", False), ("gewogen_plaatsingen", False), ("uitgaven", True),
                                 ("onbenut_budget", True)))


def _waarom_gelijk(rijen: list[dict], basis) -> str:
    """Why a scenario changes nothing, per change, from what binds in the base plan."""
    redenen = []
    for rij in rijen:
        soort = rij["aanpassing"]
        if soort in ("regel_actief", "regel_waarde"):
            if rij["regel"] not in basis.bindende_regels:
                redenen.append(f"beleidsregel '{rij['regel']}' is in de basis niet bindend: het plan haalt de grens "
                               "al ruim, dus aan- of uitzetten of de grens een stukje verschuiven verandert niets")
            else:
                redenen.append(f"beleidsregel '{rij['regel']}' is bindend, maar een ander budget of een andere regel "
                               "houdt het plan even sterk tegen")
        elif soort == "budget":
            fonds = rij.get("fonds") or "elk fonds"
            if rij.get("fonds") and not basis.bindende_budgetten.get(rij["fonds"], 0):
                redenen.append(f"het budget van {fonds} knelt in de basis nergens: het plan gebruikt niet al het "
                               "geld, dus de verandering valt in de ruimte die over was")
            else:
                redenen.append(f"het veranderde budget van {fonds} valt in regio's of jaren waar het niet knelt")
        elif soort == "max_verschuiving":
            redenen.append("de band rond de huidige verdeling knelt niet: het plan blijft er ook zonder die grens "
                           "binnen")
        elif soort in ("plaatsingskans", "kosten"):
            wat = rij.get("instrument") or "de instrumenten"
            redenen.append(f"{wat} blijft ook na de verandering buiten het plan, of een budget of regel houdt het "
                           "even sterk tegen als in de basis")
        else:
            redenen.append("de verandering raakt geen budget, regel of potentieel dat in de basis knelt")
    if not redenen:
        return "Gelijk aan de basis: dit scenario verandert niets."
    return "Gelijk aan de basis, omdat " + opsomming(list(dict.fromkeys(redenen))) + "."


def _mix(uitkomst, basis) -> str:
    instrumenten = set(uitkomst.per_instrument) | set(basis.per_instrument)
    verschuivingen = sorted(((uitkomst.per_instrument.get(i, 0.0) - basis.per_instrument.get(i, 0.0), i)
                             for i in instrumenten), key=lambda v: (-abs(v[0]), v[1]))
    grootste = [(d, i) for d, i in verschuivingen if abs(d) >= AANTAL_DREMPEL][:3]
    if not grootste:
        return "De instrumentenmix is dezelfde als in de basis."
    delen = []
    for delta, instrument in grootste:
        oud = basis.per_instrument.get(instrument, 0.0)
        delen.append(f"{instrument} {'+' if delta > 0 else '-'}{getal(round(abs(delta), 1))} deelnemers "
                     f"({getal(round(oud, 1))} in de basis)")
    return "De grootste verschuivingen in de instrumentenmix (deelnemers over de planperiode): " + \
        opsomming(delen) + "."


def _binding(uitkomst, basis) -> str:
    zinnen = []
    for fonds in sorted(set(uitkomst.budgetrijen) | set(basis.budgetrijen)):
        nu, eerder = uitkomst.bindende_budgetten.get(fonds, 0), basis.bindende_budgetten.get(fonds, 0)
        totaal = max(uitkomst.budgetrijen.get(fonds, 0), basis.budgetrijen.get(fonds, 0))
        if nu == eerder:
            continue
        if eerder == 0:
            zinnen.append(f"het budget van {fonds} wordt knellend ({nu} van de {totaal} budgetten per regio en jaar)")
        elif nu == 0:
            zinnen.append(f"het budget van {fonds} knelt niet meer (in de basis {eerder} van de {totaal})")
        else:
            zinnen.append(f"het budget van {fonds} knelt in {nu} van de {totaal} budgetten per regio en jaar "
                          f"(basis: {eerder})")
    nieuw = [r for r in uitkomst.bindende_regels if r not in basis.bindende_regels]
    weg = [r for r in basis.bindende_regels if r not in uitkomst.bindende_regels]
    if nieuw:
        zinnen.append(f"bindend worden: {opsomming(nieuw)}")
    if weg:
        zinnen.append(f"niet meer bindend: {opsomming(weg)}")
    if not zinnen:
        return "Dezelfde budgetten en regels zijn bindend als in de basis."
    return "Wat knelt er anders dan in de basis: " + "; ".join(zinnen) + "."


def _na_start(vertraging: int) -> str:
    return {0: "plaatst in het startjaar", 1: "plaatst een jaar na de start"}.get(
        vertraging, f"plaatst {vertraging} jaar na de start")


def _opvallend(uitkomst, basis, invoer) -> list[str]:
    """Years that move against the total (more placements in some years while the total falls, or the
    reverse), and why, from the solutions: which instruments make the difference in those years and
    how soon they place, and the spending and carry-over of those years against the base."""
    totaal = uitkomst.kerncijfers["plaatsingen"] - basis.kerncijfers["plaatsingen"]
    jaren = sorted(set(uitkomst.per_jaar) | set(basis.per_jaar))
    delta = {j: uitkomst.per_jaar.get(j, 0.0) - basis.per_jaar.get(j, 0.0) for j in jaren}
    tegen = [j for j in jaren if abs(delta[j]) >= AANTAL_DREMPEL and abs(totaal) >= AANTAL_DREMPEL
             and (delta[j] > 0) != (totaal > 0)]
    if not tegen:
        return []
    meer = totaal < 0  # the odd years gain while the whole falls
    nu = sum(uitkomst.per_jaar.get(j, 0.0) for j in tegen)
    toen = sum(basis.per_jaar.get(j, 0.0) for j in tegen)
    zinnen = [f"Opvallend: in {jaren_tekst(tegen)} geeft dit scenario {'meer' if meer else 'minder'} plaatsingen "
              f"dan de basis ({_verschil(nu, toen, False)}), terwijl het totaal {'daalt' if meer else 'stijgt'}."]
    per_instrument_jaar = (uitkomst.plaatsingen_per_instrument_jaar, basis.plaatsingen_per_instrument_jaar)
    instrumenten = {i for i, _j in set(per_instrument_jaar[0]) | set(per_instrument_jaar[1])}
    alle_jaren = sorted({j for _i, j in set(per_instrument_jaar[0]) | set(per_instrument_jaar[1])})

    def bijdrage(instrument: str, over: list[int]) -> float:
        return sum(per_instrument_jaar[0].get((instrument, j), 0.0) - per_instrument_jaar[1].get((instrument, j), 0.0)
                   for j in over)

    richting = 1 if meer else -1
    in_die_jaren = {i: bijdrage(i, tegen) for i in instrumenten}
    in_totaal = {i: bijdrage(i, alle_jaren) for i in instrumenten}
    mee = sorted((i for i in instrumenten if richting * in_die_jaren[i] >= AANTAL_DREMPEL),
                 key=lambda i: (-abs(in_die_jaren[i]), i))[:2]
    terug = sorted((i for i in instrumenten if -richting * in_totaal[i] >= AANTAL_DREMPEL and i not in mee),
                   key=lambda i: (-abs(in_totaal[i]), i))[:2]

    def lijst(namen: list[str], waarden: dict[str, float]) -> str:
        return opsomming([f"{i} ({'+' if waarden[i] > 0 else '-'}{getal(round(abs(waarden[i]), 1))}; "
                          f"{_na_start(invoer.instrumenten[i].vertraging)})" for i in namen])

    if mee:
        zin = f"Het verschil in {jaren_tekst(tegen)} komt vooral van {lijst(mee, in_die_jaren)}"
        zin += (f"; over de hele periode geeft {lijst(terug, in_totaal)} {'minder' if meer else 'meer'}."
                if terug else ".")
        if terug:
            vertraging_mee = _gemiddelde_vertraging(mee, in_die_jaren, invoer)
            vertraging_terug = _gemiddelde_vertraging(terug, in_totaal, invoer)
            if abs(vertraging_mee - vertraging_terug) > 1e-9:
                sneller = vertraging_mee < vertraging_terug
                zin += (f" Het plan verschuift naar instrumenten die {'sneller' if sneller else 'later'} plaatsen, dus "
                        f"vallen plaatsingen {'eerder' if sneller else 'later'}: zo kan een scenario met "
                        f"{'minder' if meer else 'meer'} plaatsingen in totaal er in een jaar toch "
                        f"{'meer' if meer else 'minder'} geven.")
        zinnen.append(zin)
    k, b = uitkomst.kerncijfers, basis.kerncijfers
    if meer and k["uitgaven"] < b["uitgaven"] - EURO_DREMPEL and \
            k["kosten_per_plaatsing"] < b["kosten_per_plaatsing"] - EURO_DREMPEL:
        zinnen.append(f"Met minder geld kiest het plan goedkopere plaatsingen: de kosten per plaatsing dalen van "
                      f"{euro(b['kosten_per_plaatsing'])} naar {euro(k['kosten_per_plaatsing'])}.")
    uitgaven = sum(uitkomst.uitgaven_per_jaar.get(j, 0.0) - basis.uitgaven_per_jaar.get(j, 0.0) for j in tegen)
    over = sum(uitkomst.overheveling_per_jaar.get(j, 0.0) - basis.overheveling_per_jaar.get(j, 0.0) for j in tegen)
    geld = []
    if abs(uitgaven) >= EURO_DREMPEL:
        geld.append(f"wordt {euro(abs(uitgaven))} {'meer' if uitgaven > 0 else 'minder'} uitgegeven")
    if abs(over) >= EURO_DREMPEL:
        geld.append(f"gaat {euro(abs(over))} {'meer' if over > 0 else 'minder'} naar latere jaren (overheveling)")
    if geld:
        zinnen.append(f"In {jaren_tekst(tegen)} " + " en ".join(geld) + " dan in de basis.")
    return zinnen


def _gemiddelde_vertraging(namen: list[str], bijdrage: dict[str, float], invoer) -> float:
    gewicht = sum(abs(bijdrage[i]) for i in namen)
    return sum(abs(bijdrage[i]) * invoer.instrumenten[i].vertraging for i in namen) / gewicht


def memo(vergelijking) -> list[tuple[str, str, str]]:
    """(scenario, onderwerp, toelichting) for every scenario against the base."""
    basis = vergelijking.uitkomsten[0]
    regels: dict[str, list[dict]] = {}
    for rij in vergelijking.invoer.scenarios:
        regels.setdefault(rij["scenario"], []).append(rij)
    uitkomst_rijen = []
    for uitkomst in vergelijking.uitkomsten[1:]:
        naam = uitkomst.scenario
        wat = [wat_verandert(r) for r in regels.get(naam, [])]
        uitkomst_rijen.append((naam, "wat verandert", ("Ten opzichte van de basis: " + "; ".join(wat) + ".")
                               if wat else "Dit scenario verandert niets aan de basis."))
        if uitkomst.status != "optimaal":
            uitkomst_rijen.append((naam, "geen oplossing", uitkomst.melding.replace("\n", " ")))
            continue
        if basis.status != "optimaal":
            uitkomst_rijen.append((naam, "kerncijfers", "De basis heeft geen oplossing; er is niets om mee te "
                                                       "vergelijken."))
            continue
        uitkomst_rijen.append((naam, "kerncijfers", _kerncijfers(uitkomst, basis)))
        if _gelijk(uitkomst, basis):
            uitkomst_rijen.append((naam, "waarom gelijk", _waarom_gelijk(regels.get(naam, []), basis)))
        uitkomst_rijen.append((naam, "instrumentenmix", _mix(uitkomst, basis)))
        uitkomst_rijen.append((naam, "wat knelt", _binding(uitkomst, basis)))
        uitkomst_rijen += [(naam, "opvallend", zin) for zin in _opvallend(uitkomst, basis, vergelijking.invoer)]
    return uitkomst_rijen
