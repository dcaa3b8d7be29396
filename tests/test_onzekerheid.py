"""Issue 16, first step: the Onzekerheid sheet (SPEC §4) and its draws (SPEC §8)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import budgetkoppeling
from budgetkoppeling.errors import InvoerFout
from budgetkoppeling.onzekerheidsanalyse import kolommen, trekkingen
from budgetkoppeling.sjabloon import voorbeeld_rijen


def _met(*rijen: dict) -> dict:
    bladen = voorbeeld_rijen()
    leeg = {"fonds": None, "regio": None, "instrument": None, "doelgroep": None, "jaar": None, "verdeling": None,
            "samenhang": None}
    bladen["Onzekerheid"] = [{**leeg, **rij} for rij in rijen]
    return bladen


def test_the_templates_rows_are_read_with_their_defaults(werkboek):
    invoer = budgetkoppeling.valideer(werkboek(voorbeeld_rijen()))
    regels = {r.naam: r for r in invoer.onzekerheid}
    assert set(regels) == {"effect_jobcoaching", "esf_tranche_2027", "loonkosten"}
    assert regels["effect_jobcoaching"].filters == {"fonds": None, "regio": None, "instrument": "jobcoaching",
                                                    "doelgroep": None, "jaar": None}
    assert (regels["esf_tranche_2027"].laag, regels["esf_tranche_2027"].verdeling) == (0.5, "uniform")
    assert regels["loonkosten"].filters["jaar"] == "2027-2028" and regels["loonkosten"].samenhang == "per_regio"
    standaard = budgetkoppeling.valideer(werkboek(_met(
        {"naam": "x", "grootheid": "budget", "laag": "90%", "hoog": "1,1"}))).onzekerheid[0]
    assert (standaard.laag, standaard.hoog, standaard.verdeling, standaard.samenhang) == (
        pytest.approx(0.9), pytest.approx(1.1), "driehoek", "gedeeld")


@pytest.mark.parametrize("rij, kolom, woorden", [
    ({"naam": "a", "grootheid": "plaatsingskans", "laag": 1.2, "hoog": 1.5}, "laag", "1 of minder"),
    ({"naam": "a", "grootheid": "plaatsingskans", "laag": 0.5, "hoog": 0.9}, "hoog", "1 of meer"),
    ({"naam": "a", "grootheid": "plaatsingskans", "fonds": "ESF+", "laag": 0.5, "hoog": 1}, "fonds",
     "bij plaatsingskans gelden alleen de filters regio, instrument, doelgroep"),
    ({"naam": "a", "grootheid": "kosten", "doelgroep": "bijstand", "laag": 1, "hoog": 1.1}, "doelgroep",
     "bij kosten gelden alleen de filters regio, instrument, jaar"),
    ({"naam": "a", "grootheid": "budget", "instrument": "scholing", "laag": 0.8, "hoog": 1}, "instrument",
     "bij budget gelden alleen de filters fonds, regio, jaar"),
    ({"naam": "a", "grootheid": "budget", "fonds": "ESF", "laag": 0.8, "hoog": 1}, "fonds", "bedoelt u 'ESF+'"),
    ({"naam": "a", "grootheid": "budget", "jaar": "elk", "laag": 0.8, "hoog": 1}, "jaar", "alle zijn"),
    ({"naam": "a", "grootheid": "effect", "laag": 0.8, "hoog": 1}, "grootheid", "plaatsingskans"),
    ({"naam": "a", "grootheid": "budget", "laag": 0.8, "hoog": 1, "verdeling": "normaal"}, "verdeling", "driehoek"),
])
def test_a_wrong_row_is_refused_with_sheet_row_and_column(werkboek, rij, kolom, woorden):
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(_met(rij)))
    [probleem] = fout.value.problemen
    assert (probleem.blad, probleem.rij, probleem.kolom) == ("Onzekerheid", 2, kolom)
    assert woorden in probleem.tekst()


def test_a_name_is_unique(werkboek):
    rij = {"naam": "a", "grootheid": "budget", "laag": 0.8, "hoog": 1}
    with pytest.raises(InvoerFout) as fout:
        budgetkoppeling.valideer(werkboek(_met(rij, rij)))
    assert [(p.rij, p.kolom) for p in fout.value.problemen] == [(3, "naam")]


def test_draws_are_seeded_per_draw_and_do_not_depend_on_their_number(werkboek):
    invoer = budgetkoppeling.valideer(werkboek(voorbeeld_rijen()))
    vijftig, tweehonderd = trekkingen(invoer, 50), trekkingen(invoer, 200)
    assert tweehonderd.head(50).equals(vijftig)
    assert not trekkingen(invoer, 50, zaad=7).equals(vijftig)
    assert vijftig.columns == ["trekking", "effect_jobcoaching", "esf_tranche_2027", "loonkosten [Voorbeeldregio]"]
    assert vijftig["trekking"].to_list() == list(range(1, 51))


def test_draws_follow_their_distribution(werkboek):
    invoer = budgetkoppeling.valideer(werkboek(_met(
        {"naam": "driehoek", "grootheid": "plaatsingskans", "laag": 0.7, "hoog": 1.3},
        {"naam": "uniform", "grootheid": "budget", "laag": 0.5, "hoog": 1, "verdeling": "uniform"},
        {"naam": "zeker", "grootheid": "kosten", "laag": 1, "hoog": 1},
        {"naam": "regio", "grootheid": "kosten", "laag": 1, "hoog": 1.2, "samenhang": "per_regio"})))
    frame = trekkingen(invoer, 4000)
    driehoek, uniform = frame["driehoek"].to_numpy(), frame["uniform"].to_numpy()
    assert driehoek.min() >= 0.7 and driehoek.max() <= 1.3 and abs(np.median(driehoek) - 1) < 0.02
    assert abs(driehoek.mean() - 1.0) < 0.01  # (0.7 + 1 + 1.3) / 3
    assert uniform.min() >= 0.5 and uniform.max() <= 1 and abs(uniform.mean() - 0.75) < 0.01
    assert (frame["zeker"] == 1.0).all()
    regio = frame["regio [Voorbeeldregio]"].to_numpy()  # mode 1, mean (1 + 1 + 1.2) / 3
    assert regio.min() >= 1 and abs(regio.mean() - 3.2 / 3) < 0.01


def test_per_regio_has_a_factor_per_region_and_landelijk_for_a_national_fund(werkboek):
    bladen = _met({"naam": "b", "grootheid": "budget", "laag": 0.8, "hoog": 1, "samenhang": "per_regio"})
    bladen["Regios"].append({"regio": "Tweede", "centrumgemeente": "Tweestad"})
    bladen["Fondsen"].append({"fonds": "Rijk", "soort": "sector", "landelijk": "ja", "overheveling": 0})
    bladen["Financieringsregels"].append({"fonds": "Rijk", "instrument": "alle", "doelgroep": "alle",
                                          "max_aandeel": 1})
    bladen["Budgetten"].append({"fonds": "Rijk", "regio": None, "jaar": 2026, "bedrag": 100_000})
    invoer = budgetkoppeling.valideer(werkboek(bladen))
    assert [naam for _r, _g, naam in kolommen(invoer)] == ["b [Voorbeeldregio]", "b [Tweede]", "b [landelijk]"]
    frame = trekkingen(invoer, 30)
    assert frame["b [Voorbeeldregio]"].to_list() != frame["b [Tweede]"].to_list()  # independent per region


def _herberekend(model):
    from budgetkoppeling.solve import OPTIMAAL, Herberekening

    uitkomst = Herberekening(model, "highs").herbereken()
    assert uitkomst.status == OPTIMAAL
    return float(model.plaatsingsdoel @ uitkomst.waarden), uitkomst.waarden


def test_a_draw_on_the_model_equals_the_input_changed_by_hand(werkboek):
    """Chances, costs and budgets of one draw on the arrays (onzekerheid.bij_trekking) give the optimum of
    the input changed the plain way: effects, tariffs and budgets multiplied, then built anew."""
    import dataclasses

    from budgetkoppeling.model import bouw
    from budgetkoppeling.onzekerheidsanalyse import bij_trekking, trekking
    from budgetkoppeling.solve import los_op

    invoer = budgetkoppeling.valideer(werkboek(_met(
        {"naam": "kans", "grootheid": "plaatsingskans", "instrument": "jobcoaching", "laag": 0.5, "hoog": 2.5},
        {"naam": "kosten", "grootheid": "kosten", "instrument": "scholing", "laag": 0.8, "hoog": 1.3},
        {"naam": "budget", "grootheid": "budget", "fonds": "Participatiebudget", "laag": 0.8, "hoog": 1.2})))
    basis = bouw(invoer)
    for nummer in range(1, 6):
        kans, kosten, budget = trekking(invoer, 2026, nummer)
        hand = dataclasses.replace(
            invoer,
            effecten={(i, g): min(1.0, p * kans) if i == "jobcoaching" else p for (i, g), p in invoer.effecten.items()},
            instrumenten={n: dataclasses.replace(i, kosten=i.kosten * kosten) if n == "scholing" else i
                          for n, i in invoer.instrumenten.items()},
            budget={k: b * budget if k[0] == "Participatiebudget" else b for k, b in invoer.budget.items()})
        verwacht = los_op(bouw(hand), "highs").doelwaarde
        assert _herberekend(bij_trekking(basis, [kans, kosten, budget]))[0] == pytest.approx(verwacht, rel=1e-9)


def test_the_optimum_per_draw_beats_the_base_plan_under_that_draw(werkboek):
    """With only chances uncertain the base plan stays feasible, so on every draw the draw's own optimum
    is at least the base plan's weighted placements under it (the value of better evidence >= 0); with
    laag = hoog = 1 both equal the base."""
    from budgetkoppeling.model import bouw
    from budgetkoppeling.onzekerheidsanalyse import bij_trekking, gewogen_onder_trekking, trekking

    invoer = budgetkoppeling.valideer(werkboek(_met(
        {"naam": "kans", "grootheid": "plaatsingskans", "laag": 0.6, "hoog": 1.4, "samenhang": "per_regio"},
        {"naam": "scholing", "grootheid": "plaatsingskans", "instrument": "scholing", "laag": 0.3,
         "hoog": 1.5})))
    model = bouw(invoer)
    basis, waarden = _herberekend(model)
    winst = []
    for nummer in range(1, 21):
        draw = trekking(invoer, 2026, nummer)
        onder_trekking = gewogen_onder_trekking(model, waarden, draw)
        optimum, _ = _herberekend(bij_trekking(model, draw))
        assert optimum >= onder_trekking - 1e-6
        winst.append(optimum - onder_trekking)
    assert np.mean(winst) > 0  # better evidence is worth something here
    zeker = [1.0, 1.0]
    assert gewogen_onder_trekking(model, waarden, zeker) == pytest.approx(basis, rel=1e-12)
    assert _herberekend(bij_trekking(model, zeker))[0] == pytest.approx(basis, rel=1e-9)


# ----------------------------------------------------------------------------- the analysis (SPEC §8)


def _klein(**opties) -> dict:
    """Two instruments for one group: I (chance 0.5) is certain, J (chance 0.6) uncertain; EUR 100,000
    pays 100 participants of either, and the potential is 100."""
    from .conftest import twee_instrumenten

    bladen = twee_instrumenten(kans_j=0.6, budget=100_000)
    leeg = {"fonds": None, "regio": None, "instrument": None, "doelgroep": None, "jaar": None, "verdeling": None,
            "samenhang": None}
    bladen["Onzekerheid"] = [{**leeg, **rij} for rij in opties.get("rijen", [
        {"naam": "effect J", "grootheid": "plaatsingskans", "instrument": "J", "laag": 0.5, "hoog": 1.5,
         "verdeling": "uniform"}])]
    return bladen


def _landelijk_voorbeeld() -> dict:
    """The sheets of the national example, made from its parameter library as scripts/maak_voorbeeld.py does."""
    import importlib.util
    import tomllib
    from pathlib import Path

    map_ = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("maak_voorbeeld", map_ / "scripts" / "maak_voorbeeld.py")
    maak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maak)
    with open(maak.PARAMETERS, "rb") as bestand:
        return maak.bladen(tomllib.load(bestand))


@pytest.mark.parametrize("bron, aantal", [(voorbeeld_rijen, 12), (_landelijk_voorbeeld, 4)],
                         ids=["sjabloon", "landelijk voorbeeld"])
def test_without_uncertainty_every_band_is_the_base_plan_and_the_robust_plan_equals_it(werkboek, bron, aantal):
    """laag = hoog = 1 on every row (the template's example and the national example): every band is
    the base plan's value, no shortfall, no value of better evidence, and the robust plan's objective
    (its CVaR) equals the base plan's objective."""
    from budgetkoppeling.onzekerheidsanalyse import analyseer
    from budgetkoppeling.rapport.onzekerheid import samenvatting

    bladen = bron()
    assert bladen["Onzekerheid"]
    for rij in bladen["Onzekerheid"]:
        rij["laag"] = rij["hoog"] = 1
    analyse = analyseer(werkboek(bladen), trekkingen_=aantal, werkers=1)
    basis = analyse.basis
    assert analyse.robuust.oplossing.doelwaarde == pytest.approx(basis.oplossing.doelwaarde, rel=1e-9)
    for rij in samenvatting(analyse).iter_rows(named=True):
        waarden = [rij[b] for b in ("gemiddelde", "p5", "p10", "p50", "p90", "p95") if rij[b] is not None]
        verwacht = {"plaatsingen": basis.plaatsingen_bij_invoer, "gewogen_plaatsingen": basis.gewogen_bij_invoer,
                    "gewogen_slechtste": basis.gewogen_bij_invoer, "tekort": 0.0, "kans_betaalbaar": 1.0,
                    "waarde_betere_kennis": 0.0, "waarde_betere_kennis_effecten": 0.0}[rij["kpi"]]
        if rij["plan"] == "robuust" and rij["kpi"] in ("plaatsingen",):
            verwacht = analyse.robuust.plaatsingen_bij_invoer
        assert waarden == pytest.approx([verwacht] * len(waarden), rel=1e-9, abs=1e-6), rij


def test_the_robust_plan_is_the_best_cvar_found_by_brute_force(werkboek):
    """Hand case: any split of the 100 participants over I (0.5, certain) and J (0.6 x factor) gives
    P_d = 100 (0.5 (1 - a) + 0.6 f_d a). The base plan puts everyone in J (0.6 > 0.5). The robust
    plan's CVaR of the worst 10% equals the best over a grid of splits, computed from the draws by hand."""
    from budgetkoppeling.onzekerheidsanalyse import analyseer

    analyse = analyseer(werkboek(_klein()), trekkingen_=60, werkers=1)
    f = analyse.trekkingen["effect J"].to_numpy()

    def cvar(a: float) -> float:
        waarden = np.sort(100 * (0.5 * (1 - a) + 0.6 * f * a))
        return waarden[:6].mean()  # the worst 10% of 60 draws: 6 draws

    beste = max(cvar(a) for a in np.linspace(0, 1, 1001))
    assert analyse.robuust.oplossing.doelwaarde == pytest.approx(beste, rel=1e-9)
    assert analyse.cvar(analyse.robuust.gewogen) == pytest.approx(beste, rel=1e-9)
    assert analyse.basis.oplossing.x[("A", "J", "G", 2026, 1)] == pytest.approx(100)
    assert analyse.cvar(analyse.robuust.gewogen) >= analyse.cvar(analyse.basis.gewogen)
    # the optimum per draw knows f: J where 0.6 f > 0.5, else I; better evidence is worth that
    optimum = 100 * np.maximum(0.5, 0.6 * f)
    assert analyse.optimum == pytest.approx(optimum, rel=1e-9)
    assert analyse.waarde_betere_kennis == pytest.approx(np.mean(optimum - 60 * f), rel=1e-9)
    # only chances drawn: knowing every drawn value is knowing the chances
    assert analyse.optimum_effecten == pytest.approx(optimum, rel=1e-9)
    assert analyse.waarde_betere_kennis_effecten == pytest.approx(analyse.waarde_betere_kennis, rel=1e-12)


def test_the_shortfall_is_the_plan_at_drawn_costs_and_budgets(werkboek):
    """The base plan spends the whole EUR 100,000; with costs x c and the budget x b it falls short by
    max(0, 100,000 (c - b)) per draw, and it can be paid exactly in the draws where c <= b."""
    from budgetkoppeling.onzekerheidsanalyse import analyseer

    analyse = analyseer(werkboek(_klein(rijen=[
        {"naam": "kosten", "grootheid": "kosten", "laag": 0.9, "hoog": 1.2},
        {"naam": "budget", "grootheid": "budget", "fonds": "P", "laag": 0.8, "hoog": 1.1, "verdeling": "uniform"}])),
        trekkingen_=40, werkers=1)
    c, b = analyse.trekkingen["kosten"].to_numpy(), analyse.trekkingen["budget"].to_numpy()
    verwacht = np.maximum(0.0, 100_000 * (c - b))
    assert analyse.basis.tekort == pytest.approx(verwacht, rel=1e-9, abs=1e-6)
    assert np.mean(analyse.basis.tekort < 0.5) == np.mean(c <= b)
    assert np.all(~np.isnan(analyse.optimum))
    # the optimum with every parameter as drawn (SPEC §8) pays the drawn costs from the drawn budget: it
    # places min(100, 100 b / c) in J, 60 min(1, b / c) weighted; the base plan counts its 60 regardless
    assert analyse.optimum == pytest.approx(60 * np.minimum(1.0, b / c), rel=1e-9)
    assert analyse.waarde_betere_kennis == pytest.approx(np.mean(60 * np.minimum(1.0, b / c) - 60), rel=1e-9)
    assert analyse.waarde_betere_kennis < 0  # it loses exactly in the draws the base plan cannot pay
    assert np.flatnonzero(analyse.winst < -1e-9).tolist() == np.flatnonzero(c > b).tolist()
    # the chances are certain: knowing them is worth nothing
    assert analyse.optimum_effecten == pytest.approx(analyse.basis.gewogen, rel=1e-12)
    assert analyse.waarde_betere_kennis_effecten == pytest.approx(0.0, abs=1e-9)
    from budgetkoppeling.rapport.onzekerheid import toelichting
    from budgetkoppeling.tekst import getal

    tekst = " ".join(toelichting(analyse))
    assert "Betere kennis over de plaatsingskansen is gemiddeld 0 gewogen plaatsingen waard" in tekst
    assert (f"gemiddeld {getal(abs(round(analyse.waarde_betere_kennis)))} gewogen plaatsingen minder dan het "
            f"basisplan (waarde_betere_kennis); in {int(np.sum(c > b))} trekkingen haalt het minder: daar is het "
            "basisplan bij de getrokken kosten en budgetten niet binnen de budgetten en regels te betalen") in tekst


def _controleer_werkboek(pad, analyse):
    import polars as pl

    samen = pl.read_excel(pad, sheet_name="Samenvatting")
    assert samen.columns == ["kpi", "plan", "gemiddelde", "p5", "p10", "p50", "p90", "p95", "eenheid"]
    assert {"plaatsingen", "gewogen_plaatsingen", "tekort", "kans_betaalbaar", "waarde_betere_kennis",
            "waarde_betere_kennis_effecten"} <= set(
        samen["kpi"])
    trek = pl.read_excel(pad, sheet_name="Trekkingen")
    assert trek.height == analyse.aantal
    assert trek.columns[-6:] == ["gewogen_basis", "gewogen_robuust", "gewogen_optimum", "tekort_basis",
                                 "tekort_robuust", "gewogen_optimum_effecten"]
    assert trek["gewogen_optimum"].to_numpy() == pytest.approx(analyse.optimum, rel=1e-15)
    assert trek["gewogen_optimum_effecten"].to_numpy() == pytest.approx(analyse.optimum_effecten, rel=1e-15)
    assert pl.read_excel(pad, sheet_name="Gevoeligheid").columns[:4] == ["naam", "gewogen_bij_laag",
                                                                         "gewogen_bij_hoog", "correlatie"]
    info = dict(pl.read_excel(pad, sheet_name="Info").iter_rows())
    assert (info["zaad"], info["trekkingen"]) == (str(analyse.zaad), str(analyse.aantal))
    for blad in ("Per_jaar", "Allocatie_basis", "Allocatie_robuust"):
        assert pl.read_excel(pad, sheet_name=blad).height > 0


def test_serial_local_pool_and_dask_cluster_write_byte_identical_workbooks(werkboek, tmp_path):
    """Equal input, seed and draws: the same bytes serially, on two local processes and on a real
    dask LocalCluster (chunks of 25 draws: 40 draws travel as two chunks)."""
    import datetime

    from distributed import LocalCluster


    invoer = werkboek(_met(
        {"naam": "kans", "grootheid": "plaatsingskans", "laag": 0.6, "hoog": 1.4, "samenhang": "per_regio"},
        {"naam": "scholing", "grootheid": "plaatsingskans", "instrument": "scholing", "laag": 0.3, "hoog": 1.5},
        {"naam": "kosten", "grootheid": "kosten", "laag": 0.95, "hoog": 1.1},
        {"naam": "budget", "grootheid": "budget", "laag": 0.8, "hoog": 1.05}))
    dag = datetime.date(2026, 12, 3)
    paden = {soort: tmp_path / f"{soort}.xlsx" for soort in ("serieel", "lokaal", "dask")}
    serieel = budgetkoppeling.onzekerheid(invoer, paden["serieel"], trekkingen=40, werkers=1, datum=dag)
    budgetkoppeling.onzekerheid(invoer, paden["lokaal"], trekkingen=40, werkers=2, datum=dag)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        op_cluster = budgetkoppeling.onzekerheid(invoer, paden["dask"], trekkingen=40,
                                                 cluster=cluster.scheduler_address, datum=dag)
        # vergelijk --cluster sends its scenarios through the same executor
        budgetkoppeling.vergelijk(invoer, tmp_path / "v_dask.xlsx", datum=dag, cluster=cluster.scheduler_address)
    budgetkoppeling.vergelijk(invoer, tmp_path / "v_serieel.xlsx", datum=dag, parallel=False)
    assert (tmp_path / "v_dask.xlsx").read_bytes() == (tmp_path / "v_serieel.xlsx").read_bytes()
    assert op_cluster.werkers.startswith("Dask-cluster tcp://127.0.0.1")
    assert paden["lokaal"].read_bytes() == paden["serieel"].read_bytes()
    assert paden["dask"].read_bytes() == paden["serieel"].read_bytes()
    _controleer_werkboek(paden["serieel"], serieel)
    assert serieel.controles == 2  # draws 20 and 40 were solved cold as well


def test_on_the_national_example_a_dask_cluster_writes_the_bytes_of_a_serial_run(tmp_path):
    """Issue 27.21: Dask's workers run BLAS on one thread, this process on two; numpy's ``@`` then
    differed in the last bits (30 of 700 cells of Trekkingen with 50 draws; with these 20 draws the bytes
    differed too). Every sum of products is numpy's own pairwise sum now (model.som_product)."""
    import datetime

    from distributed import LocalCluster


    dag = datetime.date(2026, 12, 3)
    budgetkoppeling.onzekerheid(budgetkoppeling.VOORBEELD, tmp_path / "serieel.xlsx", trekkingen=20, werkers=1,
                                datum=dag)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        budgetkoppeling.onzekerheid(budgetkoppeling.VOORBEELD, tmp_path / "dask.xlsx", trekkingen=20,
                                    cluster=cluster.scheduler_address, datum=dag)
    assert (tmp_path / "dask.xlsx").read_bytes() == (tmp_path / "serieel.xlsx").read_bytes()


def _certificaten(map_) -> dict[str, str]:
    """A CA and one certificate it signs for 127.0.0.1 (scheduler, workers and client alike)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    nu = datetime.datetime.now(datetime.UTC)

    def naam(tekst):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, tekst)])

    ca_sleutel = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(naam("test-CA")).issuer_name(naam("test-CA"))
          .public_key(ca_sleutel.public_key()).serial_number(1).not_valid_before(nu)
          .not_valid_after(nu + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_sleutel, hashes.SHA256()))
    sleutel = ec.generate_private_key(ec.SECP256R1())
    eigen = (x509.CertificateBuilder().subject_name(naam("127.0.0.1")).issuer_name(ca.subject)
             .public_key(sleutel.public_key()).serial_number(2).not_valid_before(nu)
             .not_valid_after(nu + datetime.timedelta(days=1))
             .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                         x509.DNSName("localhost")]), critical=False)
             .sign(ca_sleutel, hashes.SHA256()))
    paden = {"ca": map_ / "ca.pem", "cert": map_ / "cert.pem", "key": map_ / "key.pem"}
    paden["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paden["cert"].write_bytes(eigen.public_bytes(serialization.Encoding.PEM))
    paden["key"].write_bytes(sleutel.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
    return {k: str(v) for k, v in paden.items()}


def test_a_tls_cluster_is_reached_with_certificates_and_refused_without(werkboek, tmp_path, monkeypatch):
    """A LocalCluster that speaks only TLS: the CLI reaches it with --tls-ca/--tls-cert/--tls-key (or the
    environment variables) and writes the same workbook as serially; a plain tcp:// client is refused."""
    import datetime

    from click.testing import CliRunner
    from distributed import LocalCluster
    from distributed.security import Security

    from budgetkoppeling.cli import main

    bestanden = _certificaten(tmp_path)
    beveiliging = Security(tls_ca_file=bestanden["ca"], tls_scheduler_cert=bestanden["cert"],
                           tls_scheduler_key=bestanden["key"], tls_worker_cert=bestanden["cert"],
                           tls_worker_key=bestanden["key"], tls_client_cert=bestanden["cert"],
                           tls_client_key=bestanden["key"], require_encryption=True)
    invoer = werkboek(_klein())
    budgetkoppeling.onzekerheid(invoer, tmp_path / "serieel.xlsx", trekkingen=30, werkers=1,
                                datum=datetime.date(2026, 12, 3))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", protocol="tls",
                      security=beveiliging, dashboard_address=None) as cluster:
        adres = cluster.scheduler_address
        assert adres.startswith("tls://")
        uit = tmp_path / "tls.xlsx"
        resultaat = CliRunner().invoke(main, ["onzekerheid", str(invoer), "-o", str(uit), "--trekkingen", "30",
                                              "--datum", "2026-12-03", "--stil", "--cluster", adres,
                                              "--tls-ca", bestanden["ca"], "--tls-cert", bestanden["cert"],
                                              "--tls-key", bestanden["key"]])
        assert resultaat.exit_code == 0, resultaat.output
        assert uit.read_bytes() == (tmp_path / "serieel.xlsx").read_bytes()
        monkeypatch.setenv("BUDGETKOPPELING_TLS_CA", bestanden["ca"])
        monkeypatch.setenv("BUDGETKOPPELING_TLS_CERT", bestanden["cert"])
        monkeypatch.setenv("BUDGETKOPPELING_TLS_KEY", bestanden["key"])
        via_omgeving = tmp_path / "omgeving.xlsx"
        resultaat = CliRunner().invoke(main, ["onzekerheid", str(invoer), "-o", str(via_omgeving), "--trekkingen",
                                              "30", "--datum", "2026-12-03", "--stil", "--cluster", adres])
        assert resultaat.exit_code == 0, resultaat.output
        assert via_omgeving.read_bytes() == uit.read_bytes()
        for naam in ("BUDGETKOPPELING_TLS_CA", "BUDGETKOPPELING_TLS_CERT", "BUDGETKOPPELING_TLS_KEY"):
            monkeypatch.delenv(naam)
        zonder = CliRunner().invoke(main, ["onzekerheid", str(invoer), "-o", str(tmp_path / "zonder.xlsx"),
                                           "--trekkingen", "30", "--stil", "--cluster",
                                           adres.replace("tls://", "tcp://")])
        assert zonder.exit_code == 1 and "Traceback" not in zonder.output
        assert "antwoordt geen Dask-scheduler" in zonder.output and "tls://" in zonder.output
        assert not (tmp_path / "zonder.xlsx").exists()


def test_an_unreachable_cluster_is_a_dutch_message_and_exit_1_not_a_hang(werkboek, tmp_path, monkeypatch):
    import socket
    import time

    from click.testing import CliRunner

    from budgetkoppeling import werkers
    from budgetkoppeling.cli import main

    monkeypatch.setattr(werkers, "VERBIND_SECONDEN", 2)
    with socket.socket() as vrij:  # a port nobody listens on
        vrij.bind(("127.0.0.1", 0))
        poort = vrij.getsockname()[1]
    invoer = werkboek(_klein())
    begin = time.perf_counter()
    resultaat = CliRunner().invoke(main, ["onzekerheid", str(invoer), "-o", str(tmp_path / "u.xlsx"), "--json",
                                          "--cluster", f"tcp://127.0.0.1:{poort}"])
    assert time.perf_counter() - begin < 30
    assert resultaat.exit_code == 1
    assert json.loads(resultaat.stdout)["status"] == "fout"
    assert "Geen verbinding met de Dask-scheduler" in resultaat.stderr and "Traceback" not in resultaat.output
    zonder_schema = CliRunner().invoke(main, ["onzekerheid", str(invoer), "--cluster", "10.0.0.5:8786"])
    assert zonder_schema.exit_code == 1 and "bedoelt u tcp://10.0.0.5:8786" in zonder_schema.output


@pytest.mark.parametrize("adres, woorden", [
    ("http://127.0.0.1:8786", "niet over http://"),
    ("ucx://127.0.0.1:8786", "niet over ucx://"),
    ("tcp://127.0.0.1:abc", "mist een geldige poort"),
    ("tcp://127.0.0.1", "mist een geldige poort"),
    ("tls://127.0.0.1:8786", "zijn certificaten nodig"),
])
def test_a_wrong_cluster_address_is_one_dutch_message_at_once(werkboek, tmp_path, adres, woorden):
    """Issue 27.20: these gave the Dutch message and then, 20 s later, an English Client.__del__
    traceback (pytest turns such an unraisable exception into a failure here)."""
    import gc
    import time

    from click.testing import CliRunner

    from budgetkoppeling.cli import main

    begin = time.perf_counter()
    resultaat = CliRunner().invoke(main, ["onzekerheid", str(werkboek(_klein())), "-o", str(tmp_path / "u.xlsx"),
                                          "--stil", "--cluster", adres])
    gc.collect()
    assert time.perf_counter() - begin < 10
    assert resultaat.exit_code == 1 and woorden in resultaat.output, resultaat.output
    assert "Traceback" not in resultaat.output and not (tmp_path / "u.xlsx").exists()


def test_a_port_that_does_not_speak_dask_and_a_cluster_without_workers_end_with_a_message(werkboek, tmp_path,
                                                                                        monkeypatch):
    """Issue 27.20: a port that accepts but stays silent hung past 600 s; a cluster whose workers are
    all gone waited for ever."""
    import socket
    import threading
    import time

    from click.testing import CliRunner
    from distributed import LocalCluster

    from budgetkoppeling import werkers
    from budgetkoppeling.cli import main

    monkeypatch.setattr(werkers, "VERBIND_SECONDEN", 2)
    monkeypatch.setattr(werkers, "ZONDER_WERKERS_SECONDEN", 3)
    invoer = werkboek(_klein())
    with socket.socket() as stil:
        stil.bind(("127.0.0.1", 0))
        stil.listen()
        verbonden = []
        threading.Thread(target=lambda: verbonden.append(stil.accept()), daemon=True).start()
        begin = time.perf_counter()
        resultaat = CliRunner().invoke(main, ["onzekerheid", str(invoer), "--stil", "--cluster",
                                              f"tcp://127.0.0.1:{stil.getsockname()[1]}"])
        assert time.perf_counter() - begin < 15
        assert resultaat.exit_code == 1 and "spreekt geen Dask" in resultaat.output, resultaat.output
    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        begin = time.perf_counter()
        resultaat = CliRunner().invoke(main, ["onzekerheid", str(invoer), "-o", str(tmp_path / "u.xlsx"), "--stil",
                                              "--cluster", cluster.scheduler_address])
        assert time.perf_counter() - begin < 30
    assert resultaat.exit_code == 1 and "geen werkers" in resultaat.output, resultaat.output
    assert "Traceback" not in resultaat.output and not (tmp_path / "u.xlsx").exists()


def test_the_command_prints_json_rows_and_refuses_input_without_the_sheet(werkboek, tmp_path):
    from click.testing import CliRunner

    from budgetkoppeling.cli import main

    invoer = werkboek(_klein())
    resultaat = CliRunner().invoke(main, ["onzekerheid", str(invoer), "-o", str(tmp_path / "o.xlsx"), "--json",
                                          "--trekkingen", "20"])
    assert resultaat.exit_code == 0, resultaat.output
    gegevens = json.loads(resultaat.stdout)
    assert [r["kpi"] for r in gegevens["samenvatting"]].count("waarde_betere_kennis") == 1
    assert gegevens["toelichting"][0].startswith("In 90% van de 20 trekkingen levert het plan tussen")
    zonder = _klein()
    del zonder["Onzekerheid"]
    resultaat = CliRunner().invoke(main, ["onzekerheid", str(werkboek(zonder)), "-o", str(tmp_path / "z.xlsx")])
    assert resultaat.exit_code == 3 and "Onzekerheid" in resultaat.output and "Traceback" not in resultaat.output
    assert not (tmp_path / "z.xlsx").exists()


def test_chunks_hold_every_draw_once_nearest_first_and_do_not_depend_on_the_machine(werkboek):
    from budgetkoppeling.onzekerheidsanalyse import BLOK, blokken

    invoer = budgetkoppeling.valideer(werkboek(voorbeeld_rijen()))
    frame = trekkingen(invoer, 120)
    delen = blokken(frame)
    assert sorted(n for deel in delen for n in deel) == list(range(1, 121))
    assert [len(deel) for deel in delen] == [BLOK] * 4 + [120 - 4 * BLOK]
    assert delen == blokken(trekkingen(invoer, 120))
    punten = frame.drop("trekking").to_numpy()
    volgorde = [n - 1 for deel in delen for n in deel]
    stap = np.linalg.norm(np.diff(punten[volgorde], axis=0), axis=1).mean()
    assert stap < np.linalg.norm(np.diff(punten, axis=0), axis=1).mean()  # closer than in number order


def test_spearman_with_ties_equals_scipys():
    from scipy.stats import spearmanr

    from budgetkoppeling.onzekerheidsanalyse import _spearman

    rng = np.random.default_rng(7)
    for _ in range(100):
        a = rng.integers(0, 5, 40).astype(float)  # many ties
        b = a + rng.normal(0, 2, 40)
        assert _spearman(a, b) == pytest.approx(spearmanr(a, b).statistic, abs=1e-12)
    assert _spearman(np.ones(10), np.arange(10.0)) is None


# ----------------------------------------------------------------------------- random workbooks

def _robuust_plan_is_geldig(analyse, invoer, map_) -> None:
    """The robust plan, written as a plan workbook, passes the independent checker at the input values,
    and its Allocatie is the uncertainty workbook's Allocatie_robuust (in ``map_``/onzekerheid.xlsx)."""
    import dataclasses

    import polars as pl

    from budgetkoppeling.rapport import Plan, schrijf_plan

    from .checker import controleer

    # the robust LP's own objective is the CVaR; as a plan its gewogen_plaatsingen are those at the input
    plan = Plan(dataclasses.replace(analyse.robuust.oplossing, doelwaarde=analyse.robuust.gewogen_bij_invoer), invoer)
    schrijf_plan(plan, map_ / "robuust.xlsx", invoerpad=invoer)
    assert controleer(invoer, map_ / "robuust.xlsx") == []
    geschreven = pl.read_excel(map_ / "onzekerheid.xlsx", sheet_name="Allocatie_robuust")
    eigen = pl.read_excel(map_ / "robuust.xlsx", sheet_name="Allocatie")
    assert geschreven.select(eigen.columns).equals(eigen)


def _met_onzekerheid(bladen: dict, rijen: list[dict]) -> dict:
    leeg = {"fonds": None, "regio": None, "instrument": None, "doelgroep": None, "jaar": None, "verdeling": None,
            "samenhang": None}
    return {**bladen, "Onzekerheid": [{**leeg, **rij} for rij in rijen]}


def test_on_random_workbooks_the_optimum_beats_both_plans_and_the_robust_plan_is_a_valid_plan():
    """SPEC §8 on random workbooks (the generator of test_eigenschappen) with only chances uncertain:
    on every draw the draw's optimum is at least both plans (1e-6) and neither plan is short; the robust
    plan's CVaR is at least the base plan's; and the robust plan, written as a plan workbook, passes the
    independent checker at the input values, with the same allocation as the sheet Allocatie_robuust."""
    import tempfile
    from pathlib import Path

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from budgetkoppeling.io import schrijf_invoer

    from .test_eigenschappen import werkboeken

    @settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(bladen=werkboeken(), data=st.data())
    def eigenschap(bladen, data):
        instrumenten = sorted({r["instrument"] for r in bladen["Effecten"]})
        rijen = [{"naam": f"kans {n}", "grootheid": "plaatsingskans",
                  "instrument": data.draw(st.sampled_from([None, *instrumenten])),
                  "laag": data.draw(st.sampled_from([0.5, 0.8, 1.0])), "hoog": data.draw(st.sampled_from([1.0, 1.3])),
                  "samenhang": data.draw(st.sampled_from([None, "per_regio"]))}
                 for n in range(data.draw(st.integers(1, 2)))]
        with tempfile.TemporaryDirectory() as tijdelijk:
            map_ = Path(tijdelijk)
            invoer = map_ / "invoer.xlsx"
            schrijf_invoer(invoer, _met_onzekerheid(bladen, rijen))
            analyse = budgetkoppeling.onzekerheid(invoer, map_ / "onzekerheid.xlsx", trekkingen=20, werkers=1)
            assert np.array_equal(analyse.optimum, analyse.optimum_effecten)  # only chances drawn: one LP
            geldig = ~np.isnan(analyse.optimum)
            assert geldig.all()  # the base plan fits every draw of the chances, so every draw has a plan
            assert np.all(analyse.optimum >= analyse.basis.gewogen - 1e-6 * np.maximum(1, analyse.optimum))
            assert np.all(analyse.optimum >= analyse.robuust.gewogen - 1e-6 * np.maximum(1, analyse.optimum))
            assert np.all(analyse.basis.tekort == 0) and np.all(analyse.robuust.tekort == 0)
            assert analyse.cvar(analyse.robuust.gewogen) >= analyse.cvar(analyse.basis.gewogen) - 1e-6
            _robuust_plan_is_geldig(analyse, invoer, map_)

    eigenschap()


# ----------------------------------------------------------------------------- the national example


def test_on_the_national_example_the_optima_bound_both_plans_and_the_robust_plan_is_valid(tmp_path):
    """The bundled example with its own Onzekerheid sheet (effects, the ESF+ tranche, wage-driven costs),
    20 draws: the optimum for the drawn chances is at least both plans on every draw; SPEC §8's optimum
    with every parameter as drawn falls below the base plan only where the base plan cannot be paid;
    the robust plan's CVaR is at least the base plan's; the robust plan passes the independent checker;
    and the workbook holds what SPEC §6 names."""

    invoer = budgetkoppeling.VOORBEELD
    analyse = budgetkoppeling.onzekerheid(invoer, tmp_path / "onzekerheid.xlsx", trekkingen=20, werkers=1)
    effecten, alles = analyse.optimum_effecten, analyse.optimum
    assert not np.isnan(effecten).any() and not np.isnan(alles).any()
    for plan in (analyse.basis, analyse.robuust):
        assert np.all(effecten >= plan.gewogen - 1e-6 * effecten)
    onder = alles < analyse.basis.gewogen - 1e-6 * alles
    assert onder.any()  # wages above the indexation: the base plan overspends the Participatiebudget
    assert np.all(analyse.basis.tekort[onder] > 0.5)
    assert analyse.waarde_betere_kennis_effecten > 0
    assert analyse.cvar(analyse.robuust.gewogen) >= analyse.cvar(analyse.basis.gewogen) - 1e-6
    _controleer_werkboek(tmp_path / "onzekerheid.xlsx", analyse)
    _robuust_plan_is_geldig(analyse, invoer, tmp_path)
