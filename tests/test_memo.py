"""The memo per scenario (vergelijk, sheet Toelichting): every sentence derived from the solutions."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import polars as pl
import pytest

import budgetkoppeling
from budgetkoppeling.rapport.memo import memo, wat_verandert
from budgetkoppeling.tekst import getal

from .conftest import basis, regel


def test_each_scenario_gets_its_page_with_numbers_from_the_plans(werkboek, tmp_path):
    from budgetkoppeling.sjabloon import voorbeeld_rijen

    pad = tmp_path / "v.xlsx"
    vergelijking = budgetkoppeling.vergelijk(werkboek(voorbeeld_rijen()), pad, parallel=False)
    frame = pl.read_excel(pad, sheet_name="Toelichting")
    assert frame.columns == ["scenario", "onderwerp", "toelichting"]
    basis_, *scenarios = vergelijking.uitkomsten
    for uitkomst in scenarios:
        eigen = dict(frame.filter(pl.col("scenario") == uitkomst.scenario).select("onderwerp", "toelichting")
                     .iter_rows())
        assert {"wat verandert", "kerncijfers", "instrumentenmix", "wat knelt"} <= set(eigen)
        verschil = uitkomst.kerncijfers["plaatsingen"] - basis_.kerncijfers["plaatsingen"]
        assert f"Verwachte plaatsingen {getal(round(uitkomst.kerncijfers['plaatsingen'], 1))} " \
               f"({'+' if verschil > 0 else '-'}{getal(round(abs(verschil), 1))}" in eigen["kerncijfers"]
        grootste = max(basis_.per_instrument, key=lambda i: abs(uitkomst.per_instrument.get(i, 0.0)
                                                                - basis_.per_instrument[i]))
        assert eigen["instrumentenmix"].startswith("De grootste verschuivingen") and grootste in \
            eigen["instrumentenmix"].split(":")[1].split(" ")[1]
    assert "binnen ±20% van de huidige verdeling" in " ".join(frame["toelichting"])
    nummer = openpyxl.load_workbook(pad, read_only=True).sheetnames.index("Toelichting") + 1
    with zipfile.ZipFile(pad) as archief:  # a page break before every scenario but the first
        toelichting = archief.read(f"xl/worksheets/sheet{nummer}.xml").decode()
    assert int(re.search(r'<rowBreaks count="(\d+)"', toelichting).group(1)) == len(scenarios) - 1
    assert int(re.search(r'<pageSetup[^>]* scale="(\d+)"', toelichting).group(1)) >= 73  # kept breaks, >= 8 pt


def test_a_rule_that_starts_binding_is_named(werkboek):
    bladen = basis()
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 50_000}]
    bladen["Beleidsregels"] = [regel(regel="maximum", grootheid="deelnemers", operator="<=", waarde=80)]
    bladen["Scenarios"] = [{"scenario": "krap", "aanpassing": "regel_waarde", "regel": "maximum", "waarde": 30}]
    vergelijking = budgetkoppeling.vergelijk(werkboek(bladen), parallel=False)
    teksten = {o: t for _s, o, t in memo(vergelijking)}
    assert "bindend worden: maximum" in teksten["wat knelt"]
    assert "het budget van P knelt niet meer (in de basis 1 van de 1)" in teksten["wat knelt"]
    assert teksten["wat verandert"] == "Ten opzichte van de basis: de grens van beleidsregel 'maximum' wordt 30."
    assert "Verwachte plaatsingen 15 (-10 (-40%))" in teksten["kerncijfers"]


def test_a_cut_that_raises_early_placements_is_explained(werkboek):
    # one year, 10 people; I costs EUR 1,000 and places in the start year (chance 0.3), J EUR 2,000 a
    # year later (0.5). With EUR 20,000 all ten go to J: 5 placements in 2027, none in 2026. Cut to
    # EUR 10,000, J no longer pays per euro (0.25 per 1,000 against 0.3): all ten go to I, 3 placements,
    # all in 2026. Fewer placements in total, more in 2026: the trial's puzzle, with its cause.
    bladen = basis()
    bladen["Instrumenten"] = [
        {"instrument": "I", "kosten_per_deelnemer": 1000, "duur_jaren": 1, "vertraging_jaren": 0},
        {"instrument": "J", "kosten_per_deelnemer": 2000, "duur_jaren": 1, "vertraging_jaren": 1}]
    bladen["Effecten"] = [{"instrument": "I", "doelgroep": "G", "plaatsingskans": 0.3},
                          {"instrument": "J", "doelgroep": "G", "plaatsingskans": 0.5}]
    bladen["Potentieel"] = [{"regio": "A", "doelgroep": "G", "jaar": 2026, "aantal": 10}]
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": 2026, "bedrag": 20_000}]
    bladen["Scenarios"] = [{"scenario": "bezuiniging", "aanpassing": "budget", "factor": 0.5}]
    vergelijking = budgetkoppeling.vergelijk(werkboek(bladen), parallel=False)
    basis_, bezuiniging = vergelijking.uitkomsten
    assert basis_.per_jaar == {2027: pytest.approx(5)}
    assert bezuiniging.per_jaar == {2026: pytest.approx(3)}
    opvallend = [t for _s, o, t in memo(vergelijking) if o == "opvallend"]
    assert opvallend[0] == ("Opvallend: in 2026 geeft dit scenario meer plaatsingen dan de basis (+3), terwijl het "
                            "totaal daalt.")
    assert opvallend[1].startswith("Het verschil in 2026 komt vooral van I (+3; plaatst in het startjaar); over de "
                                   "hele periode geeft J (-5; plaatst een jaar na de start) minder.")
    assert "verschuift naar instrumenten die sneller plaatsen" in opvallend[1]
    assert opvallend[2] == ("Met minder geld kiest het plan goedkopere plaatsingen: de kosten per plaatsing dalen van "
                            "€ 4.000 naar € 3.333.")
    assert wat_verandert(vergelijking.invoer.scenarios[0]) == "het budget: -50% (factor 0,5)"


def test_the_memo_prints_one_page_per_scenario_in_libreoffice(werkboek, tmp_path):
    """Only the Toelichting sheet printed (the others removed with openpyxl): pages = scenarios."""
    import shutil
    import subprocess

    import openpyxl

    from budgetkoppeling.sjabloon import voorbeeld_rijen

    from .conftest import naar_pdf_met_libreoffice

    pad = tmp_path / "v.xlsx"
    vergelijking = budgetkoppeling.vergelijk(werkboek(voorbeeld_rijen()), pad, parallel=False)
    boek = openpyxl.load_workbook(pad)
    for naam in boek.sheetnames:
        if naam != "Toelichting":
            del boek[naam]
    alleen = tmp_path / "toelichting.xlsx"
    boek.save(alleen)
    [pdf] = naar_pdf_met_libreoffice([alleen], tmp_path)
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo (poppler-utils) ontbreekt; .ci/run installeert het")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    paginas = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert paginas == len(vergelijking.uitkomsten) - 1
