"""The floor of each stage of ``optimaliseer``: what the stage costs with nothing of ours around it.

    python bench/vloer.py invoer.xlsx plan.xlsx [--json]

``plan.xlsx`` is the plan ``optimaliseer`` wrote for ``invoer.xlsx``. Each figure is measured in
a fresh process (start-up) or in this one (the others), best of three:

- start-up: ``python -c "import polars, pandera.polars, xlsxwriter, click, rich"`` (the libraries
  every run needs) against a bare ``python -c pass``;
- reading: every sheet of the input with polars' calamine reader, no checks;
- solving: Clp (cylp) on the LP that the product hands it (``solve.Kostenvrij``), from the arrays,
  once (the product also runs the second phase and solves in a child process);
- the workbook: every cell of the plan's sheets written again with bare xlsxwriter in
  constant-memory mode (no formats, tables, charts or page setup).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def beste(functie, keer: int = 3) -> float:
    tijden = []
    for _ in range(keer):
        begin = time.perf_counter()
        functie()
        tijden.append(time.perf_counter() - begin)
    return min(tijden)


def opstart() -> tuple[float, float]:
    def proces(code: str) -> None:
        subprocess.run([sys.executable, "-c", code], check=True)

    kaal = beste(lambda: proces("pass"))
    bibliotheken = beste(lambda: proces("import polars, pandera.polars, xlsxwriter, click, rich"))
    return kaal, bibliotheken


def lezen(invoer: Path) -> float:
    import polars as pl

    return beste(lambda: pl.read_excel(invoer, sheet_id=0, engine="calamine"))


def oplossen(invoer: Path) -> tuple[float, float]:
    """Clp's own solve (seconds) of the LP the product hands it, from the arrays, and its objective."""
    from cylp.cy import CyClpSimplex

    import budgetkoppeling
    from budgetkoppeling.model import bouw
    from budgetkoppeling.solve import Kostenvrij, _clp_laad

    model = bouw(budgetkoppeling.valideer(invoer))
    matrix = model.matrix("csc")
    simplex = CyClpSimplex()
    _clp_laad(simplex, model, matrix, vrij=Kostenvrij.van(model, matrix))
    begin = time.perf_counter()
    simplex.initialSolve()
    return time.perf_counter() - begin, -float(simplex.objectiveValue)


def werkboek(plan: Path) -> tuple[float, int]:
    import polars as pl
    import xlsxwriter

    bladen = pl.read_excel(plan, sheet_id=0, engine="calamine", has_header=False)
    cellen = sum(b.height * b.width for b in bladen.values())

    def schrijf() -> None:
        with tempfile.TemporaryDirectory() as map_:
            boek = xlsxwriter.Workbook(str(Path(map_) / "vloer.xlsx"), {"constant_memory": True})
            for naam, blad in bladen.items():
                werkblad = boek.add_worksheet(naam[:31])
                for rij, waarden in enumerate(blad.iter_rows()):
                    werkblad.write_row(rij, 0, waarden)
            boek.close()

    return beste(schrijf), cellen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("invoer", type=Path)
    parser.add_argument("plan", type=Path)
    parser.add_argument("--json", action="store_true")
    opties = parser.parse_args()
    kaal, bibliotheken = opstart()
    verkleind, doel = oplossen(opties.invoer)
    schrijven, cellen = werkboek(opties.plan)
    uitkomst = {"python": kaal, "bibliotheken": bibliotheken, "lezen": lezen(opties.invoer),
                "clp": verkleind, "doel": doel,
                "werkboek": schrijven, "cellen": cellen}
    print(json.dumps(uitkomst) if opties.json else "\n".join(f"{k}: {v:.3f}" if isinstance(v, float) else
                                                              f"{k}: {v}" for k, v in uitkomst.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
