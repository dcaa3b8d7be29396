"""An independent plan checker: recomputes every constraint of SPEC §5 from the cells.

It reads the input and the plan workbook with openpyxl and its own small parser, and
uses none of budgetkoppeling's code, so that a bug in the model builder cannot hide
behind the same bug here. ``controleer(invoer, plan)`` returns a list of violations
(empty when the plan is valid).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import openpyxl

ABS = 1e-5  # persons, placements
EUR = 1e-3  # euros


def _bladen(pad: Path) -> dict[str, list[dict]]:
    werkboek = openpyxl.load_workbook(pad, read_only=True, data_only=True)
    bladen = {}
    for blad in werkboek.worksheets:
        rijen = list(blad.iter_rows(values_only=True))
        if not rijen:
            bladen[blad.title.strip().lower()] = []
            continue
        kop = [str(k).strip().lower() if k is not None else None for k in rijen[0]]
        data = []
        for rij in rijen[1:]:
            if all(w is None or (isinstance(w, str) and not w.strip()) for w in rij):
                continue
            data.append({
                k: (w.strip() if isinstance(w, str) else w) or (0 if w == 0 else None)
                for k, w in zip(kop, rij) if k
            })
        bladen[blad.title.strip().lower()] = data
    werkboek.close()
    return bladen


def _filter(waarde) -> str | None:
    if waarde is None or str(waarde).lower() == "alle":
        return None
    if isinstance(waarde, float) and waarde.is_integer():
        return str(int(waarde))
    return str(waarde)


def _dicht(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol + 1e-7 * max(abs(a), abs(b))


class Invoer:
    """The input workbook, parsed the plain way."""

    def __init__(self, pad: Path):
        b = _bladen(pad)
        inst = {r["sleutel"].lower(): r["waarde"] for r in b["instellingen"]}
        self.start = int(float(inst["planperiode_start"]))
        self.eind = int(float(inst["planperiode_eind"]))
        self.rho = float(str(inst.get("disconteringsvoet") or 0).replace(",", "."))  # '0,02' as typed
        self.index = float(str(inst.get("kostenindexatie") or 0).replace(",", "."))
        self.doorloop = str(inst.get("doorloop_na_planperiode") or "nee").lower() == "ja"
        self.regios = [r["regio"] for r in b["regios"]]
        self.fondsen = {
            r["fonds"]: {
                "landelijk": str(r.get("landelijk") or "nee").lower() == "ja",
                "overheveling": float(r.get("overheveling") or 0),
                "vervaljaar": None if r.get("vervaljaar") is None else int(r["vervaljaar"]),
                "risico": float(r.get("vaststellingsrisico") or 0),
                "soort": r["soort"],
            }
            for r in b["fondsen"]
        }
        # the reserve fund of SPEC §4: Instellingen.reservefonds, else the participatiebudget fund
        self.reservefonds = inst.get("reservefonds") or next(
            (f for f, gegevens in self.fondsen.items() if gegevens["soort"] == "participatiebudget"), None)
        self.budget = defaultdict(float)
        for r in b["budgetten"]:
            self.budget[(r["fonds"], r.get("regio"), int(r["jaar"]))] += float(r["bedrag"])
        self.verpl = defaultdict(float)
        for r in b.get("verplichtingen", []):
            self.verpl[(r["fonds"], r.get("regio"), int(r["jaar"]))] += float(r["bedrag"])
        self.instr = {
            r["instrument"]: {
                "k": float(r["kosten_per_deelnemer"]), "duur": int(r["duur_jaren"]),
                "vertr": int(r["duur_jaren"] if r.get("vertraging_jaren") is None else r["vertraging_jaren"]),
            }
            for r in b["instrumenten"]
        }
        self.gewicht = {r["doelgroep"]: float(1 if r.get("gewicht") is None else r["gewicht"])
                        for r in b["doelgroepen"]}
        self.pot = {(r["regio"], r["doelgroep"], int(r["jaar"])): float(r["aantal"]) for r in b["potentieel"]}
        self.kans = {(r["instrument"], r["doelgroep"]): float(r["plaatsingskans"]) for r in b["effecten"]}
        self.finregels = [
            (r["fonds"], _filter(r.get("instrument")), _filter(r.get("doelgroep")),
             float(1 if r.get("max_aandeel") is None else r["max_aandeel"]))
            for r in b["financieringsregels"]
        ]
        segmenten = defaultdict(list)
        for r in b.get("afnemende_meeropbrengst", []):
            segmenten[_filter(r.get("instrument"))].append(
                (int(r["segment"]), float(r["aandeel_potentieel"]), float(r["factor"])))
        self.segmenten = {
            i: sorted(segmenten.get(i) or segmenten.get(None) or [(1, 1.0, 1.0)]) for i in self.instr
        }
        self.koppelingen = b.get("koppelingen", [])
        self.regels = [r for r in b.get("beleidsregels", [])
                       if str(r.get("actief") or "ja").lower() != "nee"]
        band = str(inst.get("max_verschuiving") or "").replace(",", ".").strip()
        self.band = None if band == "" else float(band.removesuffix("%")) / (100 if band.endswith("%") else 1)
        self.realisatie = {(r["regio"], r["instrument"], r["doelgroep"], int(r["jaar"])): float(r["deelnemers"])
                           for r in b.get("realisatie", [])}
        self.realisatie_uitgaven = defaultdict(float)
        for r in b.get("realisatie_uitgaven", []):
            self.realisatie_uitgaven[(r["fonds"], r.get("regio"), int(r["jaar"]))] += float(r["bedrag"])
        self.huidig = defaultdict(float)  # today's participants per region, instrument and year
        for r in b.get("huidige_verdeling", []):
            self.huidig[(r["regio"], r["instrument"], int(r["jaar"]))] += float(r["deelnemers"])

    def aandeel(self, fonds: str, instrument: str, doelgroep: str) -> float | None:
        beste = None
        for f, i, g, aandeel in self.finregels:
            if f != fonds or i not in (None, instrument) or g not in (None, doelgroep):
                continue
            specifiek = (i is not None) + (g is not None)
            if beste is None or specifiek > beste[0]:
                beste = (specifiek, aandeel)
            elif specifiek == beste[0]:
                beste = (specifiek, min(beste[1], aandeel))
        return None if beste is None else beste[1]

    def tarief(self, instrument: str, jaar: int) -> float:
        return self.instr[instrument]["k"] * (1 + self.index) ** (jaar - self.start)


def controleer(invoerpad: Path, planpad: Path, max_verschuiving: float | None = None,
               vanaf: int | None = None) -> list[str]:
    """Every violation of SPEC §5 (and of the plan's own arithmetic) found in the plan.

    ``max_verschuiving`` replaces the setting of Instellingen (a scenario that changes it);
    ``vanaf``: a herijking, whose years before are fixed to Realisatie and Realisatie_uitgaven
    (there a budget may be overspent and the potential exceeded: what happened, happened)."""
    inv = Invoer(invoerpad)
    gerealiseerd = (lambda t: False) if vanaf is None else (lambda t: t < vanaf)  # noqa: E731
    if max_verschuiving is not None:
        inv.band = max_verschuiving
    plan = _bladen(planpad)
    fouten: list[str] = []
    jaren = range(inv.start, inv.eind + 1)

    X = defaultdict(float)
    P = {}
    for r in plan["allocatie"]:
        sleutel = (r["regio"], r["instrument"], r["doelgroep"], int(r["startjaar"]))
        X[sleutel] += float(r["deelnemers"])
        P[sleutel] = float(r["plaatsingen"])
        i, t = r["instrument"], int(r["startjaar"])
        if (i, r["doelgroep"]) not in inv.kans:
            fouten.append(f"effecten: {sleutel} is geen toegestane combinatie")
        if t not in jaren:
            fouten.append(f"startjaar buiten planperiode: {sleutel}")
        if not inv.doorloop and t + inv.instr[i]["duur"] - 1 > inv.eind and not gerealiseerd(t):
            fouten.append(f"looptijd: {sleutel} loopt na de planperiode door")
        if int(r["plaatsingsjaar"]) != t + inv.instr[i]["vertr"]:
            fouten.append(f"plaatsingsjaar fout: {sleutel}")
        kosten = sum(inv.tarief(i, j) * float(r["deelnemers"]) for j in range(t, t + inv.instr[i]["duur"]))
        if not _dicht(kosten, float(r["kosten"]), EUR):
            fouten.append(f"kosten van {sleutel}: {r['kosten']} in plaats van {kosten}")

    # potentieel and segment
    per_groep = defaultdict(float)
    for (reg, _i, g, t), aantal in X.items():
        per_groep[(reg, g, t)] += aantal
    for sleutel, aantal in per_groep.items():
        if aantal > inv.pot.get(sleutel, 0) + ABS and not gerealiseerd(sleutel[2]):
            fouten.append(f"potentieel: {sleutel} heeft {aantal} deelnemers, potentieel {inv.pot.get(sleutel, 0)}")
    for (reg, i, g, t), aantal in X.items():
        pot = inv.pot.get((reg, g, t), 0)
        hoogst = laagst = 0.0
        rest_hoog = rest_laag = aantal
        segmenten = inv.segmenten[i]
        for _, aandeel, factor in segmenten:
            deel = min(rest_hoog, aandeel * pot)
            hoogst += deel * factor
            rest_hoog -= deel
        for _, aandeel, factor in reversed(segmenten):
            deel = min(rest_laag, aandeel * pot)
            laagst += deel * factor
            rest_laag -= deel
        if rest_hoog > ABS and gerealiseerd(t):  # above the potential: at the last segment's factor
            hoogst += rest_hoog * segmenten[-1][2]
            rest_laag = 0.0
            laagst = hoogst
        elif rest_hoog > ABS:
            fouten.append(f"segment: {(reg, i, g, t)} past niet in de segmenten")
        kans = inv.kans.get((i, g), 0)
        if not (kans * laagst - ABS <= P[(reg, i, g, t)] <= kans * hoogst + ABS):
            fouten.append(f"segment/plaatsingen: {(reg, i, g, t)} heeft {P[(reg, i, g, t)]} plaatsingen, "
                          f"mogelijk {kans * laagst}..{kans * hoogst}")

    # kosten per payment year within the plan; after it too with doorloop (reservering)
    kosten = defaultdict(float)
    for (reg, i, g, t), aantal in X.items():
        for j in range(t, t + inv.instr[i]["duur"]):
            if j <= inv.eind or inv.doorloop:
                kosten[(reg, i, g, j)] += inv.tarief(i, j) * aantal

    # financiering, cofinanciering
    betaald = defaultdict(float)
    besteed = defaultdict(float)
    gereserveerd = defaultdict(float)
    reserve = defaultdict(float)  # vaststelling: what the reserve fund holds against settlement corrections
    for r in plan["financiering"]:
        f, reg, i, g = r["fonds"], r["regio"], r["instrument"], r["doelgroep"]
        t, bedrag = int(r["jaar"]), float(r["bedrag"])
        betaald[(reg, i, g, t)] += bedrag
        fonds = inv.fondsen[f]
        if fonds["risico"] > 0:  # the reserve fund holds risico x each payment, same region, year (or the last)
            houder = inv.reservefonds
            reserve[(houder, None if inv.fondsen[houder]["landelijk"] else reg, min(t, inv.eind))] += \
                fonds["risico"] * bedrag
        if t > inv.eind:  # reservering: a payment after the plan is held in the budget of its last year
            gereserveerd[(f, None if fonds["landelijk"] else reg, inv.eind)] += bedrag
            if fonds["vervaljaar"] is not None and fonds["vervaljaar"] < inv.eind:
                fouten.append(f"reservering: fonds {f} vervalt in {fonds['vervaljaar']}, voor het einde van het plan")
        else:
            besteed[(f, None if fonds["landelijk"] else reg, t)] += bedrag
        aandeel = inv.aandeel(f, i, g)
        if not aandeel:
            fouten.append(f"financiering: fonds {f} mag {i}/{g} niet betalen")
            continue
        if fonds["vervaljaar"] is not None and t > fonds["vervaljaar"] and t <= inv.eind:
            fouten.append(f"financiering: fonds {f} betaalt in {t}, na vervaljaar {fonds['vervaljaar']}")
        if not fonds["landelijk"] and not any(k[0] == f and k[1] == reg for k in inv.budget):
            fouten.append(f"financiering: fonds {f} heeft geen budget in regio {reg}")
        if bedrag > aandeel * kosten[(reg, i, g, t)] + EUR:
            fouten.append(f"cofinanciering: {f} betaalt {bedrag} van {kosten[(reg, i, g, t)]} voor {(reg, i, g, t)}")
    for sleutel in set(kosten) | set(betaald):
        if not _dicht(kosten[sleutel], betaald[sleutel], EUR):
            fouten.append(f"financiering: {sleutel} kost {kosten[sleutel]}, betaald {betaald[sleutel]}")

    # budget and overheveling, from the Fondsen sheet's carry-over columns
    rijen = {(r["fonds"], None if r["regio"] == "landelijk" and inv.fondsen[r["fonds"]]["landelijk"] else r["regio"],
              int(r["jaar"])): r for r in plan["fondsen"]}
    potten = {(f, reg) for f, reg, _ in set(inv.budget) | set(inv.verpl) | set(besteed) | set(reserve)}
    met_risico = any(fonds["risico"] > 0 for fonds in inv.fondsen.values())
    # herijking (SPEC §4): the ledger is the truth for money. In a realised year whose ledger is known
    # back to the start, the fund spent the ledger's amount (commitments included), carried
    # min(overheveling x budget, budget + carry-in - bedrag) but never below 0, and overspent the rest
    grootboek = {}
    if vanaf is not None:
        for f, reg in potten:
            fonds, erin = inv.fondsen[f], 0.0
            for t in range(inv.start, vanaf):
                if (f, reg, t) not in inv.realisatie_uitgaven:
                    break
                bedrag, budget = inv.realisatie_uitgaven[(f, reg, t)], inv.budget[(f, reg, t)]
                mag = t < inv.eind and (fonds["vervaljaar"] is None or t < fonds["vervaljaar"])
                uit = max(0.0, min(fonds["overheveling"] * budget, budget + erin - bedrag)) if mag else 0.0
                grootboek[(f, reg, t)] = (bedrag, uit, max(0.0, bedrag - budget - erin))
                erin = uit
    for f, reg in potten:
        fonds = inv.fondsen[f]
        for t in jaren:
            sleutel = (f, reg, t)
            rij = rijen.get(sleutel)
            if sleutel in grootboek:
                besteed[sleutel] = grootboek[sleutel][0] - inv.verpl[sleutel]
                if rij is not None and not _dicht(float(rij["overheveling_uit"]), grootboek[sleutel][1], EUR):
                    fouten.append(f"grootboek: {sleutel} hevelt {rij['overheveling_uit']} over, het grootboek geeft "
                                  f"{grootboek[sleutel][1]}")
            uit = float(rij["overheveling_uit"]) if rij else 0.0
            erin = float(rij["overheveling_in"]) if rij else 0.0
            vorige = rijen.get((f, reg, t - 1))
            if not _dicht(erin, float(vorige["overheveling_uit"]) if vorige else 0.0, EUR):
                fouten.append(f"overheveling: {sleutel} ontvangt {erin}, vorig jaar gaf anders")
            if uit > fonds["overheveling"] * inv.budget[sleutel] + EUR:
                grens = fonds["overheveling"] * inv.budget[sleutel]
                fouten.append(f"overheveling: {sleutel} hevelt {uit} over, grens {grens}")
            if uit > EUR and (t == inv.eind or (fonds["vervaljaar"] is not None and t >= fonds["vervaljaar"])):
                fouten.append(f"overheveling: {sleutel} hevelt over in het laatste jaar of na vervaljaar")
            links = besteed[sleutel] + gereserveerd[sleutel] + reserve.get(sleutel, 0.0) + inv.verpl[sleutel] + uit
            rechts = inv.budget[sleutel] + erin
            if links > rechts + EUR and not gerealiseerd(t):
                fouten.append(f"budget: {sleutel} gebruikt {links}, beschikbaar {rechts}")
            if rij is not None:
                verwacht = [("budget", inv.budget[sleutel]), ("verplichtingen", inv.verpl[sleutel]),
                            ("besteed", besteed[sleutel]), ("onbenut", max(0.0, rechts - links))]
                if vanaf is not None:  # an overspend is never netted into onbenut
                    verwacht.append(("overschreden", max(0.0, links - rechts)))
                if inv.doorloop:
                    verwacht.append(("gereserveerd", gereserveerd[sleutel]))
                if met_risico:
                    verwacht.append(("esf_risico", reserve.get(sleutel, 0.0)))
                for kolom, waarde in verwacht:
                    if not _dicht(float(rij[kolom]), waarde, EUR):
                        fouten.append(f"Fondsen-blad {sleutel} {kolom}: {rij[kolom]} in plaats van {waarde}")
            elif any(abs(w) > EUR for w in (inv.budget[sleutel], inv.verpl[sleutel], besteed[sleutel])):
                fouten.append(f"Fondsen-blad mist {sleutel}")

    # beleidsregels, expanded over elk
    for regel in inv.regels:
        for combinatie in _combinaties(inv, regel):
            waarde = _regelwaarde(inv, regel, combinatie, X, P, plan["financiering"])
            grens = float(regel["waarde"])
            operator = regel["operator"]
            goed = {"<=": waarde <= grens + ABS * max(1, abs(grens)),
                    ">=": waarde >= grens - ABS * max(1, abs(grens)),
                    "=": abs(waarde - grens) <= ABS * max(1, abs(grens))}[operator]
            if not goed:
                fouten.append(f"beleidsregel {regel['regel']} {combinatie}: {waarde} {operator} {grens} geschonden")

    # koppelingen: the partner pays at least verhouding x what the fund pays on the same cells
    for koppeling in inv.koppelingen:
        regel = {**koppeling, "grootheid": "uitgaven", "fonds": None}
        for combinatie in _combinaties(inv, regel):
            eigen, partner = (_regelwaarde(inv, regel, combinatie, X, P,
                                           [r for r in plan["financiering"] if r["fonds"] == fonds])
                              for fonds in (koppeling["fonds"], koppeling["partner"]))
            if partner < float(koppeling["verhouding"]) * eigen - EUR:
                fouten.append(f"koppeling {koppeling['koppeling']} {combinatie}: {partner} < "
                              f"{koppeling['verhouding']} x {eigen}")

    # realisatie: the years before vanaf are what happened
    if vanaf is not None:
        for sleutel in set(X) | set(inv.realisatie):
            if gerealiseerd(sleutel[3]) and not _dicht(X.get(sleutel, 0.0), inv.realisatie.get(sleutel, 0.0), ABS):
                fouten.append(f"realisatie: {sleutel} heeft {X.get(sleutel, 0.0)} deelnemers, gerealiseerd "
                              f"{inv.realisatie.get(sleutel, 0.0)}")
        # a fund's realised spending is its ledger's: the Fondsen sheet's besteed is checked above

    # overgang: each instrument per region and year within the band around today's plan
    if inv.band is not None and inv.huidig:
        a = inv.band
        per_instrument = defaultdict(float)
        for (reg, i, _g, t), aantal in X.items():
            per_instrument[(reg, i, t)] += aantal
        for reg in inv.regios:
            for t in jaren:
                totaal = sum(n for (r, _i, j), n in inv.huidig.items() if r == reg and j == t)
                for i in inv.instr:
                    h, x = inv.huidig.get((reg, i, t), 0.0), per_instrument.get((reg, i, t), 0.0)
                    onder, boven = ((1 - a) * h, (1 + a) * h) if h > 0 else (0.0, a * totaal)
                    if not onder - ABS * max(1, onder) <= x <= boven + ABS * max(1, boven):
                        fouten.append(f"overgang: {(reg, i, t)} heeft {x} deelnemers, band {onder}..{boven}")

    # objective and summary
    doel = sum(
        inv.gewicht[g] * P[(reg, i, g, t)] / (1 + inv.rho) ** (t + inv.instr[i]["vertr"] - inv.start)
        for (reg, i, g, t) in P
    )
    kpi = {r["kpi"]: float(r["waarde"]) for r in plan["samenvatting"] if r.get("kpi") and r.get("waarde") is not None
           and isinstance(r["waarde"], (int, float))}
    verwacht = {
        "gewogen_plaatsingen": doel, "plaatsingen": sum(P.values()), "deelnemers": sum(X.values()),
        "uitgaven": sum(besteed.values()), "budget_totaal": sum(inv.budget.values()),
    }
    if inv.doorloop:
        verwacht["reservering_na_planperiode"] = sum(gereserveerd.values())
    if met_risico:
        verwacht["esf_risico"] = sum(reserve.values())
    for naam, waarde in verwacht.items():
        if not _dicht(kpi.get(naam, float("nan")), waarde, 1e-4):
            fouten.append(f"Samenvatting {naam}: {kpi.get(naam)} in plaats van {waarde}")
    return fouten


def doelwaarde(planpad: Path) -> float:
    plan = _bladen(planpad)
    return next(float(r["waarde"]) for r in plan["samenvatting"] if r.get("kpi") == "gewogen_plaatsingen")


def _combinaties(inv: Invoer, regel: dict) -> list[dict]:
    bronnen = {"regio": inv.regios, "fonds": list(inv.fondsen), "instrument": list(inv.instr),
               "doelgroep": list(inv.gewicht), "jaar": [str(j) for j in range(inv.start, inv.eind + 1)]}
    combinaties = [{}]
    for kolom, waarden in bronnen.items():
        if str(regel.get(kolom) or "").lower() == "elk":
            combinaties = [{**c, kolom: w} for c in combinaties for w in waarden]
    return combinaties


def _regelwaarde(inv: Invoer, regel: dict, combinatie: dict, X, P, financiering) -> float:
    def filt(kolom):
        return combinatie[kolom] if kolom in combinatie else _filter(regel.get(kolom))

    def past(kolom, waarde):
        f = filt(kolom)
        if kolom == "jaar" and f is not None and "-" in f.strip("-"):  # a range: 2026-2028
            eerste, laatste = (int(float(j)) for j in f.replace(" ", "").split("-"))
            return eerste <= int(waarde) <= laatste
        if kolom == "jaar" and f is not None:
            return int(float(f)) == int(waarde)
        return f is None or f == str(waarde)

    if regel["grootheid"] == "uitgaven":
        return sum(float(r["bedrag"]) for r in financiering
                   if past("fonds", r["fonds"]) and past("regio", r["regio"]) and past("instrument", r["instrument"])
                   and past("doelgroep", r["doelgroep"]) and past("jaar", int(r["jaar"]))
                   and int(r["jaar"]) <= inv.eind)  # a reservation past the plan is not spending
    totaal = 0.0
    for (reg, i, g, t), aantal in X.items():
        if not (past("regio", reg) and past("instrument", i) and past("doelgroep", g)):
            continue
        if regel["grootheid"] == "deelnemers" and past("jaar", t):
            totaal += aantal
        elif regel["grootheid"] == "plaatsingen" and past("jaar", t + inv.instr[i]["vertr"]):
            totaal += P[(reg, i, g, t)]
    return totaal
