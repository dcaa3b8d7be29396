"""``--geheel`` (whole participants per cell, a MIP): HiGHS's MIP on the arrays against CBC on the
model's PuLP view (``Model.als_pulp()``, the ``cbc`` program), each the product's own solve
(``solve._los_op``: HiGHS in a forked child, CBC in a temporary folder), and the LP for scale.

Usage: python bench/geheel.py [herhalingen] [WERKBOEK.xlsx ...]   (default: the national example)

Both MIPs stop at their default relative gap (HiGHS 1e-4, CBC 1e-4 through PuLP), so their
objectives may differ within it; the table prints both.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import budgetkoppeling  # noqa: E402
from budgetkoppeling import solve  # noqa: E402
from budgetkoppeling.model import bouw  # noqa: E402
from budgetkoppeling.validate import lees_en_valideer  # noqa: E402


def _beste(herhalingen: int, model, naam: str) -> tuple[float, object]:
    """The best time of ``herhalingen`` product solves of ``model`` with ``naam``, and its outcome."""
    beste, uitkomst = float("inf"), None
    for _ in range(herhalingen):
        begin = time.perf_counter()
        uitkomst = solve._los_op(model, naam)
        beste = min(beste, time.perf_counter() - begin)
    return beste, uitkomst


def main() -> None:
    herhalingen = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    print("| werkboek | kolommen (geheel) | LP Clp (s) | MIP HiGHS op de arrays (s) | MIP CBC via PuLP (s) "
          "| doelwaarde LP / HiGHS / CBC |")
    print("|---|---|---|---|---|---|")
    for pad in [Path(p) for p in sys.argv[2:]] or [budgetkoppeling.VOORBEELD]:
        invoer = lees_en_valideer(pad)
        lp, mip = bouw(invoer), bouw(invoer, geheel=True)
        lp_tijd, lp_uitkomst = _beste(herhalingen, lp, "cbc")
        highs_tijd, highs = _beste(herhalingen, mip, "highs")
        cbc_tijd, cbc = _beste(herhalingen, mip, "cbc")
        doel = [float(mip.doel @ u.waarden) if u.status == solve.OPTIMAAL else float("nan")
                for u in (highs, cbc)]
        print(f"| {pad.name} | {mip.aantal_kolommen:,} | {lp_tijd:.2f} | {highs_tijd:.2f} | {cbc_tijd:.2f} "
              f"| {float(lp.doel @ lp_uitkomst.waarden):,.3f} / {doel[0]:,.3f} / {doel[1]:,.3f} |")


if __name__ == "__main__":
    main()
