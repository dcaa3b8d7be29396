"""Measure `vergelijk`: both cores against one, in one run, on the national example or the given
workbooks, and what the automatic choice (`parallel=None`: serial below a model size) does.

Usage: python bench/vergelijk_parallel.py [herhalingen] [WERKBOEK.xlsx ...]

Prints per workbook the wall time of a serial, a parallel and an automatic comparison of the
base and every scenario, and the speed-up. The workbooks must be byte-identical.
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
    paden = [Path(p) for p in sys.argv[2:]] or [budgetkoppeling.VOORBEELD]
    for pad in paden:
        with tempfile.TemporaryDirectory() as map_:
            tijden: dict[str, list[float]] = {"serieel": [], "parallel": [], "automatisch": []}
            keuze = None
            for ronde in range(herhalingen):
                for soort, parallel in (("serieel", False), ("parallel", True), ("automatisch", None)):
                    begin = time.perf_counter()
                    uitkomst = vergelijk(pad, Path(map_) / f"{soort}_{ronde}.xlsx", parallel=parallel)
                    tijden[soort].append(time.perf_counter() - begin)
                    if parallel is None:
                        keuze = "parallel" if uitkomst.parallel else "serieel"
            bestanden = [(Path(map_) / f"{s}_0.xlsx").read_bytes() for s in tijden]
            gelijk = all(b == bestanden[0] for b in bestanden)
        serieel, parallel, automatisch = (min(tijden[s]) for s in tijden)
        print(f"{pad.name}: {len(uitkomst.uitkomsten)} scenario's (met basis), herhalingen: {herhalingen}, beste tijd")
        print(f"  serieel      {serieel:6.2f} s")
        print(f"  parallel     {parallel:6.2f} s   versnelling {serieel / parallel:.2f}x")
        print(f"  automatisch  {automatisch:6.2f} s   koos {keuze}; werkboeken identiek: {gelijk}")


if __name__ == "__main__":
    main()
