"""Budget curves (``vergelijk --curve``): the numbers of each step, the slope at the base, the workbook."""

from __future__ import annotations

import zipfile

import polars as pl
import pytest
from click.testing import CliRunner

import budgetkoppeling
from budgetkoppeling.cli import main
from budgetkoppeling.curve import budgetcurve
from budgetkoppeling.errors import InvoerFout

from .conftest import basis


@pytest.fixture(scope="module")
def voorbeeld_curve(tmp_path_factory):
    pad = tmp_path_factory.mktemp("curve") / "curve.xlsx"
    return budgetcurve(budgetkoppeling.VOORBEELD, "Participatiebudget", pad, van=0.99, tot=1.01, stappen=3), pad


def test_factor_one_is_the_base_plan(voorbeeld_curve):
    curve, _pad = voorbeeld_curve
    plan = budgetkoppeling.optimaliseer(budgetkoppeling.VOORBEELD)
    [midden] = [p for p in curve.punten if p.factor == 1.0]
    assert midden.gewogen_plaatsingen == pytest.approx(plan.oplossing.doelwaarde, rel=1e-9)
    assert midden.plaatsingen == pytest.approx(plan.kerncijfers["plaatsingen"], rel=1e-9)
    assert midden.budget == pytest.approx(sum(b for (f, _r, _t), b in plan.oplossing.model.invoer.budget.items()
                                              if f == "Participatiebudget"))
    assert [p.warm for p in curve.punten] == [False, True, True]  # re-solved in place after the first


def test_the_marginal_value_brackets_the_shadow_price_at_the_base(voorbeeld_curve):
    # the optimum is concave in the budget: the slope left of the base is at least the shadow
    # price (a supergradient), the slope right of it at most
    curve, _pad = voorbeeld_curve
    links, rechts = curve.punten[1].marginaal_per_100k, curve.punten[2].marginaal_per_100k
    assert links >= curve.schaduwprijs - 1e-6 and curve.schaduwprijs >= rechts - 1e-6
    assert links == pytest.approx(curve.schaduwprijs, rel=0.02) and rechts == pytest.approx(curve.schaduwprijs,
                                                                                             rel=0.02)


def test_inside_a_linear_step_the_marginal_equals_the_shadow_price(werkboek):
    # EUR 10,000, I at EUR 1,000 with chance 0.5 and potential 100: every EUR 100,000 is 50 placements
    # up to EUR 100,000; carried over at 20% into a second year it is the same money
    bladen = basis(jaren=(2026, 2027))
    bladen["Fondsen"][0]["overheveling"] = 0.2
    bladen["Budgetten"] = [{"fonds": "P", "regio": "A", "jaar": t, "bedrag": 10_000} for t in (2026, 2027)]
    curve = budgetcurve(werkboek(bladen), "P", van=0.5, tot=1.5, stappen=5)
    assert [p.gewogen_plaatsingen for p in curve.punten] == pytest.approx([5, 7.5, 10, 12.5, 15])
    assert [p.marginaal_per_100k for p in curve.punten] == [None] + [pytest.approx(50)] * 4
    assert curve.schaduwprijs == pytest.approx(50)


def test_a_region_scales_only_its_own_budget(werkboek):
    bladen = basis()
    bladen["Regios"].append({"regio": "B"})
    bladen["Potentieel"].append({"regio": "B", "doelgroep": "G", "jaar": 2026, "aantal": 100})
    bladen["Budgetten"] = [{"fonds": "P", "regio": r, "jaar": 2026, "bedrag": 10_000} for r in ("A", "B")]
    curve = budgetcurve(werkboek(bladen), "P", regio="B", van=0, tot=2, stappen=3)
    assert [p.budget for p in curve.punten] == [0, 10_000, 20_000]
    assert [p.gewogen_plaatsingen for p in curve.punten] == pytest.approx([5, 10, 15])  # A keeps its 5


def test_the_curve_sheet_reads_with_the_spec_columns_and_has_a_line_chart(voorbeeld_curve):
    curve, pad = voorbeeld_curve
    frame = pl.read_excel(pad, sheet_name="Curve")
    assert frame.columns == ["factor", "budget", "gewogen_plaatsingen", "plaatsingen", "marginaal_per_100k"]
    gewogen = [p.gewogen_plaatsingen for p in curve.punten]
    assert frame["gewogen_plaatsingen"].to_list() == pytest.approx(gewogen, rel=1e-15)  # Excel keeps 16 digits
    assert frame["factor"].to_list() == [0.99, 1.0, 1.01]
    zinnen = pl.read_excel(pad, sheet_name="Toelichting")["toelichting"].to_list()
    assert any("factor 1" in z and "gewogen plaatsingen op" in z for z in zinnen)
    with zipfile.ZipFile(pad) as archief:
        grafieken = [n for n in archief.namelist() if n.startswith("xl/charts/")]
        assert grafieken and "<c:lineChart>" in archief.read(grafieken[0]).decode()
    info = dict(pl.read_excel(pad, sheet_name="Info").iter_rows())
    assert info["fonds"] == "Participatiebudget" and info["regio"] == "alle"


def test_cli_curve_prints_the_table_and_refuses_bad_usage(werkboek, tmp_path):
    from budgetkoppeling.sjabloon import voorbeeld_rijen

    invoer = werkboek(voorbeeld_rijen())
    runner = CliRunner()
    uitslag = runner.invoke(main, ["vergelijk", str(invoer), "-o", str(tmp_path / "c.xlsx"), "--curve",
                                   "Participatiebudget", "--stappen", "3"])
    assert uitslag.exit_code == 0, uitslag.output
    assert "Budgetcurve Participatiebudget" in uitslag.output and (tmp_path / "c.xlsx").exists()
    for opties, code, woord in (
            (["--curve", "Onbekend"], 3, "--curve Onbekend: dit fonds staat niet in het blad Fondsen"),
            (["--curve", "Participatiebudegt"], 3, "bedoelt u 'Participatiebudget'?"),  # issue 27.13
            (["--curve", "Participatiebudget", "--van", "1.2", "--tot", "0.8"], 2, "--van"),
            (["--curve", "Participatiebudget", "--regio", "Nergens"], 3, "deze regio staat niet in het blad Regios"),
            (["--regio", "Voorbeeldregio"], 2, "--regio hoort bij --curve"),
            (["--curve", "Participatiebudget", "--scenario", "a", "--scenario", "b"], 2, "één scenario")):
        uitslag = runner.invoke(main, ["vergelijk", str(invoer), "-o", str(tmp_path / "x.xlsx"), *opties])
        assert uitslag.exit_code == code, (opties, uitslag.output)
        assert woord in uitslag.output and "Traceback" not in uitslag.output
    assert not (tmp_path / "x.xlsx").exists()


def test_a_landelijk_fund_has_no_region(werkboek):
    bladen = basis()
    bladen["Fondsen"].append({"fonds": "L", "soort": "sector", "landelijk": "ja"})
    bladen["Financieringsregels"].append({"fonds": "L"})
    bladen["Budgetten"] = [{"fonds": "L", "jaar": 2026, "bedrag": 5_000}]
    with pytest.raises(InvoerFout, match="landelijk"):
        budgetcurve(werkboek(bladen), "L", regio="A")
    curve = budgetcurve(werkboek(bladen), "L", van=1, tot=2, stappen=2)
    assert [p.gewogen_plaatsingen for p in curve.punten] == pytest.approx([2.5, 5])
