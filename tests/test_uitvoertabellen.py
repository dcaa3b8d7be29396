"""SPEC §6 for every output workbook: each sheet's first table has its header in row 1 with the
SPEC's columns first; charts of amounts or counts start at 0; the calculation date is in Info
and the page header; an unsolvable scenario is marked where the council reads."""

from __future__ import annotations

import datetime
import re
import zipfile

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

import budgetkoppeling
from budgetkoppeling.cli import main
from budgetkoppeling.errors import InvoerFout
from budgetkoppeling.rapport import KPIS
from budgetkoppeling.sjabloon import voorbeeld_rijen

from .conftest import twee_instrumenten

DATUM = datetime.date(2026, 11, 30)

PLAN = {
    "Samenvatting": ["omschrijving", "waarde", "eenheid", "kpi"],  # a person reads the description first
    "Allocatie": ["regio", "instrument", "doelgroep", "startjaar", "deelnemers", "kosten", "plaatsingen",
                  "plaatsingsjaar"],
    "Financiering": ["fonds", "regio", "instrument", "doelgroep", "jaar", "bedrag"],
    "Fondsen": ["fonds", "regio", "jaar", "budget", "verplichtingen", "overheveling_in", "besteed",
                "overheveling_uit", "onbenut"],
    "Schaduwprijzen": ["fonds", "regio", "jaar", "extra_plaatsingen_per_100k", "geldig_van", "geldig_tot"],
    "Beleidsregels": ["regel", "grootheid", "operator", "grens", "bereikt", "bindend"],
    "Toelichting": ["onderwerp", "toelichting"],
    "Info": ["sleutel", "waarde"],
}
SCENARIOS = [
    {"scenario": "krimp", "aanpassing": "budget", "fonds": "Participatiebudget", "factor": 0.8},
    {"scenario": "onmogelijk", "aanpassing": "regel_waarde", "regel": "banenafspraak", "waarde": 10_000},
]


def vergelijking_kolommen(scenarios: list[str]) -> dict[str, list[str]]:
    anderen = [k for s in scenarios[1:] for k in (f"{s}: verschil", f"{s}: %")]
    return {
        "Vergelijking": ["kpi", *scenarios, "eenheid"],
        "Verschil": ["omschrijving", *anderen, "eenheid", "kpi"],
        "Per_fonds": ["fonds", *scenarios],
        "Per_regio": ["regio", *scenarios],
        "Per_instrument": ["instrument", *scenarios],
        "Toelichting": ["scenario", "onderwerp", "toelichting"],
        "Info": ["sleutel", "waarde"],
    }


EVALUATIE = {
    "Evaluatie": ["omschrijving", "huidige_verdeling", "optimum_zelfde_geld", "optimum_zelfde_plaatsingen",
                  "optimum_heel_budget", "optimum_binnen_band", "eenheid", "kpi"],
    "Tekorten": ["soort", "fonds", "regio", "instrument", "doelgroep", "jaar", "regel", "tekort", "eenheid",
                 "toelichting"],
    "Per_instrument": ["instrument", "deelnemers_huidige_verdeling", "deelnemers_optimum", "deelnemers_binnen_band"],
    "Huidige_allocatie": ["regio", "instrument", "doelgroep", "startjaar", "deelnemers", "kosten", "plaatsingen",
                          "plaatsingsjaar"],
    "Info": ["sleutel", "waarde"],
}


@pytest.fixture
def uitvoer(werkboek, tmp_path):
    """One workbook of each kind, with the calculation date DATUM."""
    bladen = voorbeeld_rijen()
    bladen["Scenarios"] = SCENARIOS
    invoer = werkboek(bladen)
    plan, vergelijking, evaluatie = tmp_path / "plan.xlsx", tmp_path / "vergelijking.xlsx", tmp_path / "e.xlsx"
    budgetkoppeling.optimaliseer(invoer, plan, datum=DATUM)
    budgetkoppeling.vergelijk(invoer, vergelijking, datum=DATUM, parallel=False)
    hand = twee_instrumenten()
    hand["Huidige_verdeling"] = [{"regio": "A", "instrument": "I", "doelgroep": "G", "jaar": 2026,
                                  "deelnemers": 12}]
    budgetkoppeling.evalueer(werkboek(hand), evaluatie, datum=DATUM)
    fouten = tmp_path / "fouten.xlsx"
    kapot = werkboek({**twee_instrumenten(), "Budgetten": [{"fonds": "F", "regio": "A", "jaar": 2026,
                                                            "bedrag": "veel"}]})
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(kapot)
    budgetkoppeling.foutrapport(fout.value.problemen, fouten)
    return {"plan": (plan, PLAN),
            "vergelijking": (vergelijking, vergelijking_kolommen(["basis", "krimp", "onmogelijk"])),
            "evaluatie": (evaluatie, EVALUATIE),
            "fouten": (fouten, {"Problemen": ["blad", "rij", "kolom", "waarde", "melding"]})}


def test_every_sheet_reads_with_the_spec_columns_first(uitvoer):
    for soort, (pad, kolommen) in uitvoer.items():
        bladen = openpyxl.load_workbook(pad, read_only=True).sheetnames
        assert set(kolommen) <= set(bladen), (soort, bladen)
        for blad in bladen:
            frame = pl.read_excel(pad, sheet_name=blad)
            verwacht = kolommen.get(blad)
            assert verwacht is not None, f"{soort}: blad {blad} heeft geen verwachte kolommen"
            assert frame.columns[:len(verwacht)] == verwacht, (soort, blad, frame.columns)


def test_first_tables_by_name_hold_numbers_as_numbers(uitvoer):
    pad, _ = uitvoer["vergelijking"]
    kerncijfers = pl.read_excel(pad, table_name="Vergelijking")
    assert kerncijfers["kpi"].to_list() == list(KPIS) + ["besparing_uitkeringen", "netto_kosten", "esf_risico"]
    assert kerncijfers["basis"].dtype == pl.Float64 and kerncijfers["krimp"].dtype == pl.Float64
    assert kerncijfers["onmogelijk"].null_count() == len(KPIS) + 3
    assert "Gewogen plaatsingen" in kerncijfers["omschrijving"][KPIS.index("gewogen_plaatsingen")]
    per_jaar = pl.read_excel(pad, table_name="Plaatsingen_per_jaar")
    assert per_jaar.columns[:4] == ["jaar", "basis", "krimp", "onmogelijk"] and "periode" in per_jaar.columns
    invoer = budgetkoppeling.valideer(pad.parent / "invoer_0.xlsx")
    for jaar, periode in zip(per_jaar["jaar"], per_jaar["periode"]):
        assert periode == ("planperiode" if jaar <= invoer.eind else "na de planperiode")
    samenvatting = pl.read_excel(uitvoer["plan"][0], table_name="Samenvatting")
    assert samenvatting["waarde"].dtype == pl.Float64
    assert samenvatting.filter(pl.col("kpi") == "gewogen_plaatsingen")["omschrijving"].item() == (
        "Gewogen plaatsingen (doelstelling)")


def grafieken(pad) -> list[str]:
    with zipfile.ZipFile(pad) as archief:
        return [archief.read(n).decode() for n in archief.namelist() if n.startswith("xl/charts/chart")]


def test_every_chart_of_amounts_or_counts_starts_at_zero(uitvoer):
    aantal = 0
    for soort, (pad, _) in uitvoer.items():
        for xml in grafieken(pad):
            aantal += 1
            # the value axis (c:valAx) of every bar, column and line chart has a fixed minimum of 0
            for as_ in re.findall(r"<c:valAx>.*?</c:valAx>", xml, re.DOTALL):
                assert '<c:min val="0"/>' in as_, soort
    assert aantal >= 7


def test_years_after_the_plan_period_are_marked_and_year_headers_align_right(uitvoer):
    pad, _ = uitvoer["plan"]
    blad = openpyxl.load_workbook(pad)["Samenvatting"]
    koppen = [c.value for rij in blad.iter_rows() for c in rij if isinstance(c.value, str)
              and re.fullmatch(r"20\d\d( \(na planperiode\))?", c.value)]
    assert any("na planperiode" in k for k in koppen) and any(re.fullmatch(r"20\d\d", k) for k in koppen)
    for rij in blad.iter_rows():
        for cel in rij:
            if cel.value in koppen:
                assert cel.alignment.horizontal == "right", cel.coordinate


def test_calculation_date_in_info_and_page_header(uitvoer):
    for soort, (pad, _) in uitvoer.items():
        werkboek = openpyxl.load_workbook(pad)
        if soort != "fouten":
            info = dict(werkboek["Info"].iter_rows(min_row=2, values_only=True))
            assert info["rekendatum"] == "2026-11-30", soort
        dag = DATUM if soort != "fouten" else datetime.date.today()  # valideer --rapport: today
        for blad in werkboek.worksheets:
            assert f"Berekend op {dag.day} " in blad.oddHeader.right.text, (soort, blad.title)
            assert str(dag.year) in blad.oddHeader.right.text
        assert werkboek.properties.created == datetime.datetime.combine(dag, datetime.time())


def test_same_date_same_bytes_other_date_other_bytes(werkboek, tmp_path):
    invoer = werkboek(twee_instrumenten())
    for naam, datum in (("a", DATUM), ("b", DATUM), ("c", datetime.date(2027, 1, 5))):
        budgetkoppeling.optimaliseer(invoer, tmp_path / f"{naam}.xlsx", datum=datum)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert (tmp_path / "a.xlsx").read_bytes() != (tmp_path / "c.xlsx").read_bytes()


def test_unsolvable_scenario_is_marked_beside_its_figures_and_in_the_charts(uitvoer):
    pad, _ = uitvoer["vergelijking"]
    werkboek = openpyxl.load_workbook(pad)
    for blad in ("Vergelijking", "Verschil", "Per_fonds", "Per_regio", "Per_instrument"):
        teksten = [c.value for rij in werkboek[blad].iter_rows() for c in rij if isinstance(c.value, str)]
        melding = [t for t in teksten if t.startswith("Scenario 'onmogelijk' heeft geen oplossing")]
        assert melding and "banenafspraak" in melding[0], blad
    titels = " ".join(grafieken(pad))
    assert "geen oplossing: onmogelijk" in titels
    memo = [r for r in werkboek["Toelichting"].iter_rows(min_row=2, values_only=True) if r[0] == "onmogelijk"]
    assert [r[1] for r in memo] == ["wat verandert", "geen oplossing"] and "banenafspraak" in memo[1][2]


def test_tekorten_and_schaduwprijzen_print_readably(uitvoer):
    """Item 12: euros in euro format, the memo column wraps (so the sheet is not shrunk to 4 pt),
    names and headers are not cut."""
    werkboek = openpyxl.load_workbook(uitvoer["evaluatie"][0])
    tekorten = werkboek["Tekorten"]
    rijen = list(tekorten.iter_rows(min_row=2))
    assert rijen, "the hand plan of the fixture overdraws its budget"
    for rij in rijen:
        eenheid, tekort, memo = rij[8].value, rij[7], rij[9]
        if eenheid == "euro":
            assert "€" in tekort.number_format
        assert memo.alignment.wrap_text
    assert tekorten.column_dimensions["J"].width <= 80
    for kolom, kop in zip("ABCDEFGHI", [c.value for c in next(tekorten.iter_rows(max_row=1))]):
        waarden = [len(str(c.value)) for c in tekorten[kolom][1:] if c.value is not None]
        assert tekorten.column_dimensions[kolom].width >= max([len(kop)] + waarden), kolom
    schaduw = openpyxl.load_workbook(uitvoer["plan"][0])["Schaduwprijzen"]
    for rij in schaduw.iter_rows():
        for cel in rij:
            if isinstance(cel.value, str) and len(cel.value) < 40:  # headers and names, not the notes
                assert schaduw.column_dimensions[cel.column_letter].width >= len(cel.value), cel.value


def _afdruk(pad) -> list[tuple[str, dict, float, float]]:
    """Per landscape-laid-out sheet: its name, the attributes of pageSetup and pageMargins, and its width
    in pixels at 100% (the columns up to the last used one, from the <col> widths in the XML)."""
    bladen = []
    with zipfile.ZipFile(pad) as archief:
        werkboek = archief.read("xl/workbook.xml").decode()
        for nummer, blad in enumerate(re.findall(r"<sheet [^>]*/>", werkboek), start=1):
            naam = re.search(r'name="([^"]+)"', blad).group(1)
            xml = archief.read(f"xl/worksheets/sheet{nummer}.xml").decode()
            if 'state="hidden"' in blad:  # the template's dropdown lists
                continue
            opmaak = dict(re.findall(r'(\w+)="([^"]*)"', re.search(r"<pageSetup[^>]*>", xml).group(0)))
            opmaak |= dict(re.findall(r'(\w+)="([^"]*)"', re.search(r"<pageMargins[^>]*>", xml).group(0)))
            opmaak["fitToPage"] = "fitToPage" in xml
            laatste = re.search(r'<dimension ref="[A-Z]+\d+(?::([A-Z]+)\d+)?"', xml).group(1) or "A"
            kolommen = openpyxl.utils.column_index_from_string(laatste)
            breedte = {}
            for van, tot, tekens in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml):
                for kolom in range(int(van), int(tot) + 1):
                    breedte[kolom] = round(float(tekens) * 7)  # Calibri 11: 7 px per character width
            bladen.append((naam, opmaak, sum(breedte.get(k, 64) for k in range(1, kolommen + 1))))
    return bladen


def test_every_sheet_prints_on_a4_landscape_one_page_wide_at_8_points_or_more(uitvoer, werkboek, tmp_path):
    """SPEC §6: every sheet prints on A4 landscape one page wide; item 12 of issue 27: never below
    8 points. The scale is fixed in the file (no fit-to-page, whose scale only the printer knows)."""
    bladen = voorbeeld_rijen()
    invoer = werkboek(bladen)
    curve, onzeker, sjabloon = tmp_path / "curve.xlsx", tmp_path / "onzeker.xlsx", tmp_path / "sjabloon.xlsx"
    for opdracht in (["vergelijk", str(invoer), "-o", str(curve), "--curve", "Participatiebudget", "--stappen", "3"],
                     ["onzekerheid", str(invoer), "-o", str(onzeker), "--trekkingen", "4"],
                     ["sjabloon", str(sjabloon)]):
        uitslag = CliRunner().invoke(main, opdracht)
        assert uitslag.exit_code == 0, uitslag.output
    paden = [pad for pad, _ in uitvoer.values()] + [curve, onzeker, sjabloon]
    gezien = 0
    for pad in paden:
        with zipfile.ZipFile(pad) as archief:  # the smallest font any cell uses (Tahoma: the comments, not printed)
            lettertypen = re.findall(r"<font>(.*?)</font>", archief.read("xl/styles.xml").decode())
            kleinste = min(float(re.search(r'<sz val="([\d.]+)"', f).group(1)) for f in lettertypen
                           if "Tahoma" not in f and "<sz " in f)
        assert kleinste == 11, pad.name
        for naam, opmaak, breedte in _afdruk(pad):
            gezien += 1
            assert opmaak["paperSize"] == "9" and opmaak["orientation"] == "landscape", (pad.name, naam)
            assert not opmaak["fitToPage"], (pad.name, naam)
            schaal = int(opmaak.get("scale", 100))
            assert schaal * kleinste / 100 >= 8, (pad.name, naam, schaal)
            # A4 landscape is 11.69 inches, 96 px each; less the left and right margins
            papier = (11.69 - float(opmaak["left"]) - float(opmaak["right"])) * 96
            if naam != "Trekkingen":  # one column per uncertain factor and region: it continues to the right
                assert breedte * schaal / 100 <= papier, (pad.name, naam, breedte, schaal)
    assert gezien >= 30
