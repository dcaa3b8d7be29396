"""The uncertainty workbook (``onzekerheid``, SPEC §6 and §8): Samenvatting with its fan chart,
Per_jaar, Gevoeligheid with its tornado chart, Trekkingen, Allocatie_basis, Allocatie_robuust, Info.

Each table comes from a pure function of the :class:`~budgetkoppeling.onzekerheidsanalyse.Analyse`; the
sheets hold no run time or worker count, so that equal input, seed and number of draws give equal
files whether computed serially, on local processes or on a cluster.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import polars as pl

from ..bestanden import schrijf_atomisch
from ..tekst import euro, getal, nl, procent
from ..versie import __version__
from .opmaak import (
    BASIS_KLEUR,
    EURO,
    PLAATSINGEN,
    SCENARIO_KLEUR,
    kophoogte,
    nieuw_werkboek,
    onbreekbaar,
    pagina,
    plaats,
    regels,
    tabel,
)
from .plan import allocatie

BANDEN = ["gemiddelde", "p5", "p10", "p50", "p90", "p95"]
SAMENVATTING_KOLOMMEN = ["kpi", "plan", *BANDEN, "eenheid"]
TREKKING_UITKOMSTEN = ["gewogen_basis", "gewogen_robuust", "gewogen_optimum", "tekort_basis", "tekort_robuust",
                       "gewogen_optimum_effecten"]
PLAATSINGEN_KOLOMMEN = ["gewogen_basis", "gewogen_robuust", "gewogen_optimum", "gewogen_optimum_effecten"]


def _banden(waarden: np.ndarray) -> list[float | None]:
    if not len(waarden):
        return [None] * len(BANDEN)
    return [float(np.mean(waarden)), *(float(np.percentile(waarden, q)) for q in (5, 10, 50, 90, 95))]


def samenvatting(analyse) -> pl.DataFrame:
    """The bands of both plans per key figure, the share of draws without shortfall, the mean of the
    worst draws, and the value of better evidence."""
    staart = procent(1 - analyse.betrouwbaarheid)
    rijen = []
    for beeld in (analyse.basis, analyse.robuust):
        rijen += [
            ["plaatsingen", beeld.plan, *_banden(beeld.plaatsingen), "personen"],
            ["gewogen_plaatsingen", beeld.plan, *_banden(beeld.gewogen), "gewogen plaatsingen"],
            ["gewogen_slechtste", beeld.plan, analyse.cvar(beeld.gewogen), *[None] * 5,
             f"gewogen plaatsingen, gemiddelde van de slechtste {staart} van de trekkingen"],
            ["tekort", beeld.plan, *_banden(beeld.tekort), "euro"],
            ["kans_betaalbaar", beeld.plan, float(np.mean(beeld.tekort < 0.5)), *[None] * 5,
             "deel van de trekkingen zonder tekort"],
        ]
    rijen.append(["waarde_betere_kennis", "basis", *_banden(analyse.winst),
                  "gewogen plaatsingen (optimum per trekking min basisplan)"])
    rijen.append(["waarde_betere_kennis_effecten", "basis", *_banden(analyse.winst_effecten),
                  "gewogen plaatsingen (idem, alleen de kansen getrokken)"])
    schema = {"kpi": pl.String, "plan": pl.String, **{b: pl.Float64 for b in BANDEN}, "eenheid": pl.String}
    return pl.DataFrame(rijen, schema=schema, orient="row")


def per_jaar(analyse) -> pl.DataFrame:
    """Expected placements per placement year and plan: the same bands (the fan chart's data)."""
    rijen = [[jaar, beeld.plan, *_banden(waarden)]
             for beeld in (analyse.basis, analyse.robuust) for jaar, waarden in sorted(beeld.per_jaar.items())]
    return pl.DataFrame(rijen, schema={"plaatsingsjaar": pl.Int64, "plan": pl.String,
                                       **{b: pl.Float64 for b in BANDEN}}, orient="row")


def _schoon(verschil: pl.Expr) -> pl.Expr:
    """A difference of two sums of the same terms (1e-11) is none."""
    return pl.when(verschil.abs() < 1e-6).then(0.0).otherwise(verschil)


def gevoeligheid(analyse) -> pl.DataFrame:
    """Per Onzekerheid row, largest swing first: the base plan with only that row at laag and hoog,
    the change against the input values (the tornado's bars), the rank correlation over the draws,
    and the shortfall at laag and hoog."""
    basis = analyse.basis.gewogen_bij_invoer
    regels = {r.naam: r for r in analyse.invoer.onzekerheid}
    frame = analyse.gevoeligheid.with_columns(
        laag=pl.col("naam").replace_strict({n: r.laag for n, r in regels.items()}, return_dtype=pl.Float64),
        hoog=pl.col("naam").replace_strict({n: r.hoog for n, r in regels.items()}, return_dtype=pl.Float64),
        verschil_bij_laag=_schoon(pl.col("gewogen_bij_laag") - basis),
        verschil_bij_hoog=_schoon(pl.col("gewogen_bij_hoog") - basis))
    # largest swing in placements first; cost and budget rows (no swing) by their swing in shortfall
    return (frame.with_columns(_zwaai=(pl.col("gewogen_bij_hoog") - pl.col("gewogen_bij_laag")).abs(),
                               _tekort=(pl.col("tekort_bij_laag") - pl.col("tekort_bij_hoog")).abs())
            .sort("_zwaai", "_tekort", descending=True, maintain_order=True)
            .select("naam", "gewogen_bij_laag", "gewogen_bij_hoog", "correlatie", "grootheid", "laag", "hoog",
                    "verschil_bij_laag", "verschil_bij_hoog", "tekort_bij_laag", "tekort_bij_hoog"))


def trekkingen(analyse) -> pl.DataFrame:
    """One row per draw: its factors, both plans' weighted placements, the optimum (every parameter as
    drawn), both shortfalls, and the optimum for the drawn chances alone."""
    return analyse.trekkingen.with_columns(
        gewogen_basis=pl.Series(analyse.basis.gewogen), gewogen_robuust=pl.Series(analyse.robuust.gewogen),
        gewogen_optimum=pl.Series(analyse.optimum).fill_nan(None), tekort_basis=pl.Series(analyse.basis.tekort),
        tekort_robuust=pl.Series(analyse.robuust.tekort),
        gewogen_optimum_effecten=pl.Series(analyse.optimum_effecten).fill_nan(None))


def _betere_kennis(analyse) -> list[str]:
    """The value of better evidence: about the chances alone and, where costs or budgets are drawn
    too, about every drawn value (SPEC §8), with why the latter may be the smaller."""
    zinnen = []
    if len(analyse.winst_effecten):
        zinnen.append(f"Betere kennis over de plaatsingskansen is gemiddeld "
                      f"{getal(round(analyse.waarde_betere_kennis_effecten))} gewogen plaatsingen waard: zo "
                      "veel meer haalt het beste plan bij de werkelijke kansen dan het basisplan.")
    if analyse.invoer.trekt_alleen_kansen or not len(analyse.winst):
        return zinnen
    waarde = analyse.waarde_betere_kennis
    zin = (f"Wie ook de kosten en budgetten vooraf kende, haalt met het beste plan gemiddeld "
           f"{getal(abs(round(waarde)))} gewogen plaatsingen {'minder' if waarde < 0 else 'meer'} dan het "
           "basisplan (waarde_betere_kennis)")
    negatief = int(np.sum(analyse.winst < -1e-6))
    if negatief:
        zin += (f"; in {getal(negatief)} trekkingen haalt het minder: daar is het basisplan bij de getrokken "
                "kosten en budgetten niet binnen de budgetten en regels te betalen, maar telt het zijn plaatsingen "
                "toch (zie tekort)")
    return [*zinnen, zin + "."]


def toelichting(analyse) -> list[str]:
    """What the numbers say, in plain Dutch, each sentence from the analysis's own figures."""
    basis, robuust = analyse.basis, analyse.robuust
    band = 1 - 2 * 0.05
    staart = procent(1 - analyse.betrouwbaarheid)
    zinnen = [
        f"In {procent(band)} van de {analyse.aantal} trekkingen levert het plan tussen "
        f"{getal(round(np.percentile(basis.plaatsingen, 5)))} en {getal(round(np.percentile(basis.plaatsingen, 95)))} "
        f"plaatsingen op (bij de ingevoerde waarden {getal(round(basis.plaatsingen_bij_invoer))})."]
    def verschil(robuust_: float, basis_: float) -> float:
        """The robust plan's relative difference; 0 when the base plan places nobody (nor does the robust one)."""
        return robuust_ / basis_ - 1 if abs(basis_) > 1e-9 else 0.0

    gemiddeld = verschil(robuust.gewogen.mean(), basis.gewogen.mean())
    slechtst = verschil(analyse.cvar(robuust.gewogen), analyse.cvar(basis.gewogen))
    if abs(basis.gewogen.mean()) <= 1e-9:
        zinnen.append("Het plan levert bij deze invoer geen plaatsingen op, in geen enkele trekking; er valt "
                      "niets te spreiden.")
    elif abs(gemiddeld) < 5e-4 and abs(slechtst) < 5e-4:
        zinnen.append("Het robuuste plan levert hier hetzelfde op als het basisplan: spreiden over zekerdere "
                      "instrumenten wint in de slechtste trekkingen niets.")
    else:
        zinnen.append(f"Het robuuste plan levert gemiddeld {procent(abs(gemiddeld))} "
                      f"{'minder' if gemiddeld < 0 else 'meer'} gewogen plaatsingen op, maar in de slechtste "
                      f"{staart} van de trekkingen {procent(abs(slechtst))} {'meer' if slechtst >= 0 else 'minder'}.")
    betaalbaar = float(np.mean(basis.tekort < 0.5))
    if betaalbaar < 1:
        zinnen.append(f"Met de getrokken kosten en budgetten is het basisplan in {procent(betaalbaar)} van de "
                      f"trekkingen te betalen; gemiddeld komt het {euro(basis.tekort.mean())} tekort (bij "
                      f"p95 {euro(np.percentile(basis.tekort, 95))}).")
    else:
        zinnen.append("Met de getrokken kosten en budgetten is het basisplan in elke trekking te betalen.")
    zinnen += _betere_kennis(analyse)
    gevoelig = gevoeligheid(analyse).filter(pl.col("grootheid") == "plaatsingskans")
    if gevoelig.height and abs(gevoelig["verschil_bij_hoog"][0] - gevoelig["verschil_bij_laag"][0]) > 1e-9:
        eerste = gevoelig.row(0, named=True)
        zinnen.append(f"De uitkomst hangt het meest af van '{eerste['naam']}': tussen "
                      f"{getal(round(eerste['gewogen_bij_laag']))} en {getal(round(eerste['gewogen_bij_hoog']))} "
                      f"gewogen plaatsingen bij factor {nl(eerste['laag'])} en {nl(eerste['hoog'])}.")
    return zinnen


def schrijf_onzekerheid(analyse, doel: Path, invoerpad: Path, datum: datetime.date | None = None) -> None:
    """Write the uncertainty workbook atomically to ``doel``."""
    schrijf_atomisch(Path(doel), lambda pad: _schrijf(analyse, pad, invoerpad, datum), invoer=invoerpad)


def _schrijf(analyse, pad: Path, invoerpad: Path, datum: datetime.date | None) -> None:
    werkboek = nieuw_werkboek(pad, datum)
    dag = werkboek.rekendatum
    titel = "Budgetkoppeling: onzekerheid"
    scenario = analyse.invoer.scenario
    getal_fmt = werkboek.add_format({"num_format": PLAATSINGEN})
    euro_fmt = werkboek.add_format({"num_format": EURO})

    samen = samenvatting(analyse)
    blad = werkboek.add_worksheet("Samenvatting")
    rijen = [list(rij) for rij in samen.iter_rows()]
    tekst_fmt = werkboek.add_format({"indent": 1, "text_wrap": True})  # a unit never touches its value
    onder = tabel(blad, 0, SAMENVATTING_KOLOMMEN, rijen, [None, tekst_fmt] + [getal_fmt] * 6 + [tekst_fmt],
                  "Samenvatting")
    # money and shares in their own format, row by row
    procent_fmt = werkboek.add_format({"num_format": "0.0%"})
    for nummer, rij in enumerate(rijen, start=1):
        formaat = euro_fmt if rij[0] == "tekort" else procent_fmt if rij[0] == "kans_betaalbaar" else None
        if formaat is not None:
            for kolom, waarde in enumerate(rij[2:8], start=2):
                if waarde is not None:
                    blad.write_number(nummer, kolom, waarde, formaat)
    breedtes = (31, 10, 17, 17, 17, 17, 17, 17, 34)
    for kolom, breedte in enumerate(breedtes):
        blad.set_column(kolom, kolom, breedte)
    for nummer, rij in enumerate(rijen, start=1):  # the unit wraps in its column
        blad.set_row(nummer, kophoogte([rij[-1]], [breedtes[-1]]))
    blad.freeze_panes(1, 0)
    zinnen = [onbreekbaar(zin) for zin in toelichting(analyse)]
    breedte = int(0.95 * sum(blad._size_col(kolom) for kolom in range(len(breedtes))))  # within the table
    hoogte = 20 + 15 * sum(regels(zin, breedte / 7) + 1 for zin in zinnen)
    blad.insert_textbox(onder + 1, 0, "\n\n".join(zinnen), {
        "width": breedte, "height": hoogte, "font": {"size": 11},
        "align": {"vertical": "top"}, "border": {"color": BASIS_KLEUR}, "object_position": 3})
    grafiek_rij = onder + 3 + hoogte // 20
    jaren = per_jaar(analyse)
    if jaren.height:  # a plan that places nobody has no years to chart
        blad.insert_chart(grafiek_rij, 0, _waaier(werkboek, jaren))
        blad.set_h_pagebreaks([grafiek_rij - 1])  # the fan chart on a page of its own, never cut
    pagina(blad, f"{titel} - Samenvatting", scenario, dag)

    plaats(werkboek, "Per_jaar", jaren, {b: PLAATSINGEN for b in BANDEN}, titel, scenario)
    gevoelig = gevoeligheid(analyse)
    blad = plaats(werkboek, "Gevoeligheid", gevoelig, {
        "gewogen_bij_laag": PLAATSINGEN, "gewogen_bij_hoog": PLAATSINGEN, "correlatie": "0.00", "laag": "0.00",
        "hoog": "0.00", "verschil_bij_laag": PLAATSINGEN, "verschil_bij_hoog": PLAATSINGEN,
        "tekort_bij_laag": EURO, "tekort_bij_hoog": EURO}, titel, scenario)
    if gevoelig.height:
        blad.insert_chart(gevoelig.height + 3, 0, _tornado(werkboek, gevoelig.height))
    trek = trekkingen(analyse)
    factoren = [k for k in trek.columns if k != "trekking" and k not in TREKKING_UITKOMSTEN]
    plaats(werkboek, "Trekkingen", trek, {**{k: "0.000" for k in factoren},
                                          **{k: PLAATSINGEN for k in PLAATSINGEN_KOLOMMEN},
                                          **{k: EURO for k in TREKKING_UITKOMSTEN if k not in PLAATSINGEN_KOLOMMEN}},
          titel, scenario)
    for naam, beeld in (("Allocatie_basis", analyse.basis), ("Allocatie_robuust", analyse.robuust)):
        plaats(werkboek, naam, allocatie(beeld.oplossing), {"deelnemers": PLAATSINGEN, "kosten": EURO,
                                                             "plaatsingen": PLAATSINGEN}, titel, scenario)
    plaats(werkboek, "Info", info(analyse, invoerpad, dag), {}, titel, scenario)
    werkboek.close()


def _waaier(werkboek, jaren: pl.DataFrame):
    """The fan chart: per plan the median and the p5 and p95 of the placements per year (Per_jaar)."""
    grafiek = werkboek.add_chart({"type": "line"})
    per_plan = jaren.with_row_index("_rij").group_by("plan", maintain_order=True).agg(
        pl.col("_rij").min().alias("eerste"), pl.col("_rij").max().alias("laatste"))
    kolom = {b: 2 + n for n, b in enumerate(BANDEN)}
    for plan, eerste, laatste in per_plan.iter_rows():
        kleur = BASIS_KLEUR if plan == "basis" else SCENARIO_KLEUR
        naam = "Basisplan" if plan == "basis" else "Robuust plan"
        for band, lijn in (("p50", "solid"), ("p5", "dash"), ("p95", "dash")):
            grafiek.add_series({
                "name": f"{naam} {'mediaan' if band == 'p50' else band}",
                "categories": ["Per_jaar", eerste + 1, 0, laatste + 1, 0],
                "values": ["Per_jaar", eerste + 1, kolom[band], laatste + 1, kolom[band]],
                "line": {"color": kleur, "width": 2.25 if band == "p50" else 1.25, "dash_type": lijn}})
    grafiek.set_title({"name": "Plaatsingen per jaar: mediaan en 90%-band (p5 tot p95)"})
    grafiek.set_x_axis({"name": "Plaatsingsjaar"})
    grafiek.set_y_axis({"name": "Verwachte plaatsingen", "num_format": "#,##0", "min": 0})
    grafiek.set_legend({"position": "bottom"})
    grafiek.set_size({"width": 900, "height": 400})
    return grafiek


def _tornado(werkboek, aantal: int):
    """The tornado chart: per Onzekerheid row the change in the base plan's weighted placements at
    laag and at hoog, largest swing on top."""
    grafiek = werkboek.add_chart({"type": "bar"})
    for kolom, naam, kleur in ((7, "Bij laag", SCENARIO_KLEUR), (8, "Bij hoog", BASIS_KLEUR)):
        grafiek.add_series({"name": naam, "categories": ["Gevoeligheid", 1, 0, aantal, 0],
                            "values": ["Gevoeligheid", 1, kolom, aantal, kolom], "fill": {"color": kleur},
                            "overlap": 100, "gap": 40})
    grafiek.set_title({"name": "Gevoeligheid: verschil in gewogen plaatsingen van het basisplan"})
    grafiek.set_y_axis({"reverse": True, "label_position": "low"})  # the largest swing on top, names left
    grafiek.set_x_axis({"name": "Gewogen plaatsingen t.o.v. de ingevoerde waarden", "num_format": "#,##0"})
    grafiek.set_legend({"position": "bottom"})
    grafiek.set_size({"width": 900, "height": 120 + 36 * aantal})
    return grafiek


def info(analyse, invoerpad: Path, datum: datetime.date) -> pl.DataFrame:
    """What the analysis was made from and with; nothing that depends on where it ran or how long."""
    controle = (f"{analyse.controles} trekkingen ook koud opgelost; grootste verschil met warm "
                f"{analyse.max_afwijking:.1e} (relatief); {analyse.vervangen} warme uitkomsten vervangen")
    rijen = [
        ("versie", f"budgetkoppeling {__version__}"),
        ("rekendatum", datum.isoformat()),
        ("invoerbestand", Path(invoerpad).name),
        ("invoer_sha256", analyse.invoer.sha256),
        ("scenario", analyse.invoer.scenario),
        ("zaad", str(analyse.zaad)),
        ("trekkingen", str(analyse.aantal)),
        ("betrouwbaarheid", nl(analyse.betrouwbaarheid)),
        ("oplosser", analyse.oplosser),
        ("oplosser_versie", analyse.oplosser_versie),
        ("controle", controle),
        ("optimum_per_trekking", "de plaatsingskansen zoals getrokken, kosten en budgetten zoals ingevoerd"),
    ]
    return pl.DataFrame(rijen, schema={"sleutel": pl.String, "waarde": pl.String}, orient="row")
