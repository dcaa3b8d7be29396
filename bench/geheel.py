"""``--geheel`` (whole participants per cell, a MIP): HiGHS's MIP on the arrays (the product's own
solve, ``solve._los_op``, in a forked child) against CBC on the model's PuLP view
(``Model.als_pulp()`` and PuLP's ``cbc`` program, as ``--oplosser cbc --geheel`` runs it, here with
a time limit), and the LP (Clp) for scale.

Usage: python bench/geheel.py [--grens 600] [WERKBOEK.xlsx ...]   (default: the national example)

Both MIPs stop at their default relative gap; the table prints both objectives and the LP's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import budgetkoppeling  # noqa: E402
from budgetkoppeling import solve  # noqa: E402
from budgetkoppeling.model import bouw  # noqa: E402
from budgetkoppeling.validate import lees_en_valideer  # noqa: E402


def _cbc(model, grens: float) -> tuple[float, str, float | None]:
    """Seconds, PuLP's status and the objective of CBC on the PuLP view (the product's path, with a limit)."""
    import pulp

    begin = time.perf_counter()
    probleem = model.als_pulp()
    with tempfile.TemporaryDirectory() as map_:
        oplosser = pulp.PULP_CBC_CMD(msg=False, timeLimit=grens, _skip_v4_deprecation=True)
        oplosser.tmpDir = map_
        status = probleem.solve(oplosser)
    seconden = time.perf_counter() - begin
    doel = pulp.value(probleem.objective)
    return seconden, pulp.LpStatus[status], None if doel is None else float(doel)


def main() -> None:
    argumenten = argparse.ArgumentParser()
    argumenten.add_argument("werkboeken", nargs="*")
    argumenten.add_argument("--grens", type=float, default=600.0, help="CBC's time limit in seconds")
    opties = argumenten.parse_args()
    print("| werkboek | kolommen | LP, Clp: s / doelwaarde | MIP, HiGHS op de arrays: s / doelwaarde "
          "| MIP, CBC via PuLP: s / status / doelwaarde |")
    print("|---|---|---|---|---|")
    for pad in [Path(p) for p in opties.werkboeken] or [budgetkoppeling.VOORBEELD]:
        invoer = lees_en_valideer(pad)
        lp, mip = bouw(invoer), bouw(invoer, geheel=True)
        begin = time.perf_counter()
        lp_uitkomst = solve._los_op(lp, "cbc")
        lp_tijd = time.perf_counter() - begin
        begin = time.perf_counter()
        highs = solve._los_op(mip, "highs")
        highs_tijd = time.perf_counter() - begin
        highs_doel = float(mip.doel @ highs.waarden) if highs.status == solve.OPTIMAAL else float("nan")
        cbc_tijd, cbc_status, cbc_doel = _cbc(mip, opties.grens)
        print(f"| {pad.name} | {mip.aantal_kolommen:,} | {lp_tijd:.2f} / {float(lp.doel @ lp_uitkomst.waarden):,.2f} "
              f"| {highs_tijd:.2f} / {highs_doel:,.2f} | {cbc_tijd:.2f} / {cbc_status} / "
              f"{'-' if cbc_doel is None else f'{cbc_doel:,.2f}'} |", flush=True)


if __name__ == "__main__":
    main()
