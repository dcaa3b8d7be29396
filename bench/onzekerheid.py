"""``onzekerheid`` on the national example against one ``optimaliseer`` of the same input, in one run.

    python bench/onzekerheid.py [--trekkingen 200] [--werkers 2] [invoer.xlsx]

The goal of issue 16: 200 draws in at most 10x the time of one ``optimaliseer`` (read, validate,
build, solve, explain, write), on 2 cores. Both are timed end to end in this process, each writing
its workbook. Then, serially and per draw, the two optima of ``onzekerheid.reken_blok`` (for the drawn chances,
and with every parameter as drawn) warm (in place from the previous draw) against cold (every draw
loaded and solved on its own), with the objectives compared to 1e-6.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import budgetkoppeling  # noqa: E402
from budgetkoppeling import Sessie  # noqa: E402
from budgetkoppeling.onzekerheidsanalyse import (  # noqa: E402
    _gewogen,
    _onder,
    alleen_kansen,
    bij_trekking,
    trekking,
)
from budgetkoppeling.solve import OPTIMAAL, Herberekening  # noqa: E402


def main() -> int:
    argumenten = argparse.ArgumentParser()
    argumenten.add_argument("invoer", nargs="?", default=str(budgetkoppeling.VOORBEELD))
    argumenten.add_argument("--trekkingen", type=int, default=200)
    argumenten.add_argument("--werkers", type=int, default=None)
    argumenten.add_argument("--per-trekking", type=int, default=20, help="draws for the warm/cold comparison")
    opties = argumenten.parse_args()
    pad = Path(opties.invoer)
    with tempfile.TemporaryDirectory() as map_:
        begin = time.perf_counter()
        budgetkoppeling.optimaliseer(pad, Path(map_) / "plan.xlsx")
        optimaliseer = time.perf_counter() - begin
        begin = time.perf_counter()
        analyse = budgetkoppeling.onzekerheid(pad, Path(map_) / "onzekerheid.xlsx", trekkingen=opties.trekkingen,
                                              werkers=opties.werkers)
        onzeker = time.perf_counter() - begin
    print(f"| run | seconds |\n|---|---|\n| optimaliseer | {optimaliseer:.2f} |")
    print(f"| onzekerheid, {opties.trekkingen} draws ({analyse.werkers}) | {onzeker:.2f} |")
    print(f"| ratio | {onzeker / optimaliseer:.1f}x (goal: at most 10x) |")
    print("\nstages: " + ", ".join(f"{k} {v:.2f} s" for k, v in analyse.tijden.items()))
    print(f"cross-checks: {analyse.controles} draws cold as well, largest distance {analyse.max_afwijking:.1e}, "
          f"{analyse.vervangen} replaced")

    invoer = analyse.invoer
    aantal = opties.per_trekking
    # as onzekerheid.reken_blok: the optimum for the drawn chances warm from the draw before, the optimum
    # with every parameter as drawn from the first one's basis (dual simplex); each against a cold solve
    kansen_lp, alles_lp = Sessie.van_invoer(invoer, analyse.oplosser), Sessie.van_invoer(invoer, analyse.oplosser)
    model = kansen_lp.model
    for sessie in (kansen_lp, alles_lp):
        sessie.laad()
        sessie.terug_naar_begin()
    warm = {"kansen": 0.0, "alles": 0.0}
    koud = {"kansen": 0.0, "alles": 0.0}
    fouten = 0
    for nummer in range(1, aantal + 1):
        draw = trekking(invoer, analyse.zaad, nummer)
        for soort, getrokken_draw in (("kansen", alleen_kansen(invoer, draw)), ("alles", draw)):
            begin = time.perf_counter()
            if soort == "kansen":
                waarde, _, _ = kansen_lp.herbereken(_onder(getrokken_draw), _gewogen)
                start = kansen_lp.basis()
            else:
                waarde, _, _ = alles_lp.herbereken(_onder(getrokken_draw), _gewogen, start=start)
            warm[soort] += time.perf_counter() - begin
            begin = time.perf_counter()
            getrokken = bij_trekking(model, getrokken_draw)
            uitkomst = Herberekening(getrokken, analyse.oplosser).herbereken(tweede_fase=False)
            koud[soort] += time.perf_counter() - begin
            koud_waarde = _gewogen(getrokken, uitkomst.waarden) if uitkomst.status == OPTIMAAL else None
            fouten += (koud_waarde is None) != (waarde is None) or (
                koud_waarde is not None and abs(koud_waarde - waarde) > 1e-6 * max(1.0, abs(koud_waarde)))
    for soort, naam in (("kansen", "the drawn chances (warm from the draw before)"),
                        ("alles", "every parameter as drawn (from the first one's basis)")):
        print(f"optimum per draw for {naam}, serial ({analyse.oplosser}, {aantal} draws): warm "
              f"{warm[soort] / aantal:.3f} s, cold {koud[soort] / aantal:.3f} s, "
              f"warm/cold {warm[soort] / koud[soort]:.2f}")
    print(f"objectives apart: {fouten}")
    return 1 if fouten else 0


if __name__ == "__main__":
    sys.exit(main())
