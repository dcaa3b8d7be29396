"""An independent plan checker: recomputes every constraint of SPEC §5 from the cells.

It reads the input and the plan workbook with openpyxl and its own small parser, and
uses none of budgetkoppeling's code, so that a bug in the model builder cannot hide
behind the same bug here. ``controleer(invoer, plan)`` returns a list of violations
(empty when the plan is valid).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
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
        # SPEC §9: with Gemeenten the unit of planning is the municipality
        self.gemeenten = {r["gemeente"]: r["regio"] for r in b.get("gemeenten", [])}
        self.kenmerk = {r["gemeente"]: {kenmerk: float(r.get(kenmerk) or 0) for kenmerk in ("inwoners", "bijstand")}
                        for r in b.get("gemeenten", [])}
        self.fondsen = {
            r["fonds"]: {
                "niveau": ("landelijk" if str(r.get("landelijk") or "nee").lower() == "ja"
                           else str(r.get("niveau") or "regio").lower()),
                "inbreng_uit": r.get("inbreng_uit"),
                "sleutel": str(r.get("verdeelsleutel") or "inwoners").lower(),
                "alpha": float(r.get("min_tegenprestatie") or 0),
                "landelijk": str(r.get("landelijk") or "nee").lower() == "ja"
                or str(r.get("niveau") or "").lower() == "landelijk",
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
        self.budget = defaultdict(float)  # keyed by the pot: (fonds, regio, municipality or None, jaar)
        for r in b["budgetten"]:
            self.budget[(r["fonds"], self._pot_van_rij(r), int(r["jaar"]))] += float(r["bedrag"])
        self.verpl = defaultdict(float)
        for r in b.get("verplichtingen", []):
            self.verpl[(r["fonds"], self._pot_van_rij(r), int(r["jaar"]))] += float(r["bedrag"])
        self.tabel = {(r["fonds"], r["gemeente"]): float(r["aandeel"]) for r in b.get("verdeelsleutel", [])}
        self.budgetrijen = set(self.budget)  # the pots with a Budgetten row (budget is a defaultdict)
        self.instr = {
            r["instrument"]: {
                "k": float(r["kosten_per_deelnemer"]), "duur": int(r["duur_jaren"]),
                "vertr": int(r["duur_jaren"] if r.get("vertraging_jaren") is None else r["vertraging_jaren"]),
            }
            for r in b["instrumenten"]
        }
        self.gewicht = {r["doelgroep"]: float(1 if r.get("gewicht") is None else r["gewicht"])
                        for r in b["doelgroepen"]}
        self.pot = defaultdict(float)
        for r in b["potentieel"]:
            for eenheid, deel in self.eenheden_van_rij(r).items():
                self.pot[(eenheid, r["doelgroep"], int(r["jaar"]))] += deel * float(r["aantal"])
        self.kans = {(r["instrument"], r["doelgroep"]): float(r["plaatsingskans"]) for r in b["effecten"]}
        self.finregels = [
            (r["fonds"], _filter(r.get("instrument")), _filter(r.get("doelgroep")),
             float(1 if r.get("max_aandeel") is None else r["max_aandeel"]), _filter(r.get("gemeente")))
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
        self.realisatie = defaultdict(float)
        for r in b.get("realisatie", []):
            for eenheid, deel in self.eenheden_van_rij(r).items():
                sleutel = (eenheid, r["instrument"], r["doelgroep"], int(r["jaar"]))
                self.realisatie[sleutel] += deel * float(r["deelnemers"])
        self.realisatie_uitgaven = defaultdict(float)
        for r in b.get("realisatie_uitgaven", []):
            self.realisatie_uitgaven[(r["fonds"], self._pot_van_rij(r), int(r["jaar"]))] += float(r["bedrag"])
        self.huidig = defaultdict(float)  # today's participants per unit, instrument and year
        for r in b.get("huidige_verdeling", []):
            for eenheid, deel in self.eenheden_van_rij(r).items():
                self.huidig[(eenheid, r["instrument"], int(r["jaar"]))] += deel * float(r["deelnemers"])

    def _pot_van_rij(self, r: dict) -> str | None:
        return r.get("gemeente") if self.fondsen[r["fonds"]]["niveau"] == "gemeente" else r.get("regio")

    def eenheden_van_rij(self, r: dict) -> dict[str, float]:
        """A row's units: its region; with Gemeenten its municipality, or the region's municipalities by
        bijstand (by inwoners where the region has no bijstand)."""
        if not self.gemeenten:
            return {r["regio"]: 1.0}
        if r.get("gemeente"):
            return {r["gemeente"]: 1.0}
        leden = [m for m, regio in self.gemeenten.items() if regio == r["regio"]]
        for kenmerk in ("bijstand", "inwoners"):
            som = sum(self.kenmerk[m][kenmerk] for m in leden)
            if som > 0:
                return {m: self.kenmerk[m][kenmerk] / som for m in leden}
        return {m: 1 / len(leden) for m in leden}  # neither: in equal shares

    def regio_van(self, eenheid: str) -> str:
        return self.gemeenten.get(eenheid, eenheid)

    def pot_van(self, fonds: str, eenheid: str) -> str | None:
        """The key of the budget row of ``fonds`` that pays for ``eenheid``'s residents."""
        niveau = self.fondsen[fonds]["niveau"]
        return None if niveau == "landelijk" else eenheid if niveau == "gemeente" else self.regio_van(eenheid)

    def aandelen(self, pool: str) -> dict[str, float]:
        """a[m]: each municipality's share of its region's pool, by the pool's key."""
        sleutel = self.fondsen[pool]["sleutel"]
        if sleutel == "tabel":
            return {m: self.tabel.get((pool, m), 0.0) for m in self.gemeenten}
        waarde = {m: 1.0 if sleutel == "gelijk" else self.kenmerk[m][sleutel] for m in self.gemeenten}
        som, leden = defaultdict(float), defaultdict(int)
        for m, regio in self.gemeenten.items():
            som[regio] += waarde[m]
            leden[regio] += 1
        return {m: waarde[m] / som[regio] if som[regio] > 0 else 1 / leden[regio]  # a key summing to 0: equal
                for m, regio in self.gemeenten.items()}

    @property
    def pools(self) -> list[str]:
        return [f for f, gegevens in self.fondsen.items() if gegevens["inbreng_uit"]]

    def aandeel(self, fonds: str, instrument: str, doelgroep: str, eenheid: str | None = None) -> float | None:
        beste = None
        for f, i, g, aandeel, m in self.finregels:
            if f != fonds or i not in (None, instrument) or g not in (None, doelgroep) or m not in (None, eenheid):
                continue
            specifiek = (i is not None) + (g is not None) + (m is not None)
            if beste is None or specifiek > beste[0]:
                beste = (specifiek, aandeel)
            elif specifiek == beste[0]:
                beste = (specifiek, min(beste[1], aandeel))
        return None if beste is None else beste[1]

    def tarief(self, instrument: str, jaar: int) -> float:
        return self.instr[instrument]["k"] * (1 + self.index) ** (jaar - self.start)


@dataclass
class Gelezen:
    """The plan as the checker reads it, once: participants X and placements P per cell, costs per
    payment year, what each fund paid, held back and holds in reserve; what each family's check reads."""

    inv: Invoer
    plan: dict[str, list[dict]]
    vanaf: int | None
    X: dict = field(default_factory=lambda: defaultdict(float))
    P: dict = field(default_factory=dict)
    kosten: dict = field(default_factory=lambda: defaultdict(float))  # (regio, i, g, payment year)
    betaald: dict = field(default_factory=lambda: defaultdict(float))
    besteed: dict = field(default_factory=lambda: defaultdict(float))  # (fonds, regio or None, jaar)
    gereserveerd: dict = field(default_factory=lambda: defaultdict(float))
    reserve: dict = field(default_factory=lambda: defaultdict(float))  # what the reserve fund holds
    rijen: dict = field(default_factory=dict)  # the Fondsen sheet by (fonds, regio or None, jaar)
    grootboek: dict = field(default_factory=dict)  # herijking: (spent, carried, overspent) of a realised year
    pool: dict = field(default_factory=lambda: defaultdict(float))  # SPEC §9: P[pool, regio, jaar]
    inbreng: dict = field(default_factory=lambda: defaultdict(float))  # (bron fund, gemeente, jaar): a[m] P

    @property
    def jaren(self) -> range:
        return range(self.inv.start, self.inv.eind + 1)

    def gerealiseerd(self, jaar: int) -> bool:
        return self.vanaf is not None and jaar < self.vanaf

    @property
    def potten(self) -> set:
        inv = self.inv
        return {(f, reg) for f, reg, _ in set(inv.budget) | set(inv.verpl) | set(self.besteed) | set(self.reserve)}

    @property
    def met_risico(self) -> bool:
        return any(fonds["risico"] > 0 for fonds in self.inv.fondsen.values())

    def links_rechts(self, sleutel) -> tuple[float, float]:
        """What a budget row uses (spent, held back, reserve, commitments, carried out) and has."""
        rij, inv = self.rijen.get(sleutel), self.inv
        uit = float(rij["overheveling_uit"]) if rij else 0.0
        erin = float(rij["overheveling_in"]) if rij else 0.0
        links = (self.besteed[sleutel] + self.gereserveerd[sleutel] + self.reserve.get(sleutel, 0.0)
                 + inv.verpl[sleutel] + uit + self.inbreng.get(sleutel, 0.0))
        return links, inv.budget[sleutel] + erin


def lees(invoerpad: Path, planpad: Path, max_verschuiving: float | None = None, vanaf: int | None = None) -> Gelezen:
    inv = Invoer(invoerpad)
    if max_verschuiving is not None:
        inv.band = max_verschuiving
    g = Gelezen(inv, _bladen(planpad), vanaf)
    for r in g.plan["allocatie"]:
        sleutel = (r.get("gemeente") or r["regio"], r["instrument"], r["doelgroep"], int(r["startjaar"]))
        g.X[sleutel] += float(r["deelnemers"])
        g.P[sleutel] = float(r["plaatsingen"])
    for (reg, i, gr, t), aantal in g.X.items():
        for j in range(t, t + inv.instr[i]["duur"]):
            if j <= inv.eind or inv.doorloop:
                g.kosten[(reg, i, gr, j)] += inv.tarief(i, j) * aantal
    for r in g.plan["financiering"]:
        f, reg, t, bedrag = r["fonds"], r.get("gemeente") or r["regio"], int(r["jaar"]), float(r["bedrag"])
        g.betaald[(reg, r["instrument"], r["doelgroep"], t)] += bedrag
        fonds = inv.fondsen[f]
        if fonds["risico"] > 0:  # the reserve fund holds risico x each payment, same region, year (or the last)
            houder = inv.reservefonds
            g.reserve[(houder, inv.pot_van(houder, reg), min(t, inv.eind))] += fonds["risico"] * bedrag
        if t > inv.eind:  # reservering: a payment after the plan is held in the budget of its last year
            g.gereserveerd[(f, inv.pot_van(f, reg), inv.eind)] += bedrag
        else:
            g.besteed[(f, inv.pot_van(f, reg), t)] += bedrag
    # SPEC §9: a pool pays P[f,r,t] (its payments by budget year and its commitments); each municipality
    # m of r pays a[m] P out of its own fund inbreng_uit, in that fund's row (m, t)
    for pool in inv.pools:
        aandelen = inv.aandelen(pool)
        for regio in inv.regios:
            for t in g.jaren:
                totaal = (g.besteed[(pool, regio, t)] + g.gereserveerd[(pool, regio, t)] + inv.verpl[(pool, regio, t)])
                g.pool[(pool, regio, t)] = totaal
                for m, r_m in inv.gemeenten.items():
                    if r_m == regio:
                        g.inbreng[(inv.fondsen[pool]["inbreng_uit"], m, t)] += aandelen[m] * totaal
    g.rijen = {(r["fonds"], None if r["regio"] == "landelijk" and inv.fondsen[r["fonds"]]["landelijk"]
                else (r.get("gemeente") or r["regio"]), int(r["jaar"])): r for r in g.plan["fondsen"]}
    # herijking (SPEC §4): the ledger is the truth for money. In a realised year whose ledger is known
    # back to the start, the fund spent the ledger's amount (commitments included), carried
    # min(overheveling x budget, budget + carry-in - bedrag) but never below 0, and overspent the rest
    if vanaf is not None:
        for f, reg in g.potten:
            fonds, erin = inv.fondsen[f], 0.0
            for t in range(inv.start, vanaf):
                if (f, reg, t) not in inv.realisatie_uitgaven:
                    break
                bedrag, budget = inv.realisatie_uitgaven[(f, reg, t)], inv.budget[(f, reg, t)]
                mag = t < inv.eind and (fonds["vervaljaar"] is None or t < fonds["vervaljaar"])
                uit = max(0.0, min(fonds["overheveling"] * budget, budget + erin - bedrag)) if mag else 0.0
                g.grootboek[(f, reg, t)] = (bedrag, uit, max(0.0, bedrag - budget - erin))
                g.besteed[(f, reg, t)] = bedrag - inv.verpl[(f, reg, t)]
                erin = uit
    return g


# ----------------------------------------------------------------------------- one check per family


def controleer_segment(g: Gelezen) -> list[str]:
    """segment: the placements of a cell lie between filling its segments from the best and from the worst."""
    fouten, inv = [], g.inv
    for (reg, i, gr, t), aantal in g.X.items():
        pot = inv.pot.get((reg, gr, t), 0)
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
        if rest_hoog > ABS and g.gerealiseerd(t):  # above the potential: at the last segment's factor
            hoogst += rest_hoog * segmenten[-1][2]
            laagst = hoogst
        elif rest_hoog > ABS:
            fouten.append(f"segment: {(reg, i, gr, t)} past niet in de segmenten")
        kans = inv.kans.get((i, gr), 0)
        if not (kans * laagst - ABS <= g.P[(reg, i, gr, t)] <= kans * hoogst + ABS):
            fouten.append(f"segment: {(reg, i, gr, t)} heeft {g.P[(reg, i, gr, t)]} plaatsingen, "
                          f"mogelijk {kans * laagst}..{kans * hoogst}")
    return fouten


def controleer_potentieel(g: Gelezen) -> list[str]:
    """potentieel: per region, group and year no more participants than the potential; only allowed
    combinations of instrument and group."""
    fouten, per_groep = [], defaultdict(float)
    for (reg, i, gr, t), aantal in g.X.items():
        per_groep[(reg, gr, t)] += aantal
        if (i, gr) not in g.inv.kans:
            fouten.append(f"potentieel: {(reg, i, gr, t)} is geen toegestane combinatie (Effecten)")
    for sleutel, aantal in per_groep.items():
        if aantal > g.inv.pot.get(sleutel, 0) + ABS and not g.gerealiseerd(sleutel[2]):
            fouten.append(f"potentieel: {sleutel} heeft {aantal} deelnemers, potentieel {g.inv.pot.get(sleutel, 0)}")
    return fouten


def controleer_looptijd(g: Gelezen) -> list[str]:
    """looptijd: a start in the plan period; without doorloop no trajectory runs past it; placed after
    its delay."""
    fouten, inv = [], g.inv
    for r in g.plan["allocatie"]:
        sleutel = (r.get("gemeente") or r["regio"], r["instrument"], r["doelgroep"], int(r["startjaar"]))
        i, t = r["instrument"], int(r["startjaar"])
        if t not in g.jaren:
            fouten.append(f"looptijd: startjaar buiten de planperiode: {sleutel}")
        if not inv.doorloop and t + inv.instr[i]["duur"] - 1 > inv.eind and not g.gerealiseerd(t):
            fouten.append(f"looptijd: {sleutel} loopt na de planperiode door")
        if int(r["plaatsingsjaar"]) != t + inv.instr[i]["vertr"]:
            fouten.append(f"looptijd: plaatsingsjaar fout: {sleutel}")
    return fouten


def controleer_kosten(g: Gelezen) -> list[str]:
    """kosten: a cell costs its participants x the indexed price of each year it runs."""
    fouten, inv = [], g.inv
    for r in g.plan["allocatie"]:
        i, t = r["instrument"], int(r["startjaar"])
        kosten = sum(inv.tarief(i, j) * float(r["deelnemers"]) for j in range(t, t + inv.instr[i]["duur"]))
        if not _dicht(kosten, float(r["kosten"]), EUR):
            fouten.append(f"kosten: {(r['regio'], i, r['doelgroep'], t)} kost {r['kosten']} in plaats van {kosten}")
    return fouten


def controleer_financiering(g: Gelezen) -> list[str]:
    """financiering: every euro of a cell's cost in a payment year is paid, by a fund that may pay it,
    before its vervaljaar and where it has budget."""
    fouten, inv = [], g.inv
    for r in g.plan["financiering"]:
        f, reg, i, gr, t = r["fonds"], r.get("gemeente") or r["regio"], r["instrument"], r["doelgroep"], int(r["jaar"])
        fonds = inv.fondsen[f]
        if not inv.aandeel(f, i, gr, reg):
            fouten.append(f"financiering: fonds {f} mag {i}/{gr} niet betalen")
            continue
        if fonds["vervaljaar"] is not None and fonds["vervaljaar"] < t <= inv.eind:
            fouten.append(f"financiering: fonds {f} betaalt in {t}, na vervaljaar {fonds['vervaljaar']}")
        if not fonds["landelijk"] and not fonds["inbreng_uit"] and not any(
                k[0] == f and k[1] == inv.pot_van(f, reg) for k in inv.budget):
            fouten.append(f"financiering: fonds {f} heeft geen budget in regio {reg}")
    for sleutel in set(g.kosten) | set(g.betaald):
        if not _dicht(g.kosten[sleutel], g.betaald[sleutel], EUR):
            fouten.append(f"financiering: {sleutel} kost {g.kosten[sleutel]}, betaald {g.betaald[sleutel]}")
    return fouten


def controleer_reservering(g: Gelezen) -> list[str]:
    """reservering: a payment after the plan is held in the last plan year's budget row of a fund that
    does not lapse before; the Fondsen sheet and the Samenvatting say how much."""
    fouten, inv = [], g.inv
    for r in g.plan["financiering"]:
        fonds = inv.fondsen[r["fonds"]]
        if int(r["jaar"]) > inv.eind and fonds["vervaljaar"] is not None and fonds["vervaljaar"] < inv.eind:
            fouten.append(f"reservering: fonds {r['fonds']} vervalt in {fonds['vervaljaar']}, voor het einde van "
                          "het plan")
    if inv.doorloop:
        for sleutel, rij in g.rijen.items():
            if not _dicht(float(rij["gereserveerd"]), g.gereserveerd[sleutel], EUR):
                fouten.append(f"reservering: Fondsen-blad {sleutel} gereserveerd {rij['gereserveerd']} in plaats van "
                              f"{g.gereserveerd[sleutel]}")
        fouten += _samenvatting(g, {"reservering_na_planperiode": sum(g.gereserveerd.values())}, "reservering")
    return fouten


def controleer_cofinanciering(g: Gelezen) -> list[str]:
    """cofinanciering: a fund pays at most its max_aandeel of a cell's cost in a year."""
    fouten, inv = [], g.inv
    for r in g.plan["financiering"]:
        f, reg, i, gr, t = r["fonds"], r.get("gemeente") or r["regio"], r["instrument"], r["doelgroep"], int(r["jaar"])
        aandeel = inv.aandeel(f, i, gr, reg)
        if aandeel and float(r["bedrag"]) > aandeel * g.kosten[(reg, i, gr, t)] + EUR:
            fouten.append(f"cofinanciering: {f} betaalt {r['bedrag']} van {g.kosten[(reg, i, gr, t)]} voor "
                          f"{(reg, i, gr, t)}")
    return fouten


def controleer_vaststelling(g: Gelezen) -> list[str]:
    """vaststelling: the reserve fund holds vaststellingsrisico x every payment of a risky fund in its
    own budget rows (Fondsen esf_risico, Samenvatting esf_risico)."""
    if not g.met_risico:
        return []
    fouten = []
    for f, reg in g.potten:
        for t in g.jaren:
            rij = g.rijen.get((f, reg, t))
            if rij is not None and not _dicht(float(rij["esf_risico"]), g.reserve.get((f, reg, t), 0.0), EUR):
                fouten.append(f"vaststelling: Fondsen-blad {(f, reg, t)} esf_risico {rij['esf_risico']} in plaats "
                              f"van {g.reserve.get((f, reg, t), 0.0)}")
    return fouten + _samenvatting(g, {"esf_risico": sum(g.reserve.values())}, "vaststelling")


def controleer_budget(g: Gelezen) -> list[str]:
    """budget: spent + held back + reserve + commitments + carried out <= budget + carried in, per fund,
    region and year (a realised year may be overspent: what happened, happened); the Fondsen sheet's
    own columns."""
    fouten, inv = [], g.inv
    for f, reg in g.potten:
        for t in g.jaren:
            sleutel = (f, reg, t)
            rij = g.rijen.get(sleutel)
            links, rechts = g.links_rechts(sleutel)
            pool = bool(inv.fondsen[f]["inbreng_uit"])
            if pool:  # SPEC §9: its Budgetten row (if any) caps it; its money is what the municipalities put in
                if sleutel in inv.budgetrijen and links > inv.budget[sleutel] + EUR:
                    fouten.append(f"budget: pot {sleutel} betaalt {links}, boven het plafond {inv.budget[sleutel]}")
                rechts = links = g.pool[sleutel]
            elif links > rechts + EUR and not g.gerealiseerd(t):
                fouten.append(f"budget: {sleutel} gebruikt {links}, beschikbaar {rechts}")
            if rij is not None:
                verwacht = [("budget", g.pool[sleutel] if pool else inv.budget[sleutel]),
                            ("verplichtingen", inv.verpl[sleutel]),
                            ("besteed", g.besteed[sleutel]), ("onbenut", max(0.0, rechts - links))]
                if inv.pools:
                    verwacht.append(("inbreng", g.inbreng.get(sleutel, 0.0)))
                if g.vanaf is not None:  # an overspend is never netted into onbenut
                    verwacht.append(("overschreden", max(0.0, links - rechts)))
                for kolom, waarde in verwacht:
                    if not _dicht(float(rij[kolom]), waarde, EUR):
                        fouten.append(f"budget: Fondsen-blad {sleutel} {kolom}: {rij[kolom]} in plaats van {waarde}")
            elif any(abs(w) > EUR for w in (inv.budget[sleutel], inv.verpl[sleutel], g.besteed[sleutel])):
                fouten.append(f"budget: Fondsen-blad mist {sleutel}")
    budget_totaal = sum(b for (f, _r, _t), b in inv.budget.items() if not inv.fondsen[f]["inbreng_uit"])
    return fouten + _samenvatting(g, {"uitgaven": sum(g.besteed.values()), "budget_totaal": budget_totaal}, "budget")


def controleer_inbreng(g: Gelezen) -> list[str]:
    """inbreng (SPEC §9): each municipality's inbreng in the sheet Per_gemeente is a[m] x P[pool, r, t] summed over
    pools, and the municipalities of a region together put in what its pools pay, to the cent."""
    inv = g.inv
    if not inv.gemeenten:
        return []
    fouten = []
    per_gemeente = {(r["gemeente"], int(r["jaar"])): r for r in _eerste_tabel(g.plan.get("per_gemeente", []))}
    for m, regio in inv.gemeenten.items():
        for t in g.jaren:
            verwacht = sum(inv.aandelen(pool)[m] * g.pool[(pool, regio, t)] for pool in inv.pools)
            rij = per_gemeente.get((m, t))
            if rij is None:
                fouten.append(f"inbreng: Per_gemeente mist {(m, t)}")
            elif not _dicht(float(rij["inbreng"]), verwacht, EUR):
                fouten.append(f"inbreng: Per_gemeente {(m, t)} inbreng {rij['inbreng']} in plaats van {verwacht}")
    for pool in inv.pools:
        for regio in inv.regios:
            for t in g.jaren:
                samen = sum(float(r["inbreng"]) for (m, j), r in per_gemeente.items()
                            if j == t and inv.gemeenten[m] == regio) if len(inv.pools) == 1 else None
                if samen is not None and abs(samen - g.pool[(pool, regio, t)]) > 0.005:
                    fouten.append(f"inbreng: de gemeenten van {regio} brengen in {t} {samen} in, de pot betaalt "
                                  f"{g.pool[(pool, regio, t)]}")
    return fouten + _per_gemeente(g)


def controleer_tegenprestatie(g: Gelezen) -> list[str]:
    """tegenprestatie (SPEC §9): over the plan period a pool pays for each municipality's residents at least
    alpha x a[m] x what it pays for trajectories in the region."""
    inv = g.inv
    fouten = []
    for pool in inv.pools:
        alpha = inv.fondsen[pool]["alpha"]
        if alpha <= 0:
            continue
        aandelen = inv.aandelen(pool)
        eigen = defaultdict(float)
        for r in g.plan["financiering"]:
            if r["fonds"] == pool:
                eigen[r["gemeente"]] += float(r["bedrag"])
        for m, regio in inv.gemeenten.items():
            trajecten = sum(g.pool[(pool, regio, t)] - inv.verpl[(pool, regio, t)] for t in g.jaren)
            if eigen[m] < alpha * aandelen[m] * trajecten - EUR:
                fouten.append(f"tegenprestatie: {pool} betaalt voor {m} {eigen[m]}, minstens "
                              f"{alpha * aandelen[m] * trajecten}")
    return fouten


def _per_gemeente(g: Gelezen) -> list[str]:
    """Per_gemeente (SPEC §9), from the cells: own and regional payments, participants and placements per
    municipality and year, netto_kosten = inbreng + eigen_uitgaven - besparing; the key comparison's
    inbreng totals."""
    inv = g.inv
    if not inv.gemeenten:
        return []
    fouten = []
    verwacht = defaultdict(float)
    for r in g.plan["financiering"]:
        kolom = "eigen_uitgaven" if inv.fondsen[r["fonds"]]["niveau"] == "gemeente" else "uit_regionale_fondsen"
        verwacht[(r["gemeente"], min(int(r["jaar"]), inv.eind), kolom)] += float(r["bedrag"])
    for r in g.plan["allocatie"]:
        verwacht[(r["gemeente"], int(r["startjaar"]), "deelnemers")] += float(r["deelnemers"])
        verwacht[(r["gemeente"], int(r["startjaar"]), "plaatsingen")] += float(r["plaatsingen"])
    tabellen = _tabellen(g.plan.get("per_gemeente", []))
    for r in tabellen[0]:
        m, t = r["gemeente"], int(r["jaar"])
        for kolom in ("eigen_uitgaven", "uit_regionale_fondsen", "deelnemers", "plaatsingen"):
            if not _dicht(float(r[kolom]), verwacht[(m, t, kolom)], EUR):
                fouten.append(f"inbreng: Per_gemeente {(m, t)} {kolom} {r[kolom]} in plaats van "
                              f"{verwacht[(m, t, kolom)]}")
        netto = float(r["inbreng"]) + float(r["eigen_uitgaven"]) - float(r["besparing_uitkeringen"])
        if not _dicht(float(r["netto_kosten"]), netto, EUR):
            fouten.append(f"inbreng: Per_gemeente {(m, t)} netto_kosten {r['netto_kosten']} in plaats van {netto}")
    if inv.pools and len(tabellen) > 1:
        for r in tabellen[1]:
            m = r["gemeente"]
            for kolom, sleutel in (("inbreng_inwoners", "inwoners"), ("inbreng_bijstand", "bijstand")):
                leden = [n for n, regio in inv.gemeenten.items() if regio == inv.gemeenten[m]]
                som = sum(inv.kenmerk[n][sleutel] for n in leden)
                deel = inv.kenmerk[m][sleutel] / som if som > 0 else 1 / len(leden)
                totaal = sum(deel * g.pool[(pool, inv.gemeenten[m], t)] for pool in inv.pools for t in g.jaren)
                if not _dicht(float(r[kolom]), totaal, EUR):
                    fouten.append(f"inbreng: Per_gemeente verdeelsleutel {m} {kolom} {r[kolom]} in plaats van {totaal}")
    return fouten


def _tabellen(rijen: list[dict]) -> list[list[dict]]:
    """The tables of a sheet read as one: a table ends at an empty row (dropped by the reader) and the next
    starts with its title row and header row (SPEC §6: a second table below the first)."""
    tabellen, huidig, kop = [], [], None
    for rij in rijen:
        waarden = list(rij.values())
        if kop is None and waarden[1:] and all(w is None for w in waarden[1:]):  # a title: the next row is a header
            tabellen.append(huidig)
            huidig, kop = [], "volgt"
            continue
        if kop == "volgt":
            kop = [str(w) if w is not None else None for w in waarden]
            continue
        huidig.append(rij if kop is None else {k: w for k, w in zip(kop, waarden) if k})
    tabellen.append(huidig)
    return tabellen


def _eerste_tabel(rijen: list[dict]) -> list[dict]:
    return _tabellen(rijen)[0]


def controleer_overheveling(g: Gelezen) -> list[str]:
    """overheveling: what a year carries out is what the next carries in, at most overheveling x its
    budget, never from the last plan year or from the vervaljaar on; in a realised year what the
    ledger gives."""
    fouten, inv = [], g.inv
    for f, reg in g.potten:
        fonds = inv.fondsen[f]
        for t in g.jaren:
            sleutel = (f, reg, t)
            rij, vorige = g.rijen.get(sleutel), g.rijen.get((f, reg, t - 1))
            uit = float(rij["overheveling_uit"]) if rij else 0.0
            erin = float(rij["overheveling_in"]) if rij else 0.0
            if sleutel in g.grootboek and rij is not None and not _dicht(uit, g.grootboek[sleutel][1], EUR):
                fouten.append(f"overheveling: {sleutel} hevelt {uit} over, het grootboek geeft "
                              f"{g.grootboek[sleutel][1]}")
            if not _dicht(erin, float(vorige["overheveling_uit"]) if vorige else 0.0, EUR):
                fouten.append(f"overheveling: {sleutel} ontvangt {erin}, vorig jaar gaf anders")
            if uit > fonds["overheveling"] * inv.budget[sleutel] + EUR:
                fouten.append(f"overheveling: {sleutel} hevelt {uit} over, grens "
                              f"{fonds['overheveling'] * inv.budget[sleutel]}")
            if uit > EUR and (t == inv.eind or (fonds["vervaljaar"] is not None and t >= fonds["vervaljaar"])):
                fouten.append(f"overheveling: {sleutel} hevelt over in het laatste jaar of na vervaljaar")
    return fouten


def controleer_beleidsregel(g: Gelezen) -> list[str]:
    """beleidsregel: every active rule, expanded over elk, holds."""
    fouten = []
    for regel in g.inv.regels:
        for combinatie in _combinaties(g.inv, regel):
            waarde = _regelwaarde(g.inv, regel, combinatie, g.X, g.P, g.plan["financiering"])
            grens, operator = float(regel["waarde"]), regel["operator"]
            goed = {"<=": waarde <= grens + ABS * max(1, abs(grens)),
                    ">=": waarde >= grens - ABS * max(1, abs(grens)),
                    "=": abs(waarde - grens) <= ABS * max(1, abs(grens))}[operator]
            if not goed:
                fouten.append(f"beleidsregel: {regel['regel']} {combinatie}: {waarde} {operator} {grens} geschonden")
    return fouten


def controleer_koppeling(g: Gelezen) -> list[str]:
    """koppeling: the partner pays at least verhouding x what the fund pays on the same cells."""
    fouten = []
    for koppeling in g.inv.koppelingen:
        regel = {**koppeling, "grootheid": "uitgaven", "fonds": None}
        for combinatie in _combinaties(g.inv, regel):
            eigen, partner = (_regelwaarde(g.inv, regel, combinatie, g.X, g.P,
                                           [r for r in g.plan["financiering"] if r["fonds"] == fonds])
                              for fonds in (koppeling["fonds"], koppeling["partner"]))
            if partner < float(koppeling["verhouding"]) * eigen - EUR:
                fouten.append(f"koppeling: {koppeling['koppeling']} {combinatie}: {partner} < "
                              f"{koppeling['verhouding']} x {eigen}")
    return fouten


def controleer_overgang(g: Gelezen) -> list[str]:
    """overgang: each instrument per region and year within the band around today's plan."""
    inv = g.inv
    if inv.band is None or not inv.huidig:
        return []
    fouten, a, per_instrument = [], inv.band, defaultdict(float)
    for (reg, i, _g, t), aantal in g.X.items():
        per_instrument[(reg, i, t)] += aantal
    for reg in inv.regios:
        for t in g.jaren:
            totaal = sum(n for (r, _i, j), n in inv.huidig.items() if r == reg and j == t)
            for i in inv.instr:
                h, x = inv.huidig.get((reg, i, t), 0.0), per_instrument.get((reg, i, t), 0.0)
                onder, boven = ((1 - a) * h, (1 + a) * h) if h > 0 else (0.0, a * totaal)
                if not onder - ABS * max(1, onder) <= x <= boven + ABS * max(1, boven):
                    fouten.append(f"overgang: {(reg, i, t)} heeft {x} deelnemers, band {onder}..{boven}")
    return fouten


def controleer_realisatie(g: Gelezen) -> list[str]:
    """realisatie: the years before vanaf are what happened (participants; money: budget and overheveling)."""
    if g.vanaf is None:
        return []
    gedaan = g.inv.realisatie
    return [f"realisatie: {sleutel} heeft {g.X.get(sleutel, 0.0)} deelnemers, gerealiseerd {gedaan.get(sleutel, 0.0)}"
            for sleutel in set(g.X) | set(gedaan)
            if g.gerealiseerd(sleutel[3]) and not _dicht(g.X.get(sleutel, 0.0), gedaan.get(sleutel, 0.0), ABS)]


# every constraint family of SPEC §5 (budgetkoppeling.model.FAMILIES) and the check that recomputes it
CONTROLES = {
    "segment": controleer_segment, "potentieel": controleer_potentieel, "looptijd": controleer_looptijd,
    "kosten": controleer_kosten, "financiering": controleer_financiering, "reservering": controleer_reservering,
    "cofinanciering": controleer_cofinanciering, "vaststelling": controleer_vaststelling,
    "budget": controleer_budget, "inbreng": controleer_inbreng, "tegenprestatie": controleer_tegenprestatie,
    "overheveling": controleer_overheveling, "beleidsregel": controleer_beleidsregel,
    "koppeling": controleer_koppeling, "overgang": controleer_overgang, "realisatie": controleer_realisatie,
}


def _samenvatting(g: Gelezen, verwacht: dict[str, float], wie: str) -> list[str]:
    kpi = {r["kpi"]: float(r["waarde"]) for r in g.plan["samenvatting"] if r.get("kpi") and r.get("waarde") is not None
           and isinstance(r["waarde"], (int, float))}
    return [f"{wie}: Samenvatting {naam}: {kpi.get(naam)} in plaats van {waarde}"
            for naam, waarde in verwacht.items() if not _dicht(kpi.get(naam, float("nan")), waarde, 1e-4)]


def controleer_doelstelling(g: Gelezen) -> list[str]:
    """The objective and the plan's totals in the Samenvatting."""
    inv = g.inv
    doel = sum(inv.gewicht[gr] * g.P[(reg, i, gr, t)] / (1 + inv.rho) ** (t + inv.instr[i]["vertr"] - inv.start)
               for (reg, i, gr, t) in g.P)
    return _samenvatting(g, {"gewogen_plaatsingen": doel, "plaatsingen": sum(g.P.values()),
                             "deelnemers": sum(g.X.values())}, "doelstelling")


def per_familie(invoerpad: Path, planpad: Path, max_verschuiving: float | None = None,
                vanaf: int | None = None) -> dict[str, list[str]]:
    """The violations found by each family's check (and ``doelstelling``: the objective and totals)."""
    g = lees(invoerpad, planpad, max_verschuiving, vanaf)
    return {**{familie: controle(g) for familie, controle in CONTROLES.items()},
            "doelstelling": controleer_doelstelling(g)}


def controleer(invoerpad: Path, planpad: Path, max_verschuiving: float | None = None,
               vanaf: int | None = None) -> list[str]:
    """Every violation of SPEC §5 (and of the plan's own arithmetic) found in the plan.

    ``max_verschuiving`` replaces the setting of Instellingen (a scenario that changes it);
    ``vanaf``: a herijking, whose years before are fixed to Realisatie and Realisatie_uitgaven
    (there a budget may be overspent and the potential exceeded: what happened, happened)."""
    return [fout for fouten in per_familie(invoerpad, planpad, max_verschuiving, vanaf).values() for fout in fouten]


def doelwaarde(planpad: Path) -> float:
    plan = _bladen(planpad)
    return next(float(r["waarde"]) for r in plan["samenvatting"] if r.get("kpi") == "gewogen_plaatsingen")


def _combinaties(inv: Invoer, regel: dict) -> list[dict]:
    bronnen = {"regio": inv.regios, "gemeente": list(inv.gemeenten), "fonds": list(inv.fondsen),
               "instrument": list(inv.instr),
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
                   if past("fonds", r["fonds"]) and past("regio", r["regio"]) and past("gemeente", r.get("gemeente"))
                   and past("instrument", r["instrument"])
                   and past("doelgroep", r["doelgroep"]) and past("jaar", int(r["jaar"]))
                   and int(r["jaar"]) <= inv.eind)  # a reservation past the plan is not spending
    totaal = 0.0
    for (reg, i, g, t), aantal in X.items():
        if not (past("regio", inv.regio_van(reg)) and past("gemeente", reg if inv.gemeenten else None)
                and past("instrument", i) and past("doelgroep", g)):
            continue
        if regel["grootheid"] == "deelnemers" and past("jaar", t):
            totaal += aantal
        elif regel["grootheid"] == "plaatsingen" and past("jaar", t + inv.instr[i]["vertr"]):
            totaal += P[(reg, i, g, t)]
    return totaal
