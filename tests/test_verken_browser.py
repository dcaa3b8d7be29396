"""The what-if page in a real browser: Playwright for Python driving Debian's chromium
(/usr/bin/chromium; .ci/run installs it). Skipped where chromium is not installed, unless
BUDGETKOPPELING_VEREIS_CHROMIUM=1 (CI) makes that a failure."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from budgetkoppeling import Sessie
from budgetkoppeling.tekst import euro_kort, getal

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("BUDGETKOPPELING_VEREIS_CHROMIUM"):
        raise RuntimeError("chromium is niet geïnstalleerd (apt-get install chromium)")
    pytest.skip("chromium is niet geïnstalleerd", allow_module_level=True)

playwright_sync = pytest.importorskip("playwright.sync_api")
VLAGGEN = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WACHT = 30_000  # ms


@pytest.fixture(scope="module")
def invoer(sjabloonwerkboek) -> Path:
    return sjabloonwerkboek


@pytest.fixture(scope="module")
def adres(invoer):
    proces = subprocess.Popen([sys.executable, "-m", "budgetkoppeling", "verken", str(invoer), "--geen-browser"],
                              cwd=invoer.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    regel = proces.stdout.readline().strip()
    assert regel.startswith("http://127.0.0.1:"), proces.stderr.read() if proces.poll() is not None else regel
    yield regel
    os.killpg(proces.pid, signal.SIGINT)
    assert proces.wait(timeout=30) == 130


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=VLAGGEN)
        yield b
        b.close()


@pytest.fixture
def pagina(browser, adres):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True, locale="nl-NL")
    p = context.new_page()
    p.goto(adres)
    wacht_getekend(p, 0)
    yield p
    context.close()


BIJGEWERKT = ("!document.querySelector('#bezig.htmx-request') && "
              "document.body.dataset.getekend === document.body.dataset.beantwoord")


def wacht_getekend(p, vorige: int) -> int:
    """Wait until the page drew an answer after the ``vorige``-th, no request is under way and the
    last answer is drawn; returns how many it drew."""
    p.wait_for_timeout(150)  # the form asks a moment after the move: no request under way is not yet done
    p.wait_for_function(f"Number(document.body.dataset.getekend || 0) > {vorige} && {BIJGEWERKT}", timeout=WACHT)
    return int(p.evaluate("document.body.dataset.getekend"))


def getekend(p) -> int:
    return int(p.evaluate("document.body.dataset.getekend || 0"))


def rijen(p) -> list[dict]:
    return json.loads(p.evaluate("document.body.dataset.rijen"))


def kaart(p, kpi: str) -> str:
    return p.locator(f'.kaart[data-kpi="{kpi}"] .getal').inner_text().strip()


def api_plan(p, adres: str, toestand: list[dict]) -> dict:
    token = adres.split("token=")[1]
    antwoord = p.request.get(adres.split("?")[0] + "api/plan", params={"token": token, "rijen": json.dumps(toestand)})
    assert antwoord.ok
    return antwoord.json()


def optimaliseer(invoer: Path, toestand: list[dict]) -> dict:
    with Sessie.open(invoer) as sessie:
        sessie.pas_aan(*toestand)
        return sessie.los_op().kerncijfers


def toont(p, cijfers: dict) -> None:
    assert kaart(p, "plaatsingen") == getal(cijfers["plaatsingen"])
    assert kaart(p, "uitgaven") == euro_kort(cijfers["uitgaven"])


def schuif(p, naam: str, stappen: int) -> int:
    """Move a slider by the keyboard (arrow keys) and wait for the figures of the last move."""
    voor = getekend(p)
    element = p.locator(f'input[name="{naam}"]')
    element.focus()
    for _ in range(abs(stappen)):
        element.press("ArrowRight" if stappen > 0 else "ArrowLeft")
    return wacht_getekend(p, voor)


def test_the_page_loads_with_figures_charts_and_sliders(pagina):
    assert "Verkennen" in pagina.title()
    for naam in ("uitgaven", "deelnemers", "plaatsingen"):
        pagina.locator(f"#grafiek-{naam} svg").first.wait_for(timeout=WACHT)
    assert pagina.locator('input[type="range"]').count() >= 5
    assert pagina.locator(".kaart").count() >= 4
    pagina.locator(".bindend >> text=Elke € 100.000 extra").first.wait_for(timeout=WACHT)


@pytest.mark.parametrize("soort", ["budget", "kosten", "kans", "regel", "max_verschuiving"])
def test_each_kind_of_slider_changes_the_figures_to_what_api_plan_and_optimaliseer_give(pagina, adres, invoer, soort):
    naam = pagina.locator(f'input[type="range"][name^="{soort}"]').first.get_attribute("name")
    schuif(pagina, naam, 3 if soort != "max_verschuiving" else -90)
    toestand = rijen(pagina)
    assert len(toestand) == 1 and toestand[0]["aanpassing"] in ("budget", "kosten", "plaatsingskans", "regel_waarde",
                                                                 "max_verschuiving")
    api = api_plan(pagina, adres, toestand)
    toont(pagina, api["kerncijfers"])
    verwacht = optimaliseer(invoer, toestand)
    assert api["kerncijfers"] == pytest.approx(verwacht, rel=1e-9, abs=0.005)


def test_a_reload_of_the_url_gives_the_same_plan(pagina):
    schuif(pagina, pagina.locator('input[name^="kosten"]').first.get_attribute("name"), -4)
    voor = (kaart(pagina, "plaatsingen"), kaart(pagina, "uitgaven"), rijen(pagina))
    assert "rijen=" in pagina.url
    pagina.reload()
    wacht_getekend(pagina, 0)
    assert (kaart(pagina, "plaatsingen"), kaart(pagina, "uitgaven"), rijen(pagina)) == voor


def test_bewaar_als_scenario_then_vergelijk_on_the_copy_gives_the_page_figures(pagina, invoer):
    from budgetkoppeling import vergelijk

    schuif(pagina, pagina.locator('input[name^="budget"]').first.get_attribute("name"), 2)
    plaatsingen = kaart(pagina, "plaatsingen")
    pagina.fill("#naam", "meer budget")
    pagina.get_by_role("button", name="Bewaar").click()
    pagina.locator("#melding >> text=bewaard in een kopie").wait_for(timeout=WACHT)
    kopie = invoer.parent / "invoer_meer_budget.xlsx"
    uitkomst = next(u for u in vergelijk(kopie, scenarios=["meer budget"]).uitkomsten if u.scenario == "meer budget")
    assert getal(uitkomst.kerncijfers["plaatsingen"]) == plaatsingen
    kopie.unlink()


def test_the_downloaded_plan_equals_optimaliseer_for_the_state(pagina, invoer, tmp_path):
    import polars as pl
    from polars.testing import assert_frame_equal

    schuif(pagina, pagina.locator('input[name^="kans"]').first.get_attribute("name"), 2)
    toestand = rijen(pagina)
    with pagina.expect_download() as download:
        pagina.get_by_role("link", name="Download plan").click()
    pad = tmp_path / "plan.xlsx"
    download.value.save_as(pad)
    with Sessie.open(invoer) as sessie:
        sessie.pas_aan(*toestand)
        sessie.los_op().schrijf(tmp_path / "verwacht.xlsx")
    def lees(bestand: Path, blad: str) -> pl.DataFrame:  # a column of numbers and texts: the numbers as numbers
        frame = pl.read_excel(bestand, sheet_name=blad)
        frame = frame.with_columns(pl.col(k).cast(pl.Float64) for k, s in frame.schema.items() if s.is_numeric())
        teksten = [k for k, soort in frame.schema.items() if soort == pl.String]
        frame = frame.with_columns(pl.col(k).cast(pl.Float64, strict=False).alias(f"{k}_getal") for k in teksten)
        return frame.with_columns(pl.when(pl.col(f"{k}_getal").is_null()).then(pl.col(k)).alias(k) for k in teksten)

    for blad in ("Samenvatting", "Allocatie", "Fondsen"):
        assert_frame_equal(lees(pad, blad), lees(tmp_path / "verwacht.xlsx", blad),
                           check_exact=False, rel_tol=1e-9, abs_tol=0.005)  # to the cent


def test_an_infeasible_state_shows_the_diagnosis_and_a_move_back_recovers(pagina, adres):
    naam = pagina.locator('input[name^="regel"]').first.get_attribute("name")
    regel = naam.split(":", 1)[1]
    onmogelijk = [{"aanpassing": "regel_waarde", "regel": regel, "waarde": 100_000}]
    pagina.goto(adres + "&rijen=" + quote(json.dumps(onmogelijk)))
    pagina.wait_for_function("document.body.dataset.beantwoord === '1'", timeout=WACHT)
    assert "Bij deze toestand past geen plan" in pagina.inner_text("#uitslag")
    assert pagina.locator(".diagnose").get_attribute("role") == "alert"
    schuif(pagina, naam, -1)  # the slider stands at its top; one step down is a plan again
    assert pagina.locator(".diagnose").count() == 0 and pagina.locator(".kaart").count() >= 4
    assert rijen(pagina)[0]["waarde"] < 100_000


def test_a_request_without_the_token_gets_403(pagina, adres):
    antwoord = pagina.request.get(adres.split("?")[0])
    assert antwoord.status == 403
    assert "Geen toegang" in antwoord.json()["fout"]


def test_everything_works_by_keyboard(pagina):
    pagina.keyboard.press("Tab")  # from the top: the first control is reached by Tab
    gevonden = False
    for _ in range(8):
        if pagina.evaluate("document.activeElement.type") == "range":
            gevonden = True
            break
        pagina.keyboard.press("Tab")
    assert gevonden, "geen schuif bereikbaar met Tab"
    label = pagina.evaluate("document.activeElement.labels[0].innerText")
    assert label.strip()  # each slider names what it changes
    voor = getekend(pagina)
    pagina.keyboard.press("ArrowRight")
    wacht_getekend(pagina, voor)
    assert rijen(pagina)


def test_fast_repeated_moves_end_in_the_state_of_the_last_move(pagina, adres):
    naam = pagina.locator('input[name^="budget"]').first.get_attribute("name")
    element = pagina.locator(f'input[name="{naam}"]')
    element.focus()
    for _ in range(6):
        element.press("ArrowRight")
        pagina.wait_for_timeout(30)
    for _ in range(2):
        element.press("ArrowLeft")
    pagina.wait_for_function(
        "document.body.dataset.rijen && JSON.parse(document.body.dataset.rijen).length === 1 && "
        "Math.abs(JSON.parse(document.body.dataset.rijen)[0].factor - 1.2) < 1e-9", timeout=WACHT)
    pagina.wait_for_timeout(500)  # nothing older arrives after it
    toestand = rijen(pagina)
    assert toestand[0]["factor"] == pytest.approx(1.2)
    toont(pagina, api_plan(pagina, adres, toestand)["kerncijfers"])


def test_the_charts_show_each_answers_rows_also_when_redrawn_in_place(pagina):
    """A chart whose spec only changed in its rows keeps its figure (hx-preserve) and gets the new rows in
    place: the bars drawn are those of the last answer, move after move, and its figure is the same element."""
    def getoond() -> list[tuple[str, str]]:
        labels = pagina.eval_on_selector_all("#grafiek-plaatsingen svg path[aria-roledescription='bar']",
                                             "els => els.map(e => e.getAttribute('aria-label'))")
        return sorted((deel["jaar van plaatsing"], deel["plan"], deel["plaatsingen"]) for deel in (
            dict(stuk.split(": ", 1) for stuk in label.split("; ")) for label in labels))

    def gegeven() -> list[tuple[str, str]]:
        spec = json.loads(pagina.inner_text("script.grafiekspec[data-doel='grafiek-plaatsingen']"))
        return sorted((str(r["jaar"]), r["plan"], getal(round(r["plaatsingen"]))) for r in spec["data"]["values"])

    pagina.evaluate("document.getElementById('grafiek-plaatsingen').dataset.merk = 'eerste'")
    geopend = getoond()
    assert geopend == gegeven()
    naam = pagina.locator('input[name^="kosten"]').first.get_attribute("name")
    for stappen in (4, 2):
        schuif(pagina, naam, stappen)
        assert getoond() == gegeven()
    assert getoond() != geopend  # costs 30% higher: fewer placements
    schuif(pagina, naam, -6)
    assert rijen(pagina) == [] and getoond() == geopend
    assert pagina.evaluate("document.getElementById('grafiek-plaatsingen').dataset.merk") == "eerste"
