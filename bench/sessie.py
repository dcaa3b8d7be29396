"""A warm change in a Sessie against opening it cold (the goal of issue 29: at most a third).

    python bench/sessie.py [invoer.xlsx] [--herhaal N]

Cold: ``Sessie.open`` (read and validate) plus the first ``los_op`` (build, solve cold, plan
frames), measured N times (default 5) in this process. Warm: in one open session, a budget
factor on one fund (ESF+, alternately 1.1 and 1/1.1 of the state before) then ``los_op``: the
input re-applied, the model built, the changed bounds handed to the loaded solver, re-solved
from the previous basis and the plan frames made; 20 changes. Per solver: the median of each,
the ratio warm/cold, and the share of the warm time in building, solving and the plan frames.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import budgetkoppeling  # noqa: E402
from budgetkoppeling import Sessie  # noqa: E402


def main() -> int:
    argumenten = [a for a in sys.argv[1:] if not a.startswith("--")]
    herhaal = int(sys.argv[sys.argv.index("--herhaal") + 1]) if "--herhaal" in sys.argv else 5
    if "--herhaal" in sys.argv:
        argumenten.remove(str(herhaal))
    pad = Path(argumenten[0]) if argumenten else budgetkoppeling.VOORBEELD
    print(f"invoer: {pad.name}")
    print("| oplosser | koud: open + eerste los_op (s, mediaan) | warm: pas_aan + los_op (s, mediaan) | "
          "warm p95 (s) | warm/koud | warm: opbouw / oplossen / plan (s) |")
    print("|---|---|---|---|---|---|")
    for oplosser in ("cbc", "highs"):
        koud = []
        for _ in range(herhaal):
            begin = time.perf_counter()
            with Sessie.open(pad, oplosser=oplosser) as sessie:
                sessie.los_op()
            koud.append(time.perf_counter() - begin)
        warm, stadia = [], {"Model opbouwen": [], "Model oplossen": [], "Plan samenstellen": []}
        tijden: list[tuple[str, float]] = []

        def stadium(stap: str, tijden: list = tijden) -> None:
            tijden.append((stap, time.perf_counter()))

        with Sessie.open(pad, oplosser=oplosser, voortgang=stadium) as sessie:
            sessie.los_op()
            for nummer in range(20):
                tijden.clear()
                begin = time.perf_counter()
                sessie.pas_aan({"aanpassing": "budget", "fonds": "ESF+", "factor": 1.1 if nummer % 2 == 0 else 1 / 1.1})
                plan = sessie.los_op()
                eind = time.perf_counter()
                warm.append(eind - begin)
                assert sessie.warm and plan.kerncijfers["gewogen_plaatsingen"] > 0
                for (stap, van), (_, tot) in zip(tijden, [*tijden[1:], ("", eind)]):
                    stadia[stap].append(tot - van)
        p95 = sorted(warm)[int(0.95 * len(warm)) - 1]
        delen = " / ".join(f"{statistics.median(v):.3f}" for v in stadia.values())
        print(f"| {oplosser} | {statistics.median(koud):.3f} | {statistics.median(warm):.3f} | {p95:.3f} | "
              f"{statistics.median(warm) / statistics.median(koud):.2f} | {delen} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
