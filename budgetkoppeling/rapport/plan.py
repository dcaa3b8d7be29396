"""The plan workbook (``optimaliseer``, ``voorbeeld``): one pure function per sheet returns a frame;
:func:`schrijf_plan` places the frames as native Excel tables with charts."""

from __future__ import annotations

import datetime
import functools
from pathlib import Path

import polars as pl

from ..bestanden import schrijf_atomisch
from ..invoer import LANDELIJK, POTSLEUTELS, besparing, cohortkosten, grootboek
from ..model import groepsom
from ..solve import Oplossing
from ..versie import __version__
from .gemeenten import met_gemeente_van_cel, met_gemeente_van_pot, per_gemeente, sleutelvergelijking
from .opmaak import (
    EURO,
    HELE_PERSONEN,
    KPI_EENHEID_ALLE,
    NUL,
    PERSONEN,
    PLAATSINGEN,
    nieuw_werkboek,
    onbreekbaar,
    plaats,
    regels,
    rekendatum,
    tabel,
    tekens,
)

CEL = ["regio", "instrument", "doelgroep", "startjaar"]


def _cohortfactor(oplossing: Oplossing) -> pl.DataFrame:
    """(instrument, startjaar): the cost of one participant over the whole trajectory, and the part
    paid after the plan period."""
    invoer = oplossing.model.invoer
    rijen = []
    for instrument in invoer.instrumenten:
        for start in invoer.jaren:
            kosten = cohortkosten(invoer, instrument, start)
            rijen.append((instrument, start, sum(k for _j, k in kosten), sum(k for j, k in kosten if j > invoer.eind)))
    return pl.DataFrame(rijen, schema={"instrument": pl.String, "startjaar": pl.Int64, "per_deelnemer": pl.Float64,
                                       "na_periode_per_deelnemer": pl.Float64}, orient="row")


def _cellen(oplossing: Oplossing) -> pl.DataFrame:
    """Participants, placements and costs per (regio, instrument, doelgroep, startjaar), every cell."""
    x = (oplossing.waarde("x", "kans", "factor", "vertraging")
         .with_columns(plaatsingen=(pl.col("kans") * pl.col("factor")) * pl.col("waarde"))
         .rename({"jaar": "startjaar"}))
    jaar = x.group_by(CEL, maintain_order=True).agg(
        plaatsingsjaar=pl.col("startjaar").first() + pl.col("vertraging").first())
    cellen = groepsom(x, CEL, deelnemers="waarde", plaatsingen="plaatsingen").join(
        jaar, on=CEL, how="left", maintain_order="left")
    return cellen.join(_cohortfactor(oplossing), on=["instrument", "startjaar"], how="left", maintain_order="left")


def _regio_volgorde_frame(oplossing: Oplossing) -> pl.DataFrame:
    eenheden = oplossing.model.invoer.eenheden
    return pl.DataFrame({"regio": eenheden, "_r": list(range(len(eenheden)))},
                        schema={"regio": pl.String, "_r": pl.Int64})


def allocatie(oplossing: Oplossing, cellen: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per (regio, instrument, doelgroep, startjaar) with deelnemers > 0; with Gemeenten per
    (regio, gemeente, ...). ``cellen``: :func:`_cellen`, made before."""
    cellen = (_cellen(oplossing) if cellen is None else cellen).filter(pl.col("deelnemers") > NUL)
    frame = (cellen.with_columns(kosten=pl.col("per_deelnemer") * pl.col("deelnemers"))
             .join(_regio_volgorde_frame(oplossing), on="regio").sort("_r", "instrument", "doelgroep", "startjaar")
             .select(*CEL, "deelnemers", "kosten", "plaatsingen", pl.col("plaatsingsjaar").cast(pl.Int64)))
    return met_gemeente_van_cel(oplossing.model.invoer, frame)


def _periode(frame: pl.DataFrame, jaar: str, vanaf: int) -> pl.DataFrame:
    """Herijking: the column ``periode``: ``realisatie`` before ``vanaf``, ``plan`` from it on."""
    return frame.with_columns(periode=pl.when(pl.col(jaar) < vanaf).then(pl.lit("realisatie"))
                              .otherwise(pl.lit("plan")))


def financiering(oplossing: Oplossing) -> pl.DataFrame:
    """One row per y > 0: which fund pays how much of which cell in which year."""
    fondsen = list(oplossing.model.invoer.fondsen)
    volgorde = pl.DataFrame({"fonds": fondsen, "_f": list(range(len(fondsen)))},
                            schema={"fonds": pl.String, "_f": pl.Int64})
    frame = (oplossing.waarde("y").filter(pl.col("waarde") > NUL)
             .join(volgorde, on="fonds").join(_regio_volgorde_frame(oplossing), on="regio")
             .sort("_f", "_r", "instrument", "doelgroep", "jaar")
             .select("fonds", "regio", "instrument", "doelgroep", "jaar", pl.col("waarde").alias("bedrag")))
    return met_gemeente_van_cel(oplossing.model.invoer, frame)


def fondsen(oplossing: Oplossing) -> pl.DataFrame:
    """Per fund, region (`landelijk` for a national pot) and year: budget, use and what is left."""
    invoer = oplossing.model.invoer
    sleutels = list(POTSLEUTELS)
    betaald = oplossing.waarde("y", "pot").with_columns(regio=pl.col("pot")).drop("pot")
    besteed = groepsom(betaald.filter(pl.col("jaar") <= invoer.eind), sleutels, besteed="waarde")
    # reservering: payments after the plan, held in the budget row of its last year
    na_plan = betaald.filter(pl.col("jaar") > invoer.eind).with_columns(jaar=pl.lit(invoer.eind, pl.Int64))
    gereserveerd = groepsom(na_plan, sleutels, gereserveerd="waarde")
    # vaststelling: the reserve fund holds each risky fund's expected correction (z) in its own rows
    met_risico = oplossing.heeft("z") and invoer.reservefonds is not None
    if met_risico:
        houder = invoer.reservefonds
        esf_risico = groepsom(oplossing.waarde("z").with_columns(
            fonds=pl.lit(houder), jaar=pl.min_horizontal("jaar", pl.lit(invoer.eind)),
            regio=pl.col("regio").replace_strict({u: invoer.pot(houder, u) for u in invoer.eenheden},
                                                 return_dtype=pl.String)), sleutels, esf_risico="waarde")
    else:
        esf_risico = pl.DataFrame(schema={"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64,
                                          "esf_risico": pl.Float64})

    def bedragen(waarden: dict, naam: str) -> pl.DataFrame:
        frame = pl.DataFrame([(f, r, t, w) for (f, r, t), w in waarden.items()],
                             schema={"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64, naam: pl.Float64},
                             orient="row")
        return groepsom(frame, sleutels, **{naam: naam})

    c = oplossing.waarde("c")
    uit = c.rename({"waarde": "overheveling_uit"})
    erin = c.with_columns(jaar=pl.col("jaar") + 1).rename({"waarde": "overheveling_in"})
    # a pool that the municipalities fill (SPEC §9): its budget is what they put in, not the cap it may have
    pools = {f for f, gegevens in invoer.fondsen.items() if gegevens.pool}
    budget = bedragen({k: b for k, b in invoer.budget.items() if k[0] not in pools}, "budget")
    verplicht = bedragen(invoer.verplichtingen, "verplichtingen")
    delen = [budget, verplicht, erin, besteed, uit, gereserveerd, esf_risico]
    getallen = ["budget", "verplichtingen", "overheveling_in", "besteed", "overheveling_uit", "gereserveerd",
                "esf_risico"]
    if pools:
        from .gemeenten import inbreng_per_jaar

        per_jaar = inbreng_per_jaar(oplossing)
        budget = pl.concat([budget, groepsom(per_jaar.select("pool", "regio", "jaar", "inbreng")
                                             .rename({"pool": "fonds"}), sleutels, budget="inbreng")])
        inbreng = groepsom(per_jaar.select(pl.col("bron").alias("fonds"), pl.col("gemeente").alias("regio"), "jaar",
                                           "inbreng"), sleutels, inbreng="inbreng")
        delen = [budget, *delen[1:], inbreng]
        getallen.append("inbreng")
    # one lazy query from here (a collect costs about 0.2 ms however small the frame)
    potten = pl.concat([f.lazy().select("fonds", "regio")
                        for f in (besteed, gereserveerd, esf_risico, budget, verplicht)]).unique()
    jaren = pl.LazyFrame({"jaar": invoer.jaren}, schema={"jaar": pl.Int64})
    frame = potten.join(jaren, how="cross")
    for deel in delen:
        frame = frame.join(deel.lazy(), on=sleutels, how="left")
    frame = frame.with_columns(pl.col(getallen).fill_null(0.0))
    boek = grootboek(invoer)
    if boek:  # herijking: a realised year's spending is its ledger's (commitments included), not the plan's
        betaald = pl.DataFrame([(f, r, t, b.bedrag) for (f, r, t), b in boek.items()],
                               schema={"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64,
                                       "_grootboek": pl.Float64}, orient="row")
        frame = frame.join(betaald.lazy(), on=sleutels, how="left").with_columns(
            besteed=pl.when(pl.col("_grootboek").is_null()).then(pl.col("besteed"))
            .otherwise(pl.col("_grootboek") - pl.col("verplichtingen"))).drop("_grootboek")
    frame = frame.filter(pl.any_horizontal(pl.col(k).abs() > NUL for k in getallen))
    over = (pl.col("budget") + pl.col("overheveling_in") - pl.col("verplichtingen") - pl.col("besteed")
            - pl.col("overheveling_uit") - pl.col("gereserveerd") - pl.col("esf_risico"))
    if pools:
        over = over - pl.col("inbreng")
    over = pl.when(over.abs() < 1e-4).then(0.0).otherwise(over)
    fondsvolgorde = {f: n for n, f in enumerate(invoer.fondsen)}
    regiovolgorde = ({r: n for n, r in enumerate(invoer.regios)} | {LANDELIJK: -1}
                     | {m: len(invoer.regios) + n for n, m in enumerate(invoer.gemeenten)})
    # left over is never negative: a realised overspend is `overschreden` (a herijking's column)
    overschreden = [pl.col("overschreden")] if oplossing.model.vanaf is not None else []
    if invoer.doorloop:  # reservering: the last year's money held for costs after the plan
        overschreden.append(pl.col("gereserveerd"))
    if met_risico:  # vaststelling: the reserve fund's money held against settlement corrections
        overschreden.append(pl.col("esf_risico"))
    frame = (frame.with_columns(onbenut=pl.when(over > 0).then(over).otherwise(0.0),
                                overschreden=pl.when(over < 0).then(-over).otherwise(0.0),
                                _f=pl.col("fonds").replace_strict(fondsvolgorde, return_dtype=pl.Int64),
                                _r=pl.col("regio").replace_strict(regiovolgorde, return_dtype=pl.Int64))
             .sort("_f", "_r", "jaar")
             .select("fonds", "regio", "jaar", *getallen[:2], "overheveling_in", "besteed",
                     *(["inbreng"] if pools else []), "overheveling_uit", "onbenut", *overschreden)
             .collect())
    return met_gemeente_van_pot(invoer, frame)


def beleidsregels(oplossing: Oplossing) -> pl.DataFrame:
    """Each active rule (each `elk` expansion): its limit, the value reached, whether it binds."""
    rijen = []
    for _regel, omschrijving, grootheid, operator, grens, _actief, bereikt, _rij in oplossing.regels().iter_rows():
        rijen.append({
            "regel": omschrijving, "grootheid": grootheid, "operator": operator, "grens": grens, "bereikt": bereikt,
            "bindend": "ja" if abs(bereikt - grens) <= 1e-6 * max(1.0, abs(grens)) else "nee",
        })
    return pl.DataFrame(rijen, schema={
        "regel": pl.String, "grootheid": pl.String, "operator": pl.String, "grens": pl.Float64,
        "bereikt": pl.Float64, "bindend": pl.String,
    })


def samenvatting(oplossing: Oplossing, allocatie_: pl.DataFrame, fondsen_: pl.DataFrame,
                 cellen: pl.DataFrame | None = None) -> pl.DataFrame:
    """The headline figures (kpi, waarde, eenheid); ``cellen``: :func:`_cellen`, made before."""
    invoer = oplossing.model.invoer
    plaatsingen = float(allocatie_["plaatsingen"].sum())
    uitgaven = float(fondsen_["besteed"].sum())
    gereserveerd = float(fondsen_["gereserveerd"].sum()) if "gereserveerd" in fondsen_.columns else 0.0
    cellen = _cellen(oplossing) if cellen is None else cellen
    na_periode = float((cellen["na_periode_per_deelnemer"] * cellen["deelnemers"]).sum())
    # a placement costs its whole trajectory: the costs after the plan (reserved) count too
    per_plaatsing = (uitgaven + gereserveerd) / plaatsingen if plaatsingen > NUL else 0.0
    rijen = [
        ("plaatsingen", plaatsingen, "personen (verwacht)"),
        ("gewogen_plaatsingen", oplossing.doelwaarde, "gewogen plaatsingen (doelstelling)"),
        ("deelnemers", float(allocatie_["deelnemers"].sum()), "personen"),
        ("uitgaven", uitgaven, "euro"),
        ("kosten_per_plaatsing", per_plaatsing, "euro per plaatsing"),
        ("budget_totaal", float(sum(b for (f, _r, _t), b in invoer.budget.items() if not invoer.fondsen[f].pool)),
         "euro"),
        ("bestaande_verplichtingen", float(sum(invoer.verplichtingen.values())), "euro"),
        ("onbenut_budget", float(fondsen_["onbenut"].sum()), "euro"),
        ("verplichtingen_na_planperiode", na_periode, "euro"),
    ]
    if invoer.doorloop:  # reservering: the costs after the plan, held in the last plan year's budgets
        rijen.append(("reservering_na_planperiode", gereserveerd, "euro"))
    if "esf_risico" in fondsen_.columns:  # vaststelling: held against settlement corrections
        rijen.append(("esf_risico", float(fondsen_["esf_risico"].sum()), "euro"))
    if "overschreden" in fondsen_.columns:  # herijking: realised spending above budget + carry-in
        rijen.append(("overschreden", float(fondsen_["overschreden"].sum()), "euro"))
    if invoer.uitkeringen:  # reported figures, not the objective
        bespaard = besparing(invoer, allocatie_.select("doelgroep", "plaatsingsjaar", "plaatsingen").iter_rows())
        rijen += [("besparing_uitkeringen", bespaard, "euro (verdisconteerd)"),
                  ("netto_kosten", uitgaven - bespaard, "euro")]
    frame = pl.DataFrame(rijen, schema={"kpi": pl.String, "waarde": pl.Float64, "eenheid": pl.String},
                         orient="row")
    omschrijving = {kpi: label for kpi, (label, _eenheid) in KPI_EENHEID_ALLE.items()}
    return frame.with_columns(omschrijving=pl.col("kpi").replace_strict(omschrijving, default=pl.col("kpi")))




def info(oplossing: Oplossing, invoerpad: Path, datum: datetime.date) -> pl.DataFrame:
    """What the plan was made from and with, and on which day (``--datum`` or today); no run time
    in seconds, so that equal runs write equal files."""
    rijen = [
        ("versie", f"budgetkoppeling {__version__}"),
        ("rekendatum", datum.isoformat()),
        ("invoerbestand", Path(invoerpad).name),
        ("invoer_sha256", oplossing.model.invoer.sha256),
        ("scenario", oplossing.model.invoer.scenario),
        ("planperiode", f"{oplossing.model.invoer.start}-{oplossing.model.invoer.eind}"),
        ("oplosser", oplossing.oplosser),
        ("oplosser_versie", oplossing.oplosser_versie),
        ("status", oplossing.status),
        ("model", "geheel (MIP, hele personen)" if oplossing.model.geheel else "lineair (LP)"),
    ]
    invoer = oplossing.model.invoer
    if invoer.gemeenten:  # SPEC §9: the rows that named only a region were spread over its municipalities
        rijen.append(("gemeenten", gemeenten_in_regios(invoer)))
        rijen.append(("verdeeld_over_gemeenten", "; ".join(
            f"{blad}: rijen met alleen een regio naar {' en '.join(sleutels)}".replace("naar gelijk", "gelijk")
            for blad, sleutels in invoer.verdeeld.items()) or "geen (elke rij noemt haar gemeente)"))
    if oplossing.model.geheel:  # the MIP's time limit, and how far the plan may be from the optimum
        gap, limiet = oplossing.gap, oplossing.tijdslimiet
        rijen.append(("tijdslimiet_seconden", "geen" if limiet is None else f"{limiet:g}"))
        rijen.append(("afstand_tot_optimum", "0 (bewezen optimaal)" if gap is None else "onbekend" if gap != gap
                      else f"hoogstens {gap:.2%}".replace(".", ",")))
    return pl.DataFrame(rijen, schema={"sleutel": pl.String, "waarde": pl.String}, orient="row")


def kerncijfers(samenvatting_: pl.DataFrame) -> dict[str, float]:
    return dict(zip(samenvatting_["kpi"], samenvatting_["waarde"]))


# ----------------------------------------------------------------------------- workbook


class Plan:
    """The frames of a plan workbook, ready to print or write: the figures at once, the other tables
    when first asked for (the what-if page shows only the figures and three charts)."""

    def __init__(self, oplossing: Oplossing, invoerpad: Path, datum: datetime.date | None = None):
        self.oplossing = oplossing
        self.invoerpad = Path(invoerpad)
        self.datum = rekendatum(datum)
        cellen = _cellen(oplossing)
        self.allocatie = allocatie(oplossing, cellen)
        self.fondsen = fondsen(oplossing)
        self.samenvatting = samenvatting(oplossing, self.allocatie, self.fondsen, cellen)
        invoer = oplossing.model.invoer
        self.per_gemeente = per_gemeente(oplossing, self.allocatie) if invoer.gemeenten else None
        self.sleutelvergelijking = sleutelvergelijking(oplossing) if invoer.gemeenten else None
        vanaf = oplossing.model.vanaf
        if vanaf is not None:  # herijking: realised and planned years apart, in every table by year
            from ..herijking import bevindingen

            self.allocatie = _periode(self.allocatie, "startjaar", vanaf)
            self.fondsen = _periode(self.fondsen, "jaar", vanaf)
            self.bevindingen = bevindingen(oplossing)
        else:
            self.bevindingen: list[dict] = []
        self.looptijd = 0.0  # seconds end to end, and time and peak memory per stage (set by optimaliseer)
        self.fasen: list[dict] = []
        self._uitleg: tuple | None = None

    @functools.cached_property
    def financiering(self) -> pl.DataFrame:
        frame, vanaf = financiering(self.oplossing), self.oplossing.model.vanaf
        return frame if vanaf is None else _periode(frame, "jaar", vanaf)

    @functools.cached_property
    def beleidsregels(self) -> pl.DataFrame:
        return beleidsregels(self.oplossing)

    @functools.cached_property
    def info(self) -> pl.DataFrame:
        frame, vanaf = info(self.oplossing, self.invoerpad, self.datum), self.oplossing.model.vanaf
        if vanaf is None:
            return frame
        return pl.concat([frame, pl.DataFrame(
            {"sleutel": ["herijking_vanaf", "bevindingen_realisatie"],
             "waarde": [f"{vanaf} (de jaren ervoor liggen vast aan Realisatie en Realisatie_uitgaven)",
                        str(len(self.bevindingen))]})])

    def _bereken_uitleg(self) -> tuple:
        if self._uitleg is None:
            from ..uitleg import regelprijzen, schaduwprijzen, toelichting

            self._begin_prijsbereik()  # while the Toelichting's causes re-solve the plan, if schrijf did not
            uitleg = toelichting(self.oplossing, self.fondsen, self.allocatie, self.beleidsregels, self.kerncijfers)
            self._uitleg = (schaduwprijzen(self.oplossing), regelprijzen(self.oplossing, self.beleidsregels), uitleg)
        return self._uitleg

    def _begin_prijsbereik(self) -> None:
        """The ranging of the prices in a forked child, collected when Schaduwprijzen is made (once)."""
        if self._uitleg is None:
            from ..uitleg import begin_prijsbereik

            begin_prijsbereik(self.oplossing)

    @property
    def schaduwprijzen(self) -> pl.DataFrame:
        return met_gemeente_van_pot(self.oplossing.model.invoer, self._bereken_uitleg()[0])

    @property
    def regelprijzen(self) -> pl.DataFrame:
        return self._bereken_uitleg()[1]

    @property
    def toelichting(self) -> pl.DataFrame:
        return self._bereken_uitleg()[2]

    @property
    def kerncijfers(self) -> dict[str, float]:
        return kerncijfers(self.samenvatting)

    @property
    def tabellen(self) -> dict[str, pl.DataFrame]:
        """Every table of the plan workbook by sheet name (``Regelprijzen``: the rules' prices that
        the sheet Schaduwprijzen shows below the budgets')."""
        tabellen = {"Samenvatting": self.samenvatting, "Allocatie": self.allocatie, "Financiering": self.financiering,
                    "Fondsen": self.fondsen}
        if self.per_gemeente is not None:
            tabellen |= {"Per_gemeente": self.per_gemeente, "Sleutelvergelijking": self.sleutelvergelijking}
        return tabellen | {"Schaduwprijzen": self.schaduwprijzen, "Regelprijzen": self.regelprijzen,
                           "Beleidsregels": self.beleidsregels, "Toelichting": self.toelichting, "Info": self.info}

    def schrijf(self, doel: Path) -> None:
        """Write the plan workbook (SPEC §6) atomically to ``doel``; never over the input."""
        self._begin_prijsbereik()  # from now on, while the first sheets are written
        schrijf_plan(self, Path(doel), invoerpad=self.invoerpad)

    def als_json(self, doel: Path) -> dict:
        """What ``--json`` prints for this result, written to ``doel``."""
        return plan_json(self, doel)

    def op_scherm(self, doel: Path) -> list:
        """What the terminal shows: rich tables and Dutch sentences, in order."""
        return plan_scherm(self, doel)

    def onbenut_per_fonds(self) -> dict[str, float]:
        per_fonds = groepsom(self.fondsen, "fonds", onbenut="onbenut")
        return dict(zip(per_fonds["fonds"], per_fonds["onbenut"]))


# ----------------------------------------------------------------------------- terminal and --json


def plan_json(plan, doel: Path) -> dict:
    oplossing = plan.oplossing
    info = dict(zip(plan.info["sleutel"], plan.info["waarde"]))
    vanaf = oplossing.model.vanaf
    return {
        "status": "optimaal" if oplossing.gap is None else "tijdslimiet", "scenario": oplossing.model.invoer.scenario,
        "uitvoer": str(doel),
        **({"afstand_tot_optimum": oplossing.gap} if oplossing.gap is not None else {}),
        "oplosser": info["oplosser"], "looptijd_seconden": round(plan.looptijd, 2),
        "kerncijfers": plan.kerncijfers, "onbenut_per_fonds": plan.onbenut_per_fonds(),
        "doelwaarde": oplossing.doelwaarde, "fasen": plan.fasen,
        **({"vanaf": vanaf, "bevindingen": plan.bevindingen} if vanaf is not None else {}),
    }


def plan_scherm(plan, doel: Path) -> list:
    from rich.table import Table

    from ..tekst import euro, getal, procent

    oplossing, regels = plan.oplossing, []
    info = dict(zip(plan.info["sleutel"], plan.info["waarde"]))
    if oplossing.gap is not None:
        afstand = "onbekend hoe ver" if oplossing.gap != oplossing.gap else f"hoogstens {procent(oplossing.gap)}"
        regels.append(f"Let op: de tijdslimiet ({oplossing.tijdslimiet:g} s) is bereikt; dit is het beste plan met "
                      f"hele deelnemers dat gevonden is. Het optimum ligt {afstand} hoger (zie Info en de "
                      "Toelichting; meer tijd met --tijdslimiet).")
    vanaf = oplossing.model.vanaf
    if vanaf is not None:
        jaren = vanaf - oplossing.model.invoer.start
        vast = "1 jaar ligt" if jaren == 1 else f"{jaren} jaren liggen"
        regels.append(f"Herijking vanaf {vanaf}: {vast} vast aan de realisatie (het grootboek is leidend voor het "
                      "geld), de rest is opnieuw gepland.")
        regels += [f"Bevinding: {bevinding['tekst']}" for bevinding in plan.bevindingen]
    cijfers = plan.kerncijfers
    tabel = Table(title=f"Plan ({info['scenario']})", title_justify="left")
    tabel.add_column("Kerncijfer")
    tabel.add_column("Waarde", justify="right")
    tabel.add_row("Verwachte plaatsingen", getal(round(cijfers["plaatsingen"], 1)))
    tabel.add_row("Gewogen plaatsingen (doelstelling)", getal(round(cijfers["gewogen_plaatsingen"], 1)))
    tabel.add_row("Deelnemers", getal(round(cijfers["deelnemers"], 1)))
    tabel.add_row("Uitgaven in de planperiode", euro(cijfers["uitgaven"]))
    tabel.add_row("Kosten per plaatsing", euro(cijfers["kosten_per_plaatsing"]))
    tabel.add_row("Budget totaal", euro(cijfers["budget_totaal"]))
    tabel.add_row("Bestaande verplichtingen", euro(cijfers["bestaande_verplichtingen"]))
    tabel.add_row("Onbenut budget", euro(cijfers["onbenut_budget"]))
    if "overschreden" in cijfers:
        tabel.add_row("Overschreden (gerealiseerd)", euro(cijfers["overschreden"]))
    if cijfers["verplichtingen_na_planperiode"] > 0:
        tabel.add_row("Kosten na de planperiode", euro(cijfers["verplichtingen_na_planperiode"]))
    if "besparing_uitkeringen" in cijfers:
        tabel.add_row("Besparing op uitkeringen", euro(cijfers["besparing_uitkeringen"]))
        tabel.add_row("Netto kosten", euro(cijfers["netto_kosten"]))
    regels.append(tabel)
    fondsen = Table(title="Onbenut budget per fonds", title_justify="left")
    fondsen.add_column("Fonds")
    fondsen.add_column("Onbenut", justify="right")
    for fonds, bedrag in plan.onbenut_per_fonds().items():
        fondsen.add_row(fonds, euro(bedrag))
    regels.append(fondsen)
    gemeenten = oplossing.model.invoer.gemeenten
    if plan.per_gemeente is not None and len(gemeenten) <= 40:  # a region's councils
        regels.append(_gemeenten_scherm(plan))
    elif plan.per_gemeente is not None:  # a national run: too many for the terminal
        regels.append(f"Per gemeente: {gemeenten_in_regios(oplossing.model.invoer)}, te veel voor het scherm: "
                      "zie het blad Per_gemeente.")
    regels.append(f"Oplosser {info['oplosser_versie']}, {plan.looptijd:.2f} s. Plan geschreven naar {doel}.")
    return regels


def gemeenten_in_regios(invoer) -> str:
    """'342 gemeenten in 35 regio’s' (Info and the terminal)."""
    from ..tekst import aantal

    return (f"{aantal(len(invoer.gemeenten), 'gemeente', 'gemeenten')} in "
            f"{aantal(len(invoer.regios), 'regio', 'regio’s')}")


def _gemeenten_scherm(plan: Plan):
    """SPEC §9 in the terminal: per municipality over the plan period what it pays and what its residents get."""
    from rich.table import Table

    from ..tekst import euro, getal

    tabel = Table(title="Per gemeente, over de planperiode (blad Per_gemeente)", title_justify="left")
    for kop in ("Gemeente", "Inbreng", "Eigen uitgaven", "Plaatsingen", "Netto kosten"):
        tabel.add_column(kop, justify="left" if kop == "Gemeente" else "right", no_wrap=True)
    totaal = groepsom(plan.per_gemeente, "gemeente", inbreng="inbreng", eigen="eigen_uitgaven",
                      plaatsingen="plaatsingen", netto="netto_kosten")
    volgorde = {m: n for n, m in enumerate(plan.oplossing.model.invoer.gemeenten)}
    for m, inbreng, eigen, plaatsingen, netto in sorted(totaal.iter_rows(), key=lambda r: volgorde[r[0]]):
        tabel.add_row(m, euro(inbreng), euro(eigen), getal(round(plaatsingen, 1)), euro(netto))
    return tabel


def schrijf_plan(plan: Plan, doel: Path, invoerpad: Path | None = None) -> None:
    """Write the plan workbook of SPEC §6 atomically to ``doel``."""
    schrijf_atomisch(Path(doel), lambda pad: _schrijf_plan(plan, pad), invoer=invoerpad)


def _schrijf_plan(plan: Plan, pad: Path) -> None:
    werkboek = nieuw_werkboek(pad, plan.datum)
    scenario = plan.oplossing.model.invoer.scenario
    geheel = plan.oplossing.model.geheel
    personen = HELE_PERSONEN if geheel else PERSONEN
    vanaf = plan.oplossing.model.vanaf
    titel = "Budgetkoppeling: plan" if vanaf is None else f"Budgetkoppeling: herijking vanaf {vanaf}"

    # a person reads the description first, then the value and its unit; the code (kpi) for other tools last
    samenvatting = plan.samenvatting.select("omschrijving", "waarde", "eenheid", "kpi")
    samenvatting_ws = plaats(werkboek, "Samenvatting", samenvatting, {}, titel, scenario)
    euro_fmt = werkboek.add_format({"num_format": EURO})
    personen_fmt = werkboek.add_format({"num_format": personen})
    for rij, (waarde, eenheid) in enumerate(zip(samenvatting["waarde"], samenvatting["eenheid"]), 1):
        samenvatting_ws.write_number(rij, 1, waarde, euro_fmt if eenheid.startswith("euro") else personen_fmt)
    samenvatting_ws.set_column(0, 0, 36)
    samenvatting_ws.set_column(1, 1, 20)  # room for € 3.943.499.981,00
    samenvatting_ws.set_column(2, 2, 34)
    samenvatting_ws.set_column(3, 3, 30)
    # charts under the key figures, their data tables under the charts: one column of
    # content that prints one page wide
    grafiek_rij = len(plan.samenvatting) + 3
    tabel_rij = grafiek_rij + 2 * GRAFIEK_RIJEN + 2
    _grafieken(werkboek, samenvatting_ws, plan, grafiek_rij, tabel_rij)
    # a page break between the charts, so that none is cut
    samenvatting_ws.set_h_pagebreaks([grafiek_rij + GRAFIEK_RIJEN + 1])

    plaats(werkboek, "Allocatie", plan.allocatie,
            {"deelnemers": personen, "kosten": EURO, "plaatsingen": PLAATSINGEN}, titel, scenario)
    plaats(werkboek, "Financiering", plan.financiering, {"bedrag": EURO}, titel, scenario)
    geld = {k: EURO for k in ("budget", "verplichtingen", "overheveling_in", "besteed",
                              "overheveling_uit", "onbenut", "overschreden", "gereserveerd", "esf_risico", "inbreng")}
    plaats(werkboek, "Fondsen", plan.fondsen, geld, titel, scenario)
    if plan.per_gemeente is not None:
        _per_gemeente(werkboek, plan, personen, titel, scenario)
    _schaduwprijzen(werkboek, plan, titel, scenario)
    plaats(werkboek, "Beleidsregels", plan.beleidsregels, {"grens": "#,##0.00", "bereikt": "#,##0.00"},
            titel, scenario)
    toelichting_ws = plaats(werkboek, "Toelichting", plan.toelichting, {}, titel, scenario)
    toelichting_ws.set_column(0, 0, 26)
    toelichting_ws.set_column(1, 1, 110)
    omloop = werkboek.add_format({"text_wrap": True, "valign": "top"})
    # a memo prints as readable lines; a long subject (a fund's name) wraps in its own column too
    for rij, (onderwerp, zin) in enumerate(plan.toelichting.select("onderwerp", "toelichting").iter_rows(), start=1):
        toelichting_ws.write_string(rij, 0, onderwerp, omloop)
        toelichting_ws.write_string(rij, 1, onbreekbaar(zin), omloop)
        toelichting_ws.set_row(rij, 15 * max(len(zin) // 100 + 1, regels(onderwerp, 26 - 1)),
                               werkboek.add_format({"valign": "top"}))
    plaats(werkboek, "Info", plan.info, {}, titel, scenario)
    werkboek.close()


GRAFIEK_RIJEN = 19  # rows a 360-pixel chart covers


def _per_gemeente(werkboek, plan: Plan, personen: str, titel: str, scenario: str) -> None:
    """Per_gemeente at A1; below it, after one empty row, the key comparison (SPEC §9)."""
    geld = {k: EURO for k in ("inbreng", "eigen_uitgaven", "uit_regionale_fondsen", "besparing_uitkeringen",
                              "netto_kosten", "inbreng_inwoners", "inbreng_bijstand", "inbreng_gebruik")}
    werkblad = plaats(werkboek, "Per_gemeente", plan.per_gemeente,
                      geld | {"deelnemers": personen, "plaatsingen": PLAATSINGEN}, titel, scenario)
    vergelijking = plan.sleutelvergelijking
    if vergelijking.height == 0:
        return
    rij = plan.per_gemeente.height + 2
    kop = werkboek.add_format({"bold": True, "font_size": 12})
    werkblad.write_string(rij, 0, "Inbreng over de planperiode onder elke verdeelsleutel, bij hetzelfde plan", kop)
    formaten = [None] + [werkboek.add_format({"num_format": EURO})] * 4 + [werkboek.add_format({"indent": 1})]
    tabel(werkblad, rij + 1, list(vergelijking.columns), [list(r) for r in vergelijking.iter_rows()], formaten,
          "Verdeelsleutels", werkboek.add_format({"bold": True}))
    for kolom in range(1, vergelijking.width - 1):  # the first table's columns, widened for these amounts
        breedte = max([len(vergelijking.columns[kolom]) + 2]
                      + [tekens(w) + 2 for w in vergelijking[:, kolom].head(500)])
        huidig = max([len(plan.per_gemeente.columns[kolom]) + 3]
                     + [min(60, tekens(w)) + 2 for w in plan.per_gemeente[:, kolom].head(500)])
        werkblad.set_column(kolom, kolom, min(60, max(10, huidig, breedte)))


def _per_jaar(frame: pl.DataFrame, rij: str, jaar: str, waarde: str, volgorde: list[str]) -> pl.DataFrame:
    """A wide table: one row per fund (or group) in ``volgorde``, one column per year."""
    if frame.height == 0:
        return pl.DataFrame({rij: []}, schema={rij: pl.String})
    breed = (
        groepsom(frame, [rij, jaar], **{waarde: waarde}).sort(jaar)
        .with_columns(pl.col(jaar).cast(pl.String))
        .pivot(on=jaar, index=rij, values=waarde).fill_null(0.0)
    )
    aanwezig = set(breed[rij])
    orde = pl.DataFrame({rij: [n for n in volgorde if n in aanwezig]})
    return orde.join(breed, on=rij, how="left", maintain_order="left")


def _schaduwprijzen(werkboek, plan: Plan, titel: str, scenario: str) -> None:
    """Budget shadow prices at A1 (the sheet's table), the binding rules' prices below it."""
    werkblad = plaats(werkboek, "Schaduwprijzen", plan.schaduwprijzen,
                       {"extra_plaatsingen_per_100k": "#,##0.000", "geldig_van": EURO, "geldig_tot": EURO}, titel,
                       scenario)
    rij = max(2, plan.schaduwprijzen.height + 1) + 2
    kop = werkboek.add_format({"bold": True, "font_size": 12})
    if plan.oplossing.duals_uit_relaxatie:
        werkblad.write_string(rij, 0, "Hele deelnemers: bij hele aantallen bestaan schaduwprijzen niet. Deze komen "
                                      "uit hetzelfde model met gebroken aantallen deelnemers en geven aan wat extra "
                                      "geld of een ruimere regel daar ongeveer oplevert.", kop)
        rij += 2
    werkblad.write_string(rij, 0, "Bindende beleidsregels: gewogen plaatsingen per eenheid versoepeling", kop)
    from ..uitleg import koppelingprijzen, tegenprestatieprijzen

    frame = pl.concat([plan.regelprijzen, koppelingprijzen(plan.oplossing), tegenprestatieprijzen(plan.oplossing)])
    koppen = list(frame.columns)
    getal_fmt = werkboek.add_format({"num_format": "#,##0.000"})
    tekst_fmt = werkboek.add_format({"indent": 1})  # text after a number never touches it
    omloop = werkboek.add_format({"text_wrap": True, "valign": "top"})  # a long rule's name wraps, never cut
    tabel(werkblad, rij + 1, koppen, [list(r) for r in frame.iter_rows()],
           [omloop, None, None, werkboek.add_format({"num_format": "#,##0.00"}), tekst_fmt, tekst_fmt, getal_fmt],
           "Bindende_regels")
    for nummer, naam in enumerate(frame["regel"], start=rij + 2):
        if regels(naam, 59) > 1:
            werkblad.set_row(nummer, 15 * regels(naam, 59))
    tabellen = [plan.schaduwprijzen, frame]
    from ..uitleg import overgangprijzen

    overgang = overgangprijzen(plan.oplossing)
    if plan.oplossing.heeft("overgang"):
        rij += 1 + max(1, frame.height) + 2
        werkblad.write_string(rij, 0, "Overgang: gewogen plaatsingen per deelnemer meer ruimte in de band rond de "
                                      "huidige verdeling, en per procentpunt bredere band (max_verschuiving)", kop)
        personen_fmt = werkboek.add_format({"num_format": PERSONEN})
        tabel(werkblad, rij + 1, list(overgang.columns), [list(r) for r in overgang.iter_rows()],
              [None, None, None, tekst_fmt, personen_fmt, personen_fmt, getal_fmt, getal_fmt], "Overgang")
        tabellen.append(overgang)
    for kolom in range(max(t.width for t in tabellen)):  # every table's headers and values fit
        teksten = [str(w) for tabel_ in tabellen if kolom < tabel_.width
                   for w in [tabel_.columns[kolom], *tabel_[:, kolom].head(500)]]
        werkblad.set_column(kolom, kolom, min(60, max(12, max(len(t) for t in teksten) + 3)))


def _grafieken(werkboek, werkblad, plan: Plan, grafiek_rij: int, eerste_rij: int) -> None:
    """Two native charts on Samenvatting at ``grafiek_rij``, fed by two tables from ``eerste_rij``."""
    invoer = plan.oplossing.model.invoer
    uitgaven = _per_jaar(plan.fondsen, "fonds", "jaar", "besteed", list(invoer.fondsen))
    plaatsingen = _per_jaar(plan.allocatie, "doelgroep", "plaatsingsjaar", "plaatsingen",
                            list(invoer.doelgroepen))
    kop = werkboek.add_format({"bold": True, "font_size": 12})
    rechts = werkboek.add_format({"bold": True, "align": "right", "text_wrap": True})
    formaten = {"euro": werkboek.add_format({"num_format": EURO}),
                "plaatsingen": werkboek.add_format({"num_format": PLAATSINGEN})}
    if max(uitgaven.width, plaatsingen.width) > 3:
        werkblad.set_column(3, max(uitgaven.width, plaatsingen.width) - 1, 16)

    def tabel_en_grafiek(tabel_rij: int, frame: pl.DataFrame, soort: str, naam: str, titel: str,
                         x_as: str, y_as: str, y_formaat: str, positie: int) -> int:
        werkblad.write_string(tabel_rij, 0, titel, kop)
        if frame.height == 0 or frame.width < 2:
            werkblad.write_string(tabel_rij + 1, 0, "(geen gegevens)")
            return tabel_rij + 3
        vanaf = plan.oplossing.model.vanaf

        def jaarkop(jaar: str) -> str:
            if int(jaar) > invoer.eind:
                return f"{jaar} (na planperiode)"
            return f"{jaar} (realisatie)" if vanaf is not None and int(jaar) < vanaf else jaar

        kolommen = [{"header": frame.columns[0]}] + [
            {"header": jaarkop(k), "format": formaten[soort], "header_format": rechts} for k in frame.columns[1:]]
        kopregel, laatste = tabel_rij + 1, frame.width - 1
        werkblad.add_table(kopregel, 0, kopregel + frame.height, laatste, {
            "data": [list(r) for r in frame.iter_rows()], "columns": kolommen, "name": naam,
            "style": "Table Style Light 9",
        })
        grafiek = werkboek.add_chart({"type": "column", "subtype": "stacked"})
        for rij in range(kopregel + 1, kopregel + 1 + frame.height):
            grafiek.add_series({
                "name": ["Samenvatting", rij, 0],
                "categories": ["Samenvatting", kopregel, 1, kopregel, laatste],
                "values": ["Samenvatting", rij, 1, rij, laatste],
            })
        grafiek.set_title({"name": titel})
        grafiek.set_x_axis({"name": x_as})
        grafiek.set_y_axis({"name": y_as, "num_format": y_formaat, "min": 0})
        grafiek.set_legend({"position": "bottom"})
        grafiek.set_size({"width": 720, "height": 360})
        werkblad.insert_chart(positie, 0, grafiek)
        return kopregel + frame.height + 2

    volgende = tabel_en_grafiek(
        eerste_rij, uitgaven, "euro", "Uitgaven_per_fonds", "Uitgaven per fonds per jaar",
        "Jaar", "Euro", "[$€-413] #,##0", grafiek_rij)
    tabel_en_grafiek(
        volgende, plaatsingen, "plaatsingen", "Plaatsingen_per_groep",
        "Verwachte plaatsingen per jaar per doelgroep",
        f"Jaar van plaatsing (na {invoer.eind}: uit trajecten die in de planperiode begonnen)", "Plaatsingen", "#,##0",
        grafiek_rij + GRAFIEK_RIJEN + 1)
