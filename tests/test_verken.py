"""The what-if page (SPEC §10) through its HTTP interface: the token, the state in the URL, the
plan of a state against ``optimaliseer`` for the same rows as a scenario, the copy that "Bewaar
als scenario" writes, the downloaded plan, the diagnosis, and bad states. The page in a real
browser: tests/test_verken_browser.py."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from starlette.testclient import TestClient

from budgetkoppeling import vergelijk
from budgetkoppeling.verkenner import MAX_RIJEN, Verkenner, app, lees_rijen

ADRES = "http://127.0.0.1"


@pytest.fixture(scope="module")
def sjabloon(sjabloonwerkboek) -> Path:
    return sjabloonwerkboek


@pytest.fixture(scope="module")
def verkenner(sjabloon):
    v = Verkenner(sjabloon)
    yield v
    v.sluit()


@pytest.fixture(scope="module")
def klant(verkenner):
    with TestClient(app(verkenner), base_url=ADRES) as k:
        yield k


def vraag(klant, verkenner, pad: str, rijen: list[dict] | None = None, **params):
    query = {"token": verkenner.token, **params}
    if rijen is not None:
        query["rijen"] = json.dumps(rijen)
    return klant.get(pad, params=query)


def zonder_tijd(antwoord: dict) -> dict:
    """The summary without what names the run (its file, time and scenario's name), one level deep."""
    plat = {}
    for sleutel, waarde in antwoord.items():
        if sleutel in ("uitvoer", "looptijd_seconden", "fasen", "scenario"):
            continue
        if isinstance(waarde, dict):
            plat.update({f"{sleutel}.{k}": v for k, v in waarde.items()})
        else:
            plat[sleutel] = waarde
    return plat


def is_wat_optimaliseer_geeft(pagina: dict, invoer: Path, rijen: list[dict], tmp_path: Path) -> None:
    """The page's summary ``pagina`` for ``rijen`` is what ``optimaliseer --json`` gives for a copy of ``invoer``
    with those rows as a scenario (everything but what names the run)."""
    from budgetkoppeling.scenariokopie import bewaar_scenario

    kopie = tmp_path / "invoer.xlsx"
    kopie.write_bytes(invoer.read_bytes())
    met_scenario = bewaar_scenario(kopie, "proef", rijen, "proef")
    cli = subprocess.run([sys.executable, "-m", "budgetkoppeling", "optimaliseer", str(met_scenario), "--scenario",
                          "proef", "-o", str(tmp_path / "plan.xlsx"), "--json"], capture_output=True, text=True,
                         check=True)
    verwacht, gekregen = zonder_tijd(json.loads(cli.stdout)), zonder_tijd(pagina)
    assert gekregen.keys() == verwacht.keys()
    for sleutel, waarde in verwacht.items():
        assert gekregen[sleutel] == (pytest.approx(waarde, rel=1e-9, abs=0.005) if isinstance(waarde, float)
                                     else waarde), sleutel


def test_a_request_without_the_right_token_or_from_another_host_gets_403(klant, verkenner):
    assert klant.get("/").status_code == 403
    assert klant.get("/", params={"token": "fout"}).status_code == 403
    assert klant.get("/api/plan").json()["fout"].startswith("Geen toegang")
    assert klant.get("/statisch/verken.js").status_code == 403
    assert vraag(klant, verkenner, "/").status_code == 200
    with TestClient(app(verkenner), base_url="http://aanvaller.example") as ander:
        assert ander.get("/", params={"token": verkenner.token}).status_code == 403


def test_what_binds_names_the_dearest_budget_with_its_price_and_range(verkenner):
    from budgetkoppeling.tekst import euro
    from budgetkoppeling.verkenner import bindend

    lijst = bindend(verkenner.geopend)
    prijzen = verkenner.geopend.schaduwprijzen.sort("extra_plaatsingen_per_100k", descending=True)
    hoogste = prijzen.row(0, named=True)
    assert lijst and lijst[0]["titel"].startswith(hoogste["fonds"])
    assert "Elke € 100.000 extra" in lijst[0]["zin"]
    assert f"{hoogste['extra_plaatsingen_per_100k']:.1f}".replace(".", ",") in lijst[0]["zin"]
    assert euro(hoogste["geldig_tot"]) in lijst[0]["geldig"]
    assert len({b["titel"].split(",")[0].split(" in ")[0] for b in lijst}) == len(lijst)  # one line per fund


def test_what_binds_comes_in_its_own_request_after_the_figures(klant, verkenner):
    schuif = next(s for s in verkenner.schuiven if s.aanpassing == "budget")
    klant.post(f"/toestand?token={verkenner.token}", data={schuif.naam: "1.1", "overig": ""})
    assert vraag(klant, verkenner, "/knelt").status_code == 204  # the page asked for another state since
    assert 'hx-get="/knelt?token=' in vraag(klant, verkenner, "/").text
    antwoord = vraag(klant, verkenner, "/knelt")
    assert antwoord.status_code == 200
    assert "Elke € 100.000 extra voor" in antwoord.text and "Geldig zolang" in antwoord.text


def test_the_page_shows_the_key_figures_sliders_and_charts(klant, verkenner):
    pagina = vraag(klant, verkenner, "/").text
    for tekst in ("Verwachte plaatsingen", "Gewogen plaatsingen", "Uitgaven in de planperiode", "Onbenut budget",
                  "Wat knelt", "Budgetcurves", 'type="range"', "grafiek-uitgaven", "grafiek-deelnemers",
                  "grafiek-plaatsingen", "max_verschuiving" if verkenner.sessie.invoer.huidige_verdeling else "Budget"):
        assert tekst in pagina, tekst
    soorten = {s.aanpassing for s in verkenner.schuiven}
    assert {"budget", "kosten", "plaatsingskans", "regel_waarde"} <= soorten
    assert "/statisch/htmx.min.js" in pagina and "cdn" not in pagina.lower()  # everything from the package
    assert vraag(klant, verkenner, "/statisch/vega-lite.min.js").text.startswith("!function")


@pytest.mark.parametrize("rij", [
    {"aanpassing": "budget", "fonds": "ESF+", "factor": 1.2},
    {"aanpassing": "kosten", "instrument": "scholing", "factor": 0.8},
    {"aanpassing": "plaatsingskans", "instrument": "jobcoaching", "factor": 1.3},
])
def test_api_plan_is_what_optimaliseer_gives_for_the_same_rows_as_a_scenario(klant, verkenner, sjabloon, tmp_path, rij):
    fonds_of_instrument = rij.get("fonds") or rij.get("instrument")
    assert fonds_of_instrument in (*verkenner.sessie.invoer.fondsen, *verkenner.sessie.invoer.instrumenten)
    pagina = vraag(klant, verkenner, "/api/plan", [rij]).json()
    is_wat_optimaliseer_geeft(pagina, sjabloon, [rij], tmp_path)
    geopend = vraag(klant, verkenner, "/api/plan").json()
    assert pagina["kerncijfers"] != geopend["kerncijfers"]  # the row changed the plan


def test_a_rule_value_and_max_verschuiving_change_the_plan_as_optimaliseer_does(klant, verkenner, sjabloon):
    regels = [s for s in verkenner.schuiven if s.aanpassing == "regel_waarde"]
    assert regels
    schuif = regels[0]
    rijen = [schuif.rij(schuif.standaard * 1.5 + 1)]
    if any(s.aanpassing == "max_verschuiving" for s in verkenner.schuiven):
        rijen.append({"aanpassing": "max_verschuiving", "waarde": 0.05})
    pagina = vraag(klant, verkenner, "/api/plan", rijen).json()
    verwacht = optimaliseer_met(sjabloon, rijen)
    assert pagina["kerncijfers"] == pytest.approx(verwacht["kerncijfers"], rel=1e-9, abs=0.005)


def optimaliseer_met(pad: Path, rijen: list[dict]) -> dict:
    from budgetkoppeling import Sessie

    with Sessie.open(pad) as sessie:
        sessie.pas_aan(*rijen)
        plan = sessie.los_op()
    return plan.als_json(Path("x.xlsx"))


def test_the_form_of_sliders_gives_the_state_in_the_url_and_the_figures(klant, verkenner):
    schuif = next(s for s in verkenner.schuiven if s.aanpassing == "budget")
    antwoord = klant.post(f"/toestand?token={verkenner.token}", data={schuif.naam: "1.3", "overig": ""})
    assert antwoord.status_code == 200
    rijen = [{"aanpassing": "budget", "fonds": schuif.filters["fonds"], "factor": 1.3}]
    toestand = quote(json.dumps(rijen, separators=(",", ":")), safe="")
    assert antwoord.headers["HX-Replace-Url"] == f"/?token={verkenner.token}&rijen={toestand}"
    assert 'data-kpi="plaatsingen"' in antwoord.text
    # the reload of that URL: the same state, the slider where it was
    pagina = vraag(klant, verkenner, "/", rijen).text
    assert f'name="{schuif.naam}"' in pagina and 'value="1.3"' in pagina
    # a slider back at its opened value is no change at all
    terug = klant.post(f"/toestand?token={verkenner.token}", data={schuif.naam: "1.0", "overig": ""})
    assert terug.headers["HX-Replace-Url"] == f"/?token={verkenner.token}"


def test_a_region_and_year_choice_limits_the_budget_row(verkenner):
    schuif = next(s for s in verkenner.schuiven if s.aanpassing == "budget")
    fonds = schuif.filters["fonds"]
    regio, jaar = verkenner.sessie.invoer.regios[0], str(verkenner.sessie.invoer.start)
    rijen = verkenner.rijen_uit_formulier({schuif.naam: "0.7", f"regio:{fonds}": regio, f"jaar:{fonds}": jaar})
    assert rijen == [{"aanpassing": "budget", "fonds": fonds, "factor": 0.7, "regio": regio, "jaar": jaar}]
    standen, keuzes, overig = verkenner.waarden(rijen)
    assert standen[schuif.naam] == 0.7 and keuzes[schuif.naam] == {"regio": regio, "jaar": jaar} and overig == []


@pytest.mark.parametrize("rijen, woord", [
    ("{niet json", "geen geldige JSON"),
    ('{"aanpassing": "budget"}', "lijst van Scenarios-regels"),
    (json.dumps([{"aanpassing": "budget", "fonds": "ESF+", "factor": 1.0}] * (MAX_RIJEN + 1)), "hoogstens"),
    (json.dumps([{"aanpassing": "budget", "fonds": "Bestaat niet", "factor": 1.1}]), "Bestaat niet"),
    (json.dumps([{"aanpassing": "toveren", "factor": 2}]), "aanpassing"),
    (json.dumps([{"aanpassing": "budget", "fonds": ["lijst"], "factor": 1}]), "ongeldige waarde"),
])
def test_a_malformed_or_unknown_state_gets_400_with_a_dutch_message_and_no_traceback(klant, verkenner, rijen, woord):
    antwoord = klant.get("/api/plan", params={"token": verkenner.token, "rijen": rijen})
    assert antwoord.status_code == 400
    assert woord in antwoord.json()["fout"]
    assert "Traceback" not in antwoord.text
    pagina = klant.get("/", params={"token": verkenner.token, "rijen": rijen})  # the page opens, with the message
    assert pagina.status_code == 200 and 'class="melding fout"' in pagina.text


def test_lees_rijen_refuses_what_is_not_a_list_of_rows():
    assert lees_rijen(None) == [] and lees_rijen("") == []
    assert lees_rijen('[{"aanpassing": "kosten", "factor": 1.1}]') == [{"aanpassing": "kosten", "factor": 1.1}]


def test_an_infeasible_state_shows_the_diagnosis_and_a_move_back_recovers(klant, verkenner):
    regel = next(s for s in verkenner.schuiven if s.aanpassing == "regel_waarde")
    onmogelijk = [{"aanpassing": "budget", "fonds": f, "factor": 0.0} for f in verkenner.sessie.invoer.fondsen]
    onmogelijk.append({"aanpassing": "regel_waarde", "regel": regel.filters["regel"], "waarde": 1e9})
    antwoord = vraag(klant, verkenner, "/api/plan", onmogelijk)
    assert antwoord.status_code == 200 and antwoord.json()["status"] == "geen oplossing"
    assert antwoord.json()["fout"]
    assert "Bij deze toestand past geen plan" in vraag(klant, verkenner, "/", onmogelijk).text
    terug = vraag(klant, verkenner, "/api/plan", []).json()
    assert terug["kerncijfers"] == verkenner.geopend.kerncijfers


def test_bewaar_als_scenario_writes_a_copy_that_vergelijk_reads_as_the_page(klant, verkenner, sjabloon):
    voor = hashlib.sha256(sjabloon.read_bytes()).hexdigest()
    schuif = next(s for s in verkenner.schuiven if s.aanpassing == "kosten")
    antwoord = klant.post(f"/bewaar?token={verkenner.token}", data={schuif.naam: "1.25", "naam": "Duurder / 2027?"})
    assert "bewaard in een kopie" in antwoord.text, antwoord.text
    kopie = sjabloon.parent / "invoer_Duurder_2027.xlsx"
    assert kopie.exists()
    assert hashlib.sha256(sjabloon.read_bytes()).hexdigest() == voor  # the input untouched
    pagina = vraag(klant, verkenner, "/api/plan", [schuif.rij(1.25)]).json()
    vergelijking = vergelijk(kopie, scenarios=["Duurder / 2027?"])
    cijfers = next(u for u in vergelijking.uitkomsten if u.scenario == "Duurder / 2027?")
    assert cijfers.status == "optimaal"
    assert cijfers.kerncijfers == pytest.approx(pagina["kerncijfers"], rel=1e-9, abs=0.005)
    again = klant.post(f"/bewaar?token={verkenner.token}", data={schuif.naam: "1.25", "naam": ""})
    assert "naam" in again.text
    kopie.unlink()


def test_the_downloaded_plan_is_the_plan_of_optimaliseer_for_the_state(klant, verkenner, sjabloon, tmp_path):
    rijen = [{"aanpassing": "kosten", "instrument": next(iter(verkenner.sessie.invoer.instrumenten)), "factor": 0.9}]
    antwoord = vraag(klant, verkenner, "/download", rijen)
    assert antwoord.status_code == 200
    assert antwoord.headers["content-type"].startswith("application/vnd.openxmlformats")
    pagina = pl.read_excel(io.BytesIO(antwoord.content), sheet_name="Allocatie")
    from budgetkoppeling import Sessie

    with Sessie.open(sjabloon) as sessie:
        sessie.pas_aan(*rijen)
        sessie.los_op().schrijf(tmp_path / "plan.xlsx")
    verwacht = pl.read_excel(tmp_path / "plan.xlsx", sheet_name="Allocatie")
    pagina, verwacht = (f.with_columns(pl.col(pl.Int64).cast(pl.Float64)) for f in (pagina, verwacht))
    assert_frame_equal(pagina, verwacht, check_exact=False, rel_tol=1e-9, abs_tol=0.005)  # to the cent


def test_verken_prints_the_address_serves_and_stops_on_ctrl_c_with_130(sjabloon, tmp_path):
    import urllib.error
    import urllib.request

    def status(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=30) as antwoord:
                return antwoord.status
        except urllib.error.HTTPError as fout:
            return fout.code

    proces = subprocess.Popen([sys.executable, "-m", "budgetkoppeling", "verken", str(sjabloon), "--geen-browser"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        adres = proces.stdout.readline().strip()
        assert adres.startswith("http://127.0.0.1:") and "/?token=" in adres, adres
        assert status(adres) == 200
        assert status(adres.split("?")[0]) == 403
        os.killpg(proces.pid, signal.SIGINT)
        code = proces.wait(timeout=30)
    finally:
        if proces.poll() is None:
            proces.kill()
    fouten = proces.stderr.read()
    assert code == 130, fouten
    assert "Afgebroken." in fouten and "Traceback" not in fouten
    assert list(tmp_path.iterdir()) == []  # nothing left behind
    einde = time.monotonic() + 10  # the curve process (and multiprocessing's resource tracker) end with it
    while (kinderen := subprocess.run(["pgrep", "-s", str(proces.pid)], capture_output=True, text=True).stdout.split()):
        assert time.monotonic() < einde, kinderen
        time.sleep(0.2)


def test_the_scenario_copy_adds_the_sheet_where_there_is_none_and_leaves_every_other_part(werkboek):
    import zipfile

    from budgetkoppeling import optimaliseer as optimaliseer_api
    from budgetkoppeling.scenariokopie import bewaar_scenario
    from tests.conftest import twee_instrumenten

    invoer = werkboek(twee_instrumenten(budget=10_000))
    rij = {"aanpassing": "budget", "fonds": "P", "factor": 1.5}
    kopie = bewaar_scenario(invoer, "meer & <beter>", [rij], "meer")
    assert kopie.name == f"{invoer.stem}_meer.xlsx"
    with zipfile.ZipFile(invoer) as oud, zipfile.ZipFile(kopie) as nieuw:
        veranderd = {n for n in oud.namelist() if oud.read(n) != nieuw.read(n)}
        erbij = set(nieuw.namelist()) - set(oud.namelist())
    assert veranderd == {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    assert len(erbij) == 1 and erbij.pop().startswith("xl/worksheets/")
    basis = optimaliseer_api(invoer).kerncijfers
    meer = optimaliseer_api(kopie, scenario="meer & <beter>").kerncijfers
    assert meer["uitgaven"] == pytest.approx(1.5 * basis["uitgaven"])  # hand: the whole budget is spent
    # a second copy under the same name gets a free file name; the name the input already has is refused
    assert bewaar_scenario(invoer, "ander", [rij], "meer").name == f"{invoer.stem}_meer_2.xlsx"
    from budgetkoppeling.errors import BudgetkoppelingFout

    with pytest.raises(BudgetkoppelingFout, match="al een scenario"):
        bewaar_scenario(kopie, "MEER & <beter>", [rij], "x")


def test_a_fault_inside_a_request_gives_a_dutch_500_and_one_line_in_the_terminal(verkenner, monkeypatch, capsys):
    def stuk(*_argumenten, **_opties):
        raise ZeroDivisionError("proef")

    monkeypatch.setattr(verkenner, "uitslag", stuk)
    with TestClient(app(verkenner), base_url=ADRES, raise_server_exceptions=False) as k:
        antwoord = k.get("/api/plan", params={"token": verkenner.token, "rijen": "[]"})
    assert antwoord.status_code == 500 and "Er ging iets mis" in antwoord.json()["fout"]
    assert "Traceback" not in antwoord.text
    fouten = capsys.readouterr().err
    assert "Onverwachte fout bij een verzoek van de pagina (/api/plan): ZeroDivisionError: proef" in fouten
    assert "Traceback" not in fouten


def test_after_a_move_the_next_step_of_that_slider_either_way_is_solved_ahead(verkenner):
    from budgetkoppeling.verkenner import als_url

    schuif = next(s for s in verkenner.schuiven if s.aanpassing == "kosten")
    verkenner._vorige_standen = verkenner.standen({})
    formulier = {schuif.naam: "1.05"}
    verkenner.gevraagd = als_url(verkenner.rijen_uit_formulier(formulier))
    draad = verkenner.vooruit(formulier)
    draad.join(60)
    for waarde in (1.1, 1.0):
        sleutel = als_url(verkenner.rijen_uit_formulier({schuif.naam: str(waarde)}))
        assert sleutel in verkenner._bewaard, waarde
    buur = verkenner._bewaard[als_url([schuif.rij(1.1)])]
    assert buur.plan.kerncijfers == pytest.approx(optimaliseer_met(verkenner.pad, [schuif.rij(1.1)])["kerncijfers"],
                                                  rel=1e-9, abs=0.005)
    # once the page asks for another state, what is left of the work ahead gives way
    andere = next(s for s in verkenner.schuiven if s.aanpassing == "plaatsingskans")
    verkenner._vorige_standen = verkenner.standen({})
    with verkenner._slot:  # the solver busy with the page's request ...
        draad = verkenner.vooruit({andere.naam: "0.9"})
        verkenner.gevraagd = "iets anders"  # ... for another state
    draad.join(60)
    assert als_url([andere.rij(0.85)]) not in verkenner._bewaard
