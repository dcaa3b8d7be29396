"""Numbers typed as text in Dutch notation, and number cells at full precision (issue 27, items 9 and 15).

The notation corpus below goes through the real reader: a workbook with one text cell per notation in
Budgetten.bedrag (and a share column), read by calamine with the cell types from the sheet's XML.
Every entry is either read as meant or refused with a message; none is misread."""

from __future__ import annotations

import pytest
import xlsxwriter

import budgetkoppeling
from budgetkoppeling.errors import InvoerFout
from budgetkoppeling.io import lees_werkboek
from budgetkoppeling.sjabloon import voorbeeld_rijen
from budgetkoppeling.validate import valideer_blad

# text as typed -> the number meant, or None: unclear, refused with a hint
BEDRAGEN = [
    ("900000", 900_000), ("900.000", 900_000), ("1.250.000", 1_250_000), ("1.250.000,50", 1_250_000.5),
    ("€ 1.250.000", 1_250_000), ("€1.250.000,-", 1_250_000), ("€ 1.250.000,--", 1_250_000),
    ("1.250.000 €", 1_250_000), ("+1.250.000", 1_250_000), ("+ € 900.000", 900_000),
    ("1 250 000", 1_250_000), ("1\u00a0250\u00a0000", 1_250_000), ("1\u2009250\u2009000", 1_250_000),
    ("1\u202f250\u202f000,25", 1_250_000.25), ("12.345", 12_345), ("1.255", 1_255), ("0,5", 0.5),
    ("1250,5", 1_250.5), ("0,125", 0.125), ("  42  ", 42), ("€\u00a0900000", 900_000),
    ("1.5", None), ("12.50", None), ("1,250", None), ("25,000", None), ("1,250,000", None), ("1.250,000.5", None),
    ("3_0", None), ("1e6", None), ("12,5%", None), ("1.2.3", None), ("abc", None), ("€", None), ("--5", None),
]
AANDELEN = [("40%", 0.4), ("12,5%", 0.125), ("0,35", 0.35), ("0.35", None), ("3_0%", None), ("1,5%", 0.015)]


def _tekstwerkboek(pad, kolom_teksten: dict[str, list[str]], blad: str, vast: dict):
    """One sheet whose rows hold ``vast`` and, per column, the texts as text cells."""
    werkboek = xlsxwriter.Workbook(pad)
    werkblad = werkboek.add_worksheet(blad)
    kolommen = list(vast) + list(kolom_teksten)
    werkblad.write_row(0, 0, kolommen)
    aantal = max(len(t) for t in kolom_teksten.values())
    for rij in range(aantal):
        for nummer, kolom in enumerate(kolommen):
            if kolom in vast:
                waarde = vast[kolom]
                (werkblad.write_number if isinstance(waarde, int | float) else werkblad.write_string)(
                    rij + 1, nummer, waarde)
            elif rij < len(kolom_teksten[kolom]):
                werkblad.write_string(rij + 1, nummer, kolom_teksten[kolom][rij])
    werkboek.close()


def _lees(pad, blad: str, kolom: str) -> tuple[list, dict[int, str]]:
    ruw = lees_werkboek(pad)
    rijen, problemen = valideer_blad(blad, ruw.bladen[blad], ruw.getalcellen.get(blad))
    waarden = {rij["__rij"]: rij[kolom] for rij in rijen}
    return waarden, {p.rij: p.melding for p in problemen if p.kolom == kolom}


def test_the_notation_corpus_is_read_as_meant_or_refused_never_misread(tmp_path):
    pad = tmp_path / "notatie.xlsx"
    _tekstwerkboek(pad, {"bedrag": [t for t, _ in BEDRAGEN]}, "Budgetten", {"fonds": "P", "regio": "A", "jaar": 2026})
    waarden, fouten = _lees(pad, "Budgetten", "bedrag")
    zoals_bedoeld = geweigerd = 0
    misgelezen = []
    for rij, (tekst, bedoeld) in enumerate(BEDRAGEN, start=2):
        if rij in fouten:
            geweigerd += 1
            if bedoeld is not None:
                misgelezen.append((tekst, fouten[rij]))
        elif bedoeld is not None and waarden[rij] == pytest.approx(bedoeld):
            zoals_bedoeld += 1
        else:
            misgelezen.append((tekst, waarden[rij]))
    assert misgelezen == []
    assert (zoals_bedoeld, geweigerd) == (21, 13)
    assert "Bedoelt u 1,5?" in fouten[BEDRAGEN.index(("1.5", None)) + 2]


def test_a_share_column_takes_percentages_and_dutch_decimals(tmp_path):
    pad = tmp_path / "aandelen.xlsx"
    _tekstwerkboek(pad, {"max_aandeel": [t for t, _ in AANDELEN]}, "Financieringsregels", {"fonds": "P"})
    waarden, fouten = _lees(pad, "Financieringsregels", "max_aandeel")
    for rij, (tekst, bedoeld) in enumerate(AANDELEN, start=2):
        if bedoeld is None:
            assert rij in fouten, tekst
        else:
            assert rij not in fouten and waarden[rij] == pytest.approx(bedoeld), tekst


def test_a_number_cell_is_its_stored_value_at_full_precision(werkboek, tmp_path):
    """calamine's text of a number cell has 15 digits: a cell holding 0.1 + 0.2 (Excel stores 17 digits,
    0.30000000000000004) came back as 0.3."""
    import zipfile

    bron, pad = werkboek(voorbeeld_rijen()), tmp_path / "precisie.xlsx"
    with zipfile.ZipFile(bron) as oud, zipfile.ZipFile(pad, "w", zipfile.ZIP_DEFLATED) as nieuw:
        for deel in oud.infolist():
            data = oud.read(deel)
            if deel.filename.startswith("xl/worksheets/") and b"<v>0.35</v>" in data:
                # the Effecten sheet: its first chance, 0.35, becomes what Excel stores for 0.1 + 0.2
                assert data.count(b"<v>0.35</v>") == 1
                data = data.replace(b"<v>0.35</v>", b"<v>0.30000000000000004</v>")
            nieuw.writestr(deel, data)
    invoer = budgetkoppeling.valideer(pad)
    rij = voorbeeld_rijen()["Effecten"][0]
    assert invoer.effecten[(rij["instrument"], rij["doelgroep"])] == 0.1 + 0.2


def test_percentages_in_scenarios_and_instellingen_and_no_underscores(werkboek):
    """Issue 27.9: '20%' for max_verschuiving in Scenarios (Instellingen took it already) gave two errors;
    Python's float read '3_0%' as 0.3."""
    bladen = voorbeeld_rijen()
    bladen["Scenarios"].append({"scenario": "ruimer", "aanpassing": "max_verschuiving", "waarde": "20%"})
    bladen["Instellingen"].append({"sleutel": "max_verschuiving", "waarde": "30%"})
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    assert invoer.max_verschuiving == pytest.approx(0.3)
    assert any(r["waarde"] == pytest.approx(0.2) for r in invoer.scenarios if r["scenario"] == "ruimer")
    bladen["Instellingen"][-1]["waarde"] = "3_0%"
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(bladen))
    assert [(p.blad, p.kolom) for p in fout.value.problemen] == [("Instellingen", "waarde")]


def test_dutch_numbers_on_the_command_line(werkboek, tmp_path):
    from click.testing import CliRunner

    from budgetkoppeling.cli import main

    invoer = werkboek(voorbeeld_rijen())
    goed = CliRunner().invoke(main, ["vergelijk", str(invoer), "-o", str(tmp_path / "c.xlsx"), "--curve",
                                     "Participatiebudget", "--van", "0,8", "--tot", "1,2", "--stappen", "3", "--stil"])
    assert goed.exit_code == 0, goed.output
    onduidelijk = CliRunner().invoke(main, ["vergelijk", str(invoer), "--curve", "Participatiebudget", "--van",
                                            "1.250"])
    assert onduidelijk.exit_code == 2 and "onduidelijk" in onduidelijk.output
