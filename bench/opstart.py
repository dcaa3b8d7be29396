"""Start-up: ``budgetkoppeling --help`` against a bare ``python -c pass`` (median of 15 runs each).

    python bench/opstart.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

BUDGETKOPPELING = Path(sys.executable).parent / "budgetkoppeling"


def mediaan(opdracht: list[str], keer: int = 15) -> float:
    tijden = []
    for _ in range(keer):
        begin = time.perf_counter()
        subprocess.run(opdracht, stdout=subprocess.DEVNULL, check=True)
        tijden.append(time.perf_counter() - begin)
    return statistics.median(tijden)


def main() -> None:
    kaal = mediaan([sys.executable, "-c", "pass"])
    hulp = mediaan([str(BUDGETKOPPELING), "--help"])
    print(f"python -c pass: {kaal:.3f} s; budgetkoppeling --help: {hulp:.3f} s; verhouding {hulp / kaal:.2f}")


if __name__ == "__main__":
    main()
