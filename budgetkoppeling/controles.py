"""The cross-sheet rules of SPEC §4: one check function per sheet (``controleer_<blad>``) over the
typed rows, each adding what it finds to the problems of one :class:`Controle`; :func:`maak_invoer`
runs them in order and builds the :class:`~budgetkoppeling.invoer.Invoer`. As PyPSA's
``consistency.py`` has one ``check_*`` per rule, a message can be traced to the check that made it.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .errors import Probleem
from .getallen import AANDEEL_KOLOMMEN, lees_getal
from .invoer import (
    ALLE,
    ELK,
    GEMEENTE,
    LANDELIJK,
    REGIO,
    Beleidsregel,
    Financieringsregel,
    Fonds,
    Gemeente,
    Instrument,
    Invoer,
    Koppeling,
    Onzekerheidsregel,
    Segment,
    jaarreeks,
    verdeel,
)
from .io import RIJ
from .schemas import BLADEN, INSTELLINGEN, JA_NEE, OPLOSSERS
from .tekst import bedoelt_u, jaren_tekst, kort, nl

TOLERANTIE = 1e-6
CELSOORT = "__celsoort"  # in a typed row of Instellingen: column -> True (number cell), False (text), absent
VERPLICHTE_BLADEN = {blad.naam for blad in BLADEN if blad.verplicht}
# which filters each uncertain quantity takes (SPEC §4); any other filter must be alle
ONZEKERHEID_FILTERS = {
    "plaatsingskans": ("regio", "gemeente", "instrument", "doelgroep"),
    "kosten": ("regio", "gemeente", "instrument", "jaar"),
    "budget": ("fonds", "regio", "gemeente", "jaar"),
}


class Controle:
    """The typed rows of every sheet and the problems found so far, with the building blocks the
    checks share (a name known, a year in the plan period, no duplicate rows). The settings found
    (plan period, rates) are kept on it for the checks that follow."""

    def __init__(self, bladen: dict[str, list[dict]], problemen: list[Probleem]):
        self.bladen = bladen
        self.problemen = problemen
        self.meldingen: list[str] = []
        self.instellingrijen: dict[str, dict] = {}
        self.verdeeld: dict[str, dict] = {}  # sheet -> the keys its regio-only rows were spread by (Gemeenten)

    def fout(self, blad: str, rij: dict | None, kolom: str | None, melding: str, waarde=None) -> None:
        self.problemen.append(
            Probleem(blad, rij[RIJ] if rij else None, kolom,
                     None if waarde is None else str(waarde), melding)
        )

    def rijen(self, blad: str) -> list[dict]:
        return self.bladen.get(blad, [])

    # -- building blocks

    def namen(self, blad: str, kolom: str, melden: bool = True) -> list[str]:
        """The unique names of a list sheet, reporting duplicates (once, with ``melden``)."""
        gezien: dict[str, int] = {}
        for rij in self.rijen(blad):
            naam = rij[kolom]
            if naam is None:
                continue
            if naam in gezien:
                if melden:
                    self.fout(blad, rij, kolom, f"komt al voor in rij {gezien[naam]}", naam)
            else:
                gezien[naam] = rij[RIJ]
        return list(gezien)

    def bekend(self, blad: str, rij: dict, kolom: str, namen, bron: str, filter_: bool = False,
               elk: bool = False) -> bool:
        """Check that a cell names something of sheet ``bron``; True when it does."""
        waarde = rij.get(kolom)
        if waarde is None:
            return True
        if filter_ and waarde.casefold() == ALLE:
            return True
        if elk and waarde.casefold() == ELK:
            return True
        if waarde in namen:
            return True
        if bron not in self.bladen and bron in VERPLICHTE_BLADEN:  # reported once: no follow-up per row
            return False
        melding = f"onbekende naam; staat niet in het blad '{bron}'" + bedoelt_u(waarde, namen)
        self.fout(blad, rij, kolom, melding, waarde)
        return False

    def jaar_in_periode(self, blad: str, rij: dict, kolom: str = "jaar") -> bool:
        jaar = rij.get(kolom)
        if jaar is None or self.start is None:
            return True
        if not self.start <= jaar <= self.eind:
            self.fout(blad, rij, kolom,
                      f"jaar ligt buiten de planperiode {self.start}-{self.eind}", jaar)
            return False
        return True

    def uniek(self, blad: str, kolommen: tuple[str, ...], normaliseer=None) -> None:
        gezien: dict[tuple, int] = {}
        for rij in self.rijen(blad):
            sleutel = tuple(rij.get(k) for k in kolommen)
            if normaliseer:
                sleutel = normaliseer(sleutel)
            if sleutel in gezien:
                self.fout(blad, rij, kolommen[0],
                          f"dubbele regel: dezelfde {', '.join(kolommen)} staat al in rij {gezien[sleutel]}",
                          " / ".join("" if k is None else str(k) for k in sleutel))
            else:
                gezien[sleutel] = rij[RIJ]


# --------------------------------------------------------------------------- the rules, sheet by sheet


def maak_invoer(c: Controle) -> Invoer:
    controleer_instellingen(c)
    regios = c.namen("Regios", "regio")
    for rij in c.rijen("Regios"):  # the key of a national pot in every table
        if rij["regio"] is not None and rij["regio"].casefold() == LANDELIJK:
            c.fout("Regios", rij, "regio", "'landelijk' staat in elke tabel voor een landelijk fonds; kies een andere "
                   "naam voor deze regio", rij["regio"])
    gemeenten = controleer_gemeenten(c, regios)
    fondsen = controleer_fondsen(c, gemeenten)
    instrumenten = controleer_instrumenten(c)
    doelgroepen = controleer_doelgroepen(c)
    # references are checked against every name in a list sheet, also those whose
    # row has another problem, so that one bad cell does not cascade into many
    fondsnamen = set(c.namen("Fondsen", "fonds", melden=False))
    instrumentnamen = set(c.namen("Instrumenten", "instrument", melden=False))
    groepnamen = set(c.namen("Doelgroepen", "doelgroep", melden=False))
    verdeelsleutel = controleer_verdeelsleutel(c, fondsen, fondsnamen, gemeenten)
    budget = controleer_bedragen(c, "Budgetten", fondsen, fondsnamen, regios, gemeenten)
    verplichtingen = controleer_bedragen(c, "Verplichtingen", fondsen, fondsnamen, regios, gemeenten)
    potentieel = controleer_potentieel(c, regios, groepnamen, gemeenten)
    effecten = controleer_effecten(c, instrumentnamen, groepnamen)
    financieringsregels = controleer_financieringsregels(c, fondsnamen, instrumentnamen, groepnamen, gemeenten)
    reservefonds = controleer_reservefonds(c, fondsen, fondsnamen)
    segmenten = controleer_segmenten(c, instrumenten, instrumentnamen)
    beleidsregels = controleer_beleidsregels(c, regios, fondsnamen, instrumentnamen, groepnamen, gemeenten)
    koppelingen = controleer_koppelingen(c, regios, fondsnamen, instrumentnamen, groepnamen, gemeenten)
    scenarios = controleer_scenarios(c, regios, fondsnamen, instrumentnamen, groepnamen, beleidsregels, gemeenten)
    huidige = controleer_verdeling(c, "Huidige_verdeling", regios, instrumentnamen, groepnamen, effecten, gemeenten)
    realisatie = controleer_verdeling(c, "Realisatie", regios, instrumentnamen, groepnamen, effecten, gemeenten)
    realisatie_uitgaven = controleer_bedragen(c, "Realisatie_uitgaven", fondsen, fondsnamen, regios, gemeenten)
    onzekerheid = controleer_onzekerheid(c, regios, fondsnamen, instrumentnamen, groepnamen, gemeenten)
    controleer_overgang(c, regios, huidige, scenarios, gemeenten)
    waarschuw_verdacht(c, fondsen, instrumenten, doelgroepen, potentieel, effecten, financieringsregels)
    waarschuw_vergeten_jaren(c, regios, fondsen, budget, doelgroepen, potentieel, gemeenten)
    return Invoer(
        start=c.start or 0, eind=c.eind or 0,
        disconteringsvoet=c.disconteringsvoet, kostenindexatie=c.kostenindexatie,
        uitkeringen=c.uitkeringen, besparing_jaren=c.besparing_jaren, koppelingen=koppelingen,
        doorloop=c.doorloop, oplosser=c.oplosser, regios=regios, fondsen=fondsen,
        budget=budget, verplichtingen=verplichtingen, instrumenten=instrumenten,
        doelgroepen=doelgroepen, potentieel=potentieel, effecten=effecten,
        financieringsregels=financieringsregels, segmenten=segmenten,
        beleidsregels=beleidsregels, scenarios=scenarios, huidige_verdeling=huidige,
        meldingen=c.meldingen, max_verschuiving=c.max_verschuiving, realisatie=realisatie,
        realisatie_uitgaven=realisatie_uitgaven, onzekerheid=onzekerheid, reservefonds=reservefonds,
        gemeenten=gemeenten, verdeelsleutel=verdeelsleutel, verdeeld=c.verdeeld,
    )


def waarschuw_verdacht(c: Controle, fondsen, instrumenten, doelgroepen, potentieel, effecten,
                       financieringsregels) -> None:
    """Legal but suspicious: notices, not errors."""
    betalend = {regel.fonds for regel in financieringsregels if regel.max_aandeel > 0}
    for fonds in fondsen:
        if fonds not in betalend:
            c.meldingen.append(
                f"Fonds '{fonds}' mag volgens het blad Financieringsregels nergens voor betalen; "
                "het budget blijft dus onbenut.")
    geschikt = {instrument for instrument, _ in effecten}
    for instrument in instrumenten:
        if instrument not in geschikt:
            c.meldingen.append(
                f"Instrument '{instrument}' heeft in het blad Effecten geen enkele doelgroep en wordt dus nooit "
                "ingezet.")
    met_potentieel = {doelgroep for (_r, doelgroep, _t), aantal in potentieel.items() if aantal > 0}
    for doelgroep in doelgroepen:
        if doelgroep not in met_potentieel:
            c.meldingen.append(
                f"Doelgroep '{doelgroep}' heeft in het blad Potentieel geen enkele persoon en krijgt dus geen "
                "deelnemers.")


def waarschuw_vergeten_jaren(c: Controle, regios, fondsen, budget, doelgroepen, potentieel, gemeenten) -> None:
    """A plan year without rows where the other years have them: a forgotten year, most likely
    (no Potentieel for a group in 2029, no Participatiebudget in 2029)."""
    if c.start is None or c.eind is None or c.start > c.eind:
        return
    jaren = list(range(c.start, c.eind + 1))

    def ontbrekend(aanwezig: set[int]) -> list[int]:
        return [t for t in jaren if t not in aanwezig] if aanwezig else []

    for doelgroep in doelgroepen:
        per_jaar = {t for (_r, g, t) in potentieel if g == doelgroep}
        for t in ontbrekend(per_jaar):
            c.meldingen.append(
                f"Potentieel: doelgroep '{doelgroep}' heeft rijen voor andere planjaren, maar geen voor {t}; "
                f"in {t} kan deze groep dus niet starten. Vergeten?")
        # a region without a row in a year that other regions have: a missing row means 0, silently
        missend = [(r, t) for r in (list(gemeenten) or regios) for t in sorted(per_jaar) if c.start <= t <= c.eind
                   and (r, doelgroep, t) not in potentieel]
        if missend:
            voorbeelden = ", ".join(f"'{r}' {t}" for r, t in missend[:3]) + (", ..." if len(missend) > 3 else "")
            hoeveel = "1 combinatie" if len(missend) == 1 else f"{len(missend)} combinaties"
            c.meldingen.append(
                f"Potentieel: voor doelgroep '{doelgroep}' ontbreekt een rij bij {hoeveel} van "
                f"{'gemeente' if gemeenten else 'regio'} en jaar "
                f"({voorbeelden}); een ontbrekende rij betekent 0: daar kan deze groep niet starten. Vergeten?")
    for fonds, gegevens in fondsen.items():
        laatste = gegevens.vervaljaar if gegevens.vervaljaar is not None else c.eind
        missend: dict[int, list[str]] = {}
        potten = [LANDELIJK] if gegevens.landelijk else list(gemeenten) if gegevens.niveau == GEMEENTE else regios
        for regio in potten:
            per_jaar = {t for (f, r, t) in budget if f == fonds and r == regio}
            if not per_jaar and not gegevens.landelijk:
                continue  # a regional fund that this region does not have
            for t in ontbrekend(per_jaar):
                if t <= laatste:  # after its vervaljaar a fund pays nothing by design
                    missend.setdefault(t, []).append(regio)
        for t, waar in sorted(missend.items()):
            if gegevens.landelijk:
                plek = ""
            elif len(waar) <= 3:
                plek = " voor " + ", ".join(f"'{r}'" for r in waar)
            else:
                soort = "gemeenten" if gegevens.niveau == GEMEENTE else "regio's"
                plek = f" voor {len(waar)} {soort} ({', '.join(repr(r) for r in waar[:3])}, ...)"
            c.meldingen.append(
                f"Budgetten: fonds '{fonds}' heeft{plek} budget in andere planjaren, maar niet in {t}; "
                f"in {t} betaalt het daar dus niets (behalve wat het overhevelt). Vergeten?")


def controleer_instellingen(c: Controle) -> None:
    blad = "Instellingen"
    c.namen(blad, "sleutel")
    waarden = {}
    for rij in c.rijen(blad):
        sleutel = rij["sleutel"]
        if sleutel is None:
            continue
        if sleutel.casefold() not in INSTELLINGEN:
            c.fout(blad, rij, "sleutel",
                   "onbekende instelling; bekend zijn: " + ", ".join(INSTELLINGEN), sleutel)
            continue
        waarden[sleutel.casefold()] = rij
    c.instellingrijen = waarden

    def getal(sleutel: str, standaard, geheel: bool = False):
        rij = waarden.get(sleutel)
        if rij is None:
            if standaard is None:
                c.fout(blad, None, "sleutel", f"verplichte instelling '{sleutel}' ontbreekt")
            return standaard
        waarde, reden = lees_getal(rij["waarde"] or "", sleutel, rij.get(CELSOORT, {}).get("waarde"),
                                   procent_mag=sleutel in AANDEEL_KOLOMMEN)  # '20%' is 0,2
        if waarde is None or (geheel and waarde != math.floor(waarde)):
            soort = "een geheel getal (jaar)" if geheel else "een getal"
            uitleg = f"; {reden}" if reden and reden != "moet een getal zijn" else ""
            c.fout(blad, rij, "waarde", f"'{sleutel}' moet {soort} zijn{uitleg}", rij["waarde"])
            return standaard
        return int(waarde) if geheel else waarde

    def keuze(sleutel: str, opties: list[str], standaard: str) -> str:
        rij = waarden.get(sleutel)
        if rij is None or rij["waarde"] is None:
            return standaard
        waarde = rij["waarde"].casefold()
        if waarde not in opties:
            c.fout(blad, rij, "waarde", f"'{sleutel}' moet een van deze zijn: {', '.join(opties)}",
                   rij["waarde"])
            return standaard
        return waarde

    c.start = getal("planperiode_start", None, geheel=True)
    c.eind = getal("planperiode_eind", None, geheel=True)
    if c.start is not None and c.eind is not None:
        if c.eind < c.start:
            c.fout(blad, waarden["planperiode_eind"], "waarde",
                   "planperiode_eind ligt voor planperiode_start", c.eind)
            c.start = c.eind = None
        elif c.eind - c.start > 49:
            c.fout(blad, waarden["planperiode_eind"], "waarde",
                   "de planperiode mag hoogstens 50 jaar zijn", c.eind)
            c.start = c.eind = None
    else:
        c.start = c.eind = None
    c.disconteringsvoet = getal("disconteringsvoet", 0.0)
    if not 0 <= c.disconteringsvoet < 1:
        c.fout(blad, waarden.get("disconteringsvoet"), "waarde",
               "disconteringsvoet moet tussen 0 en 1 liggen", c.disconteringsvoet)
        c.disconteringsvoet = 0.0
    c.kostenindexatie = getal("kostenindexatie", 0.0)
    if not -0.5 <= c.kostenindexatie <= 1:
        c.fout(blad, waarden.get("kostenindexatie"), "waarde",
               "kostenindexatie moet tussen -0,5 en 1 liggen (bijvoorbeeld 0,03 voor 3%)",
               c.kostenindexatie)
        c.kostenindexatie = 0.0
    c.doorloop = keuze("doorloop_na_planperiode", JA_NEE, "nee") == "ja"
    c.oplosser = keuze("oplosser", OPLOSSERS, "auto")
    c.besparing_jaren = getal("besparing_jaren", 1.0)
    if not 0 <= c.besparing_jaren <= 50:
        c.fout(blad, waarden.get("besparing_jaren"), "waarde",
               "besparing_jaren moet tussen 0 en 50 liggen", c.besparing_jaren)
        c.besparing_jaren = 1.0
    c.max_verschuiving = None
    if waarden.get("max_verschuiving") is not None and waarden["max_verschuiving"]["waarde"] is not None:
        c.max_verschuiving = getal("max_verschuiving", None)
        if c.max_verschuiving is not None and not 0 <= c.max_verschuiving <= 1:
            c.fout(blad, waarden["max_verschuiving"], "waarde",
                   "max_verschuiving moet tussen 0 en 1 liggen (bijvoorbeeld 0,2 voor 20%); laat de cel leeg "
                   "voor geen grens", c.max_verschuiving)
            c.max_verschuiving = None


def controleer_gemeenten(c: Controle, regios: list[str]) -> dict[str, Gemeente]:
    """Gemeenten (SPEC §9): each municipality once, in a known region; no region without one."""
    blad = "Gemeenten"
    gemeenten: dict[str, Gemeente] = {}
    eerste: dict[str, dict] = {}
    for rij in c.rijen(blad):
        naam = rij["gemeente"]
        if naam is None:
            continue
        if naam in eerste:
            andere = eerste[naam]
            waar = f" (bij regio '{andere['regio']}')" if andere["regio"] != rij["regio"] else ""
            c.fout(blad, rij, "gemeente", f"staat al in rij {andere[RIJ]}{waar}; een gemeente hoort bij één regio",
                   naam)
            continue
        eerste[naam] = rij
        if naam.casefold() == LANDELIJK:
            c.fout(blad, rij, "gemeente", "'landelijk' staat in elke tabel voor een landelijk fonds; kies een andere "
                   "naam", naam)
            continue
        if c.bekend(blad, rij, "regio", set(regios), "Regios") and rij["regio"] is not None:
            gemeenten[naam] = Gemeente(naam, rij["regio"], rij["inwoners"], rij["bijstand"])
    if gemeenten:
        for rij in c.rijen("Regios"):
            if rij["regio"] is not None and not any(g.regio == rij["regio"] for g in gemeenten.values()):
                c.fout("Regios", rij, "regio", "deze regio heeft geen gemeente in het blad Gemeenten", rij["regio"])
    return gemeenten


def controleer_fondsen(c: Controle, gemeenten: dict[str, Gemeente]) -> dict[str, Fonds]:
    blad = "Fondsen"
    c.namen(blad, "fonds")
    fondsen = {}
    for rij in c.rijen(blad):
        if rij["fonds"] is None or rij["fonds"] in fondsen or rij["soort"] is None:
            continue
        vervaljaar = rij["vervaljaar"]
        if vervaljaar is not None and c.start is not None and vervaljaar < c.start:
            c.meldingen.append(
                f"Fonds '{rij['fonds']}' is vervallen ({vervaljaar}) voor de planperiode begint."
            )
        niveau = rij.get("niveau") or (LANDELIJK if rij["landelijk"] == "ja" else REGIO)
        if rij["landelijk"] == "ja" and niveau != LANDELIJK:
            c.fout(blad, rij, "niveau", "landelijk = ja betekent niveau landelijk; laat een van beide leeg", niveau)
            continue
        if niveau == GEMEENTE and not gemeenten:
            c.fout(blad, rij, "niveau", "niveau gemeente vraagt om het blad Gemeenten (welke gemeenten in welke "
                   "regio liggen)", niveau)
            continue
        if not _pot_met_inbreng(c, rij, niveau):
            continue
        fondsen[rij["fonds"]] = Fonds(
            naam=rij["fonds"], soort=rij["soort"], niveau=niveau,
            overheveling=rij["overheveling"] or 0.0, vervaljaar=vervaljaar,
            vaststellingsrisico=rij.get("vaststellingsrisico") or 0.0,
            inbreng_uit=rij.get("inbreng_uit"), verdeelsleutel=rij.get("verdeelsleutel") or "inwoners",
            min_tegenprestatie=rij.get("min_tegenprestatie") or 0.0,
        )
    controleer_inbreng(c, fondsen, gemeenten)
    return fondsen


def _pot_met_inbreng(c: Controle, rij: dict, niveau: str) -> bool:
    """A pool's own columns (inbreng_uit, verdeelsleutel, min_tegenprestatie) fit its row."""
    blad, goed = "Fondsen", True
    if rij.get("inbreng_uit") is None:
        for kolom in ("verdeelsleutel", "min_tegenprestatie"):
            if rij.get(kolom) is not None:
                c.fout(blad, rij, kolom, f"{kolom} hoort bij een regionale pot die de gemeenten vullen; vul ook "
                       "inbreng_uit in (het fonds waaruit elke gemeente inbrengt), of laat deze cel leeg", rij[kolom])
                goed = False
        return goed
    if niveau != REGIO:
        c.fout(blad, rij, "inbreng_uit", f"alleen een pot van niveau regio wordt door de gemeenten gevuld, niet een "
               f"van niveau {niveau}", rij["inbreng_uit"])
        goed = False
    if rij["overheveling"]:
        c.fout(blad, rij, "overheveling", "een pot die de gemeenten vullen, houdt niets over naar het volgende jaar "
               "(zij brengen elk jaar in wat de pot betaalt); laat overheveling leeg of 0", rij["overheveling"])
        goed = False
    if rij.get("vaststellingsrisico"):
        c.fout(blad, rij, "vaststellingsrisico", "een pot die de gemeenten vullen, kent geen vaststellingsrisico "
               "(dat hoort bij het fonds waaruit betaald wordt)", rij["vaststellingsrisico"])
        goed = False
    return goed


def controleer_inbreng(c: Controle, fondsen: dict[str, Fonds], gemeenten: dict[str, Gemeente]) -> None:
    """Each pool's inbreng_uit names a fund of niveau gemeente, and its key has values where it needs them."""
    for pool in [f for f in fondsen.values() if f.pool]:
        rij = next(r for r in c.rijen("Fondsen") if r["fonds"] == pool.naam)
        bron = fondsen.get(pool.inbreng_uit)
        geweigerd = bron is None and any(r["fonds"] == pool.inbreng_uit for r in c.rijen("Fondsen"))
        if not geweigerd and (bron is None or bron.niveau != GEMEENTE):  # a refused fund: its own problem says why
            reden = ("onbekend fonds; staat niet in het blad 'Fondsen'" + bedoelt_u(pool.inbreng_uit, list(fondsen))
                     if bron is None else f"fonds '{kort(bron.naam)}' is van niveau {bron.niveau}; de gemeenten "
                     "brengen in uit een fonds van niveau gemeente (meestal het participatiebudget)")
            c.fout("Fondsen", rij, "inbreng_uit", reden, pool.inbreng_uit)
        sleutel = pool.verdeelsleutel
        if sleutel in ("inwoners", "bijstand"):
            for g_rij in c.rijen("Gemeenten"):
                if g_rij["gemeente"] in gemeenten and g_rij[sleutel] is None:
                    c.fout("Gemeenten", g_rij, sleutel, f"leeg, maar pot '{kort(pool.naam)}' verdeelt de inbreng naar "
                           f"{sleutel}; vul het getal in", None)
            som: dict[str, float] = defaultdict(float)
            for g in gemeenten.values():
                som[g.regio] += getattr(g, sleutel) or 0.0
            for regio, totaal in som.items():
                if totaal <= 0:
                    c.fout("Fondsen", rij, "verdeelsleutel", f"de gemeenten van regio '{regio}' hebben samen 0 "
                           f"{sleutel}; met deze sleutel is hun aandeel onbepaald", sleutel)


def controleer_verdeelsleutel(c: Controle, fondsen: dict[str, Fonds], fondsnamen: set[str],
                              gemeenten: dict[str, Gemeente]) -> dict[tuple[str, str], float]:
    """Verdeelsleutel: the shares of a pool with verdeelsleutel tabel, summing to 1 in each region."""
    blad = "Verdeelsleutel"
    c.uniek(blad, ("fonds", "gemeente"))
    aandelen: dict[tuple[str, str], float] = {}
    for rij in c.rijen(blad):
        goed = c.bekend(blad, rij, "fonds", fondsnamen, "Fondsen")
        goed &= c.bekend(blad, rij, "gemeente", set(gemeenten), "Gemeenten")
        fonds = fondsen.get(rij["fonds"])
        if goed and fonds is not None and fonds.verdeelsleutel != "tabel":
            c.fout(blad, rij, "fonds", f"fonds '{kort(fonds.naam)}' heeft geen verdeelsleutel tabel; zet die in het "
                   "blad Fondsen, of haal deze rij weg", rij["fonds"])
            goed = False
        if goed and rij["aandeel"] is not None:
            aandelen[(rij["fonds"], rij["gemeente"])] = rij["aandeel"]
    for pool in [f for f in fondsen.values() if f.pool and f.verdeelsleutel == "tabel"]:
        som: dict[str, float] = defaultdict(float)
        for (f, m), aandeel in aandelen.items():
            if f == pool.naam:
                som[gemeenten[m].regio] += aandeel
        for regio in dict.fromkeys(g.regio for g in gemeenten.values()):
            if abs(som.get(regio, 0.0) - 1) > TOLERANTIE:
                rij = next((r for r in c.rijen(blad) if r["fonds"] == pool.naam and r["gemeente"] in gemeenten
                            and gemeenten[r["gemeente"]].regio == regio), None)
                c.fout(blad, rij, "aandeel", f"de aandelen van regio '{regio}' in pot '{kort(pool.naam)}' tellen op "
                       f"tot {nl(som.get(regio, 0.0))}, niet tot 1", None)
    return aandelen


def controleer_reservefonds(c: Controle, fondsen: dict[str, Fonds], fondsnamen: set[str]) -> str | None:
    """The fund that holds the reserve for settlement corrections: Instellingen.reservefonds, else the
    fund of soort participatiebudget. Needed only where some fund has a vaststellingsrisico."""
    rij = c.instellingrijen.get("reservefonds")
    gekozen = None if rij is None or rij["waarde"] is None else str(rij["waarde"])
    if gekozen is not None and gekozen not in fondsnamen:
        c.fout("Instellingen", rij, "waarde", "onbekend fonds; staat niet in het blad 'Fondsen'"
               + bedoelt_u(gekozen, sorted(fondsnamen)), gekozen)
        return None
    riskant = [f.naam for f in fondsen.values() if f.vaststellingsrisico > 0]
    if not riskant:
        return gekozen
    if gekozen is None:
        kandidaten = [f.naam for f in fondsen.values() if f.soort == "participatiebudget"]
        if not kandidaten:
            rij_fonds = next(r for r in c.rijen("Fondsen") if r["fonds"] == riskant[0])
            c.fout("Fondsen", rij_fonds, "vaststellingsrisico",
                   "een vaststellingsrisico vraagt om een reservefonds dat het bedrag achter de hand houdt: "
                   "zet 'reservefonds' in het blad Instellingen, of voeg een fonds van soort "
                   "participatiebudget toe", fondsen[riskant[0]].vaststellingsrisico)
            return None
        gekozen = kandidaten[0]
    if gekozen in riskant:
        c.fout("Instellingen" if rij is not None else "Fondsen",
               rij if rij is not None else next(r for r in c.rijen("Fondsen") if r["fonds"] == gekozen),
               "waarde" if rij is not None else "vaststellingsrisico",
               f"het reservefonds '{gekozen}' heeft zelf een vaststellingsrisico; kies een ander reservefonds",
               gekozen)
        return None
    return gekozen


def controleer_instrumenten(c: Controle) -> dict[str, Instrument]:
    c.namen("Instrumenten", "instrument")
    instrumenten = {}
    for rij in c.rijen("Instrumenten"):
        if None in (rij["instrument"], rij["kosten_per_deelnemer"], rij["duur_jaren"]):
            continue
        if rij["instrument"] in instrumenten:
            continue
        vertraging = rij["vertraging_jaren"]
        instrumenten[rij["instrument"]] = Instrument(
            naam=rij["instrument"], kosten=rij["kosten_per_deelnemer"], duur=rij["duur_jaren"],
            vertraging=rij["duur_jaren"] if vertraging is None else vertraging,
        )
    return instrumenten


def controleer_doelgroepen(c: Controle) -> dict[str, float]:
    c.namen("Doelgroepen", "doelgroep")
    groepen: dict[str, float] = {}
    c.uitkeringen: dict[str, float] = {}
    for rij in c.rijen("Doelgroepen"):
        if rij["doelgroep"] is not None and rij["doelgroep"] not in groepen:
            groepen[rij["doelgroep"]] = 1.0 if rij["gewicht"] is None else rij["gewicht"]
            if rij.get("uitkering_per_jaar"):
                c.uitkeringen[rij["doelgroep"]] = rij["uitkering_per_jaar"]
    return groepen


def controleer_bedragen(c: Controle, blad: str, fondsen: dict[str, Fonds], fondsnamen: set[str],
                        regios: list[str], gemeenten: dict[str, Gemeente]):
    """Budgetten and Verplichtingen: known fund and region, region iff regional (gemeente iff of niveau
    gemeente), in period. Keyed by the pot: the region, the municipality or LANDELIJK."""
    bedragen: dict[tuple[str, str, int], float] = defaultdict(float)
    regioset = set(regios)
    for rij in c.rijen(blad):
        goed = c.bekend(blad, rij, "fonds", fondsnamen, "Fondsen")
        goed &= c.bekend(blad, rij, "regio", regioset, "Regios")
        goed &= c.jaar_in_periode(blad, rij)
        fonds = fondsen.get(rij["fonds"])
        gemeente = rij.get("gemeente")
        if gemeente is not None and not gemeenten:
            c.fout(blad, rij, "gemeente", "een gemeente vraagt om het blad Gemeenten", gemeente)
            goed = False
        elif fonds is not None and fonds.niveau == GEMEENTE:
            if gemeente is None:
                c.fout(blad, rij, "gemeente", f"fonds '{kort(fonds.naam)}' is van niveau gemeente: vul de gemeente in")
                goed = False
            elif not c.bekend(blad, rij, "gemeente", set(gemeenten), "Gemeenten"):
                goed = False
            elif rij["regio"] is not None and gemeenten[gemeente].regio != rij["regio"]:
                c.fout(blad, rij, "regio", f"gemeente '{gemeente}' ligt in regio '{gemeenten[gemeente].regio}'; "
                       "laat de regio leeg of maak hem gelijk", rij["regio"])
                goed = False
            if goed and None not in (rij["fonds"], rij["jaar"], rij["bedrag"]):
                bedragen[(rij["fonds"], gemeente, rij["jaar"])] += rij["bedrag"]
            continue
        elif gemeente is not None and fonds is not None:
            c.fout(blad, rij, "gemeente", f"fonds '{kort(fonds.naam)}' is van niveau {fonds.niveau}: laat de gemeente "
                   "leeg (een gemeentelijk budget staat in een fonds van niveau gemeente)", gemeente)
            goed = False
        if fonds is not None:
            if fonds.landelijk and rij["regio"] is not None:
                c.fout(blad, rij, "regio",
                       f"fonds '{kort(fonds.naam)}' is landelijk: laat de regio leeg", rij["regio"])
                goed = False
            if not fonds.landelijk and rij["regio"] is None:
                c.fout(blad, rij, "regio",
                       f"fonds '{kort(fonds.naam)}' is regionaal: vul de regio in")
                goed = False
            if fonds.vervaljaar is not None and rij["jaar"] is not None and rij["jaar"] > fonds.vervaljaar:
                c.fout(blad, rij, "jaar",
                       f"na het vervaljaar {fonds.vervaljaar} van fonds '{kort(fonds.naam)}'",
                       rij["jaar"])
                goed = False
        if goed and None not in (rij["fonds"], rij["jaar"], rij["bedrag"]):
            bedragen[(rij["fonds"], rij["regio"] or LANDELIJK, rij["jaar"])] += rij["bedrag"]
    return dict(bedragen)


def controleer_potentieel(c: Controle, regios: list[str], doelgroepen: dict[str, float],
                          gemeenten: dict[str, Gemeente]):
    blad = "Potentieel"
    c.uniek(blad, ("regio", "gemeente", "doelgroep", "jaar") if gemeenten else ("regio", "doelgroep", "jaar"))
    potentieel: dict[tuple[str, str, int], float] = defaultdict(float)
    for rij in c.rijen(blad):
        goed = c.bekend(blad, rij, "regio", set(regios), "Regios")
        goed &= c.bekend(blad, rij, "doelgroep", doelgroepen, "Doelgroepen")
        goed &= c.jaar_in_periode(blad, rij)
        eenheden = _eenheden(c, blad, rij, gemeenten) if goed else None
        if eenheden and rij["aantal"] is not None and rij["jaar"] is not None:
            for eenheid, aandeel in eenheden.items():
                potentieel[(eenheid, rij["doelgroep"], rij["jaar"])] += aandeel * rij["aantal"]
    return dict(potentieel)


def _eenheden(c: Controle, blad: str, rij: dict, gemeenten: dict[str, Gemeente]) -> dict[str, float] | None:
    """The units a row of Potentieel, Huidige_verdeling or Realisatie is about, with the share of its number
    each gets: its region; with Gemeenten its municipality, or (a row naming only the region) every municipality
    of the region by bijstand, by inwoners where the region's bijstand sums to 0 (SPEC §9). None: not valid."""
    gemeente = rij.get("gemeente")
    if not gemeenten:
        if gemeente is not None:
            c.fout(blad, rij, "gemeente", "een gemeente vraagt om het blad Gemeenten", gemeente)
            return None
        return {rij["regio"]: 1.0}
    if gemeente is not None:
        if not c.bekend(blad, rij, "gemeente", set(gemeenten), "Gemeenten"):
            return None
        if gemeenten[gemeente].regio != rij["regio"]:
            c.fout(blad, rij, "regio", f"gemeente '{gemeente}' ligt in regio '{gemeenten[gemeente].regio}'",
                   rij["regio"])
            return None
        return {gemeente: 1.0}
    leden = {m: g for m, g in gemeenten.items() if g.regio == rij["regio"]}
    sleutel = next((k for k in ("bijstand", "inwoners") if sum(getattr(g, k) or 0.0 for g in leden.values()) > 0),
                   "gelijk")  # neither given: equal shares
    c.verdeeld.setdefault(blad, {})[sleutel] = None
    return verdeel(leden, sleutel)


def controleer_effecten(c: Controle, instrumenten, doelgroepen):
    blad = "Effecten"
    c.uniek(blad, ("instrument", "doelgroep"))
    effecten = {}
    for rij in c.rijen(blad):
        goed = c.bekend(blad, rij, "instrument", instrumenten, "Instrumenten")
        goed &= c.bekend(blad, rij, "doelgroep", doelgroepen, "Doelgroepen")
        if goed and rij["plaatsingskans"] is not None:
            effecten[(rij["instrument"], rij["doelgroep"])] = rij["plaatsingskans"]
    return effecten


def controleer_financieringsregels(c: Controle, fondsen, instrumenten, doelgroepen, gemeenten=None):
    blad = "Financieringsregels"

    def alle_is_leeg(sleutel):
        return tuple(None if (w is None or str(w).casefold() == ALLE) else w for w in sleutel)

    sleutel = ("fonds", "instrument", "doelgroep") + (("gemeente",) if gemeenten else ())
    c.uniek(blad, sleutel, alle_is_leeg)
    gemeentefilter = _gemeentefilter(c, blad, gemeenten)
    regels = []
    for rij in c.rijen(blad):
        goed = c.bekend(blad, rij, "fonds", fondsen, "Fondsen")
        goed &= c.bekend(blad, rij, "instrument", instrumenten, "Instrumenten", filter_=True)
        goed &= c.bekend(blad, rij, "doelgroep", doelgroepen, "Doelgroepen", filter_=True)
        if gemeentefilter:
            goed &= c.bekend(blad, rij, "gemeente", set(gemeenten), "Gemeenten", filter_=True)
        if goed and rij["fonds"] is not None:
            _, instrument, doelgroep, gemeente = alle_is_leeg(
                (rij["fonds"], rij["instrument"], rij["doelgroep"], rij.get("gemeente") if gemeentefilter else None))
            regels.append(Financieringsregel(
                rij["fonds"], instrument, doelgroep,
                1.0 if rij["max_aandeel"] is None else rij["max_aandeel"], gemeente,
            ))
    return regels


def controleer_segmenten(c: Controle, instrumenten, instrumentnamen) -> dict[str, list[Segment]]:
    blad = "Afnemende_meeropbrengst"

    def alle_is_leeg(sleutel):
        instrument, segment = sleutel
        return (None if instrument is None or instrument.casefold() == ALLE else instrument, segment)

    c.uniek(blad, ("instrument", "segment"), alle_is_leeg)
    per_instrument: dict[str | None, list[tuple[dict, Segment]]] = defaultdict(list)
    for rij in c.rijen(blad):
        if not c.bekend(blad, rij, "instrument", instrumentnamen, "Instrumenten", filter_=True):
            continue
        if None in (rij["segment"], rij["aandeel_potentieel"], rij["factor"]):
            continue
        instrument, _ = alle_is_leeg((rij["instrument"], None))
        per_instrument[instrument].append(
            (rij, Segment(rij["segment"], rij["aandeel_potentieel"], rij["factor"]))
        )
    for instrument, rijen in per_instrument.items():
        rijen.sort(key=lambda paar: paar[1].nummer)
        naam = "alle instrumenten" if instrument is None else f"instrument '{kort(instrument)}'"
        totaal = sum(segment.aandeel for _, segment in rijen)
        if abs(totaal - 1) > TOLERANTIE:
            c.fout(blad, rijen[0][0], "aandeel_potentieel",
                   f"de aandelen van {naam} tellen op tot {nl(totaal)} in plaats van 1", nl(totaal))
        for (_, vorige), (rij, segment) in zip(rijen, rijen[1:]):
            if segment.factor > vorige.factor + 1e-12:
                c.fout(blad, rij, "factor",
                       f"de factor van {naam} stijgt t.o.v. segment {vorige.nummer} "
                       f"({nl(vorige.factor)}); factoren mogen niet stijgen", nl(segment.factor))
    standaard = [s for _, s in per_instrument.get(None, [])] or [Segment(1, 1.0, 1.0)]
    return {
        naam: [s for _, s in per_instrument[naam]] if naam in per_instrument else standaard
        for naam in instrumenten
    }


def _gemeentefilter(c: Controle, blad: str, gemeenten) -> dict:
    """The gemeente filter column as a source of names: with Gemeenten only (SPEC §9); without, a filled
    cell is an error."""
    if gemeenten:
        return {"gemeente": (set(gemeenten), "Gemeenten")}
    for rij in c.rijen(blad):
        if rij.get("gemeente") is not None and rij["gemeente"].casefold() != ALLE:
            c.fout(blad, rij, "gemeente", "een gemeente vraagt om het blad Gemeenten", rij["gemeente"])
    return {}


def controleer_beleidsregels(c: Controle, regios, fondsen, instrumenten, doelgroepen,
                             gemeenten=None) -> list[Beleidsregel]:
    blad = "Beleidsregels"
    c.namen(blad, "regel")
    bronnen = {
        "regio": (set(regios), "Regios"),
        **_gemeentefilter(c, blad, gemeenten),
        "fonds": (fondsen, "Fondsen"),
        "instrument": (instrumenten, "Instrumenten"),
        "doelgroep": (doelgroepen, "Doelgroepen"),
    }
    regels, gezien = [], set()
    for rij in c.rijen(blad):
        filters, goed = _filterkolommen(c, blad, rij, bronnen)
        # a placement may fall after the plan period: a rule on plaatsingen may name such a year
        filters["jaar"], jaar_goed = _jaarfilter(c, blad, rij, periode=goed and rij["grootheid"] != "plaatsingen")
        goed &= jaar_goed
        if rij["grootheid"] not in (None, "uitgaven") and filters["fonds"] is not None:
            c.fout(blad, rij, "fonds",
                   "het fondsfilter geldt alleen bij grootheid uitgaven; laat het leeg of zet alle",
                   rij["fonds"])
            goed = False
        if goed and None not in (rij["regel"], rij["grootheid"], rij["operator"], rij["waarde"]):
            if rij["regel"] in gezien:
                continue
            gezien.add(rij["regel"])
            regels.append(Beleidsregel(
                regel=rij["regel"], filters=filters, grootheid=rij["grootheid"],
                operator=rij["operator"], waarde=rij["waarde"],
                actief=rij["actief"] != "nee", rij=rij[RIJ],
            ))
    return regels


def _filterkolommen(c: Controle, blad: str, rij: dict, bronnen: dict) -> tuple[dict[str, str | None], bool]:
    """The name filters of a Beleidsregels or Koppelingen row (a name, alle or elk), each checked
    against its sheet; and whether all are valid."""
    goed, filters = True, {}
    for kolom, (namen, bron) in bronnen.items():
        goed &= c.bekend(blad, rij, kolom, namen, bron, filter_=True, elk=True)
        filters[kolom] = _filterwaarde(rij[kolom])
    return filters, goed


def _jaarfilter(c: Controle, blad: str, rij: dict, periode: bool = True) -> tuple[str | None, bool]:
    """A jaar filter: None (alle), elk, '2027' or '2026-2028' (the rule sums over those years); and
    whether it is valid. With ``periode`` the years must lie in the plan period."""
    jaar = _filterwaarde(rij["jaar"])
    if jaar in (None, ELK):
        return jaar, True
    reeks = jaarreeks(jaar)
    if reeks is None:
        c.fout(blad, rij, "jaar", "moet een jaar (2027), een reeks jaren (2026-2028), alle of elk zijn",
               rij["jaar"])
        return None, False
    if periode and c.start is not None and not (c.start <= reeks[0] and reeks[1] <= c.eind):
        c.fout(blad, rij, "jaar", f"jaar ligt buiten de planperiode {c.start}-{c.eind}", rij["jaar"])
        return None, False
    return (str(reeks[0]) if reeks[0] == reeks[1] else f"{reeks[0]}-{reeks[1]}"), True


def controleer_koppelingen(c: Controle, regios, fondsen, instrumenten, doelgroepen,
                           gemeenten=None) -> list[Koppeling]:
    blad = "Koppelingen"
    c.namen(blad, "koppeling")
    bronnen = {"regio": (set(regios), "Regios"), **_gemeentefilter(c, blad, gemeenten),
               "instrument": (instrumenten, "Instrumenten"),
               "doelgroep": (doelgroepen, "Doelgroepen")}
    koppelingen, gezien = [], set()
    for rij in c.rijen(blad):
        goed = c.bekend(blad, rij, "fonds", fondsen, "Fondsen")
        goed &= c.bekend(blad, rij, "partner", fondsen, "Fondsen")
        filters, filters_goed = _filterkolommen(c, blad, rij, bronnen)
        goed &= filters_goed
        filters["jaar"], jaar_goed = _jaarfilter(c, blad, rij)
        goed &= jaar_goed
        if goed and rij["fonds"] is not None and rij["fonds"] == rij["partner"]:
            c.fout(blad, rij, "partner", "een fonds kan zichzelf niet matchen; kies een ander fonds",
                   rij["partner"])
            goed = False
        if goed and None not in (rij["koppeling"], rij["fonds"], rij["partner"], rij["verhouding"]):
            if rij["koppeling"] in gezien:
                continue
            gezien.add(rij["koppeling"])
            koppelingen.append(Koppeling(rij["koppeling"], rij["fonds"], rij["partner"], rij["verhouding"],
                                         filters, rij[RIJ]))
    return koppelingen


def controleer_scenarios(c: Controle, regios, fondsen, instrumenten, doelgroepen, beleidsregels, gemeenten=None):
    blad = "Scenarios"
    bronnen = {
        "regio": (set(regios), "Regios"),
        **_gemeentefilter(c, blad, gemeenten),
        "fonds": (fondsen, "Fondsen"),
        "instrument": (instrumenten, "Instrumenten"),
        "doelgroep": (doelgroepen, "Doelgroepen"),
        "regel": ({r.regel for r in beleidsregels}, "Beleidsregels"),
    }
    rijen = []
    eerste_spelling: dict[str, str] = {}
    for rij in c.rijen(blad):
        goed = True
        naam = rij["scenario"]
        if naam is not None:
            eerder = eerste_spelling.setdefault(naam.casefold(), naam)
            if eerder != naam:  # Excel compares column headers without regard to case
                c.fout(blad, rij, "scenario", f"verschilt alleen in hoofdletters van scenario '{eerder}'; "
                       "Excel ziet dat als dezelfde kolom. Schrijf de naam overal gelijk", naam)
                goed = False
        for kolom, (namen, bron) in bronnen.items():
            goed &= c.bekend(blad, rij, kolom, namen, bron, filter_=True)
        if rij["jaar"] is not None and rij["jaar"].casefold() != ALLE:
            if jaarreeks(rij["jaar"]) is None:
                c.fout(blad, rij, "jaar", "moet een jaar, een reeks als 2028-2030 of alle zijn",
                       rij["jaar"])
                goed = False
        if (rij["factor"] is None) == (rij["waarde"] is None):
            c.fout(blad, rij, "factor", "vul precies één van factor en waarde in")
            goed = False
        if rij["aanpassing"] == "regel_actief" and rij["waarde"] not in (None, 0.0, 1.0):
            c.fout(blad, rij, "waarde", "bij regel_actief is de waarde ja (aan) of nee (uit), of 1 of 0",
                   rij["waarde"])
            goed = False
        if rij["aanpassing"] == "max_verschuiving":
            goed &= _scenario_band(c, blad, rij)
        if rij["scenario"] is not None and rij["scenario"].casefold() == "basis":
            c.fout(blad, rij, "scenario", "'basis' is het uitgangspunt en kan niet worden aangepast",
                   rij["scenario"])
            goed = False
        if goed:
            rijen.append(rij)
    return rijen


def controleer_overgang(c: Controle, regios, huidige, scenarios, gemeenten=None) -> None:
    """max_verschuiving needs today's plan; a region or year without one can then start nothing."""
    met_band = [rij for rij in scenarios if rij["aanpassing"] == "max_verschuiving"]
    if c.max_verschuiving is None and not met_band:
        return
    if not c.rijen("Huidige_verdeling"):
        if c.max_verschuiving is not None:
            c.fout("Instellingen", c.instellingrijen["max_verschuiving"], "waarde",
                   "max_verschuiving vraagt om het blad Huidige_verdeling (de verdeling van nu); vul dat blad "
                   "in of laat de cel leeg", c.max_verschuiving)
        for rij in met_band:
            c.fout("Scenarios", rij, "aanpassing", "max_verschuiving vraagt om het blad Huidige_verdeling (de "
                   "verdeling van nu)", rij["aanpassing"])
        return
    if c.start is None or c.eind is None or not huidige:
        return
    regio_van = {m: g.regio for m, g in (gemeenten or {}).items()}  # a municipality's rows count for its region
    for regio in regios:
        zonder = [t for t in range(c.start, c.eind + 1)
                  if not any(aantal > 0 for (r, _i, _g, j), aantal in huidige.items()
                             if regio_van.get(r, r) == regio and j == t)]
        if zonder:
            c.meldingen.append(
                f"Huidige_verdeling: regio '{regio}' heeft geen deelnemers in {jaren_tekst(zonder)}; met "
                "max_verschuiving kan daar dan niets starten (elk instrument blijft binnen de band rond 0).")


def controleer_onzekerheid(c: Controle, regios, fondsen, instrumenten, doelgroepen,
                           gemeenten=None) -> list[Onzekerheidsregel]:
    """Onzekerheid: a unique name, known names in the filters that apply to the quantity (the
    others alle), laag <= 1 <= hoog."""
    blad = "Onzekerheid"
    c.namen(blad, "naam")
    bronnen = {"fonds": (fondsen, "Fondsen"), "regio": (set(regios), "Regios"), **_gemeentefilter(c, blad, gemeenten),
               "instrument": (instrumenten, "Instrumenten"), "doelgroep": (doelgroepen, "Doelgroepen")}
    regels, gezien = [], set()
    for rij in c.rijen(blad):
        goed = True
        filters: dict[str, str | None] = {}
        for kolom, (namen, bron) in bronnen.items():
            goed &= c.bekend(blad, rij, kolom, namen, bron, filter_=True)
            filters[kolom] = _filterwaarde(rij[kolom])
        if rij["jaar"] is not None and rij["jaar"].strip().casefold() == ELK:
            c.fout(blad, rij, "jaar", "moet een jaar (2027), een reeks jaren (2026-2028) of alle zijn",
                   rij["jaar"])
            goed = False
        else:
            filters["jaar"], jaar_goed = _jaarfilter(c, blad, rij)
            goed &= jaar_goed
        grootheid = rij["grootheid"]
        if grootheid in ONZEKERHEID_FILTERS:
            for kolom, waarde in filters.items():
                if waarde is not None and kolom not in ONZEKERHEID_FILTERS[grootheid]:
                    past = ", ".join(k for k in ONZEKERHEID_FILTERS[grootheid] if k != "gemeente" or gemeenten)
                    c.fout(blad, rij, kolom, f"bij {grootheid} gelden alleen de filters {past}; laat "
                           f"{kolom} leeg (alle)", rij[kolom])
                    goed = False
        laag, hoog = rij["laag"], rij["hoog"]
        if laag is not None and laag > 1:
            c.fout(blad, rij, "laag", "laag moet 1 of minder zijn (een factor op de invoerwaarde, "
                   "bijvoorbeeld 0,7)", laag)
            goed = False
        if hoog is not None and hoog < 1:
            c.fout(blad, rij, "hoog", "hoog moet 1 of meer zijn (een factor op de invoerwaarde, "
                   "bijvoorbeeld 1,2)", hoog)
            goed = False
        if goed and None not in (rij["naam"], grootheid, laag, hoog) and rij["naam"] not in gezien:
            gezien.add(rij["naam"])
            verdeling, samenhang = rij["verdeling"] or "driehoek", rij["samenhang"] or "gedeeld"
            regels.append(Onzekerheidsregel(rij["naam"], grootheid, filters, laag, hoog, verdeling, samenhang,
                                            rij[RIJ]))
    return regels


def _scenario_band(c: Controle, blad: str, rij: dict) -> bool:
    """A scenario's max_verschuiving: one band for the whole plan, set with waarde 0..1."""
    goed = True
    for kolom in ("fonds", "regio", "gemeente", "instrument", "doelgroep", "jaar", "regel"):
        if rij.get(kolom) is not None and rij[kolom].casefold() != ALLE:
            c.fout(blad, rij, kolom, "max_verschuiving geldt voor het hele plan; laat deze kolom leeg",
                   rij[kolom])
            goed = False
    if rij["factor"] is not None and rij["waarde"] is None:
        c.fout(blad, rij, "factor", "zet max_verschuiving met waarde (bijvoorbeeld 0,2 voor 20%), niet met "
               "een factor", rij["factor"])
        goed = False
    elif rij["waarde"] is not None and not 0 <= rij["waarde"] <= 1:
        c.fout(blad, rij, "waarde", "max_verschuiving moet tussen 0 en 1 liggen (bijvoorbeeld 0,2 voor 20%)",
               rij["waarde"])
        goed = False
    return goed


def controleer_verdeling(c: Controle, blad, regios, instrumenten, doelgroepen, effecten, gemeenten):
    """Huidige_verdeling and Realisatie: participants per unit, instrument, group and start year."""
    c.uniek(blad, ("regio", "gemeente", "instrument", "doelgroep", "jaar") if gemeenten
            else ("regio", "instrument", "doelgroep", "jaar"))
    verdeling: dict[tuple[str, str, str, int], float] = defaultdict(float)
    for rij in c.rijen(blad):
        goed = c.bekend(blad, rij, "regio", set(regios), "Regios")
        goed &= c.bekend(blad, rij, "instrument", instrumenten, "Instrumenten")
        goed &= c.bekend(blad, rij, "doelgroep", doelgroepen, "Doelgroepen")
        goed &= c.jaar_in_periode(blad, rij)
        if goed and (rij["instrument"], rij["doelgroep"]) not in effecten:
            c.fout(blad, rij, "instrument",
                   "deze combinatie van instrument en doelgroep staat niet in het blad Effecten",
                   f"{rij['instrument']} / {rij['doelgroep']}")
            goed = False
        eenheden = _eenheden(c, blad, rij, gemeenten) if goed else None
        if eenheden and rij["deelnemers"] is not None and rij["jaar"] is not None:
            for eenheid, aandeel in eenheden.items():
                verdeling[(eenheid, rij["instrument"], rij["doelgroep"], rij["jaar"])] += aandeel * rij["deelnemers"]
    return dict(verdeling)


def _filterwaarde(waarde: str | None) -> str | None:
    """A filter cell: None for alle (or empty), 'elk', or the name."""
    if waarde is None or waarde.casefold() == ALLE:
        return None
    if waarde.casefold() == ELK:
        return ELK
    return waarde
