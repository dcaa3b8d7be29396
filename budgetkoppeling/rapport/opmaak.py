"""What every output workbook shares: number formats, the workbook, tables, print layout, charts."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import polars as pl

from ..bestanden import nieuw_xlsx

NUL = 1e-9  # values below this are solver noise, not a participant or a euro
EURO = "[$€-413] #,##0.00"
HELE_EURO = "[$€-413] #,##0"  # comparisons: cents are noise beside millions, and a column stays narrow
PERSONEN = "#,##0.0"
HELE_PERSONEN = "#,##0"
PLAATSINGEN = "#,##0.0"
JAAR = "0"
BASIS_KLEUR = "#1F4E79"  # the base scenario in charts
SCENARIO_KLEUR = "#9DC3E6"


# the key figures of every workbook: kpi -> (what a council member reads, unit)
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
BESPARING_KPIS = {  # only where some group has uitkering_per_jaar
    "besparing_uitkeringen": ("Besparing op uitkeringen", "euro (verdisconteerd)"),
    "netto_kosten": ("Netto kosten (uitgaven min besparing)", "euro"),
}
HERIJKING_KPIS = {  # only with --vanaf
    "overschreden": ("Overschreden in gerealiseerde jaren", "euro"),
}
RESERVE_KPIS = {  # only where they apply (doorloop_na_planperiode = ja; a fund with vaststellingsrisico)
    "reservering_na_planperiode": ("Reserve voor kosten na planperiode", "euro"),
    "esf_risico": ("Reserve voor ESF+-vaststelling", "euro"),
}
KPI_EENHEID_ALLE = {**KPI_EENHEID, **BESPARING_KPIS, **HERIJKING_KPIS, **RESERVE_KPIS}


def kpis_van(kerncijfers: list[dict]) -> tuple[str, ...]:
    """The key figures a workbook shows: KPIS, and the savings and reserve rows where any plan has them."""
    return KPIS + tuple(k for k in (*BESPARING_KPIS, *RESERVE_KPIS) if any(k in c for c in kerncijfers))


def rekendatum(datum: datetime.date | None) -> datetime.date:
    """The date a workbook says it was calculated on: ``--datum`` if given, else today. The
    document properties carry the same date, so that two runs on one day (or with one
    ``--datum``) write byte-identical files."""
    return datum or datetime.date.today()


def datum_tekst(datum: datetime.date) -> str:
    maanden = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december")
    return f"{datum.day} {maanden[datum.month - 1]} {datum.year}"


def _geld(bedrag: float) -> float:
    """Rounding noise of the solver (far below a cent) is shown as zero."""
    return 0.0 if abs(bedrag) < 1e-4 else bedrag


def nieuw_werkboek(pad: Path, datum: datetime.date | None = None):
    """An output workbook: strings never become formulas or links; ``werkboek.rekendatum`` is the
    calculation date that the print headers and the document properties show."""
    werkboek = nieuw_xlsx(pad, {"strings_to_formulas": False, "strings_to_urls": False,
                                "strings_to_numbers": False, "nan_inf_to_errors": True})
    werkboek.rekendatum = rekendatum(datum)
    werkboek.set_properties({
        "title": "budgetkoppeling", "author": "budgetkoppeling",
        "created": datetime.datetime.combine(werkboek.rekendatum, datetime.time()),
        "comments": "Gemaakt met budgetkoppeling",
    })
    return werkboek


def plaats(werkboek, naam: str, frame: pl.DataFrame, formaten: dict[str, str], titel: str,
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
        # text after the first column is indented, so that a value never touches its unit ("€ 5.000,00 euro")
        inspringen = {k: {"indent": 1} for k, soort in list(frame.schema.items())[1:]
                      if soort == pl.String and k not in formaten}
        frame.write_excel(
            workbook=werkboek, worksheet=werkblad, position=positie,
            table_name=tabelnaam or naam, table_style="Table Style Medium 2",
            column_formats={**{k: v for k, v in formaten.items() if k in frame.columns}, **inspringen},
            dtype_formats={pl.Int64: JAAR}, float_precision=2,
            header_format={"bold": True},
        )
        for kolom, naam_ in enumerate(frame.columns):  # the header and its filter button, the values as shown
            breedte = max([len(naam_) + 3] + [min(60, tekens(w)) + 2 for w in frame[naam_].head(500)])
            werkblad.set_column(kolom, kolom, min(60, max(10, breedte)))
    werkblad.freeze_panes(1, 0)
    pagina(werkblad, f"{titel} - {naam}", scenario, werkboek.rekendatum)
    return werkblad


def tekens(waarde) -> int:
    """How many characters a value takes as a workbook shows it: a number with two decimals and its
    thousands separators (and a euro sign, to be safe), text as it is."""
    if isinstance(waarde, float):
        return len(f"{waarde:,.2f}") + 2
    return len(str(waarde))


def pagina(werkblad, titel: str, scenario: str, datum: datetime.date) -> None:
    """A4 landscape, header row repeated; the page header names the workbook and sheet (``titel``) on
    the left, the scenario and the calculation date on two lines on the right (so that a long title
    never runs into them), the footer the page. The print scale is set when the workbook closes
    (``bestanden.druk_op_a4``): one page wide, never below 8 points."""
    werkblad.set_landscape()
    werkblad.set_paper(9)  # A4
    werkblad.repeat_rows(0)
    veilig = lambda tekst: tekst.replace("&", "&&")  # noqa: E731 - header codes start with &
    werkblad.set_header(f"&L{veilig(titel)[:100]}&RScenario: {veilig(scenario)[:50]}\n"
                        f"Berekend op {datum_tekst(datum)}", {"margin": 0.25})
    werkblad.set_footer("&CPagina &P van &N")


_HARDE_SPATIE = "\u00a0"


def onbreekbaar(tekst: str) -> str:
    """Text that wraps in a cell, with a no-break space where a line must not break: after the euro sign
    ("€ 5.000") and before a unit word of a number ("31,2 mln", "12 %")."""
    tekst = re.sub(r"€ (?=[-−+]?\d)", "€" + _HARDE_SPATIE, tekst)
    return re.sub(r"(\d) (?=(mln|mld|miljoen|miljard|procent|procentpunt)\b|%)", r"\1" + _HARDE_SPATIE, tekst)


def regels(tekst: str, breedte: float) -> int:
    """How many lines ``tekst`` takes, wrapped at spaces in a column ``breedte`` characters wide (a word
    longer than the column is broken, as Excel and LibreOffice do). A width counts the digit '0'; an
    average letter of Calibri is about a tenth narrower."""
    breedte = breedte * 1.1
    aantal, regel = 1, 0
    for woord in tekst.split():
        lengte = len(woord)
        if regel and regel + 1 + lengte > breedte:
            aantal, regel = aantal + 1, 0
        regel = regel + (1 if regel else 0) + lengte
        while regel > breedte:
            aantal, regel = aantal + 1, regel - int(breedte)
    return aantal


def kophoogte(koppen: list[str], breedtes: list[float]) -> float:
    """The height (points) of a header row whose headers wrap: every line visible."""
    return 15.0 * max(regels(kop, breedte - 1) for kop, breedte in zip(koppen, breedtes))


def koppen(vaste: list[str], scenarios: list[str]) -> list[str]:
    """Table headers must be unique, as Excel compares them (without regard to case): a scenario named like
    a fixed column ('KPI') gets a suffix."""
    bezet = {kop.casefold() for kop in vaste}
    return vaste + [f"{s} (scenario)" if s.casefold() in bezet else s for s in scenarios]


def tabel(werkblad, rij: int, koppen: list[str], rijen: list[list], formaten: list, naam: str,
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


def staafgrafiek(werkboek, blad: str, titel: str, y_as: str, y_formaat: str, rij: int, eerste: int,
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


def uniek(koppen: list[str]) -> list[str]:
    """Headers made unique as Excel compares them, without regard to case (xlsxwriter drops a table whose
    headers are not, with no more than a warning)."""
    gezien: dict[str, int] = {}
    uniek = []
    for kop in koppen:
        gezien[kop.casefold()] = gezien.get(kop.casefold(), 0) + 1
        uniek.append(kop if gezien[kop.casefold()] == 1 else f"{kop} ({gezien[kop.casefold()]})")
    return uniek


def tabelframe(koppen: list[str], rijen: list[list]) -> pl.DataFrame:
    """A sheet's table as a frame from its rows (a column may hold numbers and None, or text)."""
    return pl.DataFrame(rijen, schema=koppen, orient="row", strict=False, infer_schema_length=None) if rijen \
        else pl.DataFrame(schema=koppen)


def tabelrijen(frame: pl.DataFrame) -> list[list]:
    """The rows of a table frame, as the writer takes them."""
    return [list(rij) for rij in frame.iter_rows()]
