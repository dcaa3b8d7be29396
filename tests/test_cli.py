"""The CLI as a user meets it: every verb, every exit code, clean --json, no tracebacks."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from budgetkoppeling.cli import main
from budgetkoppeling.sjabloon import voorbeeld_rijen

from .checker import controleer


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def sha(pad: Path) -> str:
    return hashlib.sha256(pad.read_bytes()).hexdigest()


@pytest.fixture
def sjabloon(tmp_path) -> Path:
    pad = tmp_path / "regio.xlsx"
    assert run("sjabloon", pad).exit_code == 0
    return pad


def test_every_command_has_dutch_help_with_an_example_and_is_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    uitvoer = run("--help").output
    assert set(main.commands) == {"voorbeeld", "sjabloon", "valideer", "optimaliseer", "vergelijk", "evalueer",
                                 "onzekerheid", "verken"}
    for verb, commando in main.commands.items():
        assert verb in uitvoer
        hulp = run(verb, "--help")
        assert hulp.exit_code == 0
        assert "Voorbeeld:" in hulp.output
        assert f"budgetkoppeling {verb}" in readme, verb
        for optie in commando.params:
            if isinstance(optie, click.Option) and optie.name != "help":
                assert optie.help, (verb, optie.name)
                assert optie.opts[0] in hulp.output


def test_sjabloon_writes_a_valid_workbook_and_refuses_to_overwrite(sjabloon):
    assert run("valideer", sjabloon).exit_code == 0
    opnieuw = run("sjabloon", sjabloon)
    assert opnieuw.exit_code == 2
    assert "bestaat al" in opnieuw.output


def test_sjabloon_leeg_has_headers_only(tmp_path):
    pad = tmp_path / "leeg.xlsx"
    assert run("sjabloon", pad, "--leeg").exit_code == 0
    resultaat = run("valideer", pad)
    assert resultaat.exit_code == 3  # no settings, no regions: a template to fill in
    assert "planperiode_start" in resultaat.output


def test_optimaliseer_writes_a_plan_that_passes_the_checker(sjabloon, tmp_path):
    plan = tmp_path / "plan.xlsx"
    voor = sha(sjabloon)
    resultaat = run("optimaliseer", sjabloon, "-o", plan)
    assert resultaat.exit_code == 0, resultaat.output
    assert "Verwachte plaatsingen" in resultaat.output
    # budget = commitments + spending + unused: every line of that sum is on the screen
    assert "Bestaande verplichtingen" in resultaat.output and "Onbenut budget" in resultaat.output
    assert controleer(sjabloon, plan) == []
    assert sha(sjabloon) == voor
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_optimaliseer_json_is_clean(sjabloon, tmp_path):
    resultaat = run("optimaliseer", sjabloon, "-o", tmp_path / "plan.xlsx", "--json")
    gegevens = json.loads(resultaat.stdout)
    assert gegevens["status"] == "optimaal"
    assert gegevens["kerncijfers"]["plaatsingen"] > 0


def test_json_stays_clean_at_the_file_descriptor_level(sjabloon, tmp_path):
    """HiGHS writes its banner to the process's stdout; it must not reach --json output."""
    for oplosser in ("highs", "cbc"):
        proces = subprocess.run(
            [sys.executable, "-m", "budgetkoppeling", "optimaliseer", str(sjabloon), "-o",
             str(tmp_path / f"plan_{oplosser}.xlsx"), "--json", "--oplosser", oplosser],
            capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "200"},
        )
        assert proces.returncode == 0, proces.stderr
        assert json.loads(proces.stdout)["oplosser"] == oplosser


def test_stil_prints_nothing(sjabloon, tmp_path):
    resultaat = run("optimaliseer", sjabloon, "-o", tmp_path / "plan.xlsx", "--stil")
    assert resultaat.exit_code == 0
    assert resultaat.stdout == ""


def test_schrijf_lp_uses_the_constraint_names(sjabloon, tmp_path):
    lp = tmp_path / "model.lp"
    assert run("optimaliseer", sjabloon, "-o", tmp_path / "plan.xlsx", "--schrijf-lp", lp).exit_code == 0
    tekst = lp.read_text()
    for familie in ("potentieel_", "looptijd_", "kosten_", "financiering_", "cofinanciering_",
                    "budget_", "overheveling_", "beleidsregel_"):
        assert f"\n{familie}" in tekst, familie
    grenzen = tekst.split("\nBounds\n", 1)[1]  # segment: the upper bound of x
    assert any(regel.strip().startswith("x_") and " <= " in regel for regel in grenzen.splitlines())


def test_geheel_gives_whole_participants(sjabloon, tmp_path):
    plan = tmp_path / "plan.xlsx"
    assert run("optimaliseer", sjabloon, "-o", plan, "--geheel", "--oplosser", "highs").exit_code == 0
    import openpyxl

    werkboek = openpyxl.load_workbook(plan)
    blad = werkboek["Allocatie"]
    aantallen = [rij[4] for rij in blad.iter_rows(min_row=2, values_only=True) if rij[4] is not None]
    assert aantallen and all(abs(a - round(a)) < 1e-6 for a in aantallen)
    assert blad["E2"].number_format == "#,##0"  # whole persons shown whole
    info = dict(rij[:2] for rij in werkboek["Info"].iter_rows(min_row=2, values_only=True))
    assert info["model"] == "geheel (MIP, hele personen)"  # said "lineair (LP)" before: the fixed LP re-solve
    assert controleer(sjabloon, plan) == []


def test_scenario_option(sjabloon, tmp_path):
    basis = json.loads(run("optimaliseer", sjabloon, "-o", tmp_path / "a.xlsx", "--json").stdout)
    krimp = json.loads(run("optimaliseer", sjabloon, "-o", tmp_path / "b.xlsx", "--json",
                           "--scenario", "bezuiniging").stdout)
    assert krimp["scenario"] == "bezuiniging"
    assert krimp["kerncijfers"]["budget_totaal"] == pytest.approx(
        basis["kerncijfers"]["budget_totaal"] - 0.1 * 2 * 2_000_000)
    onbekend = run("optimaliseer", sjabloon, "-o", tmp_path / "c.xlsx", "--scenario", "droom")
    assert onbekend.exit_code == 3
    assert "onbekend scenario" in onbekend.output


def test_invalid_input_exit_3_with_json(werkboek, tmp_path):
    bladen = voorbeeld_rijen()
    bladen["Budgetten"][0]["bedrag"] = -1
    pad = werkboek(bladen)
    for verb in ("valideer", "optimaliseer"):
        extra = ["-o", tmp_path / "plan.xlsx"] if verb == "optimaliseer" else []
        resultaat = run(verb, pad, *extra, "--json")
        assert resultaat.exit_code == 3
        gegevens = json.loads(resultaat.stdout)
        assert gegevens["problemen"][0]["rij"] == 2
        assert gegevens["problemen"][0]["kolom"] == "bedrag"
    assert not (tmp_path / "plan.xlsx").exists()


def test_valideer_rapport(werkboek, tmp_path):
    bladen = voorbeeld_rijen()
    bladen["Budgetten"][0]["bedrag"] = -1
    rapport = tmp_path / "fouten.xlsx"
    resultaat = run("valideer", werkboek(bladen), "--rapport", rapport)
    assert resultaat.exit_code == 3
    import openpyxl

    rijen = list(openpyxl.load_workbook(rapport)["Problemen"].iter_rows(values_only=True))
    assert rijen[0] == ("blad", "rij", "kolom", "waarde", "melding")
    assert rijen[1][:3] == ("Budgetten", 2, "bedrag")
    assert "Foutenrapport geschreven" in resultaat.output
    stil = run("valideer", werkboek(bladen), "--rapport", tmp_path / "stil.xlsx", "--stil")
    assert stil.exit_code == 3 and (tmp_path / "stil.xlsx").exists()
    assert "Foutenrapport geschreven" not in stil.output  # --stil: only the problems themselves


def test_infeasible_input_exit_4_names_the_shortfall(werkboek, tmp_path):
    bladen = voorbeeld_rijen()
    bladen["Verplichtingen"][0]["bedrag"] = 2_600_000  # above 2026's EUR 2,000,000
    plan = tmp_path / "plan.xlsx"
    resultaat = run("optimaliseer", werkboek(bladen), "-o", plan)
    assert resultaat.exit_code == 4
    assert "Participatiebudget" in resultaat.output and "2026" in resultaat.output
    assert "€ 600.000" in resultaat.output
    assert not plan.exists()
    als_json = json.loads(run("optimaliseer", werkboek(bladen), "-o", plan, "--json").stdout)
    assert als_json["status"] == "geen_oplossing"
    assert als_json["tekorten"][0]["tekort"] == pytest.approx(600_000)


@pytest.mark.parametrize("inhoud", [b"", b"a;b\n1;2\n", b"PK\x03\x04broken", b"<html></html>"])
def test_broken_files_one_line_exit_3(tmp_path, inhoud):
    pad = tmp_path / "kapot.xlsx"
    pad.write_bytes(inhoud)
    resultaat = run("optimaliseer", pad, "-o", tmp_path / "plan.xlsx")
    assert resultaat.exit_code == 3
    assert "Traceback" not in resultaat.output
    assert len(resultaat.output.strip().splitlines()) == 1
    assert pad.read_bytes() == inhoud


def test_usage_errors_exit_2(tmp_path):
    assert run("optimaliseer", tmp_path / "bestaat_niet.xlsx").exit_code == 2
    assert run("optimaliseer").exit_code == 2
    assert run("bestaat-niet").exit_code == 2
    assert run("voorbeeld", "--oplosser", "gurobi").exit_code == 2


ENGELS = ("Usage", "Options", "Commands", "Error", "Missing", "Invalid", "does not exist", "is not one of",
          "Show this", "default:", "No such", "Try '", "Got unexpected", "Did you mean", "requires",
          "[OPTIONS]", "COMMAND", "ARGS", "TEXT", "FILE", "INTEGER", "Show the version", "match the format")


@pytest.mark.parametrize("args, woorden", [
    ([], ["Gebruik:", "Opdrachten", "Opties"]),
    (["--help"], ["Gebruik: budgetkoppeling [OPTIES] OPDRACHT [ARGUMENTEN]...", "Toon deze hulp en stop."]),
    (["optimaliseer", "--help"], ["[standaard: basis]", "--scenario NAAM", "-o, --uitvoer BESTAND"]),
    (["optimaliseer"], ["Fout: Ontbrekend argument 'INVOER'."]),
    (["optimaliseer", "x.xlsx"], ["Fout: Ongeldige waarde voor 'INVOER': Bestand 'x.xlsx' bestaat niet."]),
    (["voorbeeld", "--oplosser", "gurobi"], ["'gurobi' kan niet; kies uit 'auto', 'highs', 'cbc'"]),
    (["voorbeeld", "--datum", "morgen"], ["'morgen' is geen datum; schrijf JJJJ-MM-DD"]),
    (["optimalizeer"], ["Onbekende opdracht 'optimalizeer'", "Bedoelt u"]),
    (["valideer", "--foo"], ["Onbekende optie '--foo'", "Typ 'budgetkoppeling valideer --help' voor hulp."]),
    (["voorbeeld", "extra"], ["Onverwacht extra argument (extra)"]),
    (["voorbeeld", "-o"], ["De optie '-o' heeft een waarde nodig."]),
    (["sjabloon", "--help"], ["Alleen de kopjes"]),
    (["--version"], ["budgetkoppeling 0."]),
])
def test_click_speaks_dutch(args, woorden, tmp_path):
    resultaat = CliRunner().invoke(main, args, catch_exceptions=False, prog_name="budgetkoppeling")
    uitvoer = resultaat.output
    for woord in woorden:
        assert woord in uitvoer, (args, uitvoer)
    for engels in ENGELS:
        assert engels not in uitvoer, (args, engels, uitvoer)
    assert resultaat.exit_code in (0, 2)


def test_run_py_without_arguments_speaks_dutch():
    resultaat = subprocess.run([sys.executable, str(Path(__file__).parent.parent / "run.py")],
                               capture_output=True, text=True, check=False)
    assert resultaat.returncode == 2
    assert "zet .venv op" in resultaat.stderr and "sets up" not in resultaat.stderr


def test_output_equal_to_input_is_refused(sjabloon):
    voor = sha(sjabloon)
    resultaat = run("optimaliseer", sjabloon, "-o", sjabloon)
    assert resultaat.exit_code == 3
    assert "invoerbestand" in resultaat.output
    assert sha(sjabloon) == voor


def test_missing_output_directory(sjabloon, tmp_path):
    resultaat = run("optimaliseer", sjabloon, "-o", tmp_path / "nergens" / "plan.xlsx")
    assert resultaat.exit_code == 3
    assert "bestaat niet" in resultaat.output


def test_unexpected_error_exit_1_without_traceback(sjabloon, tmp_path, monkeypatch):
    import budgetkoppeling.model

    def kapot(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(budgetkoppeling.model, "bouw", kapot)
    resultaat = run("optimaliseer", sjabloon, "-o", tmp_path / "plan.xlsx")
    assert resultaat.exit_code == 1
    assert "--debug" in resultaat.output
    assert "Traceback" not in resultaat.output
    with pytest.raises(RuntimeError):
        run("optimaliseer", sjabloon, "-o", tmp_path / "plan.xlsx", "--debug")


def test_a_rust_panic_while_reading_is_an_unreadable_file_exit_3(sjabloon, tmp_path, monkeypatch):
    from polars.exceptions import PanicException  # derives from BaseException, not Exception

    import budgetkoppeling.io

    def paniek(*args, **kwargs):
        raise PanicException("index out of bounds")

    monkeypatch.setattr(budgetkoppeling.io.pl, "read_excel", paniek)
    resultaat = run("valideer", sjabloon)
    assert resultaat.exit_code == 3
    assert "kan niet gelezen worden" in resultaat.output and sjabloon.name in resultaat.output
    assert "Traceback" not in resultaat.output and "PanicException" not in resultaat.output


def test_a_rust_panic_elsewhere_is_exit_1_without_traceback(sjabloon, tmp_path, monkeypatch):
    from polars.exceptions import PanicException

    import budgetkoppeling.model

    def paniek(*args, **kwargs):
        raise PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(budgetkoppeling.model, "bouw", paniek)
    resultaat = run("optimaliseer", sjabloon, "-o", tmp_path / "plan.xlsx")
    assert resultaat.exit_code == 1
    assert "Dit is een fout in budgetkoppeling" in resultaat.output and "Traceback" not in resultaat.output
    assert not (tmp_path / "plan.xlsx").exists()


def test_output_gets_normal_file_permissions(sjabloon, tmp_path):
    plan = tmp_path / "plan.xlsx"
    assert run("optimaliseer", sjabloon, "-o", plan).exit_code == 0
    masker = os.umask(0)
    os.umask(masker)
    assert plan.stat().st_mode & 0o777 == 0o666 & ~masker


@pytest.mark.parametrize("args", [["--help"], ["optimaliseer", "--help"],
                                  ["valideer", str(Path(__file__).resolve().parent.parent / "inputs"
                                                   / "voorbeeld_nederland.xlsx")]])
def test_help_and_valideer_do_not_import_the_solver_stack(args):
    code = ("import sys; from budgetkoppeling.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
            "geladen = sorted(m for m in ('pulp', 'highspy', 'xlsxwriter', 'scipy') if m in sys.modules)\n"
            "print('GELADEN', geladen, file=sys.stderr)")
    resultaat = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert resultaat.returncode == 0, resultaat.stderr
    assert "GELADEN []" in resultaat.stderr


def test_the_public_api_exports_every_commands_function():
    """A library user reaches every command without the CLI (sqlite-utils' habit)."""
    import budgetkoppeling

    assert set(budgetkoppeling.__all__) >= {"valideer", "optimaliseer", "maak_sjabloon", "foutrapport", "vergelijk",
                                            "evalueer", "onzekerheid", "verken", "Sessie", "VOORBEELD"}
    vergelijking = budgetkoppeling.vergelijk(budgetkoppeling.VOORBEELD, None, ["Jobcoaching 20% beter"],
                                             parallel=False)
    assert [u.scenario for u in vergelijking.uitkomsten] == ["basis", "Jobcoaching 20% beter"]
    basis, beter = (u.kerncijfers["gewogen_plaatsingen"] for u in vergelijking.uitkomsten)
    assert basis == pytest.approx(budgetkoppeling.optimaliseer(budgetkoppeling.VOORBEELD).oplossing.doelwaarde)
    assert beter > basis


@pytest.mark.parametrize("opdracht", [
    ["optimaliseer"], ["optimaliseer", "--vanaf", "2027"], ["vergelijk"],
    ["vergelijk", "--curve", "Participatiebudget", "--stappen", "3"], ["evalueer"],
    ["onzekerheid", "--trekkingen", "6"],
], ids=lambda o: " ".join(o))
def test_every_command_writes_the_same_bytes_twice_for_one_datum(sjabloon, tmp_path, opdracht):
    """Issue 27.8: vergelijk --curve wrote its run time into Info, so two runs differed."""
    import time

    paden = [tmp_path / f"{n}.xlsx" for n in (1, 2)]
    for pad in paden:
        resultaat = run(opdracht[0], sjabloon, "-o", pad, *opdracht[1:], "--datum", "2026-12-01", "--stil")
        assert resultaat.exit_code == 0, resultaat.output
        if pad == paden[0]:
            time.sleep(1.1)  # a time of day in the file would differ now
    assert paden[0].read_bytes() == paden[1].read_bytes()


def test_the_template_and_the_error_report_are_the_same_bytes_twice(tmp_path, sjabloon):
    import time

    assert run("sjabloon", tmp_path / "tweede.xlsx").exit_code == 0
    assert (tmp_path / "tweede.xlsx").read_bytes() == sjabloon.read_bytes()
    import openpyxl

    boek = openpyxl.load_workbook(sjabloon)
    boek["Budgetten"]["D2"] = -5
    kapot = tmp_path / "kapot.xlsx"
    boek.save(kapot)
    rapporten = [tmp_path / f"fouten{n}.xlsx" for n in (1, 2)]
    for rapport in rapporten:
        assert run("valideer", kapot, "--rapport", rapport, "--stil").exit_code == 3
        time.sleep(1.1)
    assert rapporten[0].read_bytes() == rapporten[1].read_bytes()


@pytest.mark.parametrize("opdracht", [
    ["optimaliseer"], ["optimaliseer", "--vanaf", "2027"], ["vergelijk"],
    ["vergelijk", "--curve", "Participatiebudget"], ["evalueer"], ["onzekerheid", "--trekkingen", "6"],
], ids=lambda o: " ".join(o))
def test_every_table_fits_a_terminal_of_80_columns(sjabloon, tmp_path, opdracht):
    """Issue 27.11: euro amounts were cut ('€ 213.242.0…') and two rows both read 'waarde_bete…'."""
    resultaat = CliRunner(env={"COLUMNS": "80"}).invoke(
        main, [opdracht[0], str(sjabloon), "-o", str(tmp_path / "u.xlsx"), *opdracht[1:]], catch_exceptions=False)
    assert resultaat.exit_code == 0, resultaat.output
    regels = resultaat.output.splitlines()
    tabel = [r for r in regels if r.startswith(("  ", "│", "┃", "┏", "└", " ─"))]
    assert tabel, resultaat.output
    assert max(len(r.rstrip()) for r in tabel) <= 80, "\n".join(tabel)
    assert not any("…" in r for r in regels), resultaat.output


@pytest.fixture(scope="module")
def mip_werkboek(tmp_path_factory) -> Path:
    """Ten planning units of the bench generator: CBC finds no whole-person plan here for minutes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from genereer import rijen

    from budgetkoppeling.io import schrijf_invoer

    pad = tmp_path_factory.mktemp("mip") / "mip.xlsx"
    schrijf_invoer(pad, rijen(10, 15, 5, 6, 3))
    return pad


def test_geheel_stops_at_its_time_limit_with_the_best_plan_and_its_gap(mip_werkboek, tmp_path):
    """Issue 27.7: --geheel --oplosser cbc ran over 11 minutes with only 'Model oplossen' on screen."""
    import time

    import polars as pl

    uit = tmp_path / "plan.xlsx"
    begin = time.monotonic()
    resultaat = run("optimaliseer", mip_werkboek, "-o", uit, "--geheel", "--oplosser", "highs", "--tijdslimiet", "1",
                    "--json")
    assert time.monotonic() - begin < 60
    samenvatting = json.loads(resultaat.stdout)
    assert samenvatting["status"] == "tijdslimiet" and samenvatting["afstand_tot_optimum"] > 0
    info = dict(pl.read_excel(uit, sheet_name="Info").iter_rows())
    assert info["tijdslimiet_seconden"] == "1" and info["afstand_tot_optimum"].startswith("hoogstens ")
    toelichting = " ".join(pl.read_excel(uit, sheet_name="Toelichting")["toelichting"])
    assert "binnen de tijdslimiet van 1 seconden vond, niet bewezen het beste" in toelichting
    assert controleer(mip_werkboek, uit) == []  # the best plan found is a plan that keeps every rule


def test_cbc_reports_its_progress_and_stops_at_the_time_limit(mip_werkboek, tmp_path):
    import time

    import budgetkoppeling
    from budgetkoppeling.errors import BudgetkoppelingFout

    meldingen: list[str] = []
    begin = time.monotonic()
    with pytest.raises(BudgetkoppelingFout) as fout:  # no whole-person plan within 3 seconds
        budgetkoppeling.optimaliseer(mip_werkboek, geheel=True, oplosser="cbc", tijdslimiet=3,
                                     voortgang=meldingen.append)
    assert time.monotonic() - begin < 60
    assert "Binnen de tijdslimiet van 3 seconden vond de oplosser cbc nog geen plan" in str(fout.value)
    assert any(m.startswith("Model oplossen (hele deelnemers, ") and "van ten hoogste 3 s)" in m for m in meldingen)
    resultaat = CliRunner().invoke(main, ["optimaliseer", str(mip_werkboek), "-o", str(tmp_path / "p.xlsx"),
                                          "--geheel", "--oplosser", "cbc", "--tijdslimiet", "2"])
    assert resultaat.exit_code == 1 and "--tijdslimiet 600" in resultaat.output
    assert "Traceback" not in resultaat.output and not (tmp_path / "p.xlsx").exists()
