"""Re-solving in place against solving cold, per scenario of the national example.

    python bench/herberekenen.py [invoer.xlsx]

For each solver: the base is loaded and solved once; then every scenario of the Scenarios
sheet is (a) built, loaded and solved cold, and (b) built, handed to the loaded model as the
numbers that differ (``Herberekening.pas_aan``) and solved warm from the previous basis. Prints
seconds and simplex iterations of both, and checks that the objectives agree to 1e-6.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import budgetkoppeling  # noqa: E402
from budgetkoppeling.model import bouw  # noqa: E402
from budgetkoppeling.scenarios import pas_toe, scenario_namen  # noqa: E402
from budgetkoppeling.solve import Herberekening  # noqa: E402


def main() -> int:
    pad = Path(sys.argv[1]) if len(sys.argv) > 1 else budgetkoppeling.VOORBEELD
    invoer = budgetkoppeling.valideer(pad)
    # a scenario with a band (max_verschuiving) adds the overgang rows: another model, not a change in place
    namen = [n for n in scenario_namen(invoer)[1:] if pas_toe(invoer, n).max_verschuiving is None]
    print("| oplosser | scenario | koud (s) | koud iteraties | warm (s) | warm iteraties | warm/koud |")
    print("|---|---|---|---|---|---|---|")
    fouten = 0
    for oplosser in ("highs", "cbc"):
        warm = Herberekening(bouw(invoer), oplosser)
        warm.herbereken()
        totaal_koud = totaal_warm = 0.0
        for naam in namen:
            begin = time.perf_counter()
            model = bouw(pas_toe(invoer, naam))
            koud = Herberekening(model, oplosser)
            uitkomst_koud = koud.herbereken()
            koud_seconden = time.perf_counter() - begin
            begin = time.perf_counter()
            model = bouw(pas_toe(invoer, naam))
            warm.pas_aan(model)
            uitkomst_warm = warm.herbereken()
            warm_seconden = time.perf_counter() - begin
            a, b = model.doel @ uitkomst_koud.waarden, model.doel @ uitkomst_warm.waarden
            if abs(a - b) > 1e-6 * max(1.0, abs(a)):
                fouten += 1
                print(f"VERSCHIL {oplosser} {naam}: {a} != {b}")
            totaal_koud += koud_seconden
            totaal_warm += warm_seconden
            print(f"| {oplosser} | {naam} | {koud_seconden:.2f} | {koud.iteraties:,} | {warm_seconden:.2f} "
                  f"| {warm.iteraties:,} | {warm_seconden / koud_seconden:.2f} |")
        print(f"| {oplosser} | **alle** | {totaal_koud:.2f} | | {totaal_warm:.2f} | | "
              f"{totaal_warm / totaal_koud:.2f} |")
    return 1 if fouten else 0


if __name__ == "__main__":
    sys.exit(main())
