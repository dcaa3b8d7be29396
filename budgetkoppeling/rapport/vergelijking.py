"""The comparison workbook (``vergelijk``): one pure function per sheet gives its table as a frame
(:func:`tabellen`), the writer lays them out with charts and print settings."""

from __future__ import annotations

import datetime
from pathlib import Path

import polars as pl

from ..bestanden import schrijf_atomisch
from ..versie import __version__
from .opmaak import (
    BASIS_KLEUR,
    HELE_EURO,
    KPI_EENHEID_ALLE,
    KPIS,
    NUL,
    PLAATSINGEN,
    kophoogte,
    koppen,
    kpis_van,
    nieuw_werkboek,
    onbreekbaar,
    pagina,
    staafgrafiek,
    tabel,
    tabelframe,
    tabelrijen,
    uniek,
)

VAST = ["kpi", "eenheid", "omschrijving", "jaar", "periode", "fonds", "regio", "instrument"]


def scenario_koppen(vergelijking) -> list[str]:
    """A column name per scenario (base first), unique beside the fixed column names."""
    return koppen(VAST, [u.scenario for u in vergelijking.uitkomsten])[len(VAST):]


def _opgelost(vergelijking) -> list[bool]:
    return [u.status == "optimaal" for u in vergelijking.uitkomsten]


def _kpis(vergelijking) -> list[str]:
    return kpis_van([u.kerncijfers for u in vergelijking.uitkomsten])


def kerncijfers(vergelijking) -> pl.DataFrame:
    """Vergelijking: kpi, a column per scenario (empty where it has no plan), eenheid, omschrijving."""
    rijen = [[kpi] + [u.kerncijfers.get(kpi) if ok else None for u, ok in zip(vergelijking.uitkomsten,
                                                                                _opgelost(vergelijking))]
             + [KPI_EENHEID_ALLE[kpi][1], KPI_EENHEID_ALLE[kpi][0]] for kpi in _kpis(vergelijking)]
    return tabelframe(uniek(["kpi", *scenario_koppen(vergelijking), "eenheid", "omschrijving"]), rijen)


def plaatsingen_per_jaar(vergelijking) -> pl.DataFrame:
    """Below Vergelijking: the placements per year per scenario; periode says which years lie after the plan."""
    uitkomsten, eind = vergelijking.uitkomsten, vergelijking.invoer.eind
    jaren = sorted({j for u in uitkomsten for j in u.per_jaar})
    rijen = [[j] + [u.per_jaar.get(j, 0.0) if ok else None for u, ok in zip(uitkomsten, _opgelost(vergelijking))]
             + ["plaatsingen", "planperiode" if j <= eind else "na de planperiode"] for j in jaren]
    return tabelframe(uniek(["jaar", *scenario_koppen(vergelijking), "eenheid", "periode"]), rijen)


def verschil(vergelijking) -> pl.DataFrame:
    """Verschil: per kpi each scenario minus the base, absolute and in %; the description first, the code last."""
    uitkomsten, opgelost = vergelijking.uitkomsten, _opgelost(vergelijking)
    anderen = list(zip(uitkomsten[1:], opgelost[1:]))
    basis = uitkomsten[0].kerncijfers if opgelost[0] else {}
    verschil_koppen = ["omschrijving"] + [k for u, _ in anderen for k in (f"{u.scenario}: verschil",
                                                                         f"{u.scenario}: %")]
    rijen = []
    for kpi in _kpis(vergelijking):
        rij: list = [KPI_EENHEID_ALLE[kpi][0]]
        for u, ok in anderen:
            if ok and basis:
                absoluut = u.kerncijfers[kpi] - basis[kpi]
                rij += [absoluut, absoluut / basis[kpi] if abs(basis[kpi]) > NUL else None]
            else:
                rij += [None, None]
        rijen.append(rij + [KPI_EENHEID_ALLE[kpi][1], kpi])
    return tabelframe(uniek(verschil_koppen + ["eenheid", "kpi"]), rijen)


def per_sleutel(vergelijking, sleutel: str, kolom: str, volgorde: list[str]) -> pl.DataFrame:
    """Per_fonds, Per_regio, Per_instrument: a row per ``sleutel`` in ``volgorde``, a column per scenario."""
    rijen = [[v] + [getattr(u, kolom).get(v, 0.0) if ok else None
                    for u, ok in zip(vergelijking.uitkomsten, _opgelost(vergelijking))] for v in volgorde]
    return tabelframe(uniek([sleutel, *scenario_koppen(vergelijking)]), rijen)


PER = {  # sheet: (key, figures of Scenariocijfers, in euro, what the page header says)
    "Per_fonds": ("fonds", "per_fonds", True, "uitgaven per fonds in de planperiode (euro)"),
    "Per_regio": ("regio", "per_regio", False, "verwachte plaatsingen per regio"),
    "Per_instrument": ("instrument", "per_instrument", False, "deelnemers per instrument"),
}


def per_gemeente(vergelijking) -> tuple[pl.DataFrame, pl.DataFrame]:
    """With Gemeenten (SPEC §9): per municipality (and its region) a column per scenario, once for netto_kosten
    and once for the expected placements, both over the plan period."""
    invoer = vergelijking.invoer
    frames = []
    for kolom in ("netto_kosten_per_gemeente", "plaatsingen_per_gemeente"):
        rijen = [[m, g.regio] + [getattr(u, kolom).get(m, 0.0) if ok else None
                                 for u, ok in zip(vergelijking.uitkomsten, _opgelost(vergelijking))]
                 for m, g in invoer.gemeenten.items()]
        frames.append(tabelframe(uniek(["gemeente", "regio", *scenario_koppen(vergelijking)]), rijen))
    return frames[0], frames[1]


def _volgorde(vergelijking, sleutel: str) -> list[str]:
    invoer = vergelijking.invoer
    return list({"fonds": invoer.fondsen, "regio": invoer.regios, "instrument": invoer.instrumenten}[sleutel])


def toelichting(vergelijking) -> pl.DataFrame:
    """Toelichting: the memo per scenario (:func:`budgetkoppeling.rapport.memo.memo`)."""
    from .memo import memo

    return tabelframe(["scenario", "onderwerp", "toelichting"], [list(rij) for rij in memo(vergelijking)])


def info(vergelijking, invoerpad: Path, datum: datetime.date) -> pl.DataFrame:
    """Info: version, date, input, plan period, and per scenario its status and solver."""
    invoer = vergelijking.invoer
    rijen = [
        ["versie", f"budgetkoppeling {__version__}"],
        ["rekendatum", datum.isoformat()],
        ["invoerbestand", Path(invoerpad).name],
        ["invoer_sha256", invoer.sha256],
        ["planperiode", f"{invoer.start}-{invoer.eind}"],
        ["scenarios", ", ".join(u.scenario for u in vergelijking.uitkomsten)],
    ]
    for uitkomst in vergelijking.uitkomsten:
        status = uitkomst.status
        if uitkomst.status != "optimaal":
            status += ": " + " ".join(t["tekst"] for t in uitkomst.tekorten)
        rijen.append([f"status {uitkomst.scenario}", status])
        if uitkomst.oplosser:
            rijen.append([f"oplosser {uitkomst.scenario}", uitkomst.oplosser])
    return tabelframe(["sleutel", "waarde"], rijen)


def tabellen(vergelijking, invoerpad: Path = Path(""), datum: datetime.date | None = None) -> dict[str, pl.DataFrame]:
    """Every table of the comparison workbook by sheet name (``Plaatsingen_per_jaar``: the second
    table on Vergelijking)."""
    from .opmaak import rekendatum

    return {"Vergelijking": kerncijfers(vergelijking), "Plaatsingen_per_jaar": plaatsingen_per_jaar(vergelijking),
            "Verschil": verschil(vergelijking),
            **{blad: per_sleutel(vergelijking, sleutel, kolom, _volgorde(vergelijking, sleutel))
               for blad, (sleutel, kolom, _geld, _tekst) in PER.items()},
            **(dict(zip(("Per_gemeente", "Per_gemeente_plaatsingen"), per_gemeente(vergelijking)))
               if vergelijking.invoer.gemeenten else {}),
            "Toelichting": toelichting(vergelijking), "Info": info(vergelijking, invoerpad, rekendatum(datum))}


def schrijf_vergelijking(vergelijking, doel: Path, invoerpad: Path, datum: datetime.date | None = None) -> None:
    """Write the comparison workbook of SPEC §6 atomically to ``doel``."""
    schrijf_atomisch(Path(doel), lambda pad: _schrijf_vergelijking(vergelijking, pad, invoerpad, datum),
                     invoer=invoerpad)


def _schrijf_vergelijking(vergelijking, pad: Path, invoerpad: Path, datum: datetime.date | None) -> None:
    """Each sheet's first table has its header in row 1 (SPEC §6); sheet titles are in the page header."""
    invoer = vergelijking.invoer
    uitkomsten = vergelijking.uitkomsten
    namen = [u.scenario for u in uitkomsten]
    werkboek = nieuw_werkboek(pad, datum)
    scenario_koppen_ = scenario_koppen(vergelijking)
    euro_fmt = werkboek.add_format({"num_format": HELE_EURO})
    getal_fmt = werkboek.add_format({"num_format": PLAATSINGEN})
    procent_fmt = werkboek.add_format({"num_format": "0.0%"})
    tekst_fmt = werkboek.add_format({"indent": 1, "text_wrap": True})  # a unit never touches its value
    basis_euro = werkboek.add_format({"num_format": HELE_EURO, "bold": True, "bg_color": "#DDEBF7"})
    basis_getal = werkboek.add_format({"num_format": PLAATSINGEN, "bold": True, "bg_color": "#DDEBF7"})
    kopregel = werkboek.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    # widths that put the base and six scenarios on one A4 page at 8 points; longer words in a
    # scenario's name break in its header, and the header row is as high as its longest header
    kolombreedte, eenheid_breedte, omschrijving_breedte = 16, 17, 20
    omloop = werkboek.add_format({"text_wrap": True})
    waarschuwing = werkboek.add_format({"bold": True, "font_color": "#C00000", "text_wrap": True, "valign": "top"})
    opgelost = _opgelost(vergelijking)
    kpis = _kpis(vergelijking)
    onopgelost = [u for u, ok in zip(uitkomsten, opgelost) if not ok]
    paginakop = f"basis en {len(namen) - 1} scenario's"
    n = len(namen)

    def titel(blad: str) -> str:
        return f"Budgetkoppeling: vergelijking van scenario's - {blad}"

    def scenario_formaten(geld: bool) -> list:
        return [basis_euro if geld else basis_getal] + [euro_fmt if geld else getal_fmt] * (n - 1)

    def meld_onopgelost(werkblad, rij: int, breedte: int) -> int:
        """A red line per scenario without a solution, where the council reads the table."""
        for u in onopgelost:
            tekst = f"Scenario '{u.scenario}' heeft geen oplossing (lege kolom, geen staaf). {u.melding}".strip()
            werkblad.merge_range(rij, 0, rij, max(1, breedte - 1), tekst, waarschuwing)
            werkblad.set_row(rij, 15 * (len(tekst) // 110 + 1))
            rij += 1
        return rij

    # Vergelijking: kpi, one column per scenario (base first), eenheid, omschrijving; below it the
    # placements per year, the years after the plan period marked as such
    blad = werkboek.add_worksheet("Vergelijking")
    frame = kerncijfers(vergelijking)
    rijen = tabelrijen(frame)
    vaste = ["kpi", *scenario_koppen_, "eenheid", "omschrijving"]
    jaar_rij = tabel(blad, 0, frame.columns, rijen, [None] + scenario_formaten(geld=False) + [tekst_fmt] * 2,
                     "Vergelijking", kopregel) + 1
    for nummer, kpi in enumerate(kpis):  # money rows get the euro format, cell by cell
        if KPI_EENHEID_ALLE[kpi][1].startswith("euro"):
            for kolom, waarde in enumerate(rijen[nummer][1:1 + n], start=1):
                if waarde is not None:
                    blad.write_number(1 + nummer, kolom, waarde, basis_euro if kolom == 1 else euro_fmt)
    # the scenario columns under those of the table above; periode says which years lie after the plan
    per_jaar = plaatsingen_per_jaar(vergelijking)
    jaren = per_jaar["jaar"].to_list()
    onder = tabel(blad, jaar_rij, per_jaar.columns, tabelrijen(per_jaar),
                  [werkboek.add_format({"num_format": "0", "align": "left"})] + scenario_formaten(geld=False)
                  + [tekst_fmt] * 2, "Plaatsingen_per_jaar", kopregel)
    breedtes = [29] + [kolombreedte] * n + [eenheid_breedte, omschrijving_breedte]
    for kolom, breedte in enumerate(breedtes):
        blad.set_column(kolom, kolom, breedte)
    blad.set_row(0, kophoogte(vaste, breedtes))
    for nummer, rij in enumerate(rijen, start=1):  # unit and description wrap in their columns
        blad.set_row(nummer, kophoogte(rij[-2:], breedtes[-2:]))
    blad.set_row(jaar_rij, kophoogte(["jaar", *scenario_koppen_], breedtes))
    blad.freeze_panes(1, 1)
    pagina(blad, titel("kerncijfers (basis: het uitgangspunt)"), paginakop, werkboek.rekendatum)

    # Verschil: each scenario minus the base, absolute and in %; the description first, the code last
    verschil_blad = werkboek.add_worksheet("Verschil")
    anderen = uitkomsten[1:]
    frame = verschil(vergelijking)
    rijen, alle_koppen = tabelrijen(frame), frame.columns
    verschil_koppen = alle_koppen[:-2]
    formaten = [omloop] + [f for _ in anderen for f in (getal_fmt, procent_fmt)] + [tekst_fmt, None]
    onder_verschil = tabel(verschil_blad, 0, alle_koppen, rijen, formaten, "Verschil", kopregel)
    for nummer, kpi in enumerate(kpis):
        if KPI_EENHEID_ALLE[kpi][1].startswith("euro"):
            for kolom in range(1, len(verschil_koppen), 2):
                if rijen[nummer][kolom] is not None:
                    verschil_blad.write_number(1 + nummer, kolom, rijen[nummer][kolom], euro_fmt)
    breedtes = [omschrijving_breedte] + [kolombreedte, 9] * len(anderen) + [eenheid_breedte, 29]
    for kolom, breedte in enumerate(breedtes):
        verschil_blad.set_column(kolom, kolom, breedte)
    verschil_blad.set_row(0, kophoogte(alle_koppen, breedtes))
    for nummer, rij in enumerate(rijen, start=1):
        verschil_blad.set_row(nummer, kophoogte([rij[0], rij[-2]], [breedtes[0], breedtes[-2]]))
    verschil_blad.freeze_panes(1, 1)
    meld_onopgelost(verschil_blad, onder_verschil + 1, len(verschil_koppen) + 2)
    pagina(verschil_blad, titel("verschil van elk scenario met de basis"), paginakop, werkboek.rekendatum)

    # Per_fonds, Per_regio, Per_instrument
    hoogte = {}
    for naam, (sleutel, kolom, geld, tekst) in PER.items():
        werkblad = werkboek.add_worksheet(naam)
        frame = per_sleutel(vergelijking, sleutel, kolom, _volgorde(vergelijking, sleutel))
        onder_ = tabel(werkblad, 0, frame.columns, tabelrijen(frame), [None] + scenario_formaten(geld), naam, kopregel)
        werkblad.set_column(0, 0, 32)
        werkblad.set_column(1, n, kolombreedte)
        werkblad.set_row(0, kophoogte([sleutel, *scenario_koppen_], [32] + [kolombreedte] * n))
        werkblad.freeze_panes(1, 1)
        meld_onopgelost(werkblad, onder_ + 1, n + 1)
        pagina(werkblad, titel(tekst), paginakop, werkboek.rekendatum)
        hoogte[naam] = frame.height
    fondsen = hoogte["Per_fonds"]
    if invoer.gemeenten:  # SPEC §9: what each municipality pays and what its residents get, per scenario
        werkblad = werkboek.add_worksheet("Per_gemeente")
        netto, plaatsingen = per_gemeente(vergelijking)
        onder_ = tabel(werkblad, 0, netto.columns, tabelrijen(netto), [None, None] + scenario_formaten(True),
                       "Per_gemeente", kopregel)
        kop = werkboek.add_format({"bold": True, "font_size": 12})
        werkblad.write_string(onder_ + 1, 0, "Verwachte plaatsingen per gemeente", kop)
        onder_ = tabel(werkblad, onder_ + 2, plaatsingen.columns, tabelrijen(plaatsingen),
                       [None, None] + scenario_formaten(False), "Per_gemeente_plaatsingen", kopregel)
        meld_onopgelost(werkblad, onder_ + 1, n + 2)
        werkblad.set_column(0, 1, 24)
        werkblad.set_column(2, n + 1, kolombreedte)
        werkblad.set_row(0, kophoogte(["gemeente", "regio", *scenario_koppen_], [24, 24] + [kolombreedte] * n))
        werkblad.freeze_panes(1, 1)
        pagina(werkblad, titel("netto kosten per gemeente in de planperiode (euro)"), paginakop,
               werkboek.rekendatum)

    _toelichting(werkboek, vergelijking, titel, paginakop)

    # charts, on Vergelijking under the tables and the notices; every value axis starts at 0
    eerste_grafiek = meld_onopgelost(blad, onder + 1, n + 3) + 1
    plaatsen = [eerste_grafiek, eerste_grafiek + 25, eerste_grafiek + 50, eerste_grafiek + 75]
    zonder = "" if not onopgelost else " (geen oplossing: " + ", ".join(u.scenario for u in onopgelost) + ")"
    blad.insert_chart(plaatsen[0], 0, staafgrafiek(
        werkboek, "Vergelijking", "Verwachte plaatsingen per scenario" + zonder, "Plaatsingen", "#,##0",
        1 + KPIS.index("plaatsingen"), 1, n, 0))
    stapel = werkboek.add_chart({"type": "column", "subtype": "stacked"})
    for rij in range(1, 1 + fondsen):
        stapel.add_series({
            "name": ["Per_fonds", rij, 0],
            "categories": ["Per_fonds", 0, 1, 0, n],
            "values": ["Per_fonds", rij, 1, rij, n],
        })
    stapel.set_title({"name": "Uitgaven per fonds per scenario" + zonder})
    stapel.set_x_axis({"name": "Scenario", "num_font": {"rotation": -30} if n > 4 else {}})
    stapel.set_y_axis({"name": "Euro", "num_format": "[$€-413] #,##0", "min": 0})
    stapel.set_legend({"position": "bottom"})
    stapel.set_size({"width": 720, "height": 460})
    blad.insert_chart(plaatsen[1], 0, stapel)
    lijnen = werkboek.add_chart({"type": "line"})
    eerste_jaar, laatste_jaar = jaar_rij + 1, jaar_rij + max(1, len(jaren))
    for kolom in range(1, 1 + n):
        lijnen.add_series({
            "name": ["Vergelijking", jaar_rij, kolom],
            "categories": ["Vergelijking", eerste_jaar, 0, laatste_jaar, 0],
            "values": ["Vergelijking", eerste_jaar, kolom, laatste_jaar, kolom],
            "marker": {"type": "circle"},
            "line": {"width": 3.0 if kolom == 1 else 1.5, "color": BASIS_KLEUR if kolom == 1 else None},
        })
    lijnen.set_title({"name": "Verwachte plaatsingen per jaar per scenario"})
    lijnen.set_x_axis({"name": f"Jaar van plaatsing (na {invoer.eind}: uit trajecten die in de planperiode "
                               "begonnen)"})
    lijnen.set_y_axis({"name": "Plaatsingen", "num_format": "#,##0", "min": 0})
    lijnen.set_legend({"position": "bottom"})
    lijnen.set_size({"width": 720, "height": 460})
    blad.insert_chart(plaatsen[2], 0, lijnen)
    blad.insert_chart(plaatsen[3], 0, staafgrafiek(
        werkboek, "Vergelijking", "Kosten per plaatsing per scenario" + zonder, "Euro per plaatsing",
        "[$€-413] #,##0", 1 + KPIS.index("kosten_per_plaatsing"), 1, n, 0))
    blad.set_h_pagebreaks(plaatsen)  # a chart a page: none is cut, at any print scale

    info_blad = werkboek.add_worksheet("Info")
    tabel(info_blad, 0, ["sleutel", "waarde"], tabelrijen(info(vergelijking, invoerpad, werkboek.rekendatum)),
          [None, werkboek.add_format({"text_wrap": True})], "Info")
    info_blad.set_column(0, 0, 34)
    info_blad.set_column(1, 1, 100)
    info_blad.freeze_panes(1, 0)
    pagina(info_blad, titel("herkomst"), paginakop, werkboek.rekendatum)
    werkboek.close()


def _toelichting(werkboek, vergelijking, titel, paginakop: str) -> None:
    """Toelichting: the memo per scenario (:func:`toelichting`), each scenario on an A4 page of its own."""
    rijen = tabelrijen(toelichting(vergelijking))
    blad = werkboek.add_worksheet("Toelichting")
    omloop = werkboek.add_format({"text_wrap": True, "valign": "top"})
    vet = werkboek.add_format({"text_wrap": True, "valign": "top", "bold": True})
    tabel(blad, 0, ["scenario", "onderwerp", "toelichting"], [[s, o, onbreekbaar(t)] for s, o, t in rijen],
          [vet, omloop, omloop],
          "Toelichting", werkboek.add_format({"bold": True}))
    blad.set_column(0, 0, 22)
    blad.set_column(1, 1, 16)
    blad.set_column(2, 2, 100)
    eerste_rijen = []
    for nummer, (scenario, _onderwerp, tekst) in enumerate(rijen, start=1):
        regels = max(len(tekst) // 90 + 1, len(scenario) // 20 + 1)  # the scenario's name wraps too
        blad.set_row(nummer, 15 * regels + 3)
        if nummer > 1 and rijen[nummer - 2][0] != scenario:
            eerste_rijen.append(nummer)
    blad.freeze_panes(1, 0)
    pagina(blad, titel("toelichting"), paginakop, werkboek.rekendatum)
    # a page per scenario: a break before each one (the fixed print scale of bestanden.druk_op_a4 keeps them)
    blad.set_h_pagebreaks(eerste_rijen)
