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

from . import __version__
from .io import schrijf_atomisch
from .model import betaaljaren, indexatie, regel_termen
from .solve import Oplossing

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


def _regio_volgorde(oplossing: Oplossing) -> dict[str, int]:
    return {regio: nummer for nummer, regio in enumerate(oplossing.model.invoer.regios)}


def allocatie(oplossing: Oplossing) -> pl.DataFrame:
    """One row per (regio, instrument, doelgroep, startjaar) with deelnemers > 0."""
    invoer = oplossing.model.invoer
    factoren = {(i, s.nummer): s.factor for i, ss in invoer.segmenten.items() for s in ss}
    deelnemers: dict[tuple, float] = defaultdict(float)
    plaatsingen: dict[tuple, float] = defaultdict(float)
    for (r, i, g, t, s), waarde in oplossing.x.items():
        deelnemers[(r, i, g, t)] += waarde
        plaatsingen[(r, i, g, t)] += invoer.effecten[(i, g)] * factoren[(i, s)] * waarde
    volgorde = _regio_volgorde(oplossing)
    rijen = []
    for (r, i, g, t), aantal in sorted(deelnemers.items(), key=lambda kv: (volgorde[kv[0][0]], kv[0][1:])):
        if aantal <= NUL:
            continue
        kosten = sum(
            invoer.instrumenten[i].kosten * indexatie(invoer, jaar) * aantal
            for jaar in betaaljaren(invoer, i, t)
        )
        rijen.append({
            "regio": r, "instrument": i, "doelgroep": g, "startjaar": t, "deelnemers": aantal,
            "kosten": kosten, "plaatsingen": plaatsingen[(r, i, g, t)],
            "plaatsingsjaar": t + invoer.instrumenten[i].vertraging,
        })
    return pl.DataFrame(rijen, schema={
        "regio": pl.String, "instrument": pl.String, "doelgroep": pl.String, "startjaar": pl.Int64,
        "deelnemers": pl.Float64, "kosten": pl.Float64, "plaatsingen": pl.Float64,
        "plaatsingsjaar": pl.Int64,
    })


def financiering(oplossing: Oplossing) -> pl.DataFrame:
    """One row per y > 0: which fund pays how much of which cell in which year."""
    volgorde = _regio_volgorde(oplossing)
    fondsen = {f: n for n, f in enumerate(oplossing.model.invoer.fondsen)}
    rijen = [
        {"fonds": f, "regio": r, "instrument": i, "doelgroep": g, "jaar": t, "bedrag": bedrag}
        for (f, r, i, g, t), bedrag in sorted(
            oplossing.y.items(), key=lambda kv: (fondsen[kv[0][0]], volgorde[kv[0][1]], kv[0][2:]))
        if bedrag > NUL
    ]
    return pl.DataFrame(rijen, schema={
        "fonds": pl.String, "regio": pl.String, "instrument": pl.String, "doelgroep": pl.String,
        "jaar": pl.Int64, "bedrag": pl.Float64,
    })


def fondsen(oplossing: Oplossing) -> pl.DataFrame:
    """Per fund, region (`landelijk` for a national pot) and year: budget, use and what is left."""
    invoer = oplossing.model.invoer
    besteed: dict[tuple, float] = defaultdict(float)
    for (f, r, _i, _g, t), bedrag in oplossing.y.items():
        besteed[(f, None if invoer.fondsen[f].landelijk else r, t)] += bedrag
    sleutels = set(invoer.budget) | set(invoer.verplichtingen) | set(besteed)
    per_pot = {(f, r) for f, r, _t in sleutels}
    volgorde = _regio_volgorde(oplossing)
    fondsvolgorde = {f: n for n, f in enumerate(invoer.fondsen)}
    rijen = []
    for f, r in sorted(per_pot, key=lambda p: (fondsvolgorde[p[0]], -1 if p[1] is None else volgorde[p[1]])):
        for t in invoer.jaren:
            budget = invoer.budget.get((f, r, t), 0.0)
            verplicht = invoer.verplichtingen.get((f, r, t), 0.0)
            erin = oplossing.c.get((f, r, t - 1), 0.0)
            eruit = oplossing.c.get((f, r, t), 0.0)
            uit = besteed.get((f, r, t), 0.0)
            if not any(abs(w) > NUL for w in (budget, verplicht, erin, eruit, uit)):
                continue
            rijen.append({
                "fonds": f, "regio": "landelijk" if r is None else r, "jaar": t, "budget": budget,
                "verplichtingen": verplicht, "overheveling_in": erin, "besteed": uit,
                "overheveling_uit": eruit, "onbenut": _geld(budget + erin - verplicht - uit - eruit),
            })
    return pl.DataFrame(rijen, schema={
        "fonds": pl.String, "regio": pl.String, "jaar": pl.Int64, "budget": pl.Float64,
        "verplichtingen": pl.Float64, "overheveling_in": pl.Float64, "besteed": pl.Float64,
        "overheveling_uit": pl.Float64, "onbenut": pl.Float64,
    })


def beleidsregels(oplossing: Oplossing) -> pl.DataFrame:
    """Each active rule (each `elk` expansion): its limit, the value reached, whether it binds."""
    model = oplossing.model
    waarden = {**{v.name: w for v, w in zip(model.x.values(), oplossing.x.values())},
               **{v.name: w for v, w in zip(model.y.values(), oplossing.y.values())}}
    rijen = []
    for regel in model.regels:
        bereikt = sum(coef * waarden[v.name] for v, coef in regel_termen(model, regel.regel, regel.waarden))
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
    na_periode = sum(
        invoer.instrumenten[i].kosten * indexatie(invoer, jaar) * aantal
        for (r, i, g, t), aantal in _deelnemers_per_cel(oplossing).items()
        for jaar in betaaljaren(invoer, i, t) if jaar > invoer.eind
    )
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


def _deelnemers_per_cel(oplossing: Oplossing) -> dict[tuple, float]:
    cellen: dict[tuple, float] = defaultdict(float)
    for (r, i, g, t, _s), waarde in oplossing.x.items():
        cellen[(r, i, g, t)] += waarde
    return cellen


def info(oplossing: Oplossing, invoerpad: Path, looptijd: float) -> pl.DataFrame:
    rijen = [
        ("versie", f"budgetkoppeling {__version__}"),
        ("invoerbestand", Path(invoerpad).name),
        ("invoer_sha256", oplossing.model.invoer.sha256),
        ("scenario", oplossing.model.invoer.scenario),
        ("planperiode", f"{oplossing.model.invoer.start}-{oplossing.model.invoer.eind}"),
        ("oplosser", oplossing.oplosser),
        ("oplosser_versie", oplossing.oplosser_versie),
        ("status", oplossing.status),
        ("model", "geheel (MIP, hele personen)" if oplossing.model.probleem.isMIP() else "lineair (LP)"),
        ("looptijd_seconden", f"{looptijd:.2f}"),
    ]
    return pl.DataFrame(rijen, schema={"sleutel": pl.String, "waarde": pl.String}, orient="row")


def kerncijfers(samenvatting_: pl.DataFrame) -> dict[str, float]:
    return dict(zip(samenvatting_["kpi"], samenvatting_["waarde"]))


# ----------------------------------------------------------------------------- workbook


class Plan:
    """The frames of a plan workbook, ready to print or write."""

    def __init__(self, oplossing: Oplossing, invoerpad: Path, looptijd: float):
        self.oplossing = oplossing
        self.allocatie = allocatie(oplossing)
        self.financiering = financiering(oplossing)
        self.fondsen = fondsen(oplossing)
        self.beleidsregels = beleidsregels(oplossing)
        self.samenvatting = samenvatting(oplossing, self.allocatie, self.fondsen)
        self.info = info(oplossing, invoerpad, looptijd)

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
    import xlsxwriter

    werkboek = xlsxwriter.Workbook(
        str(pad),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
         "nan_inf_to_errors": True},
    )
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
    geheel = plan.oplossing.model.probleem.isMIP()
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
    _plaats(werkboek, "Beleidsregels", plan.beleidsregels, {"grens": "#,##0.00", "bereikt": "#,##0.00"},
            titel, scenario)
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
