"""The what-if page's speed in a real browser: from a slider's move to the redrawn figures.

    python bench/verken.py [invoer.xlsx] [--bewegingen 40] [--pauze 1]

Starts ``budgetkoppeling verken`` on the national example (default), opens the page in Debian's
chromium through Playwright, waits until the budget curves are done (they run in a low-priority
child process), and then moves sliders by one step with the keyboard, so that no state repeats (a
state seen before answers from memory), in two patterns: (a) each move another fund's or
instrument's slider, at once after the figures of the move before (the page can solve nothing
ahead); (b) as a user works: three steps of one slider, each after a look of ``--pauze`` seconds
at the figures, then the next slider (the page solves the next step either way ahead meanwhile).
Each move is timed in the browser (performance.now) from the key press until the page has no
request under way and has drawn the answer (figures, three charts). The form asks at once; a newer
move replaces a request under way (htmx), and the server drops a state nobody waits for any more.
One cold ``optimaliseer`` of the same input runs in the same sitting, for scale.
Goal (SPEC §10): median <= 300 ms, 95th percentile <= 1 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORTEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WORTEL))

VLAGGEN = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KLAAR = ("!document.querySelector('#bezig.htmx-request') && "
         "document.body.dataset.getekend === document.body.dataset.beantwoord && "
         "Number(document.body.dataset.getekend) > {vorige}")


def main() -> None:
    import budgetkoppeling

    argumenten = argparse.ArgumentParser()
    argumenten.add_argument("invoer", nargs="?", default=str(budgetkoppeling.VOORBEELD))
    argumenten.add_argument("--bewegingen", type=int, default=40)
    argumenten.add_argument("--elk", action="store_true", help="print every move")
    argumenten.add_argument("--pauze", type=float, default=1.0, help="seconds a user looks before the next move (b)")
    opties = argumenten.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as map_:
        begin = time.perf_counter()
        subprocess.run([sys.executable, "-m", "budgetkoppeling", "optimaliseer", opties.invoer, "-o",
                        str(Path(map_) / "plan.xlsx"), "--stil"], check=True)
        koud = time.perf_counter() - begin
    begin = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "budgetkoppeling", "verken", opties.invoer, "--geen-browser",
                               "--stil"], stdout=subprocess.PIPE, text=True, start_new_session=True)
    adres = server.stdout.readline().strip()
    opstart = time.perf_counter() - begin
    tijden: list[float] = []
    tijden_b: list[float] = []
    server_tijden: list[float] = []
    teken_tijden: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=VLAGGEN)
            pagina = browser.new_page(viewport={"width": 1366, "height": 900})
            pagina.goto(adres)
            pagina.wait_for_function(KLAAR.format(vorige=0), timeout=60_000)
            pagina.wait_for_function("document.querySelectorAll('.curve:not(.klaar)').length === 0",
                                     timeout=600_000, polling=1000)
            namen = [n for n in pagina.eval_on_selector_all(
                'input[type="range"]', "els => els.map(e => e.name)") if n.startswith(("budget:", "kosten:", "kans:"))]

            def beweeg(naam: str, toets: str, lijst: list[float]) -> None:
                element = pagina.locator(f'input[name="{naam}"]')
                element.focus()
                vorige = int(pagina.evaluate("document.body.dataset.getekend"))
                pagina.evaluate("window.__begin = performance.now()")
                element.press(toets)
                pagina.wait_for_function(KLAAR.format(vorige=vorige), timeout=60_000, polling="raf")
                lijst.append(pagina.evaluate("performance.now() - window.__begin") / 1000)
                status = pagina.inner_text("#status")  # 'Berekend in 0,61 s, ...': the server's part
                if opties.elk:
                    print(f"{naam} {toets} {lijst[-1]:.3f} {status}", flush=True)
                server_tijden.append(0.0 if status.startswith("Vooruit") else
                                     float(status.split(" in ")[1].split(" s")[0].replace(",", ".")))
                teken_tijden.append(int(pagina.evaluate("document.body.dataset.tekentijd")) / 1000)

            # (a) each move another slider, at once after the figures of the one before: nothing solved ahead
            for nummer in range(opties.bewegingen):
                toets = "ArrowRight" if (nummer // len(namen)) % 2 == 0 else "ArrowLeft"
                beweeg(namen[nummer % len(namen)], toets, tijden)
            # (b) as a user: three steps of one slider, each after a look at the figures, then the next
            for nummer in range(opties.bewegingen):
                pagina.wait_for_timeout(opties.pauze * 1000)
                toets = "ArrowLeft" if (nummer // (3 * len(namen))) % 2 == 0 else "ArrowRight"
                beweeg(namen[(nummer // 3) % len(namen)], toets, tijden_b)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(30)
    def p95(reeks: list[float]) -> float:
        reeks = sorted(reeks)
        return reeks[min(len(reeks) - 1, round(0.95 * (len(reeks) - 1)))]

    print(f"| meting | seconden |\n|---|---|\n| optimaliseer, koud (hele opdracht) | {koud:.2f} |")
    print(f"| verken: tot het adres er staat | {opstart:.2f} |")
    for naam, reeks in (("(a) elke beweging een andere schuif, meteen", tijden),
                        (f"(b) drie stappen per schuif, {opties.pauze:g} s kijken ertussen", tijden_b)):
        print(f"| {naam}: mediaan / 95e percentiel over {len(reeks)} bewegingen | "
              f"{statistics.median(reeks):.3f} / {p95(reeks):.3f} |")
    print(f"| waarvan op de server (opnieuw oplossen en het plan samenstellen; 0 waar vooruit berekend), mediaan | "
          f"{statistics.median(server_tijden):.3f} |")
    print(f"| waarvan in de browser de drie grafieken tekenen, mediaan | {statistics.median(teken_tijden):.3f} |")


if __name__ == "__main__":
    main()
