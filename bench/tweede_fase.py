"""What the unique split over funds costs: each solver with and without the second phase
(``solve.financieringsvoorkeur``: the preference minimised over the first solve's optimal face,
``solve._optimaal_vlak``), and whether HiGHS and Clp then agree on every payment.

Usage: python bench/tweede_fase.py [herhalingen] [WERKBOEK.xlsx ...]   (default: the national example)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

import budgetkoppeling  # noqa: E402
from budgetkoppeling import solve  # noqa: E402
from budgetkoppeling.model import bouw  # noqa: E402
from budgetkoppeling.validate import lees_en_valideer  # noqa: E402


def main() -> None:
    herhalingen = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for pad in [Path(p) for p in sys.argv[2:]] or [budgetkoppeling.VOORBEELD]:
        model = bouw(lees_en_valideer(pad))
        voorkeur = solve.financieringsvoorkeur(model)
        y = model.variabelen["y"]
        tijden, betalingen = {}, {}
        for naam in ("highs", "clp"):
            for fase, v in (("een fase", None), ("twee fasen", voorkeur)):
                beste = float("inf")
                for _ in range(herhalingen):
                    begin = time.perf_counter()
                    uitkomst = solve._highs(model, False, v) if naam == "highs" else solve._clp(model, v)
                    beste = min(beste, time.perf_counter() - begin)
                tijden[(naam, fase)] = beste
                betalingen[(naam, fase)] = (uitkomst.waarden[y.start:y.start + y.aantal],
                                            float(model.doel @ uitkomst.waarden))
        print(f"{pad.name}: {model.aantal_kolommen} kolommen, best of {herhalingen}")
        for naam in ("highs", "clp"):
            een, twee = tijden[(naam, "een fase")], tijden[(naam, "twee fasen")]
            print(f"  {naam:5s} een fase {een:6.2f} s, twee fasen {twee:6.2f} s: {twee / een:.2f}x")
        for fase in ("een fase", "twee fasen"):
            (yh, dh), (yc, dc) = betalingen[("highs", fase)], betalingen[("clp", fase)]
            print(f"  {fase}: grootste verschil in een betaling HiGHS-Clp € {np.max(np.abs(yh - yc)):,.2f}; "
                  f"doelwaarden {dh:.6f} en {dc:.6f}")


if __name__ == "__main__":
    main()
