"""What interruptible solves cost: HiGHS and Clp in a forked child (what the product does, so that
Ctrl-C and SIGTERM stop a solve at once) against the same solve in this process, on one model,
best of ``herhalingen``.

Usage: python bench/onderbreken.py INVOER.xlsx [herhalingen]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from budgetkoppeling import solve  # noqa: E402
from budgetkoppeling.model import bouw  # noqa: E402
from budgetkoppeling.validate import lees_en_valideer  # noqa: E402


def main() -> None:
    pad = Path(sys.argv[1])
    herhalingen = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    model = bouw(lees_en_valideer(pad))
    model.matrix("csr"), model.matrix("csc")
    tijden: dict[str, list[float]] = {k: [] for k in ("highs_kind", "highs_hier", "clp_kind", "clp_hier")}
    doelen = set()

    def meet(naam: str, functie) -> None:
        begin = time.perf_counter()
        uitkomst = functie()
        tijden[naam].append(time.perf_counter() - begin)
        doelen.add(round(float(model.doel @ uitkomst.waarden), 6))

    for _ in range(herhalingen):
        meet("highs_kind", lambda: solve._highs(model, False))
        meet("highs_hier", lambda: solve._highs_hier(model, model.matrix("csr"), False))
        meet("clp_kind", lambda: solve._clp(model))
        meet("clp_hier", lambda: solve._clp_hier(model, m := model.matrix("csc"), solve.Kostenvrij.van(model, m)))
    beste = {k: min(v) for k, v in tijden.items()}
    print(f"{pad.name}: {model.aantal_kolommen} kolommen, {model.aantal_rijen} rijen, best of {herhalingen}")
    for naam, seconden in beste.items():
        print(f"  {naam:15s} {seconden:6.2f} s")
    print(f"  HiGHS in kindproces / hier:  {beste['highs_kind'] / beste['highs_hier']:.2f}x")
    print(f"  Clp in kindproces / hier:    {beste['clp_kind'] / beste['clp_hier']:.2f}x")
    print(f"  doelwaarden gelijk: {len(doelen) == 1}")


if __name__ == "__main__":
    main()
