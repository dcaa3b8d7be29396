"""Measure `vergelijk` on the national example: both cores against one, in one run.

Usage: python bench/vergelijk_parallel.py [herhalingen]

Prints the wall time of a serial and a parallel comparison of the base and the five
council scenarios, and the speed-up. Both workbooks must be byte-identical.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import budgetkoppeling
from budgetkoppeling.vergelijking import vergelijk


def main() -> None:
    herhalingen = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    with tempfile.TemporaryDirectory() as map_:
        tijden: dict[str, list[float]] = {"serieel": [], "parallel": []}
        for ronde in range(herhalingen):
            for soort in ("serieel", "parallel"):
                begin = time.perf_counter()
                vergelijk(budgetkoppeling.VOORBEELD, Path(map_) / f"{soort}_{ronde}.xlsx",
                          parallel=soort == "parallel")
                tijden[soort].append(time.perf_counter() - begin)
        gelijk = (Path(map_) / "serieel_0.xlsx").read_bytes() == (Path(map_) / "parallel_0.xlsx").read_bytes()
    serieel, parallel = min(tijden["serieel"]), min(tijden["parallel"])
    print(f"scenario's: 6 (basis + 5), herhalingen: {herhalingen}, beste tijd per soort")
    print(f"serieel   {serieel:6.1f} s")
    print(f"parallel  {parallel:6.1f} s")
    print(f"versnelling {serieel / parallel:.2f}x; werkboeken identiek: {gelijk}")


if __name__ == "__main__":
    main()
