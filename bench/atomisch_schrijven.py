"""Kill ``optimaliseer`` with SIGKILL at many moments while it writes, and report what is left.

    python bench/atomisch_schrijven.py [aantal]

Each round puts an old file at the output path, starts the national example, waits until the
temporary file appears beside the output, waits a little longer (0 to 8 s, spread over the
rounds), and kills the process. Afterwards the output must be the old file or a complete new
plan, never anything in between. A last, undisturbed run must remove the temporary files the
killed runs left.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import budgetkoppeling

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.uitvoercontrole import is_volledig_plan  # noqa: E402

OUD = b"het plan van gisteren"


def ronde(map_: Path, wachttijd: float) -> str:
    doel = map_ / "plan.xlsx"
    doel.write_bytes(OUD)
    proces = subprocess.Popen([sys.executable, "-m", "budgetkoppeling", "optimaliseer", str(budgetkoppeling.VOORBEELD),
                               "-o", str(doel), "--stil", "--oplosser", "highs"])
    while not list(map_.glob(".plan.xlsx.*.tmp")) and proces.poll() is None:
        time.sleep(0.002)
    time.sleep(wachttijd)
    proces.send_signal(signal.SIGKILL)
    proces.wait()
    if doel.read_bytes() == OUD:
        return "oud bestand intact"
    return "volledig nieuw plan" if is_volledig_plan(doel) else "HALF GESCHREVEN"


def main() -> int:
    aantal = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as tijdelijk:
        map_ = Path(tijdelijk)
        uitkomsten = Counter()
        for nummer in range(aantal):
            wachttijd = 8.0 * nummer / max(aantal - 1, 1)
            uitkomst = ronde(map_, wachttijd)
            uitkomsten[uitkomst] += 1
            print(f"ronde {nummer + 1:2d}: gedood {wachttijd:4.2f} s na het begin van het schrijven: {uitkomst}")
        achtergebleven = len(list(map_.glob(".plan.xlsx.*.tmp")))
        subprocess.run([sys.executable, "-m", "budgetkoppeling", "optimaliseer", str(budgetkoppeling.VOORBEELD),
                        "-o", str(map_ / "plan.xlsx"), "--stil"], check=True)
        over = len(list(map_.glob(".plan.xlsx.*.tmp")))
    print(dict(uitkomsten))
    print(f"tijdelijke bestanden na de gedode runs: {achtergebleven}; na de volgende gewone run: {over}")
    return 1 if uitkomsten["HALF GESCHREVEN"] or over else 0


if __name__ == "__main__":
    sys.exit(main())
