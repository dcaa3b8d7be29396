"""What step (2) of "Which optimum" (SPEC §5) buys and costs: the plan's year-to-year change (sum over
regions and instruments of |participants in year t - in year t-1|, plan years after the first) and
the solve time, for each solver: one phase (the first optimum as the solver finds it), two phases
without step (2) (the split over funds only, as before issue 28), and with step (2).

Usage: python bench/jaarverschil.py [herhalingen] [WERKBOEK.xlsx ...]
       (default: the national example and the template's example region)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import budgetkoppeling  # noqa: E402
from budgetkoppeling import solve  # noqa: E402
from budgetkoppeling.model import bouw, jaarverandering  # noqa: E402
from budgetkoppeling.validate import lees_en_valideer  # noqa: E402


def main() -> None:
    herhalingen = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    paden = [Path(p) for p in sys.argv[2:]]
    with tempfile.TemporaryDirectory() as map_:
        if not paden:
            sjabloon = Path(map_) / "sjabloon.xlsx"
            budgetkoppeling.maak_sjabloon(sjabloon)
            paden = [budgetkoppeling.VOORBEELD, sjabloon]
        for pad in paden:
            model = bouw(lees_en_valideer(pad))
            print(f"{pad.name}: {model.aantal_kolommen} kolommen, {model.aantal_rijen} rijen, best of {herhalingen}")
            met = solve.financieringsvoorkeur(model)  # with the rows of step (2), made in this process
            zonder = solve.Voorkeur(met.kosten)
            for naam in ("highs", "clp"):
                regels = []
                for variant, v in (("een fase", None), ("zonder stap 2", zonder), ("met stap 2", met)):
                    beste = float("inf")
                    for _ in range(herhalingen):
                        begin = time.perf_counter()
                        uitkomst = solve._highs(model, False, v) if naam == "highs" else solve._clp(model, v)
                        beste = min(beste, time.perf_counter() - begin)
                    regels.append((variant, beste, jaarverandering(model, uitkomst.waarden),
                                   model.doelwaarde(uitkomst.waarden)))
                referentie = regels[1][1]
                for variant, seconden, verandering, doel in regels:
                    print(f"  {naam:5s} {variant:14s} {seconden:6.3f} s ({seconden / referentie:4.2f}x)  "
                          f"verandering {verandering:12,.1f} personen  doel {doel:,.6f}")


if __name__ == "__main__":
    main()
