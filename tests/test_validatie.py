"""Validation: every problem at once, in Dutch, with sheet, Excel row, column and value."""

from __future__ import annotations

import pytest

import budgetkoppeling
from budgetkoppeling.errors import BestandFout, InvoerFout
from budgetkoppeling.sjabloon import voorbeeld_rijen

from .corpus import schrijf_xlsx  # raw tables, exactly as a spreadsheet program would hold them


def nl_tekst(waarde) -> str:
    """A number as a Dutch officer types it as text: a decimal comma."""
    return str(waarde).replace(".", ",")


def problemen(werkboek, bladen) -> list:
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    return fout.value.problemen


def plaatsen(gevonden) -> set[tuple]:
    return {(p.blad, p.rij, p.kolom) for p in gevonden}


def test_template_is_valid(werkboek):
    invoer = budgetkoppeling.valideer(werkboek(voorbeeld_rijen()))
    assert invoer.regios == ["Voorbeeldregio"]
    assert invoer.budget[("Participatiebudget", "Voorbeeldregio", 2026)] == 2_000_000


def test_every_problem_is_reported_at_once(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Budgetten"][0]["bedrag"] = -5000                  # row 2
    bladen["Budgetten"][1]["bedrag"] = "veel"                 # row 3
    bladen["Budgetten"][2]["fonds"] = "Participatiebudgt"     # row 4
    bladen["Effecten"][0]["plaatsingskans"] = 1.5             # row 2
    bladen["Instrumenten"][0]["duur_jaren"] = 1.5             # row 2
    bladen["Beleidsregels"][0]["operator"] = "=>"             # row 2
    gevonden = problemen(werkboek, bladen)
    assert plaatsen(gevonden) == {
        ("Budgetten", 2, "bedrag"), ("Budgetten", 3, "bedrag"), ("Budgetten", 4, "fonds"),
        ("Effecten", 2, "plaatsingskans"), ("Instrumenten", 2, "duur_jaren"),
        ("Beleidsregels", 2, "operator"),
    }
    teksten = {p.tekst() for p in gevonden}
    assert "Blad 'Budgetten', rij 2, kolom 'bedrag': moet 0 of meer zijn (gevonden: -5000)" in teksten
    assert "Blad 'Budgetten', rij 3, kolom 'bedrag': moet een getal zijn (gevonden: veel)" in teksten
    assert any("onbekende naam" in t and "Participatiebudgt" in t for t in teksten)


def test_empty_rows_keep_excel_row_numbers(werkboek, tmp_path):
    bladen = voorbeeld_rijen()
    bladen["Budgetten"].insert(1, {})  # an empty row 3 in Excel
    bladen["Budgetten"][2]["bedrag"] = -1  # Excel row 4
    gevonden = problemen(werkboek, bladen)
    assert plaatsen(gevonden) == {("Budgetten", 4, "bedrag")}


@pytest.mark.parametrize("blad, wijziging, plaats, woorden", [
    ("Fondsen", {"soort": "lening"}, ("Fondsen", 2, "soort"), "participatiebudget"),
    ("Fondsen", {"overheveling": 1.5}, ("Fondsen", 2, "overheveling"), "1 of minder"),
    ("Instrumenten", {"duur_jaren": 0}, ("Instrumenten", 2, "duur_jaren"), "1 of meer"),
    ("Instrumenten", {"kosten_per_deelnemer": "inf"}, ("Instrumenten", 2, "kosten_per_deelnemer"), "oneindig"),
    ("Potentieel", {"jaar": 2040}, ("Potentieel", 2, "jaar"), "planperiode"),
    ("Potentieel", {"doelgroep": "jongeren"}, ("Potentieel", 2, "doelgroep"), "Doelgroepen"),
    ("Effecten", {"doelgroep": "Bijstand"}, ("Effecten", 2, "doelgroep"), "bedoelt u 'bijstand'"),
    ("Financieringsregels", {"max_aandeel": -0.1}, ("Financieringsregels", 2, "max_aandeel"), "0 of meer"),
    ("Beleidsregels", {"grootheid": "banen"}, ("Beleidsregels", 2, "grootheid"), "deelnemers"),
    ("Beleidsregels", {"regio": "Nergens"}, ("Beleidsregels", 2, "regio"), "Regios"),
    ("Beleidsregels", {"jaar": "volgend jaar"}, ("Beleidsregels", 2, "jaar"), "alle of elk"),
    ("Beleidsregels", {"jaar": 2035}, ("Beleidsregels", 2, "jaar"), "planperiode"),
    ("Beleidsregels", {"jaar": "2027-2035"}, ("Beleidsregels", 2, "jaar"), "planperiode"),
    ("Beleidsregels", {"jaar": "2028-2026"}, ("Beleidsregels", 2, "jaar"), "reeks jaren (2026-2028)"),
    ("Scenarios", {"factor": None}, ("Scenarios", 2, "factor"), "precies één"),
    ("Scenarios", {"jaar": "2030-2028"}, ("Scenarios", 2, "jaar"), "reeks"),
    ("Huidige_verdeling", {"instrument": "scholing", "doelgroep": "arbeidsbeperking"},
     ("Huidige_verdeling", 2, "instrument"), "Effecten"),
])
def test_single_problem_is_located(werkboek, blad, wijziging, plaats, woorden):
    bladen = voorbeeld_rijen()
    bladen[blad][0].update(wijziging)
    gevonden = problemen(werkboek, bladen)
    assert plaats in plaatsen(gevonden)
    assert any(woorden in p.tekst() for p in gevonden), [p.tekst() for p in gevonden]


def test_regional_fund_without_region_and_national_fund_with_region(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Budgetten"][0]["regio"] = None
    bladen["Fondsen"].append({"fonds": "Sector", "soort": "sector", "landelijk": "ja"})
    bladen["Budgetten"].append({"fonds": "Sector", "regio": "Voorbeeldregio", "jaar": 2026, "bedrag": 1})
    gevonden = problemen(werkboek, bladen)
    teksten = [p.tekst() for p in gevonden]
    assert any("regionaal: vul de regio in" in t and "rij 2" in t for t in teksten)
    assert any("landelijk: laat de regio leeg" in t for t in teksten)


def test_budget_after_vervaljaar(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Budgetten"].append({"fonds": "ESF+", "regio": "Voorbeeldregio", "jaar": 2028, "bedrag": 1})
    gevonden = problemen(werkboek, bladen)
    assert any("vervaljaar 2027" in p.tekst() and p.rij == len(bladen["Budgetten"]) + 1 for p in gevonden)


def test_segment_shares_and_rising_factors(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Afnemende_meeropbrengst"][1].update({"aandeel_potentieel": 0.4, "factor": 1.2})
    teksten = [p.tekst() for p in problemen(werkboek, bladen)]
    assert any("tellen op tot 0,9 in plaats van 1" in t for t in teksten)
    assert any("factoren mogen niet stijgen" in t and "rij 3" in t for t in teksten)


def test_duplicate_keys(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Effecten"].append(dict(bladen["Effecten"][0]))
    bladen["Regios"].append(dict(bladen["Regios"][0]))
    teksten = [p.tekst() for p in problemen(werkboek, bladen)]
    assert any("Effecten" in t and "dubbele regel" in t and "rij 2" in t for t in teksten)
    assert any("Regios" in t and "komt al voor in rij 2" in t for t in teksten)


def test_missing_sheet_and_missing_column(tmp_path):
    bladen = voorbeeld_rijen()
    del bladen["Effecten"]
    for rij in bladen["Budgetten"]:
        del rij["bedrag"]
    pad = tmp_path / "mist.xlsx"
    schrijf_xlsx(pad, {naam: [list(data[0])] + [list(r.values()) for r in data]
                       for naam, data in bladen.items() if data})
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(pad)
    teksten = [p.tekst() for p in fout.value.problemen]
    assert "Blad 'Effecten': verplicht blad ontbreekt" in teksten
    assert "Blad 'Budgetten', rij 1, kolom 'bedrag': verplichte kolom ontbreekt" in teksten
    assert not any("mag niet leeg zijn" in t for t in teksten)


def test_missing_and_contradictory_settings(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Instellingen"] = [
        {"sleutel": "planperiode_start", "waarde": 2028},
        {"sleutel": "planperiode_eind", "waarde": 2026},
        {"sleutel": "tempo", "waarde": "snel"},
    ]
    teksten = [p.tekst() for p in problemen(werkboek, bladen)]
    assert any("planperiode_eind ligt voor planperiode_start" in t for t in teksten)
    assert any("onbekende instelling" in t for t in teksten)


def test_names_in_other_case_with_spaces_numbers_as_text_and_unknown_sheets(werkboek, tmp_path):
    """Sheet and column names match case-insensitively; '2026' typed as text and 0,5 with a comma work."""
    bladen = voorbeeld_rijen()
    rijen = {}
    for naam, data in bladen.items():
        kolommen = list(dict.fromkeys(k for rij in data for k in rij))
        rijen[f"  {naam.upper()} "] = [[f" {k.title()} " for k in kolommen]] + [
            [nl_tekst(rij.get(k)) if isinstance(rij.get(k), (int, float)) else rij.get(k) for k in kolommen]
            for rij in data
        ]
    rijen["  EFFECTEN "][1][2] = "0,35"
    rijen["Toelichting"] = [["vrije tekst"], ["mag"]]
    pad = tmp_path / "raar.xlsx"
    schrijf_xlsx(pad, rijen)
    invoer = budgetkoppeling.valideer(pad)
    assert invoer.effecten[("jobcoaching", "arbeidsbeperking")] == 0.35
    assert invoer.potentieel[("Voorbeeldregio", "bijstand", 2027)] == 600
    assert any("Toelichting" in m for m in invoer.meldingen)


def test_unknown_column_is_a_notice(werkboek, tmp_path):
    bladen = voorbeeld_rijen()
    bladen["Regios"][0]["opmerking"] = "extra"
    pad = tmp_path / "extra.xlsx"
    schrijf_xlsx(pad, {naam: [list(data[0])] + [list(r.values()) for r in data]
                       for naam, data in bladen.items() if data})
    invoer = budgetkoppeling.valideer(pad)
    assert any("opmerking" in m and "onbekend" in m for m in invoer.meldingen)


@pytest.mark.parametrize("inhoud, woorden", [
    (b"", "leeg"),
    (b"fonds;regio;jaar\nP;A;2026\n", "tekstbestand"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML"),
    (b"PK\x03\x04" + b"\x00" * 200, "beschadigd"),
    (bytes(range(256)) * 4, "geen Excel-werkboek"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
])
def test_files_that_are_not_workbooks(tmp_path, inhoud, woorden):
    pad = tmp_path / "kapot.xlsx"
    pad.write_bytes(inhoud)
    with pytest.raises(BestandFout) as fout:
        budgetkoppeling.valideer(pad)
    assert woorden in str(fout.value)
    assert "\n" not in str(fout.value)


def test_truncated_workbook(werkboek, tmp_path):
    heel = werkboek(voorbeeld_rijen())
    pad = tmp_path / "half.xlsx"
    pad.write_bytes(heel.read_bytes()[: heel.stat().st_size // 2])
    with pytest.raises(BestandFout) as fout:
        budgetkoppeling.valideer(pad)
    assert "half.xlsx" in str(fout.value)


def test_suspicious_but_legal_input_gives_notices(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Fondsen"].append({"fonds": "Slapend", "soort": "overig"})
    bladen["Instrumenten"].append({"instrument": "Wees", "kosten_per_deelnemer": 100, "duur_jaren": 1})
    bladen["Doelgroepen"].append({"doelgroep": "Leeg"})
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    assert any("Fonds 'Slapend'" in m and "nergens voor betalen" in m for m in invoer.meldingen)
    assert any("Instrument 'Wees'" in m and "geen enkele doelgroep" in m for m in invoer.meldingen)
    assert any("Doelgroep 'Leeg'" in m and "geen enkele persoon" in m for m in invoer.meldingen)


@pytest.mark.parametrize("kolom, getypt, verwacht", [
    ("bedrag", "1.250.000", 1_250_000), ("bedrag", "€ 1.250.000,00", 1_250_000),
    ("bedrag", "1.250.000,50", 1_250_000.5),
    ("bedrag", "€\u00a0900000", 900_000), ("bedrag", "900000", 900_000), ("bedrag", "0,5", 0.5),
    ("bedrag", "14.512", 14_512),  # text in Dutch notation: a dot groups thousands (issue 27.15)
    ("bedrag", "900.000", 900_000), ("bedrag", "€ 900.000", 900_000), ("bedrag", "€1.250.000,-", 1_250_000),
    ("bedrag", "+1.250.000", 1_250_000), ("bedrag", "1\u2009250\u2009000", 1_250_000),
    ("bedrag", "1\u202f250\u202f000,75", 1_250_000.75),
])
def test_dutch_amounts_typed_as_text_are_read_as_meant(werkboek, kolom, getypt, verwacht):
    bladen = voorbeeld_rijen()
    bladen["Budgetten"][0][kolom] = getypt
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    rij = bladen["Budgetten"][0]
    sleutel = (rij["fonds"], rij.get("regio") or None, rij["jaar"])
    andere = sum(r["bedrag"] for r in bladen["Budgetten"][1:]
                 if (r["fonds"], r.get("regio") or None, r["jaar"]) == sleutel)
    assert invoer.budget[sleutel] == pytest.approx(verwacht + andere)


@pytest.mark.parametrize("getypt, hint", [("1.5", "Bedoelt u 1,5?"), ("1,250", "bedoelt u 1.250"),
                                          ("25,000", "bedoelt u 25.000"), ("1,250,000", "Bedoelt u 1.250.000?"),
                                          ("12.50", "Bedoelt u 12,50?"), ("3_0", "moet een getal zijn")])
def test_an_unclear_amount_is_refused_with_a_hint_in_dutch_notation(werkboek, getypt, hint):
    bladen = voorbeeld_rijen()
    bladen["Budgetten"][0]["bedrag"] = getypt
    gevonden = problemen(werkboek, bladen)
    assert plaatsen(gevonden) == {("Budgetten", 2, "bedrag")}
    (tekst,) = [p.tekst() for p in gevonden]
    assert hint in tekst, tekst
    assert "(900,000)" not in tekst  # issue 27.9: a hint a Dutch officer reads as nine hundred


def test_a_percentage_is_a_share_and_only_there(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Financieringsregels"][1]["max_aandeel"] = "40%"
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    regel = invoer.financieringsregels[1]
    assert regel.max_aandeel == pytest.approx(0.4)
    bladen["Budgetten"][0]["bedrag"] = "40%"
    gevonden = problemen(werkboek, bladen)
    assert plaatsen(gevonden) == {("Budgetten", 2, "bedrag")}
    assert "percentage" in gevonden[0].tekst()


@pytest.mark.parametrize("getypt, voorstel", [("Participatiebudet", "Participatiebudget"), ("ESF", "ESF+")])
def test_a_typo_in_a_name_gets_the_closest_names(werkboek, getypt, voorstel):
    bladen = voorbeeld_rijen()
    bladen["Budgetten"][0]["fonds"] = getypt
    (tekst,) = [p.tekst() for p in problemen(werkboek, bladen)]
    assert "onbekende naam" in tekst and f"bedoelt u '{voorstel}'" in tekst, tekst


def test_a_forgotten_year_gets_a_notice(werkboek):
    bladen = voorbeeld_rijen()
    laatste = max(int(r["jaar"]) for r in bladen["Potentieel"])
    bladen["Potentieel"] = [r for r in bladen["Potentieel"] if not (r["doelgroep"] == "bijstand"
                                                                     and int(r["jaar"]) == laatste)]
    bladen["Budgetten"] = [r for r in bladen["Budgetten"] if not (r["fonds"] == "Participatiebudget"
                                                                   and int(r["jaar"]) == laatste)]
    meldingen = budgetkoppeling.valideer(werkboek(bladen)).meldingen
    assert any("doelgroep 'bijstand'" in m and f"geen voor {laatste}" in m for m in meldingen), meldingen
    assert any("fonds 'Participatiebudget'" in m and f"niet in {laatste}" in m and "Vergeten?" in m
               for m in meldingen), meldingen
    # the template itself, and a fund that ends at its vervaljaar, give no such notice
    assert not [m for m in budgetkoppeling.valideer(werkboek(voorbeeld_rijen())).meldingen if "Vergeten?" in m]
    assert not [m for m in budgetkoppeling.valideer(budgetkoppeling.VOORBEELD).meldingen if "Vergeten?" in m]


def test_missing_instellingen_still_reports_every_other_problem(werkboek):
    bladen = voorbeeld_rijen()
    del bladen["Instellingen"]
    bladen["Budgetten"][0]["regio"] = None  # a regional fund without a region
    bladen["Effecten"][0]["plaatsingskans"] = 1.5
    gevonden = problemen(werkboek, bladen)
    teksten = [p.tekst() for p in gevonden]
    assert any("Instellingen" in t and "ontbreekt" in t for t in teksten), teksten
    assert any("regionaal: vul de regio in" in t for t in teksten), teksten
    assert ("Effecten", 2, "plaatsingskans") in plaatsen(gevonden)


def test_a_missing_name_sheet_is_one_problem_not_one_per_row(werkboek):
    bladen = voorbeeld_rijen()
    del bladen["Regios"]
    bladen["Effecten"][0]["plaatsingskans"] = 1.5
    teksten = [p.tekst() for p in problemen(werkboek, bladen)]
    assert teksten == ["Blad 'Regios': verplicht blad ontbreekt",
                       "Blad 'Effecten', rij 2, kolom 'plaatsingskans': moet 1 of minder zijn (gevonden: 1.5)"]


@pytest.mark.parametrize("rij, plaats, woorden", [
    ({"fonds": "Participatiebudget", "partner": "Participatiebudget", "verhouding": 1},
     ("Koppelingen", 2, "partner"), "zichzelf niet matchen"),
    ({"fonds": "Participatiebudget", "partner": "Sectorgeld", "verhouding": 1},
     ("Koppelingen", 2, "partner"), "onbekende naam"),
    ({"fonds": "Participatiebudget", "partner": "ESF+", "verhouding": -1},
     ("Koppelingen", 2, "verhouding"), "0 of meer"),
    ({"fonds": "Participatiebudget", "partner": "ESF+", "verhouding": 1, "jaar": "2020-2021"},
     ("Koppelingen", 2, "jaar"), "planperiode"),
])
def test_koppelingen_problems_are_located(werkboek, rij, plaats, woorden):
    bladen = voorbeeld_rijen()
    bladen["Koppelingen"] = [{"koppeling": "match", **rij}]
    gevonden = problemen(werkboek, bladen)
    assert plaats in plaatsen(gevonden)
    assert any(woorden in p.tekst() for p in gevonden), [p.tekst() for p in gevonden]


def test_a_valid_koppeling_is_read(werkboek):
    bladen = voorbeeld_rijen()
    bladen["Koppelingen"] = [{"koppeling": "match", "fonds": "Participatiebudget", "partner": "ESF+",
                              "verhouding": "0,5", "jaar": "2026-2027", "regio": "elk"}]
    koppeling = budgetkoppeling.valideer(werkboek(bladen)).koppelingen[0]
    assert (koppeling.fonds, koppeling.partner, koppeling.verhouding) == ("Participatiebudget", "ESF+", 0.5)
    assert koppeling.filters == {"regio": "elk", "instrument": None, "doelgroep": None, "jaar": "2026-2027"}
