"""Municipal models (SPEC §9): one region's municipalities end to end, with and without the pot they fill.

    python bench/gemeenten.py [--regio Zuid-Limburg] [--herhaal 3]

The workbook is the national example at municipal level (scripts/maak_voorbeeld_gemeenten.py) cut to one
region: its municipalities, its regional budgets, the national pots scaled by the region's share of the
ESF key, without the national banenafspraak rule (a national minimum cannot be met by one region). Each
variant is measured in a fresh process: ``budgetkoppeling optimaliseer --json`` end to end with its
stages, and the same LP built by the model and solved once by HiGHS (dual simplex, no second phase),
the raw reference (``bench/ruw.py --model``). Issue 30 asks for under 2 seconds end to end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import tomllib
from pathlib import Path

MAP = Path(__file__).resolve().parent
WORTEL = MAP.parent
sys.path.insert(0, str(WORTEL))
sys.path.insert(0, str(WORTEL / "scripts"))

from bench.meet import draai  # noqa: E402
from budgetkoppeling.io import schrijf_invoer  # noqa: E402


def regio_werkboek(regio: str, met_pot: bool, doel: Path) -> int:
    """Write the region's workbook (scripts/maak_voorbeeld_gemeenten.regio_bladen) to ``doel``; return its
    number of municipalities."""
    from maak_voorbeeld_gemeenten import PARAMETERS, regio_bladen

    with open(PARAMETERS, "rb") as bestand:
        rijen = regio_bladen(tomllib.load(bestand), regio, met_pot)
    schrijf_invoer(doel, rijen)
    return len(rijen["Gemeenten"])


def main() -> int:
    ontleder = argparse.ArgumentParser(description=__doc__)
    ontleder.add_argument("--regio", default="Zuid-Limburg")
    ontleder.add_argument("--herhaal", type=int, default=3)
    args = ontleder.parse_args()
    print(f"| {args.regio} | gemeenten | kolommen | rijen | end to end (s) | lezen, bouwen, oplossen, samenstellen, "
          "schrijven (s) | HiGHS ruw (s) | iteraties | doelwaarde gelijk |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as map_:
        for met_pot in (True, False):
            invoer = Path(map_) / f"regio_{met_pot}.xlsx"
            gemeenten = regio_werkboek(args.regio, met_pot, invoer)
            metingen = []
            for _ in range(args.herhaal):
                _s, _mb, uit = draai([sys.executable, "-m", "budgetkoppeling", "optimaliseer", str(invoer), "-o",
                                      str(Path(map_) / "plan.xlsx"), "--json", "--stil"])
                metingen.append(json.loads(uit[uit.index("{"):]))
            beste = min(metingen, key=lambda m: m["looptijd_seconden"])
            _s, _mb, uit = draai([sys.executable, str(MAP / "ruw.py"), str(invoer), "--model", "--json"])
            ruw = json.loads(uit[uit.index("{"):])
            seconden, doel, kolommen, rijen, iteraties = (ruw[k] for k in ("oplossen", "doel", "kolommen", "rijen",
                                                                           "iteraties"))
            fasen = ", ".join(f"{fase['seconden']:.2f}" for fase in beste["fasen"])
            gelijk = abs(float(doel) - beste["kerncijfers"]["gewogen_plaatsingen"]) <= 1e-6 * max(1.0, float(doel))
            print(f"| {'met' if met_pot else 'zonder'} pot | {gemeenten} | {kolommen} | {rijen} | "
                  f"{statistics.median(m['looptijd_seconden'] for m in metingen):.2f} | "
                  f"{fasen} | {float(seconden):.2f} | "
                  f"{iteraties} | {'ja' if gelijk else 'NEE'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
