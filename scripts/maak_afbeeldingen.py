"""Regenerate the pictures of the user guide (docs/handleiding.md) from the tool's real output.

Usage: python scripts/maak_afbeeldingen.py [doelmap]      (default: docs/afbeeldingen)

Runs the commands of the guide on the template's example region and on the national
example, saves the terminal output as SVG (rich), and renders pages of the written
workbooks with LibreOffice (soffice) -> PDF -> PNG (pdftoppm, from poppler-utils). The
what-if page (``verken``) is photographed in Debian's chromium through Playwright.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

MAP = Path(__file__).resolve().parent.parent
VOORBEELD = MAP / "inputs" / "voorbeeld_nederland.xlsx"


OPDRACHTEN: list[tuple] = []  # the commands of the guide, run two at a time by :func:`voer_uit`


def terminal(doel: Path, titel: str, *argumenten: str, cwd: Path, nu: bool = False) -> None:
    """A command of the guide whose terminal output becomes an SVG picture; run now (``nu``: a later
    command needs its file) or with the others by :func:`voer_uit`."""
    if nu:
        _terminal(doel, titel, *argumenten, cwd=cwd)
    else:
        OPDRACHTEN.append((doel, titel, argumenten, cwd))


def voer_uit() -> None:
    """The commands, two at a time (each its own process; their output files differ)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        for taak in [pool.submit(_terminal, doel, titel, *argumenten, cwd=cwd)
                     for doel, titel, argumenten, cwd in OPDRACHTEN]:
            taak.result()


def _terminal(doel: Path, titel: str, *argumenten: str, cwd: Path) -> None:
    """Run ``budgetkoppeling ARGUMENTEN`` and save what a user sees as an SVG picture."""
    omgeving = {**os.environ, "COLUMNS": "110", "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    proces = subprocess.run([sys.executable, "-m", "budgetkoppeling", *argumenten], cwd=cwd, env=omgeving,
                            capture_output=True, text=True, check=False)
    scherm = Console(record=True, width=110, file=open(os.devnull, "w"))  # noqa: SIM115
    scherm.print(Text(f"$ budgetkoppeling {' '.join(argumenten)}", style="bold"))
    # stdout holds the tables; stderr the progress bars (left out) and, on failure, the messages
    scherm.print(Text.from_ansi(proces.stdout + (proces.stderr if proces.returncode else "")))
    scherm.save_svg(str(doel), title=titel)


TE_MAKEN: list[tuple[Path, int | str, Path]] = []  # (workbook, page number or text on the page, picture)
PAGINAS = 25  # pages printed per workbook: every picture is on one of these


def pagina(werkboek: Path, pagina_nummer: int, doel: Path, werkmap: Path) -> None:
    """A printed page of a workbook to render to PNG (:func:`render`), as LibreOffice prints it."""
    del werkmap
    TE_MAKEN.append((werkboek, pagina_nummer, doel))


def pagina_met(werkboek: Path, tekst: str, doel: Path, werkmap: Path) -> None:
    """The first printed page of a workbook that holds ``tekst`` (pdftotext, poppler-utils), to render."""
    del werkmap
    TE_MAKEN.append((werkboek, tekst, doel))


def render(werkmap: Path) -> None:
    """Every page asked for: all workbooks to PDF in one LibreOffice run (it starts slowly), then
    the pages to PNG with pdftoppm."""
    werkboeken = sorted({werkboek for werkboek, _pagina, _doel in TE_MAKEN})
    # only the first pages, where every picture is: the uncertainty and evaluation workbooks of the
    # national example print well over a hundred pages (LibreOffice 7.4 takes the range as JSON)
    filter_ = 'pdf:calc_pdf_Export:{"PageRange":{"type":"string","value":"1-' + str(PAGINAS) + '"}}'
    subprocess.run(["soffice", "--headless", "--convert-to", filter_, "--outdir", str(werkmap),
                    *map(str, werkboeken)], check=True, capture_output=True, timeout=600)
    for werkboek, pagina_, doel in TE_MAKEN:
        pdf = werkmap / (werkboek.stem + ".pdf")
        if isinstance(pagina_, str):
            paginas = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                                     text=True).stdout.split("\f")
            pagina_ = next(n for n, inhoud in enumerate(paginas, start=1) if pagina_ in inhoud)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(pagina_), "-l", str(pagina_),
                        "-singlefile", str(pdf), str(doel.with_suffix(""))], check=True)


def main() -> None:
    doel = Path(sys.argv[1]) if len(sys.argv) > 1 else MAP / "docs" / "afbeeldingen"
    for programma in ("soffice", "pdftoppm", "chromium"):
        if shutil.which(programma) is None:
            sys.exit(f"{programma} ontbreekt: installeer LibreOffice, poppler-utils en chromium (Debian-pakketten).")
    doel.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tijdelijk:
        werk = Path(tijdelijk)
        shutil.copy(VOORBEELD, werk / "nederland.xlsx")
        terminal(doel / "1_sjabloon.svg", "sjabloon", "sjabloon", "mijn_regio.xlsx", cwd=werk, nu=True)
        pagina(werk / "mijn_regio.xlsx", 1, doel / "1_sjabloon_uitleg.png", werk)
        terminal(doel / "2_valideer.svg", "valideer", "valideer", "mijn_regio.xlsx", cwd=werk)
        fout = werk / "fout.xlsx"
        _maak_fouten(werk / "mijn_regio.xlsx", fout)
        terminal(doel / "2_valideer_fouten.svg", "valideer met fouten", "valideer", "fout.xlsx", cwd=werk)
        terminal(doel / "3_optimaliseer.svg", "optimaliseer", "optimaliseer", "mijn_regio.xlsx", "-o", "plan.xlsx",
                 cwd=werk)
        pagina(werk / "plan.xlsx", 1, doel / "3_plan_samenvatting.png", werk)
        terminal(doel / "4_vergelijk.svg", "vergelijk", "vergelijk", "nederland.xlsx", "-o", "vergelijking.xlsx",
                 cwd=werk)
        pagina(werk / "vergelijking.xlsx", 1, doel / "4_vergelijking_tabel.png", werk)
        pagina(werk / "vergelijking.xlsx", 2, doel / "4_vergelijking_grafieken.png", werk)
        pagina_met(werk / "vergelijking.xlsx", "wat verandert", doel / "4_vergelijking_toelichting.png", werk)
        terminal(doel / "4_curve.svg", "vergelijk --curve", "vergelijk", "nederland.xlsx", "-o", "curve.xlsx",
                 "--curve", "Participatiebudget", cwd=werk)
        pagina(werk / "curve.xlsx", 1, doel / "4_curve.png", werk)
        terminal(doel / "5_evalueer.svg", "evalueer", "evalueer", "nederland.xlsx", "-o", "evaluatie.xlsx", cwd=werk)
        pagina(werk / "evaluatie.xlsx", 1, doel / "5_evaluatie.png", werk)
        terminal(doel / "7_overgang.svg", "optimaliseer --scenario", "optimaliseer", "mijn_regio.xlsx", "-o",
                 "stap.xlsx", "--scenario", "stap van 20%", cwd=werk)
        pagina_met(werk / "stap.xlsx", "Overgang:", doel / "7_overgang_schaduwprijzen.png", werk)
        terminal(doel / "8_herijking.svg", "optimaliseer --vanaf", "optimaliseer", "nederland.xlsx", "-o",
                 "herijking.xlsx", "--vanaf", "2028", cwd=werk)
        terminal(doel / "8_herijking_regio.svg", "optimaliseer --vanaf (regio)", "optimaliseer", "mijn_regio.xlsx",
                 "-o", "herijking_regio.xlsx", "--vanaf", "2027", cwd=werk)
        pagina(werk / "herijking_regio.xlsx", 1, doel / "8_herijking_samenvatting.png", werk)
        terminal(doel / "9_onzekerheid.svg", "onzekerheid", "onzekerheid", "nederland.xlsx", "-o", "onzekerheid.xlsx",
                 "--trekkingen", "100", cwd=werk)
        pagina(werk / "onzekerheid.xlsx", 1, doel / "9_onzekerheid_samenvatting.png", werk)
        pagina_met(werk / "onzekerheid.xlsx", "gewogen_bij_laag", doel / "9_onzekerheid_gevoeligheid.png", werk)
        terminal(werk / "sjabloon_gemeenten.svg", "sjabloon --gemeenten", "sjabloon", "mijn_gemeenten.xlsx",
                 "--gemeenten", cwd=werk, nu=True)  # its picture is not in the guide; the workbook is
        terminal(doel / "11_gemeenten.svg", "optimaliseer per gemeente", "optimaliseer", "mijn_gemeenten.xlsx",
                 "-o", "plan_gemeenten.xlsx", cwd=werk)
        pagina_met(werk / "plan_gemeenten.xlsx", "Inbreng over de planperiode", doel / "11_per_gemeente.png", werk)
        voer_uit()
        render(werk)
        verken(werk / "mijn_regio.xlsx", doel / "10_verken.png", doel / "10_verken_curves.png")
    print(f"Afbeeldingen geschreven naar {doel}")


def verken(invoer: Path, pagina_png: Path, curves_png: Path) -> None:
    """The what-if page after the Participatiebudget's slider moved up three steps: its top, and
    what binds with the budget curves once they are drawn."""
    import signal

    from playwright.sync_api import sync_playwright

    klaar = ("!document.querySelector('#bezig.htmx-request') && "
             "document.body.dataset.getekend === document.body.dataset.beantwoord")
    server = subprocess.Popen([sys.executable, "-m", "budgetkoppeling", "verken", str(invoer), "--geen-browser",
                               "--stil"], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        adres = server.stdout.readline().strip()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            pagina = browser.new_page(viewport={"width": 1280, "height": 800})
            pagina.goto(adres)
            pagina.wait_for_function(klaar, timeout=60_000)
            schuif = pagina.locator('input[name="budget:Participatiebudget"]')
            schuif.focus()
            for _ in range(3):
                schuif.press("ArrowRight")
            pagina.wait_for_timeout(300)
            pagina.wait_for_function(klaar + " && document.body.dataset.getekend !== '1'", timeout=60_000)
            pagina.locator(".bindend ol").wait_for(timeout=60_000)
            pagina.mouse.move(0, 0)
            pagina.screenshot(path=str(pagina_png))
            pagina.wait_for_function("document.querySelectorAll('.curve:not(.klaar)').length === 0",
                                     timeout=300_000, polling=500)
            pagina.wait_for_timeout(500)  # the last curve drawn
            # page coordinates (a bounding box is the window's): from what binds to the last curve
            boven, links, breedte, onder = pagina.evaluate("""() => {
                const a = document.querySelector('.bindend').getBoundingClientRect();
                const b = document.querySelector('.curves').getBoundingClientRect();
                return [a.top + window.scrollY, a.left, a.width, b.bottom + window.scrollY]; }""")
            pagina.screenshot(path=str(curves_png), full_page=True, clip={
                "x": links - 10, "y": boven - 10, "width": breedte + 20, "height": onder - boven + 20})
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(30)


def _maak_fouten(bron: Path, doel: Path) -> None:
    """The template with three typical typing errors, for the picture of valideer's messages."""
    from budgetkoppeling.io import schrijf_invoer
    from budgetkoppeling.sjabloon import voorbeeld_rijen

    bladen = voorbeeld_rijen()
    bladen["Budgetten"][1]["bedrag"] = "twee miljoen"
    bladen["Effecten"][0]["plaatsingskans"] = 35
    bladen["Potentieel"][2]["doelgroep"] = "Bijstand"
    schrijf_invoer(doel, bladen)
    del bron


if __name__ == "__main__":
    main()
