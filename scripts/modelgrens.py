"""Count the reads of the model's internals outside ``model.py`` and ``solve.py`` (issue 29, item 2).

    python scripts/modelgrens.py [MAP]     (default: the package)

A read is an attribute access (load or store) of one of INTERN on an expression that names a model
(its source text contains "model", or is one of MODELNAMEN). The rest of the package asks the model
and its solution through their methods (``Model.sleutels_van``, ``Oplossing.rijen``, ...).
"""

from __future__ import annotations

import ast
import collections
import sys
from pathlib import Path

INTERN = frozenset({"variabelen", "families", "regels", "lege_regels", "tekort_info", "sleutels", "cellen_x",
                    "cellen_y", "schalen", "_kolommen", "_rijen", "_tekort_kolommen", "doel", "plaatsingsdoel"})
MODELNAMEN = frozenset({"elastisch", "tweede", "robuust_model", "m"})
EIGEN = frozenset({"model.py", "solve.py"})


def lezingen(map_: Path) -> list[tuple[str, int, str]]:
    """(file, line, expression) of every read of a model internal in ``map_``."""
    gevonden = []
    for pad in sorted(map_.rglob("*.py")):
        if pad.name in EIGEN:
            continue
        for knoop in ast.walk(ast.parse(pad.read_text(encoding="utf-8"))):
            if isinstance(knoop, ast.Attribute) and knoop.attr in INTERN:
                tekst = ast.unparse(knoop.value)
                if "model" in tekst or tekst in MODELNAMEN:
                    gevonden.append((str(pad.relative_to(map_)), knoop.lineno, f"{tekst}.{knoop.attr}"))
    return gevonden


def main() -> int:
    map_ = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "budgetkoppeling"
    gevonden = lezingen(map_)
    for bestand, regel, tekst in gevonden:
        print(f"{bestand}:{regel}: {tekst}")
    per_bestand = collections.Counter(bestand for bestand, _regel, _tekst in gevonden)
    print(f"{len(gevonden)} lezingen", dict(per_bestand.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
