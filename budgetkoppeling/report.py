"""Solution -> polars frames -> plan workbook; the only module that writes output xlsx.

One pure function per output sheet returns a frame; :func:`schrijf_plan` owns the
``xlsxwriter.Workbook`` (strings never become formulas or links, fixed document
properties) and places the frames as native Excel tables.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import Path

import polars as pl

from .invoer import cohortkosten
from .io import nieuw_xlsx, schrijf_atomisch
from .model import LANDELIJK
from .solve import Oplossing, rij_activiteit
from .versie import __version__

NUL = 1e-9  # values below this are solver noise, not a participant or a euro
EURO = "[$€-413] #,##0.00"
PERSONEN = "#,##0.0"
HELE_PERSONEN = "#,##0"
PLAATSINGEN = "#,##0.0"
JAAR = "0"
VASTE_DATUM = datetime.datetime(2026, 1, 1)


def _geld(bedrag: float) -> float:
    """Rounding noise of the solver (far below a cent) is shown as zero."""
    return 0.0 if abs(bedrag) < 1e-4 else bedrag


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
    model = oplossing.model
    x = oplossing.waarde("x").with_columns(
        plaatsingen=pl.Series(model.cellen_x["kans"].to_numpy() * model.cellen_x["factor"].to_numpy())
        * pl.col("waarde"), vertraging=model.cellen_x["vertraging"]).rename({"jaar": "startjaar"})
    cellen = x.group_by(CEL, maintain_order=True).agg(
        deelnemers=pl.col("waarde").sum(), plaatsingen=pl.col("plaatsingen").sum(),
        plaatsingsjaar=pl.col("startjaar").first() + pl.col("vertraging").first())
    return cellen.join(_cohortfactor(oplossing), on=["instrument", "startjaar"], how="left", maintain_order="left")


def _regio_volgorde_frame(oplossing: Oplossing) -> pl.DataFrame:
    regios = oplossing.model.invoer.regios
    return pl.DataFrame({"regio": regios, "_r": list(range(len(regios)))}, schema={"regio": pl.String, "_r": pl.Int64})


def allocatie(oplossing: Oplossing) -> pl.DataFrame:
    """One row per (regio, instrument, doelgroep, startjaar) with deelnemers > 0."""
    cellen = _cellen(oplossing).filter(pl.col("deelnemers") > NUL)
    return (cellen.with_columns(kosten=pl.col("per_deelnemer") * pl.col("deelnemers"))
            .join(_regio_volgorde_frame(oplossing), on="regio").sort("_r", "instrument", "doelgroep", "startjaar")
            .select(*CEL, "deelnemers", "kosten", "plaatsingen", pl.col("plaatsingsjaar").cast(pl.Int64)))


def financiering(oplossing: Oplossing) -> pl.DataFrame:
    """One row per y > 0: which fund pays how much of which cell in which year."""
    fondsen = list(oplossing.model.invoer.fondsen)
    volgorde = pl.DataFrame({"fonds": fondsen, "_f": list(range(len(fondsen)))},
                            schema={"fonds": pl.String, "_f": pl.Int64})
    return (oplossing.waarde("y").filter(pl.col("waarde") > NUL)
            .join(volgorde, on="fonds").join(_regio_volgorde_frame(oplossing), on="regio")
            .sort("_f", "_r", "instrument", "doelgroep", "jaar")
            .select("fonds", "regio", "instrument", "doelgroep", "jaar", pl.col("waarde").alias("bedrag")))


def fondsen(oplossing: Oplossing) -> pl.DataFrame:
    """Per fund, region (`landelijk` for a national pot) and year: budget, use and what is left."""
    invoer = oplossing.model.invoer
    sleutels = ["fonds", "regio", "jaar"]
    landelijk = {f: gegevens.landelijk for f, gegevens in invoer.fondsen.items()}
    besteed = (oplossing.waarde("y")
               .with_columns(regio=pl.when(pl.col("fonds").replace_strict(landelijk, return_dtype=pl.Boolean))
                             .then(pl.lit(LANDELIJK)).otherwise(pl.col("regio")))
               .group_by(sleutels).agg(besteed=pl.col("waarde").sum()))

    def bedragen(waarden: dict, naam: str) -> pl.DataFrame:
        frame = pl.DataFrame([(f, r or LANDELIJK, t, w) for (f, r, t), w in waarden.items()],
                             schema={"fonds": pl.String, "regio": pl.String, "jaar": pl.Int64, naam: pl.Float64},
                             orient="row")
        return frame.group_by(sleutels).agg(pl.col(naam).sum())

    c = oplossing.waarde("c")
    uit = c.rename({"waarde": "overheveling_uit"})
    erin = c.with_columns(jaar=pl.col("jaar") + 1).rename({"waarde": "overheveling_in"})
    budget, verplicht = bedragen(invoer.budget, "budget"), bedragen(invoer.verplichtingen, "verplichtingen")
    potten = pl.concat([f.select("fonds", "regio") for f in (besteed, budget, verplicht)]).unique()
    jaren = pl.DataFrame({"jaar": invoer.jaren}, schema={"jaar": pl.Int64})
    frame = potten.join(jaren, how="cross")
    for deel in (budget, verplicht, erin, besteed, uit):
        frame = frame.join(deel, on=sleutels, how="left")
    getallen = ["budget", "verplichtingen", "overheveling_in", "besteed", "overheveling_uit"]
    frame = frame.with_columns(pl.col(getallen).fill_null(0.0))
    frame = frame.filter(pl.any_horizontal(pl.col(k).abs() > NUL for k in getallen))
    onbenut = (pl.col("budget") + pl.col("overheveling_in") - pl.col("verplichtingen") - pl.col("besteed")
               - pl.col("overheveling_uit"))
    fondsvolgorde = {f: n for n, f in enumerate(invoer.fondsen)}
    regiovolgorde = {r: n for n, r in enumerate(invoer.regios)} | {LANDELIJK: -1}
    return (frame.with_columns(onbenut=pl.when(onbenut.abs() < 1e-4).then(0.0).otherwise(onbenut),
                               _f=pl.col("fonds").replace_strict(fondsvolgorde, return_dtype=pl.Int64),
                               _r=pl.col("regio").replace_strict(regiovolgorde, return_dtype=pl.Int64))
            .sort("_f", "_r", "jaar")
            .select("fonds", pl.when(pl.col("regio") == LANDELIJK).then(pl.lit("landelijk"))
                    .otherwise(pl.col("regio")).alias("regio"), "jaar", *getallen[:2], "overheveling_in", "besteed",
                    "overheveling_uit", "onbenut"))


def beleidsregels(oplossing: Oplossing) -> pl.DataFrame:
    """Each active rule (each `elk` expansion): its limit, the value reached, whether it binds."""
    rijen = []
    for regel in oplossing.model.regels:
        bereikt = rij_activiteit(oplossing, regel.kolom, regel.coef)
        grens = regel.regel.waarde
        rijen.append({
            "regel": regel.omschrijving, "grootheid": regel.regel.grootheid,
            "operator": regel.regel.operator, "grens": grens, "bereikt": bereikt,
            "bindend": "ja" if abs(bereikt - grens) <= 1e-6 * max(1.0, abs(grens)) else "nee",
        })
    return pl.DataFrame(rijen, schema={
        "regel": pl.String, "grootheid": pl.String, "operator": pl.String, "grens": pl.Float64,
        "bereikt": pl.Float64, "bindend": pl.String,
    })


def samenvatting(oplossing: Oplossing, allocatie_: pl.DataFrame, fondsen_: pl.DataFrame) -> pl.DataFrame:
    """The headline figures (kpi, waarde, eenheid)."""
    invoer = oplossing.model.invoer
    plaatsingen = float(allocatie_["plaatsingen"].sum())
    uitgaven = float(fondsen_["besteed"].sum())
    cellen = _cellen(oplossing)
    na_periode = float((cellen["na_periode_per_deelnemer"] * cellen["deelnemers"]).sum())
    rijen = [
        ("plaatsingen", plaatsingen, "personen (verwacht)"),
        ("gewogen_plaatsingen", oplossing.doelwaarde, "gewogen plaatsingen (doelstelling)"),
        ("deelnemers", float(allocatie_["deelnemers"].sum()), "personen"),
        ("uitgaven", uitgaven, "euro"),
        ("kosten_per_plaatsing", uitgaven / plaatsingen if plaatsingen > NUL else 0.0, "euro per plaatsing"),
        ("budget_totaal", float(sum(invoer.budget.values())), "euro"),
        ("bestaande_verplichtingen", float(sum(invoer.verplichtingen.values())), "euro"),
        ("onbenut_budget", float(fondsen_["onbenut"].sum()), "euro"),
        ("verplichtingen_na_planperiode", na_periode, "euro"),
    ]
    return pl.DataFrame(rijen, schema={"kpi": pl.String, "waarde": pl.Float64, "eenheid": pl.String},
                        orient="row")


def info(oplossing: Oplossing, invoerpad: Path) -> pl.DataFrame:
    """What the plan was made from and with; no run time, so that equal runs write equal files."""
    rijen = [
        ("versie", f"budgetkoppeling {__version__}"),
        ("invoerbestand", Path(invoerpad).name),
        ("invoer_sha256", oplossing.model.invoer.sha256),
        ("scenario", oplossing.model.invoer.scenario),
        ("planperiode", f"{oplossing.model.invoer.start}-{oplossing.model.invoer.eind}"),
        ("oplosser", oplossing.oplosser),
        ("oplosser_versie", oplossing.oplosser_versie),
        ("status", oplossing.status),
        ("model", "geheel (MIP, hele personen)" if oplossing.model.geheel else "lineair (LP)"),
    ]
    return pl.DataFrame(rijen, schema={"sleutel": pl.String, "waarde": pl.String}, orient="row")


def kerncijfers(samenvatting_: pl.DataFrame) -> dict[str, float]:
    return dict(zip(samenvatting_["kpi"], samenvatting_["waarde"]))


# ----------------------------------------------------------------------------- workbook


class Plan:
    """The frames of a plan workbook, ready to print or write."""

    def __init__(self, oplossing: Oplossing, invoerpad: Path):
        self.oplossing = oplossing
        self.allocatie = allocatie(oplossing)
        self.financiering = financiering(oplossing)
        self.fondsen = fondsen(oplossing)
        self.beleidsregels = beleidsregels(oplossing)
        self.samenvatting = samenvatting(oplossing, self.allocatie, self.fondsen)
        self.info = info(oplossing, invoerpad)
        self.looptijd = 0.0  # seconds end to end, and time and peak memory per stage (set by optimaliseer)
        self.fasen: list[dict] = []
        self._uitleg: tuple | None = None

    def _bereken_uitleg(self) -> tuple:
        if self._uitleg is None:
            from .uitleg import regelprijzen, schaduwprijzen, toelichting

            self._uitleg = (
                schaduwprijzen(self.oplossing), regelprijzen(self.oplossing, self.beleidsregels),
                toelichting(self.oplossing, self.fondsen, self.allocatie, self.beleidsregels, self.kerncijfers),
            )
        return self._uitleg

    @property
    def schaduwprijzen(self) -> pl.DataFrame:
        return self._bereken_uitleg()[0]

    @property
    def regelprijzen(self) -> pl.DataFrame:
        return self._bereken_uitleg()[1]

    @property
    def toelichting(self) -> pl.DataFrame:
        return self._bereken_uitleg()[2]

    @property
    def kerncijfers(self) -> dict[str, float]:
        return kerncijfers(self.samenvatting)

    def onbenut_per_fonds(self) -> dict[str, float]:
        per_fonds = self.fondsen.group_by("fonds", maintain_order=True).agg(pl.col("onbenut").sum())
        return dict(zip(per_fonds["fonds"], per_fonds["onbenut"]))


def schrijf_plan(plan: Plan, doel: Path, invoerpad: Path | None = None) -> None:
    """Write the plan workbook of SPEC §6 atomically to ``doel``."""
    schrijf_atomisch(Path(doel), lambda pad: _schrijf_plan(plan, pad), invoer=invoerpad)


def _nieuw_werkboek(pad: Path):

    werkboek = nieuw_xlsx(pad, {"strings_to_formulas": False, "strings_to_urls": False,
                                "strings_to_numbers": False, "nan_inf_to_errors": True})
    werkboek.set_properties({
        "title": "budgetkoppeling", "author": "budgetkoppeling", "created": VASTE_DATUM,
        "comments": "Gemaakt met budgetkoppeling",
    })
    return werkboek


def _plaats(werkboek, naam: str, frame: pl.DataFrame, formaten: dict[str, str], titel: str,
            scenario: str, positie: str = "A1", tabelnaam: str | None = None) -> object:
    werkblad = werkboek.get_worksheet_by_name(naam) or werkboek.add_worksheet(naam)
    if frame.height == 0:  # an Excel table of the header and one empty row
        werkblad.add_table(0, 0, 1, frame.width - 1, {
            "name": tabelnaam or naam, "style": "Table Style Medium 2",
            "columns": [{"header": kolom} for kolom in frame.columns],
        })
        for kolom, naam_ in enumerate(frame.columns):
            werkblad.set_column(kolom, kolom, max(12, len(naam_) + 4))
    else:
        frame.write_excel(
            workbook=werkboek, worksheet=werkblad, position=positie,
            table_name=tabelnaam or naam, table_style="Table Style Medium 2",
            column_formats={k: v for k, v in formaten.items() if k in frame.columns},
            dtype_formats={pl.Int64: JAAR}, float_precision=2, autofit=True,
            header_format={"bold": True},
        )
        for kolom, naam_ in enumerate(frame.columns):
            breedte = max([len(naam_)] + [min(60, len(str(w))) for w in frame[naam_].head(500)])
            werkblad.set_column(kolom, kolom, min(60, max(10, breedte + 4)))
    werkblad.freeze_panes(1, 0)
    _pagina(werkblad, titel, scenario)
    return werkblad


def _pagina(werkblad, titel: str, scenario: str) -> None:
    werkblad.set_landscape()
    werkblad.set_paper(9)  # A4
    werkblad.fit_to_pages(1, 0)
    werkblad.repeat_rows(0)
    veilig = lambda tekst: tekst.replace("&", "&&")  # noqa: E731 - header codes start with &
    werkblad.set_header(f"&L{veilig(titel)}&CScenario: {veilig(scenario)[:60]}&R&D")
    werkblad.set_footer("&CPagina &P van &N")


def _schrijf_plan(plan: Plan, pad: Path) -> None:
    werkboek = _nieuw_werkboek(pad)
    scenario = plan.oplossing.model.invoer.scenario
    geheel = plan.oplossing.model.geheel
    personen = HELE_PERSONEN if geheel else PERSONEN
    titel = "Budgetkoppeling: plan"

    samenvatting_ws = _plaats(werkboek, "Samenvatting", plan.samenvatting, {}, titel, scenario)
    euro_fmt = werkboek.add_format({"num_format": EURO})
    personen_fmt = werkboek.add_format({"num_format": personen})
    for rij, (waarde, eenheid) in enumerate(zip(plan.samenvatting["waarde"], plan.samenvatting["eenheid"]), 1):
        samenvatting_ws.write_number(rij, 1, waarde, euro_fmt if eenheid.startswith("euro") else personen_fmt)
    samenvatting_ws.set_column(0, 0, 30)
    samenvatting_ws.set_column(1, 1, 20)
    samenvatting_ws.set_column(2, 2, 34)
    # charts under the key figures, their data tables under the charts: one column of
    # content that prints one page wide
    grafiek_rij = len(plan.samenvatting) + 3
    tabel_rij = grafiek_rij + 2 * GRAFIEK_RIJEN + 2
    _grafieken(werkboek, samenvatting_ws, plan, grafiek_rij, tabel_rij)
    # a page break between the charts, so that none is cut; a fixed scale instead of
    # fit-to-width, which would make Excel ignore the breaks
    breedte = 30 + 20 + 34 + 16 * max(0, len(plan.oplossing.model.invoer.jaren) + 2 - 3)
    samenvatting_ws.fit_to_pages(0, 0)
    samenvatting_ws.set_print_scale(max(30, min(100, int(100 * 980 / (10 * breedte)))))
    samenvatting_ws.set_h_pagebreaks([grafiek_rij + GRAFIEK_RIJEN + 1])

    _plaats(werkboek, "Allocatie", plan.allocatie,
            {"deelnemers": personen, "kosten": EURO, "plaatsingen": PLAATSINGEN}, titel, scenario)
    _plaats(werkboek, "Financiering", plan.financiering, {"bedrag": EURO}, titel, scenario)
    geld = {k: EURO for k in ("budget", "verplichtingen", "overheveling_in", "besteed",
                              "overheveling_uit", "onbenut")}
    _plaats(werkboek, "Fondsen", plan.fondsen, geld, titel, scenario)
    _schaduwprijzen(werkboek, plan, titel, scenario)
    _plaats(werkboek, "Beleidsregels", plan.beleidsregels, {"grens": "#,##0.00", "bereikt": "#,##0.00"},
            titel, scenario)
    toelichting_ws = _plaats(werkboek, "Toelichting", plan.toelichting, {}, titel, scenario)
    toelichting_ws.set_column(0, 0, 26)
    toelichting_ws.set_column(1, 1, 110)
    omloop = werkboek.add_format({"text_wrap": True, "valign": "top"})
    for rij, zin in enumerate(plan.toelichting["toelichting"], start=1):  # a memo prints as readable lines
        toelichting_ws.write_string(rij, 1, zin, omloop)
        toelichting_ws.set_row(rij, 15 * (len(zin) // 100 + 1), werkboek.add_format({"valign": "top"}))
    _plaats(werkboek, "Info", plan.info, {}, titel, scenario)
    werkboek.close()


GRAFIEK_RIJEN = 19  # rows a 360-pixel chart covers


def _per_jaar(frame: pl.DataFrame, rij: str, jaar: str, waarde: str, volgorde: list[str]) -> pl.DataFrame:
    """A wide table: one row per fund (or group) in ``volgorde``, one column per year."""
    if frame.height == 0:
        return pl.DataFrame({rij: []}, schema={rij: pl.String})
    breed = (
        frame.group_by([rij, jaar]).agg(pl.col(waarde).sum()).sort(jaar)
        .with_columns(pl.col(jaar).cast(pl.String))
        .pivot(on=jaar, index=rij, values=waarde).fill_null(0.0)
    )
    aanwezig = set(breed[rij])
    orde = pl.DataFrame({rij: [n for n in volgorde if n in aanwezig]})
    return orde.join(breed, on=rij, how="left", maintain_order="left")


def _schaduwprijzen(werkboek, plan: Plan, titel: str, scenario: str) -> None:
    """Budget shadow prices at A1 (the sheet's table), the binding rules' prices below it."""
    werkblad = _plaats(werkboek, "Schaduwprijzen", plan.schaduwprijzen,
                       {"extra_plaatsingen_per_100k": "#,##0.000"}, titel, scenario)
    rij = max(2, plan.schaduwprijzen.height + 1) + 2
    kop = werkboek.add_format({"bold": True, "font_size": 12})
    if plan.oplossing.duals_uit_relaxatie:
        werkblad.write_string(rij, 0, "Hele deelnemers: deze schaduwprijzen komen uit het lineaire model met de "
                                      "aantallen deelnemers vast.", kop)
        rij += 2
    werkblad.write_string(rij, 0, "Bindende beleidsregels: gewogen plaatsingen per eenheid versoepeling", kop)
    frame = plan.regelprijzen
    koppen = list(frame.columns)
    getal_fmt = werkboek.add_format({"num_format": "#,##0.000"})
    _tabel(werkblad, rij + 1, koppen, [list(r) for r in frame.iter_rows()],
           [None, None, None, werkboek.add_format({"num_format": "#,##0.00"}), None, None, getal_fmt],
           "Bindende_regels")
    werkblad.set_column(0, 0, max(24, min(60, max([len(r) for r in frame["regel"]] + [10]))))


def _grafieken(werkboek, werkblad, plan: Plan, grafiek_rij: int, eerste_rij: int) -> None:
    """Two native charts on Samenvatting at ``grafiek_rij``, fed by two tables from ``eerste_rij``."""
    invoer = plan.oplossing.model.invoer
    uitgaven = _per_jaar(plan.fondsen, "fonds", "jaar", "besteed", list(invoer.fondsen))
    plaatsingen = _per_jaar(plan.allocatie, "doelgroep", "plaatsingsjaar", "plaatsingen",
                            list(invoer.doelgroepen))
    kop = werkboek.add_format({"bold": True, "font_size": 12})
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
        kolommen = [{"header": frame.columns[0]}] + [
            {"header": k, "format": formaten[soort]} for k in frame.columns[1:]]
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
        grafiek.set_y_axis({"name": y_as, "num_format": y_formaat})
        grafiek.set_legend({"position": "bottom"})
        grafiek.set_size({"width": 720, "height": 360})
        werkblad.insert_chart(positie, 0, grafiek)
        return kopregel + frame.height + 2

    volgende = tabel_en_grafiek(
        eerste_rij, uitgaven, "euro", "Uitgaven_per_fonds", "Uitgaven per fonds per jaar",
        "Jaar", "Euro", "[$€-413] #,##0", grafiek_rij)
    tabel_en_grafiek(
        volgende, plaatsingen, "plaatsingen", "Plaatsingen_per_groep",
        "Verwachte plaatsingen per jaar per doelgroep", "Jaar van plaatsing", "Plaatsingen", "#,##0",
        grafiek_rij + GRAFIEK_RIJEN + 1)


def schrijf_foutrapport(problemen, doel: Path, invoerpad: Path | None = None) -> None:
    """The problems of ``valideer --rapport`` as a workbook: one row per problem."""
    frame = pl.DataFrame(
        [{"blad": p.blad, "rij": p.rij, "kolom": p.kolom, "waarde": p.waarde, "melding": p.melding}
         for p in problemen],
        schema={"blad": pl.String, "rij": pl.Int64, "kolom": pl.String, "waarde": pl.String,
                "melding": pl.String},
    )

    def schrijf(pad: Path) -> None:
        werkboek = _nieuw_werkboek(pad)
        _plaats(werkboek, "Problemen", frame, {}, "Budgetkoppeling: controle van de invoer", "basis")
        werkboek.close()

    schrijf_atomisch(Path(doel), schrijf, invoer=invoerpad)


# ----------------------------------------------------------------------------- comparison workbook

KPI_EENHEID = {
    "plaatsingen": ("Verwachte plaatsingen", "personen"),
    "gewogen_plaatsingen": ("Gewogen plaatsingen (doelstelling)", "gewogen plaatsingen"),
    "deelnemers": ("Deelnemers", "personen"),
    "uitgaven": ("Uitgaven in de planperiode", "euro"),
    "kosten_per_plaatsing": ("Kosten per plaatsing", "euro per plaatsing"),
    "budget_totaal": ("Budget totaal", "euro"),
    "bestaande_verplichtingen": ("Bestaande verplichtingen", "euro"),
    "onbenut_budget": ("Onbenut budget", "euro"),
    "verplichtingen_na_planperiode": ("Kosten na de planperiode", "euro"),
}
KPIS = tuple(KPI_EENHEID)
BASIS_KLEUR = "#1F4E79"
SCENARIO_KLEUR = "#9DC3E6"


def _koppen(vaste: list[str], scenarios: list[str]) -> list[str]:
    """Table headers must be unique: a scenario named like a fixed column gets a suffix."""
    return vaste + [f"{s} (scenario)" if s in vaste else s for s in scenarios]


def _tabel(werkblad, rij: int, koppen: list[str], rijen: list[list], formaten: list, naam: str,
           kopformaat=None) -> int:
    """A native Excel table at ``rij``; returns the first row below it."""
    kolommen = [{"header": kop, **({"format": f} if f is not None else {}),
                 **({"header_format": kopformaat} if kopformaat is not None else {})}
                for kop, f in zip(koppen, formaten)]
    laatste = rij + max(1, len(rijen))
    werkblad.add_table(rij, 0, laatste, len(koppen) - 1, {
        "data": rijen or [[None] * len(koppen)], "columns": kolommen, "name": naam,
        "style": "Table Style Medium 2",
    })
    return laatste + 1


def _staafgrafiek(werkboek, blad: str, titel: str, y_as: str, y_formaat: str, rij: int, eerste: int,
                  laatste: int, kop_rij: int, basis_eerst: bool = True):
    """A column chart of one table row over the scenario columns, the base bar in a dark colour."""
    grafiek = werkboek.add_chart({"type": "column"})
    aantal = laatste - eerste + 1
    grafiek.add_series({
        "name": titel,
        "categories": [blad, kop_rij, eerste, kop_rij, laatste],
        "values": [blad, rij, eerste, rij, laatste],
        "fill": {"color": SCENARIO_KLEUR},
        "points": [{"fill": {"color": BASIS_KLEUR}}] + [None] * (aantal - 1) if basis_eerst else None,
        "data_labels": {"value": True, "num_format": y_formaat} if aantal <= 6 else {},
    })
    grafiek.set_title({"name": titel})
    grafiek.set_x_axis({"name": "Scenario (donker: basis)", "num_font": {"rotation": -30} if aantal > 4 else {}})
    grafiek.set_y_axis({"name": y_as, "num_format": y_formaat, "min": 0, "major_gridlines": {"visible": True}})
    grafiek.set_legend({"none": True})
    grafiek.set_size({"width": 720, "height": 460})
    return grafiek


def schrijf_vergelijking(vergelijking, doel: Path, invoerpad: Path) -> None:
    """Write the comparison workbook of SPEC §6 atomically to ``doel``."""
    schrijf_atomisch(Path(doel), lambda pad: _schrijf_vergelijking(vergelijking, pad, invoerpad),
                     invoer=invoerpad)


def _schrijf_vergelijking(vergelijking, pad: Path, invoerpad: Path) -> None:
    invoer = vergelijking.invoer
    uitkomsten = vergelijking.uitkomsten
    namen = [u.scenario for u in uitkomsten]
    werkboek = _nieuw_werkboek(pad)
    titel = "Budgetkoppeling: vergelijking van scenario's"
    euro_fmt = werkboek.add_format({"num_format": EURO})
    getal_fmt = werkboek.add_format({"num_format": PLAATSINGEN})
    procent_fmt = werkboek.add_format({"num_format": "0.0%"})
    basis_euro = werkboek.add_format({"num_format": EURO, "bold": True, "bg_color": "#DDEBF7"})
    basis_getal = werkboek.add_format({"num_format": PLAATSINGEN, "bold": True, "bg_color": "#DDEBF7"})
    kop = werkboek.add_format({"bold": True, "font_size": 12})
    kopregel = werkboek.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    opgelost = [u.status == "optimaal" for u in uitkomsten]
    paginakop = f"basis en {len(namen) - 1} scenario's"

    def waarden(kolom: dict, sleutel) -> float | None:
        return kolom.get(sleutel, 0.0)

    def scenario_formaten(geld: bool) -> list:
        return [basis_euro if geld else basis_getal] + [euro_fmt if geld else getal_fmt] * (len(namen) - 1)

    # Vergelijking: one row per KPI, one column per scenario, base first
    blad = werkboek.add_worksheet("Vergelijking")
    rijen = []
    for kpi in KPIS:
        _, eenheid = KPI_EENHEID[kpi]
        rijen.append([kpi, eenheid] + [u.kerncijfers.get(kpi) if ok else None for u, ok in zip(uitkomsten, opgelost)])
    blad.write_string(0, 0, "Kerncijfers per scenario (de kolom basis is het uitgangspunt)", kop)
    koppen = _koppen(["kpi", "eenheid"], namen)
    _tabel(blad, 1, koppen, rijen, [None, None] + scenario_formaten(geld=False), "Vergelijking", kopregel)
    blad.set_row(1, 45)
    for nummer, kpi in enumerate(KPIS):  # money rows get the euro format, cell by cell
        if KPI_EENHEID[kpi][1].startswith("euro"):
            for kolom, waarde in enumerate(rijen[nummer][2:], start=2):
                if waarde is not None:
                    blad.write_number(2 + nummer, kolom, waarde, basis_euro if kolom == 2 else euro_fmt)
    jaren = sorted({j for u in uitkomsten for j in u.per_jaar})
    jaar_rij = 2 + len(KPIS) + 2
    blad.write_string(jaar_rij, 0, "Verwachte plaatsingen per jaar van plaatsing", kop)
    jaar_rijen = [[str(j), "plaatsingen"] + [u.per_jaar.get(j, 0.0) if ok else None
                                            for u, ok in zip(uitkomsten, opgelost)] for j in jaren]
    _tabel(blad, jaar_rij + 1, _koppen(["jaar", "eenheid"], namen), jaar_rijen,
           [None, None] + scenario_formaten(geld=False), "Plaatsingen_per_jaar", kopregel)
    blad.set_row(jaar_rij + 1, 45)
    blad.set_column(0, 0, 30)
    blad.set_column(1, 1, 22)
    blad.set_column(2, 1 + len(namen), 18)
    blad.freeze_panes(2, 2)
    _pagina(blad, titel, paginakop)

    # Verschil: each scenario minus the base, absolute and in %
    verschil = werkboek.add_worksheet("Verschil")
    anderen = [(u, ok) for u, ok in zip(uitkomsten[1:], opgelost[1:])]
    basis = uitkomsten[0].kerncijfers if opgelost[0] else {}
    koppen = ["kpi", "eenheid"] + [k for u, _ in anderen for k in (f"{u.scenario}: verschil", f"{u.scenario}: %")]
    rijen = []
    for kpi in KPIS:
        rij: list = [kpi, KPI_EENHEID[kpi][1]]
        for u, ok in anderen:
            if ok and basis:
                absoluut = u.kerncijfers[kpi] - basis[kpi]
                rij += [absoluut, absoluut / basis[kpi] if abs(basis[kpi]) > NUL else None]
            else:
                rij += [None, None]
        rijen.append(rij)
    formaten = [None, None] + [f for _ in anderen for f in (getal_fmt, procent_fmt)]
    verschil.write_string(0, 0, "Verschil van elk scenario met de basis", kop)
    _tabel(verschil, 1, _uniek(koppen), rijen, formaten, "Verschil", kopregel)
    verschil.set_row(1, 45)
    for nummer, kpi in enumerate(KPIS):
        if KPI_EENHEID[kpi][1].startswith("euro"):
            for kolom in range(2, len(koppen), 2):
                if rijen[nummer][kolom] is not None:
                    verschil.write_number(2 + nummer, kolom, rijen[nummer][kolom], euro_fmt)
    verschil.set_column(0, 0, 30)
    verschil.set_column(1, 1, 22)
    verschil.set_column(2, max(2, len(koppen) - 1), 20)
    verschil.freeze_panes(2, 2)
    _pagina(verschil, titel, paginakop)

    # Per_fonds, Per_regio, Per_instrument
    def per(naam: str, sleutel: str, volgorde: list[str], kolom: str, geld: bool, tekst: str) -> int:
        werkblad = werkboek.add_worksheet(naam)
        werkblad.write_string(0, 0, tekst, kop)
        data = [[n] + [getattr(u, kolom).get(n, 0.0) if ok else None for u, ok in zip(uitkomsten, opgelost)]
                for n in volgorde]
        _tabel(werkblad, 1, _koppen([sleutel], namen), data, [None] + scenario_formaten(geld), naam, kopregel)
        werkblad.set_row(1, 45)
        werkblad.set_column(0, 0, 32)
        werkblad.set_column(1, len(namen), 18)
        werkblad.freeze_panes(2, 1)
        _pagina(werkblad, titel, paginakop)
        return len(data)

    fondsen = per("Per_fonds", "fonds", list(invoer.fondsen), "per_fonds", True,
                  "Uitgaven per fonds in de planperiode (euro)")
    per("Per_regio", "regio", list(invoer.regios), "per_regio", False, "Verwachte plaatsingen per regio")
    per("Per_instrument", "instrument", list(invoer.instrumenten), "per_instrument", False,
        "Deelnemers per instrument")

    # charts, on Vergelijking under the tables
    laatste = 1 + len(namen)
    eerste_grafiek = jaar_rij + len(jaren) + 4
    plaatsen = [eerste_grafiek, eerste_grafiek + 25, eerste_grafiek + 50, eerste_grafiek + 75]
    blad.insert_chart(plaatsen[0], 0, _staafgrafiek(
        werkboek, "Vergelijking", "Verwachte plaatsingen per scenario", "Plaatsingen", "#,##0",
        2 + KPIS.index("plaatsingen"), 2, laatste, 1))
    stapel = werkboek.add_chart({"type": "column", "subtype": "stacked"})
    for rij in range(2, 2 + fondsen):
        stapel.add_series({
            "name": ["Per_fonds", rij, 0],
            "categories": ["Per_fonds", 1, 1, 1, len(namen)],
            "values": ["Per_fonds", rij, 1, rij, len(namen)],
        })
    stapel.set_title({"name": "Uitgaven per fonds per scenario"})
    stapel.set_x_axis({"name": "Scenario", "num_font": {"rotation": -30} if len(namen) > 4 else {}})
    stapel.set_y_axis({"name": "Euro", "num_format": "[$€-413] #,##0"})
    stapel.set_legend({"position": "bottom"})
    stapel.set_size({"width": 720, "height": 460})
    blad.insert_chart(plaatsen[1], 0, stapel)
    lijnen = werkboek.add_chart({"type": "line"})
    for kolom in range(2, 2 + len(namen)):
        lijnen.add_series({
            "name": ["Vergelijking", jaar_rij + 1, kolom],
            "categories": ["Vergelijking", jaar_rij + 2, 0, jaar_rij + 1 + max(1, len(jaren)), 0],
            "values": ["Vergelijking", jaar_rij + 2, kolom, jaar_rij + 1 + max(1, len(jaren)), kolom],
            "marker": {"type": "circle"},
            "line": {"width": 3.0 if kolom == 2 else 1.5, "color": BASIS_KLEUR if kolom == 2 else None},
        })
    lijnen.set_title({"name": "Verwachte plaatsingen per jaar per scenario"})
    lijnen.set_x_axis({"name": "Jaar van plaatsing"})
    lijnen.set_y_axis({"name": "Plaatsingen", "num_format": "#,##0"})
    lijnen.set_legend({"position": "bottom"})
    lijnen.set_size({"width": 720, "height": 460})
    blad.insert_chart(plaatsen[2], 0, lijnen)
    blad.insert_chart(plaatsen[3], 0, _staafgrafiek(
        werkboek, "Vergelijking", "Kosten per plaatsing per scenario", "Euro per plaatsing",
        "[$€-413] #,##0", 2 + KPIS.index("kosten_per_plaatsing"), 2, laatste, 1))
    blad.set_h_pagebreaks([eerste_grafiek, plaatsen[2]])
    blad.fit_to_pages(0, 0)
    blad.set_print_scale(max(30, min(100, int(100 * 980 / (12 * (52 + 18 * len(namen)))))))

    # Info
    info = [
        ["versie", f"budgetkoppeling {__version__}"],
        ["invoerbestand", Path(invoerpad).name],
        ["invoer_sha256", invoer.sha256],
        ["planperiode", f"{invoer.start}-{invoer.eind}"],
        ["scenarios", ", ".join(namen)],
    ]
    for uitkomst in uitkomsten:
        status = uitkomst.status
        if uitkomst.status != "optimaal":
            status += ": " + " ".join(t["tekst"] for t in uitkomst.tekorten)
        info.append([f"status {uitkomst.scenario}", status])
        if uitkomst.oplosser:
            info.append([f"oplosser {uitkomst.scenario}", uitkomst.oplosser])
    info_blad = werkboek.add_worksheet("Info")
    _tabel(info_blad, 0, ["sleutel", "waarde"], info, [None, None], "Info")
    info_blad.set_column(0, 0, 34)
    info_blad.set_column(1, 1, 100)
    info_blad.freeze_panes(1, 0)
    _pagina(info_blad, titel, paginakop)
    werkboek.close()


def _uniek(koppen: list[str]) -> list[str]:
    gezien: dict[str, int] = {}
    uniek = []
    for kop in koppen:
        gezien[kop] = gezien.get(kop, 0) + 1
        uniek.append(kop if gezien[kop] == 1 else f"{kop} ({gezien[kop]})")
    return uniek


# ----------------------------------------------------------------------------- evaluation workbook

EVALUATIE_KPIS = ("plaatsingen", "gewogen_plaatsingen", "deelnemers", "uitgaven", "kosten_per_plaatsing")
EVALUATIE_KOLOMMEN = {
    "huidige_verdeling": "de verdeling uit het blad Huidige_verdeling",
    "optimum_zelfde_geld": "de meeste gewogen plaatsingen voor hoogstens hetzelfde geld",
    "optimum_zelfde_plaatsingen": "evenveel gewogen plaatsingen voor zo min mogelijk geld",
    "optimum_heel_budget": "het beste plan met het hele budget",
}


def schrijf_evaluatie(evaluatie, doel: Path, invoerpad: Path) -> None:
    """Write the evaluation workbook (``evalueer``) atomically to ``doel``."""
    schrijf_atomisch(Path(doel), lambda pad: _schrijf_evaluatie(evaluatie, pad, invoerpad), invoer=invoerpad)


def _schrijf_evaluatie(evaluatie, pad: Path, invoerpad: Path) -> None:
    werkboek = _nieuw_werkboek(pad)
    titel = "Budgetkoppeling: evaluatie van de huidige verdeling"
    euro_fmt = werkboek.add_format({"num_format": EURO})
    getal_fmt = werkboek.add_format({"num_format": PLAATSINGEN})
    kop = werkboek.add_format({"bold": True, "font_size": 12})
    plannen = [evaluatie.huidig, evaluatie.zelfde_geld.kerncijfers, evaluatie.zelfde_plaatsingen.kerncijfers,
               evaluatie.optimum.kerncijfers]

    blad = werkboek.add_worksheet("Evaluatie")
    oordeel = ("De huidige verdeling is uitvoerbaar: elk budget en elke beleidsregel wordt gerespecteerd."
               if evaluatie.uitvoerbaar else
               "De huidige verdeling is NIET uitvoerbaar: zie het blad Tekorten.")
    blad.write_string(0, 0, oordeel, kop)
    rijen = [[kpi, KPI_EENHEID[kpi][1]] + [plan.get(kpi) for plan in plannen] for kpi in EVALUATIE_KPIS]
    _tabel(blad, 2, ["kpi", "eenheid", *EVALUATIE_KOLOMMEN], rijen, [None, None] + [getal_fmt] * 4, "Evaluatie")
    for nummer, kpi in enumerate(EVALUATIE_KPIS):
        if KPI_EENHEID[kpi][1].startswith("euro"):
            for kolom, waarde in enumerate(rijen[nummer][2:], start=2):
                if waarde is not None:
                    blad.write_number(3 + nummer, kolom, waarde, euro_fmt)
    verschil_rij = 3 + len(EVALUATIE_KPIS) + 1
    blad.write_string(verschil_rij, 0, "Wat het optimum beter doet", kop)
    extra = (evaluatie.zelfde_geld.kerncijfers.get("plaatsingen", 0.0) - evaluatie.huidig["plaatsingen"]
             if evaluatie.zelfde_geld.status == "optimaal" else None)
    besparing = (evaluatie.huidig["uitgaven"] - evaluatie.zelfde_plaatsingen.kerncijfers.get("uitgaven", 0.0)
                 if evaluatie.zelfde_plaatsingen.status == "optimaal" else None)
    verschil = [
        ["extra_plaatsingen_zelfde_geld", "personen", extra],
        ["besparing_zelfde_plaatsingen", "euro", besparing],
    ]
    _tabel(blad, verschil_rij + 1, ["verschil", "eenheid", "waarde"], verschil, [None, None, getal_fmt],
           "Verschil_met_optimum")
    if besparing is not None:
        blad.write_number(verschil_rij + 3, 2, besparing, euro_fmt)
    uitleg_rij = verschil_rij + 5
    for nummer, (kolom, uitleg) in enumerate(EVALUATIE_KOLOMMEN.items()):
        blad.write_string(uitleg_rij + nummer, 0, kolom)
        blad.write_string(uitleg_rij + nummer, 1, uitleg)
    blad.set_column(0, 0, 32)
    blad.set_column(1, 1, 22)
    blad.set_column(2, 5, 28)
    _pagina(blad, titel, "basis")

    tekorten = werkboek.add_worksheet("Tekorten")
    koppen = ["soort", "fonds", "regio", "instrument", "doelgroep", "jaar", "regel", "tekort", "eenheid",
              "toelichting"]
    eenheden = {"budget": "euro", "financiering": "euro", "potentieel": "personen", "looptijd": "personen"}
    data = []
    for tekort in evaluatie.tekorten:
        eenheid = eenheden.get(tekort["soort"], "")
        if tekort["soort"] == "beleidsregel":
            eenheid = "per regel: zie toelichting"
        data.append([tekort.get("soort"), tekort.get("fonds"), tekort.get("regio"), tekort.get("instrument"),
                     tekort.get("doelgroep"), tekort.get("jaar"), tekort.get("regel"), tekort["tekort"], eenheid,
                     tekort["tekst"]])
    _tabel(tekorten, 0, koppen, data, [None] * 7 + [getal_fmt, None, None], "Tekorten")
    tekorten.set_column(0, 6, 16)
    tekorten.set_column(7, 8, 16)
    tekorten.set_column(9, 9, 100)
    tekorten.freeze_panes(1, 0)
    _pagina(tekorten, titel, "basis")

    per_instrument = defaultdict(float)
    for rij in evaluatie.huidige_allocatie:
        per_instrument[rij["instrument"]] += rij["deelnemers"]
    instrumenten = werkboek.add_worksheet("Per_instrument")
    data = [[i, per_instrument.get(i, 0.0), evaluatie.optimum.per_instrument.get(i, 0.0)]
            for i in evaluatie.invoer.instrumenten]
    _tabel(instrumenten, 0, ["instrument", "deelnemers_huidige_verdeling", "deelnemers_optimum"], data,
           [None, getal_fmt, getal_fmt], "Per_instrument")
    instrumenten.set_column(0, 0, 32)
    instrumenten.set_column(1, 2, 30)
    grafiek = werkboek.add_chart({"type": "bar"})
    for kolom, naam in ((1, "Huidige verdeling"), (2, "Optimum")):
        grafiek.add_series({"name": naam, "categories": ["Per_instrument", 1, 0, len(data), 0],
                            "values": ["Per_instrument", 1, kolom, len(data), kolom],
                            "fill": {"color": SCENARIO_KLEUR if kolom == 1 else BASIS_KLEUR}})
    grafiek.set_title({"name": "Deelnemers per instrument: huidige verdeling en optimum"})
    grafiek.set_x_axis({"name": "Deelnemers (planperiode)", "num_format": "#,##0"})
    grafiek.set_legend({"position": "bottom"})
    grafiek.set_size({"width": 720, "height": 420})
    instrumenten.insert_chart(len(data) + 3, 0, grafiek)
    instrumenten.freeze_panes(1, 0)
    _pagina(instrumenten, titel, "basis")

    allocatie = werkboek.add_worksheet("Huidige_allocatie")
    koppen = ["regio", "instrument", "doelgroep", "startjaar", "deelnemers", "kosten", "plaatsingen",
              "plaatsingsjaar"]
    _tabel(allocatie, 0, koppen, [[rij[k] for k in koppen] for rij in evaluatie.huidige_allocatie],
           [None, None, None, None, getal_fmt, euro_fmt, getal_fmt, None], "Huidige_allocatie")
    allocatie.set_column(0, 2, 26)
    allocatie.set_column(3, 7, 16)
    allocatie.freeze_panes(1, 0)
    _pagina(allocatie, titel, "basis")

    info = werkboek.add_worksheet("Info")
    _tabel(info, 0, ["sleutel", "waarde"], [
        ["versie", f"budgetkoppeling {__version__}"],
        ["invoerbestand", Path(invoerpad).name],
        ["invoer_sha256", evaluatie.invoer.sha256],
        ["planperiode", f"{evaluatie.invoer.start}-{evaluatie.invoer.eind}"],
        ["uitvoerbaar", "ja" if evaluatie.uitvoerbaar else "nee"],
        ["oplosser", evaluatie.optimum.oplosser],
    ], [None, None], "Info")
    info.set_column(0, 0, 24)
    info.set_column(1, 1, 80)
    _pagina(info, titel, "basis")
    werkboek.close()
