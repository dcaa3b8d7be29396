"""The budget curve re-solved in place and warm against every step solved cold.

    python bench/curve.py [invoer.xlsx] [FONDS]

Nine steps (factor 0.8 to 1.2) of the fund's budget on the national example (default the
Participatiebudget). Warm: what ``vergelijk --curve`` does (``curve.budgetcurve``: each step
built, its changed bounds handed to the loaded model, re-solved from the previous basis). Cold:
each step built, loaded and solved on its own (``solve.Herberekening`` anew). Prints seconds
and simplex iterations of both per solver, and checks that every step's objective agrees to 1e-6.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

import budgetkoppeling  # noqa: E402
from budgetkoppeling.curve import geschaald  # noqa: E402
from budgetkoppeling.model import bouw  # noqa: E402
from budgetkoppeling.solve import Herberekening  # noqa: E402


def main() -> int:
    pad = Path(sys.argv[1]) if len(sys.argv) > 1 else budgetkoppeling.VOORBEELD
    fonds = sys.argv[2] if len(sys.argv) > 2 else "Participatiebudget"
    invoer = budgetkoppeling.valideer(pad)
    factoren = np.linspace(0.8, 1.2, 9)
    print("| oplosser | koud (s) | koud iteraties | warm (s) | warm iteraties | warm/koud |")
    print("|---|---|---|---|---|---|")
    fouten = 0
    for oplosser in ("cbc", "highs"):
        koud_s = warm_s = 0.0
        koud_it = warm_it = 0
        koud_doel, warm_doel = [], []
        for factor in factoren:
            begin = time.perf_counter()
            model = bouw(geschaald(invoer, fonds, None, factor))
            koud = Herberekening(model, oplosser)
            koud_doel.append(model.doel @ koud.herbereken().waarden)
            koud_s += time.perf_counter() - begin
            koud_it += koud.iteraties
        warm = None
        for factor in factoren:
            begin = time.perf_counter()
            model = bouw(geschaald(invoer, fonds, None, factor))
            if warm is None:
                warm = Herberekening(model, oplosser)
            else:
                warm.pas_aan(model)
            warm_doel.append(model.doel @ warm.herbereken().waarden)
            warm_s += time.perf_counter() - begin
            warm_it += warm.iteraties  # the last solve's iterations
        for a, b in zip(koud_doel, warm_doel):
            if abs(a - b) > 1e-6 * max(1.0, abs(a)):
                fouten += 1
                print(f"VERSCHIL {oplosser}: {a} != {b}")
        naam = "Clp" if oplosser == "cbc" else "HiGHS"
        print(f"| {naam} | {koud_s:.2f} | {koud_it:,} | {warm_s:.2f} | {warm_it:,} | {warm_s / koud_s:.2f} |")
    return 1 if fouten else 0


if __name__ == "__main__":
    sys.exit(main())
