#!/usr/bin/env python3
"""Write every kind of output workbook for a fixed --datum, or compare two such folders byte for byte.

    python scripts/uitvoer_vastleggen.py schrijf MAP      # the outputs of this checkout into MAP
    python scripts/uitvoer_vastleggen.py vergelijk MAP1 MAP2

A refactoring must not change what users get: run ``schrijf`` before and after (two checkouts, or
``git stash``), then ``vergelijk``; it exits 1 and names every file that differs. The inputs are the
national example, the template's example region (with its scenarios and herijking) and the guide's
Rijnmond example where present.
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

DATUM = "2026-12-01"
MAP = Path(__file__).resolve().parent.parent


def opdrachten(doel: Path) -> list[list[str]]:
    sjabloon = doel / "sjabloon.xlsx"
    voorbeeld = MAP / "inputs" / "voorbeeld_nederland.xlsx"
    lijst = [
        ["sjabloon", str(sjabloon), "--overschrijf"],
        ["voorbeeld", "-o", str(doel / "voorbeeld.xlsx")],
        ["optimaliseer", str(voorbeeld), "-o", str(doel / "nederland_highs.xlsx"), "--oplosser", "highs"],
        ["optimaliseer", str(voorbeeld), "-o", str(doel / "nederland_geheel.xlsx"), "--geheel"],
        ["vergelijk", str(voorbeeld), "-o", str(doel / "nederland_vergelijking.xlsx"), "--serieel"],
        ["vergelijk", str(voorbeeld), "--curve", "ESF+", "-o", str(doel / "nederland_curve.xlsx")],
        ["evalueer", str(voorbeeld), "-o", str(doel / "nederland_evaluatie.xlsx")],
        ["onzekerheid", str(voorbeeld), "--trekkingen", "20", "-o", str(doel / "nederland_onzekerheid.xlsx")],
        ["optimaliseer", str(sjabloon), "-o", str(doel / "sjabloon_plan.xlsx")],
        ["optimaliseer", str(sjabloon), "-o", str(doel / "sjabloon_bezuiniging.xlsx"), "--scenario", "bezuiniging"],
        ["optimaliseer", str(sjabloon), "-o", str(doel / "sjabloon_herijking.xlsx"), "--vanaf", "2027"],
        ["vergelijk", str(sjabloon), "-o", str(doel / "sjabloon_vergelijking.xlsx")],
        ["evalueer", str(sjabloon), "-o", str(doel / "sjabloon_evaluatie.xlsx")],
        ["onzekerheid", str(sjabloon), "--trekkingen", "40", "-o", str(doel / "sjabloon_onzekerheid.xlsx")],
    ]
    for pad in sorted((MAP / "inputs").glob("*.xlsx")):
        if pad.name != "voorbeeld_nederland.xlsx":
            lijst.append(["optimaliseer", str(pad), "-o", str(doel / f"invoer_{pad.stem}.xlsx")])
    return lijst


def schrijf(doel: Path) -> int:
    doel.mkdir(parents=True, exist_ok=True)
    for opdracht in opdrachten(doel):
        datum = [] if opdracht[0] == "sjabloon" else ["--datum", DATUM]
        klaar = subprocess.run([sys.executable, "-m", "budgetkoppeling", *opdracht, *datum, "--stil"], check=False)
        print(f"{klaar.returncode}  {' '.join(opdracht[:2])} {opdracht[-1] if len(opdracht) > 2 else ''}")
    return 0


def cellen_verschil(een: Path, ander: Path) -> tuple[int, float]:
    """(cells that differ beyond rounding, the largest relative difference of the numbers) between
    two workbooks, every sheet's cached values."""
    import openpyxl

    links, rechts = openpyxl.load_workbook(een, data_only=True), openpyxl.load_workbook(ander, data_only=True)
    if links.sheetnames != rechts.sheetnames:
        return 1, float("inf")
    anders, grootste = 0, 0.0
    for naam in links.sheetnames:
        rijen_l, rijen_r = list(links[naam].iter_rows(values_only=True)), list(rechts[naam].iter_rows(values_only=True))
        if len(rijen_l) != len(rijen_r):
            return anders + 1, float("inf")
        for rij_l, rij_r in zip(rijen_l, rijen_r):
            for a, b in zip(rij_l, rij_r):
                if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
                    verschil = abs(a - b) / max(1.0, abs(a), abs(b))
                    grootste = max(grootste, verschil)
                    anders += verschil > 1e-12
                else:
                    anders += a != b
    return anders, grootste


def vergelijk(een: Path, ander: Path) -> int:
    """Byte for byte; a workbook that differs is compared cell by cell: equal up to the last bits of
    a float (1e-12 relative) or not."""
    namen = sorted({p.name for p in een.glob("*.xlsx")} | {p.name for p in ander.glob("*.xlsx")})
    anders = [n for n in namen if not ((een / n).exists() and (ander / n).exists()
                                       and filecmp.cmp(een / n, ander / n, shallow=False))]
    echt = 0
    for naam in anders:
        if not ((een / naam).exists() and (ander / naam).exists()):
            print(f"ontbreekt aan één kant: {naam}")
            echt += 1
            continue
        cellen, grootste = cellen_verschil(een / naam, ander / naam)
        echt += cellen > 0
        print(f"bytes verschillen: {naam}: {cellen} cellen anders, grootste relatieve afwijking {grootste:.1e}")
    print(f"{len(namen) - len(anders)} van {len(namen)} werkboeken byte voor byte gelijk, "
          f"{len(anders) - echt} op de laatste decimalen van een getal na")
    return 1 if echt else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "schrijf":
        sys.exit(schrijf(Path(sys.argv[2])))
    if len(sys.argv) == 4 and sys.argv[1] == "vergelijk":
        sys.exit(vergelijk(Path(sys.argv[2]), Path(sys.argv[3])))
    sys.exit(__doc__)
