"""The comparison workbook (``vergelijk``)."""

from __future__ import annotations

import datetime
from pathlib import Path

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
    uniek,
)


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
    vast = ["kpi", "eenheid", "omschrijving", "jaar", "periode", "fonds", "regio", "instrument"]
    scenario_koppen = koppen(vast, namen)[len(vast):]
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
    opgelost = [u.status == "optimaal" for u in uitkomsten]
    kpis = kpis_van([u.kerncijfers for u in uitkomsten])
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
    rijen = [[kpi] + [u.kerncijfers.get(kpi) if ok else None for u, ok in zip(uitkomsten, opgelost)]
             + [KPI_EENHEID_ALLE[kpi][1], KPI_EENHEID_ALLE[kpi][0]] for kpi in kpis]
    vaste = ["kpi", *scenario_koppen, "eenheid", "omschrijving"]
    jaar_rij = tabel(blad, 0, uniek(vaste), rijen, [None] + scenario_formaten(geld=False) + [tekst_fmt] * 2,
                     "Vergelijking", kopregel) + 1
    for nummer, kpi in enumerate(kpis):  # money rows get the euro format, cell by cell
        if KPI_EENHEID_ALLE[kpi][1].startswith("euro"):
            for kolom, waarde in enumerate(rijen[nummer][1:1 + n], start=1):
                if waarde is not None:
                    blad.write_number(1 + nummer, kolom, waarde, basis_euro if kolom == 1 else euro_fmt)
    jaren = sorted({j for u in uitkomsten for j in u.per_jaar})
    # the scenario columns under those of the table above; periode says which years lie after the plan
    jaar_rijen = [[j] + [u.per_jaar.get(j, 0.0) if ok else None for u, ok in zip(uitkomsten, opgelost)]
                  + ["plaatsingen", "planperiode" if j <= invoer.eind else "na de planperiode"] for j in jaren]
    onder = tabel(blad, jaar_rij, uniek(["jaar", *scenario_koppen, "eenheid", "periode"]), jaar_rijen,
                  [werkboek.add_format({"num_format": "0", "align": "left"})] + scenario_formaten(geld=False)
                  + [tekst_fmt] * 2, "Plaatsingen_per_jaar", kopregel)
    breedtes = [29] + [kolombreedte] * n + [eenheid_breedte, omschrijving_breedte]
    for kolom, breedte in enumerate(breedtes):
        blad.set_column(kolom, kolom, breedte)
    blad.set_row(0, kophoogte(vaste, breedtes))
    for nummer, rij in enumerate(rijen, start=1):  # unit and description wrap in their columns
        blad.set_row(nummer, kophoogte(rij[-2:], breedtes[-2:]))
    blad.set_row(jaar_rij, kophoogte(["jaar", *scenario_koppen], breedtes))
    blad.freeze_panes(1, 1)
    pagina(blad, titel("kerncijfers (basis: het uitgangspunt)"), paginakop, werkboek.rekendatum)

    # Verschil: each scenario minus the base, absolute and in %; the description first, the code last
    verschil = werkboek.add_worksheet("Verschil")
    anderen = [(u, ok) for u, ok in zip(uitkomsten[1:], opgelost[1:])]
    basis = uitkomsten[0].kerncijfers if opgelost[0] else {}
    verschil_koppen = ["omschrijving"] + [k for u, _ in anderen for k in (f"{u.scenario}: verschil",
                                                                         f"{u.scenario}: %")]
    rijen = []
    for kpi in kpis:
        rij: list = [KPI_EENHEID_ALLE[kpi][0]]
        for u, ok in anderen:
            if ok and basis:
                absoluut = u.kerncijfers[kpi] - basis[kpi]
                rij += [absoluut, absoluut / basis[kpi] if abs(basis[kpi]) > NUL else None]
            else:
                rij += [None, None]
        rijen.append(rij + [KPI_EENHEID_ALLE[kpi][1], kpi])
    formaten = [omloop] + [f for _ in anderen for f in (getal_fmt, procent_fmt)] + [tekst_fmt, None]
    alle_koppen = uniek(verschil_koppen + ["eenheid", "kpi"])
    onder_verschil = tabel(verschil, 0, alle_koppen, rijen, formaten, "Verschil", kopregel)
    for nummer, kpi in enumerate(kpis):
        if KPI_EENHEID_ALLE[kpi][1].startswith("euro"):
            for kolom in range(1, len(verschil_koppen), 2):
                if rijen[nummer][kolom] is not None:
                    verschil.write_number(1 + nummer, kolom, rijen[nummer][kolom], euro_fmt)
    breedtes = [omschrijving_breedte] + [kolombreedte, 9] * len(anderen) + [eenheid_breedte, 29]
    for kolom, breedte in enumerate(breedtes):
        verschil.set_column(kolom, kolom, breedte)
    verschil.set_row(0, kophoogte(alle_koppen, breedtes))
    for nummer, rij in enumerate(rijen, start=1):
        verschil.set_row(nummer, kophoogte([rij[0], rij[-2]], [breedtes[0], breedtes[-2]]))
    verschil.freeze_panes(1, 1)
    meld_onopgelost(verschil, onder_verschil + 1, len(verschil_koppen) + 2)
    pagina(verschil, titel("verschil van elk scenario met de basis"), paginakop, werkboek.rekendatum)

    # Per_fonds, Per_regio, Per_instrument
    def per(naam: str, sleutel: str, volgorde: list[str], kolom: str, geld: bool, tekst: str) -> int:
        werkblad = werkboek.add_worksheet(naam)
        data = [[v] + [getattr(u, kolom).get(v, 0.0) if ok else None for u, ok in zip(uitkomsten, opgelost)]
                for v in volgorde]
        onder_ = tabel(werkblad, 0, uniek([sleutel, *scenario_koppen]), data, [None] + scenario_formaten(geld),
                       naam, kopregel)
        werkblad.set_column(0, 0, 32)
        werkblad.set_column(1, n, kolombreedte)
        werkblad.set_row(0, kophoogte([sleutel, *scenario_koppen], [32] + [kolombreedte] * n))
        werkblad.freeze_panes(1, 1)
        meld_onopgelost(werkblad, onder_ + 1, n + 1)
        pagina(werkblad, titel(tekst), paginakop, werkboek.rekendatum)
        return len(data)

    fondsen = per("Per_fonds", "fonds", list(invoer.fondsen), "per_fonds", True,
                  "uitgaven per fonds in de planperiode (euro)")
    per("Per_regio", "regio", list(invoer.regios), "per_regio", False, "verwachte plaatsingen per regio")
    per("Per_instrument", "instrument", list(invoer.instrumenten), "per_instrument", False,
        "deelnemers per instrument")

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

    # Info
    info = [
        ["versie", f"budgetkoppeling {__version__}"],
        ["rekendatum", werkboek.rekendatum.isoformat()],
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
    tabel(info_blad, 0, ["sleutel", "waarde"], info, [None, werkboek.add_format({"text_wrap": True})], "Info")
    info_blad.set_column(0, 0, 34)
    info_blad.set_column(1, 1, 100)
    info_blad.freeze_panes(1, 0)
    pagina(info_blad, titel("herkomst"), paginakop, werkboek.rekendatum)
    werkboek.close()


def _toelichting(werkboek, vergelijking, titel, paginakop: str) -> None:
    """Toelichting: the memo per scenario (``memo.memo``), each scenario on an A4 page of its own."""
    from ..memo import memo

    rijen = memo(vergelijking)
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
