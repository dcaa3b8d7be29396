"""The evaluation workbook (``evalueer``): the hand plan beside the optimum. One pure function per
sheet gives its table as a frame (:func:`tabellen`); the writer lays them out."""

from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import Path

import polars as pl

from ..bestanden import schrijf_atomisch
from ..tekst import nl, procent
from ..versie import __version__
from .opmaak import (
    BASIS_KLEUR,
    BESPARING_KPIS,
    EURO,
    HELE_EURO,
    KPI_EENHEID_ALLE,
    PLAATSINGEN,
    SCENARIO_KLEUR,
    kophoogte,
    nieuw_werkboek,
    onbreekbaar,
    pagina,
    regels,
    tabel,
    tabelframe,
    tabelrijen,
)

BAND_KLEUR = "#7FB069"  # the optimum within the band, between today's plan and the free optimum

EVALUATIE_KPIS = ("plaatsingen", "gewogen_plaatsingen", "deelnemers", "uitgaven", "kosten_per_plaatsing")
EVALUATIE_KOLOMMEN = {
    "huidige_verdeling": "de verdeling uit het blad Huidige_verdeling",
    "optimum_zelfde_geld": "de meeste gewogen plaatsingen voor hoogstens hetzelfde geld",
    "optimum_zelfde_plaatsingen": "evenveel gewogen plaatsingen voor zo min mogelijk geld",
    "optimum_heel_budget": "het beste plan met het hele budget",
    "optimum_binnen_band": "het beste plan met het hele budget waarin elk instrument per regio en jaar binnen "
                           "±{band} van de huidige verdeling blijft (max_verschuiving): een stap die de "
                           "uitvoering in een keer kan zetten",
}

# the columns of the sheet Evaluatie: the description wraps, each plan as wide as its header (a code
# without spaces does not wrap), the unit, the code
BREEDTES = [30, 18, 20, 26, 20, 20, 19, 21]


def _plannen(evaluatie) -> list[dict]:
    return [evaluatie.huidig, evaluatie.zelfde_geld.kerncijfers, evaluatie.zelfde_plaatsingen.kerncijfers,
            evaluatie.optimum.kerncijfers, evaluatie.binnen_band.kerncijfers]


def kerncijfers(evaluatie) -> pl.DataFrame:
    """Evaluatie: per kpi the hand plan and the four optima; the description first, the code last."""
    kpis = EVALUATIE_KPIS + tuple(k for k in BESPARING_KPIS if k in evaluatie.huidig)
    rijen = [[KPI_EENHEID_ALLE[kpi][0]] + [plan.get(kpi) for plan in _plannen(evaluatie)]
             + [KPI_EENHEID_ALLE[kpi][1], kpi] for kpi in kpis]
    return tabelframe(["omschrijving", *EVALUATIE_KOLOMMEN, "eenheid", "kpi"], rijen)


def verschil_met_optimum(evaluatie) -> pl.DataFrame:
    """Below Evaluatie: what the optima do better than the hand plan (empty where one has no plan)."""
    extra = (evaluatie.zelfde_geld.kerncijfers.get("plaatsingen", 0.0) - evaluatie.huidig["plaatsingen"]
             if evaluatie.zelfde_geld.status == "optimaal" else None)
    besparing = (evaluatie.huidig["uitgaven"] - evaluatie.zelfde_plaatsingen.kerncijfers.get("uitgaven", 0.0)
                 if evaluatie.zelfde_plaatsingen.status == "optimaal" else None)
    band = procent(evaluatie.band)
    gewogen = evaluatie.huidig["gewogen_plaatsingen"]
    stap = (evaluatie.binnen_band.kerncijfers["gewogen_plaatsingen"] - gewogen
            if evaluatie.binnen_band.status == "optimaal" else None)
    vrij = (evaluatie.optimum.kerncijfers["gewogen_plaatsingen"] - gewogen
            if evaluatie.optimum.status == "optimaal" else None)
    return tabelframe(["omschrijving", "waarde", "eenheid", "verschil"], [
        ["Zoveel meer verwachte plaatsingen levert het optimum voor hoogstens hetzelfde geld", extra, "personen",
         "extra_plaatsingen_zelfde_geld"],
        ["Zoveel minder kost het optimum voor evenveel gewogen plaatsingen", besparing, "euro",
         "besparing_zelfde_plaatsingen"],
        [f"Zoveel meer gewogen plaatsingen levert een stap van hoogstens ±{band} per instrument op (hele budget)",
         stap, "gewogen plaatsingen", "extra_gewogen_binnen_band"],
        ["Zoveel meer gewogen plaatsingen levert het vrije optimum op (hele budget, zonder band)", vrij,
         "gewogen plaatsingen", "extra_gewogen_vrij_optimum"],
    ])


TEKORT_KOPPEN = ["soort", "fonds", "regio", "instrument", "doelgroep", "jaar", "regel", "tekort", "eenheid",
                 "toelichting"]


def tekorten(evaluatie) -> pl.DataFrame:
    """Tekorten: what the hand plan falls short of, each with its unit and a sentence."""
    eenheden = {"budget": "euro", "financiering": "euro", "potentieel": "personen", "looptijd": "personen"}
    data = []
    for tekort in evaluatie.tekorten:
        eenheid = eenheden.get(tekort["soort"], "")
        if tekort["soort"] == "beleidsregel":
            eenheid = "per regel: zie toelichting"
        data.append([tekort.get("soort"), tekort.get("fonds"), tekort.get("regio"), tekort.get("instrument"),
                     tekort.get("doelgroep"), tekort.get("jaar"), tekort.get("regel"), tekort["tekort"], eenheid,
                     tekort["tekst"]])
    return tabelframe(TEKORT_KOPPEN, data)


def per_instrument(evaluatie) -> pl.DataFrame:
    """Per_instrument: participants per instrument in the hand plan, the optimum and within the band."""
    huidig = defaultdict(float)
    for rij in evaluatie.huidige_allocatie:
        huidig[rij["instrument"]] += rij["deelnemers"]
    return tabelframe(["instrument", "deelnemers_huidige_verdeling", "deelnemers_optimum", "deelnemers_binnen_band"],
                  [[i, huidig.get(i, 0.0), evaluatie.optimum.per_instrument.get(i, 0.0),
                    evaluatie.binnen_band.per_instrument.get(i, 0.0)] for i in evaluatie.invoer.instrumenten])


ALLOCATIE_KOPPEN = ["regio", "instrument", "doelgroep", "startjaar", "deelnemers", "kosten", "plaatsingen",
                    "plaatsingsjaar"]


def huidige_allocatie(evaluatie) -> pl.DataFrame:
    """Huidige_allocatie: the hand plan cell by cell."""
    return tabelframe(ALLOCATIE_KOPPEN, [[rij[k] for k in ALLOCATIE_KOPPEN] for rij in evaluatie.huidige_allocatie])


def info(evaluatie, invoerpad: Path, datum: datetime.date) -> pl.DataFrame:
    return tabelframe(["sleutel", "waarde"], [
        ["versie", f"budgetkoppeling {__version__}"],
        ["rekendatum", datum.isoformat()],
        ["invoerbestand", Path(invoerpad).name],
        ["invoer_sha256", evaluatie.invoer.sha256],
        ["planperiode", f"{evaluatie.invoer.start}-{evaluatie.invoer.eind}"],
        ["uitvoerbaar", "ja" if evaluatie.uitvoerbaar else "nee"],
        ["oplosser", evaluatie.optimum.oplosser],
        ["max_verschuiving", f"{nl(evaluatie.band)} (het vierde optimum, optimum_binnen_band)"],
    ])


def tabellen(evaluatie, invoerpad: Path = Path(""), datum: datetime.date | None = None) -> dict[str, pl.DataFrame]:
    """Every table of the evaluation workbook by sheet name (``Verschil_met_optimum``: the second
    table on Evaluatie)."""
    from .opmaak import rekendatum

    return {"Evaluatie": kerncijfers(evaluatie), "Verschil_met_optimum": verschil_met_optimum(evaluatie),
            "Tekorten": tekorten(evaluatie), "Per_instrument": per_instrument(evaluatie),
            "Huidige_allocatie": huidige_allocatie(evaluatie), "Info": info(evaluatie, invoerpad, rekendatum(datum))}


def schrijf_evaluatie(evaluatie, doel: Path, invoerpad: Path, datum: datetime.date | None = None) -> None:
    """Write the evaluation workbook (``evalueer``) atomically to ``doel``."""
    schrijf_atomisch(Path(doel), lambda pad: _schrijf_evaluatie(evaluatie, pad, invoerpad, datum),
                     invoer=invoerpad)


def _schrijf_evaluatie(evaluatie, pad: Path, invoerpad: Path, datum: datetime.date | None) -> None:
    werkboek = nieuw_werkboek(pad, datum)
    dag = werkboek.rekendatum
    oordeel_kort = "uitvoerbaar" if evaluatie.uitvoerbaar else "NIET uitvoerbaar"

    def titel(blad: str) -> str:
        return f"Budgetkoppeling: evaluatie van de huidige verdeling ({oordeel_kort}) - {blad}"

    euro_fmt = werkboek.add_format({"num_format": EURO})
    hele_euro = werkboek.add_format({"num_format": HELE_EURO})  # five plans side by side: no cents
    getal_fmt = werkboek.add_format({"num_format": PLAATSINGEN})
    kop = werkboek.add_format({"bold": True, "font_size": 12})
    rood = werkboek.add_format({"bold": True, "font_size": 12, "font_color": "#C00000"})
    kopregel = werkboek.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    tekst_fmt = werkboek.add_format({"indent": 1})  # a unit never touches its value
    omloop = werkboek.add_format({"text_wrap": True})  # at the bottom of its row, beside the numbers
    aantal = len(_plannen(evaluatie))

    # Evaluatie: the key figures of the plans at A1, what the optimum does better below it; a person
    # reads the description first, the code (kpi) for other tools comes last
    blad = werkboek.add_worksheet("Evaluatie")
    frame = kerncijfers(evaluatie)
    kpis, rijen = frame["kpi"].to_list(), tabelrijen(frame)
    verschil_rij = tabel(blad, 0, frame.columns, rijen,
                         [omloop] + [getal_fmt] * aantal + [tekst_fmt] * 2, "Evaluatie", kopregel) + 1
    for nummer, kpi in enumerate(kpis):
        if regels(KPI_EENHEID_ALLE[kpi][0], BREEDTES[0] - 1) > 1:
            blad.set_row(1 + nummer, 15 * regels(KPI_EENHEID_ALLE[kpi][0], BREEDTES[0] - 1))
        if KPI_EENHEID_ALLE[kpi][1].startswith("euro"):
            for kolom, waarde in enumerate(rijen[nummer][1:1 + aantal], start=1):
                if waarde is not None:
                    blad.write_number(1 + nummer, kolom, waarde, hele_euro)
    band = procent(evaluatie.band)
    verschil = tabelrijen(verschil_met_optimum(evaluatie))
    besparing = verschil[1][1]
    uitleg_rij = tabel(blad, verschil_rij, ["omschrijving", "waarde", "eenheid", "verschil"], verschil,
                       [omloop, getal_fmt, tekst_fmt, tekst_fmt], "Verschil_met_optimum", kopregel) + 1
    for nummer, regel in enumerate(verschil, start=verschil_rij + 1):  # the sentence wraps in its column
        blad.set_row(nummer, 15 * regels(regel[0], BREEDTES[0] - 1))
    if besparing is not None:
        blad.write_number(verschil_rij + 2, 1, besparing, euro_fmt)
    oordeel = ("De huidige verdeling is uitvoerbaar: elk budget en elke beleidsregel wordt gerespecteerd."
               if evaluatie.uitvoerbaar else
               "De huidige verdeling is NIET uitvoerbaar: zie het blad Tekorten.")
    blad.write_string(uitleg_rij, 0, oordeel, kop if evaluatie.uitvoerbaar else rood)
    for nummer, (kolom, uitleg) in enumerate(EVALUATIE_KOLOMMEN.items(), start=2):
        blad.write_string(uitleg_rij + nummer, 0, kolom)
        tekst = uitleg.format(band=band)  # across the plans' columns, wrapped
        blad.merge_range(uitleg_rij + nummer, 1, uitleg_rij + nummer, aantal, tekst, omloop)
        blad.set_row(uitleg_rij + nummer, 15 * regels(tekst, sum(BREEDTES[1:1 + aantal]) - 2))
    if evaluatie.binnen_band.status != "optimaal":
        blad.write_string(uitleg_rij + 2 + len(EVALUATIE_KOLOMMEN), 0,
                          f"Binnen ±{band} is er geen plan: " + evaluatie.binnen_band.melding.replace("\n", " "))
    koppen_ = ["omschrijving", *EVALUATIE_KOLOMMEN, "eenheid", "kpi"]
    for kolom, breedte in enumerate(BREEDTES):
        blad.set_column(kolom, kolom, breedte)
    blad.set_row(0, kophoogte(koppen_, BREEDTES))
    blad.freeze_panes(1, 1)
    pagina(blad, titel("kerncijfers"), "basis", dag)

    tekorten_blad = werkboek.add_worksheet("Tekorten")
    data = tabelrijen(tekorten(evaluatie))
    tabel(tekorten_blad, 0, TEKORT_KOPPEN, data, [None] * 7 + [getal_fmt, tekst_fmt, None], "Tekorten", kopregel)
    for rij, regel in enumerate(data, start=1):  # euro amounts in euro, a memo column that wraps
        if regel[8] == "euro":
            tekorten_blad.write_number(rij, 7, regel[7], euro_fmt)
        tekorten_blad.write_string(rij, 9, onbreekbaar(regel[9]), omloop)
        tekorten_blad.set_row(rij, 15 * (len(regel[9]) // 70 + 1))
    for kolom, kop_ in enumerate(TEKORT_KOPPEN[:9]):  # names as long as they are, within reason
        lengte = max([len(kop_)] + [len(str(regel[kolom])) for regel in data if regel[kolom] is not None])
        tekorten_blad.set_column(kolom, kolom, min(32, lengte + 2) if kolom != 7 else max(16, lengte + 4))
    tekorten_blad.set_column(9, 9, 75)
    tekorten_blad.freeze_panes(1, 0)
    pagina(tekorten_blad, titel("tekorten"), "basis", dag)

    instrumenten = werkboek.add_worksheet("Per_instrument")
    frame = per_instrument(evaluatie)
    data = tabelrijen(frame)
    tabel(instrumenten, 0, frame.columns, data, [None, getal_fmt, getal_fmt, getal_fmt], "Per_instrument", kopregel)
    instrumenten.set_column(0, 0, 32)
    instrumenten.set_column(1, 3, 30)
    grafiek = werkboek.add_chart({"type": "bar"})
    for kolom, naam, kleur in ((1, "Huidige verdeling", SCENARIO_KLEUR), (3, f"Binnen ±{band}", BAND_KLEUR),
                               (2, "Optimum", BASIS_KLEUR)):
        grafiek.add_series({"name": naam, "categories": ["Per_instrument", 1, 0, len(data), 0],
                            "values": ["Per_instrument", 1, kolom, len(data), kolom], "fill": {"color": kleur}})
    grafiek.set_title({"name": f"Deelnemers per instrument: huidige verdeling, binnen ±{band} en optimum"})
    grafiek.set_x_axis({"name": "Deelnemers (planperiode)", "num_format": "#,##0", "min": 0})
    grafiek.set_y_axis({"interval_unit": 1, "reverse": True})  # every instrument named, in the table's order
    grafiek.set_legend({"position": "bottom"})
    grafiek.set_size({"width": 720, "height": max(420, 120 + 36 * len(data))})
    instrumenten.insert_chart(len(data) + 3, 0, grafiek)
    instrumenten.set_h_pagebreaks([len(data) + 2])  # the chart on a page of its own, never cut
    instrumenten.freeze_panes(1, 0)
    pagina(instrumenten, titel("deelnemers per instrument"), "basis", dag)

    allocatie = werkboek.add_worksheet("Huidige_allocatie")
    tabel(allocatie, 0, ALLOCATIE_KOPPEN, tabelrijen(huidige_allocatie(evaluatie)),
           [None, None, None, None, getal_fmt, euro_fmt, getal_fmt, None], "Huidige_allocatie")
    allocatie.set_column(0, 2, 26)
    allocatie.set_column(3, 7, 16)
    allocatie.freeze_panes(1, 0)
    pagina(allocatie, titel("huidige allocatie"), "basis", dag)

    info_blad = werkboek.add_worksheet("Info")
    tabel(info_blad, 0, ["sleutel", "waarde"], tabelrijen(info(evaluatie, invoerpad, dag)), [None, None], "Info")
    info_blad.set_column(0, 0, 24)
    info_blad.set_column(1, 1, 80)
    pagina(info_blad, titel("herkomst"), "basis", dag)
    werkboek.close()
