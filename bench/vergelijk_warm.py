"""Measure `vergelijk` with every scenario warm from the base's basis (what the product does)
against every scenario cold, serial, in one run, on the national example or the given workbooks.

Usage: python bench/vergelijk_warm.py [herhalingen] [WERKBOEK.xlsx ...]

Prints per workbook the best wall time of each and their ratio, and the largest difference in a
key figure between the two (relative).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import budgetkoppeling  # noqa: E402
from budgetkoppeling import solve  # noqa: E402
from budgetkoppeling.vergelijking import vergelijk  # noqa: E402


def main() -> None:
    herhalingen = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    paden = [Path(p) for p in sys.argv[2:]] or [budgetkoppeling.VOORBEELD]
    past = solve.Startbasis.past
    print("| werkboek | scenario's | koud (s) | warm (s) | warm/koud | grootste verschil kerncijfer |")
    print("|---|---|---|---|---|---|")
    for pad in paden:
        tijden, figuren = {"koud": [], "warm": []}, {}
        for _ in range(herhalingen):
            for soort in ("koud", "warm"):
                solve.Startbasis.past = past if soort == "warm" else (lambda self, model, naam: False)
                begin = time.perf_counter()
                uitkomst = vergelijk(pad, parallel=False)
                tijden[soort].append(time.perf_counter() - begin)
                figuren[soort] = [u.kerncijfers for u in uitkomst.uitkomsten]
        solve.Startbasis.past = past
        verschil = max(abs(a[k] - b[k]) / max(1.0, abs(a[k]))
                       for a, b in zip(figuren["koud"], figuren["warm"]) for k in a)
        koud, warm = min(tijden["koud"]), min(tijden["warm"])
        print(f"| {pad.name} | {len(figuren['warm'])} | {koud:.2f} | {warm:.2f} | {warm / koud:.2f} | {verschil:.1e} |")


if __name__ == "__main__":
    main()
