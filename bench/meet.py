"""The performance benchmark: budgetkoppeling end to end against the raw solvers, in one run.

    python bench/meet.py [--groottes voorbeeld,35,400] [--oplosser auto] [--uit bench/resultaat.md]

For each size it measures, each in a fresh process (time with perf_counter, peak memory with
wait4's ru_maxrss):
- ``budgetkoppeling optimaliseer --json``: end to end, with the time and peak memory of each stage;
- the raw reference (bench/ruw.py --model): the model's own LP as arrays, passed to highspy in one
  call (HiGHS dual simplex; for municipalities its interior point), build and solve timed apart;
  it also writes the LP as MPS. (ruw.py's own polars/numpy builder lacks the families reservering
  and vaststelling of issue 28 and the pools of issue 30: it solved another LP, so it is not used);
- HiGHS interior point (with crossover) and CBC's LP solver Clp on that MPS file (Clp with the
  product's tolerances, 1e-9: with the default 1e-7 it was both slower and up to 2.4e-6 off).
The fastest raw solver's time is raw build + its solve; its memory the larger of the raw
builder's and the solver's. Ratios are ours / fastest. Objectives must agree to 1e-6.
A third table counts the Clp reference with its hand-off (raw build, writing the MPS file and the
whole Clp process: reading, solving, writing the solution), the way the product must reach Clp.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAP = Path(__file__).resolve().parent
WORTEL = MAP.parent
sys.path.insert(0, str(WORTEL))

from bench.genereer import genereer  # noqa: E402

CLP_OPTIES = ("-primalTolerance", "1e-9", "-dualTolerance", "1e-9")  # the product's Clp tolerances (solve.py)


def cbc_pad() -> str:
    from pulp.apis.coin_api import PULP_CBC_CMD

    return PULP_CBC_CMD().path


def draai(opdracht: list[str], tijdslimiet: float = 7200) -> tuple[float, float, str]:
    """Run ``opdracht``; return wall seconds, peak memory in MB and stdout."""
    begin = time.perf_counter()
    with tempfile.TemporaryFile("w+") as uit:
        proces = subprocess.Popen(opdracht, stdout=uit, stderr=subprocess.STDOUT, text=True)
        _, status, gebruik = os.wait4(proces.pid, 0)
        seconden = time.perf_counter() - begin
        proces.returncode = os.waitstatus_to_exitcode(status)
        uit.seek(0)
        tekst = uit.read()
    if proces.returncode != 0:
        raise RuntimeError(f"{' '.join(opdracht)} gaf {proces.returncode}:\n{tekst[-3000:]}")
    return seconden, gebruik.ru_maxrss / 1024, tekst


HIGHS_MPS = """
import json, sys, time, highspy
h = highspy.Highs(); h.setOptionValue("output_flag", False)
h.readModel(sys.argv[1])
h.setOptionValue("solver", sys.argv[2])
begin = time.perf_counter(); h.run(); seconden = time.perf_counter() - begin
print(json.dumps({"seconden": seconden, "status": h.modelStatusToString(h.getModelStatus()),
                  "doel": h.getInfo().objective_function_value}))
"""


def meet(naam: str, invoer: Path, map_: Path, oplosser: str, ipm: bool = True, model_lp: bool = False) -> dict:
    py = sys.executable
    resultaat: dict = {"grootte": naam}
    plan = map_ / f"{naam}_plan.xlsx"
    seconden, piek, tekst = draai([py, "-m", "budgetkoppeling", "optimaliseer", str(invoer), "-o", str(plan),
                                   "--json", "--oplosser", oplosser])
    gegevens = json.loads(tekst[tekst.index("{"):])
    resultaat["ons"] = {"seconden": seconden, "piek_mb": piek, "doel": gegevens["doelwaarde"],
                        "oplosser": gegevens["oplosser"], "fasen": gegevens["fasen"]}

    mps = map_ / f"{naam}.mps"
    # the raw solvers get the model's own LP (ruw.py --model): ruw.py's own builder lacks the families reservering
    # and vaststelling (issue 28) and pools (issue 30), so it solved another LP (the national example 277,141.0
    # against 279,480.6). For municipalities the in-process HiGHS run is its interior point: its dual simplex had
    # not finished the 342-municipality LP after 5 minutes
    eigen = ["--model"]
    methode = ["--solver", "ipm"] if model_lp else []
    seconden, piek, tekst = draai([py, str(MAP / "ruw.py"), str(invoer), "--mps", str(mps), "--json", *eigen,
                                   *methode])
    ruw = json.loads(tekst[tekst.index("{"):])
    ruw.update(totaal_seconden=seconden, piek_mb=piek)
    resultaat["ruw"] = ruw
    naam_ruw = "HiGHS interior point" if model_lp else "HiGHS simplex"
    oplossers = {naam_ruw: {"seconden": ruw["oplossen"], "piek_mb": piek, "doel": ruw["doel"], "in_proces": True}}
    ipm = ipm and not model_lp

    seconden, piek, tekst = draai([py, str(MAP / "ruw.py"), str(invoer), "--clp", *eigen])
    clp = json.loads(tekst.strip().splitlines()[-1])
    oplossers["Clp (cylp)"] = {"seconden": clp["laden"] + clp["oplossen"], "piek_mb": piek, "doel": clp["doel"],
                               "opbouwen": clp["opbouwen"], "in_proces": True}

    if ipm:
        seconden, piek, tekst = draai([py, "-c", HIGHS_MPS, str(mps), "ipm"])
        uitkomst = json.loads(tekst.strip().splitlines()[-1])
        oplossers["HiGHS interior point"] = {"seconden": uitkomst["seconden"], "piek_mb": piek,
                                             "doel": uitkomst["doel"]}

    oplossing = map_ / f"{naam}.sol"
    seconden, piek, tekst = draai([cbc_pad(), str(mps), "-max", *CLP_OPTIES, "-initialSolve", "-solution",
                                   str(oplossing)])
    eigen_tijd = re.search(r"iterations time ([0-9.]+)", tekst)
    doel = float(oplossing.read_text().splitlines()[0].split()[-1])
    oplossers["CBC/Clp"] = {"seconden": float(eigen_tijd.group(1)) if eigen_tijd else seconden, "piek_mb": piek,
                            "doel": doel, "proces_seconden": seconden}
    resultaat["oplossers"] = oplossers
    _, _, tekst = draai([py, str(MAP / "vloer.py"), str(invoer), str(plan), "--json"])
    resultaat["vloer"] = json.loads(tekst.strip().splitlines()[-1])
    return resultaat


def tabel(resultaten: list[dict]) -> str:
    regels = [
        "| grootte | kolommen × rijen | ons: tijd (s) | ons: geheugen (MB) | ruw opbouwen (s) | HiGHS simplex (s) "
        "| HiGHS IPM (s) | Clp in proces (s) | cbc-programma (s) | snelste ruw: tijd / geheugen | tijd ons/ruw "
        "| geheugen ons/ruw |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in resultaten:
        ruw, ons = r["ruw"], r["ons"]
        snelste_naam, snelste = min(r["oplossers"].items(), key=lambda kv: kv[1]["seconden"])
        tijd = ruw["opbouwen"] + snelste["seconden"]
        # a solver in the builder's process counts that process's peak; one fed a file, the larger of the two
        geheugen = snelste["piek_mb"] if snelste.get("in_proces") else max(snelste["piek_mb"], ruw["opbouw_piek_mb"])
        o = {naam: f"{v['seconden']:.1f}" for naam, v in r["oplossers"].items()}
        o.setdefault("HiGHS interior point", "-")
        o.setdefault("HiGHS simplex", "-")
        regels.append(
            f"| {r['grootte']} | {ruw['kolommen']:,} × {ruw['rijen']:,} | {ons['seconden']:.1f} | {ons['piek_mb']:.0f} "
            f"| {ruw['opbouwen']:.1f} | {o['HiGHS simplex']} | {o['HiGHS interior point']} "
            f"| {o['Clp (cylp)']} | {o['CBC/Clp']} | {snelste_naam}: {tijd:.1f} s / {geheugen:.0f} MB "
            f"| {ons['seconden'] / tijd:.2f} | {ons['piek_mb'] / geheugen:.2f} |")
    return "\n".join(regels)


def fasentabel(resultaten: list[dict]) -> str:
    regels = ["| grootte | oplosser | " + " | ".join(f["fase"] for f in resultaten[0]["ons"]["fasen"]) + " |",
              "|---|---|" + "---|" * len(resultaten[0]["ons"]["fasen"])]
    for r in resultaten:
        cellen = [f"{f['seconden']:.1f} s, {f['piekgeheugen_mb']:.0f} MB" for f in r["ons"]["fasen"]]
        regels.append(f"| {r['grootte']} | {r['ons']['oplosser']} | " + " | ".join(cellen) + " |")
    return "\n".join(regels)


def overdrachtstabel(resultaten: list[dict]) -> str:
    """The Clp reference counted with its hand-off: the only way into Clp is a file, which the
    main table leaves out (Clp's own solve time); the product pays for writing and reading it."""
    regels = ["| grootte | ruw opbouwen (s) | MPS schrijven (s) | Clp-proces: lezen, oplossen, schrijven (s) "
              "| referentie met overdracht (s) | tijd ons/referentie |", "|---|---|---|---|---|---|"]
    for r in resultaten:
        ruw, clp = r["ruw"], r["oplossers"]["CBC/Clp"]
        referentie = ruw["opbouwen"] + ruw["mps_schrijven"] + clp["proces_seconden"]
        regels.append(f"| {r['grootte']} | {ruw['opbouwen']:.1f} | {ruw['mps_schrijven']:.1f} "
                      f"| {clp['proces_seconden']:.1f} | {referentie:.1f} | {r['ons']['seconden'] / referentie:.2f} |")
    return "\n".join(regels)


def vloertabel(resultaten: list[dict]) -> str:
    """Each stage of ours against its floor (``bench/vloer.py``): the same work with nothing of ours around it."""
    regels = ["| grootte | opstart: python / met bibliotheken (s) | lezen en controleren: ons / calamine (s) "
              "| opbouwen: ons / ruw (s) | oplossen: ons / Clp op ons LP (s) | werkboek: ons / kale xlsxwriter (s) "
              "| cellen | ons totaal / som vloeren |", "|---|---|---|---|---|---|---|---|"]
    for r in resultaten:
        v, fasen = r["vloer"], {f["fase"]: f["seconden"] for f in r["ons"]["fasen"]}
        vloeren = v["bibliotheken"] + v["lezen"] + r["ruw"]["opbouwen"] + v["clp"] + v["werkboek"]
        regels.append(
            f"| {r['grootte']} | {v['python']:.2f} / {v['bibliotheken']:.2f} "
            f"| {fasen['Invoer lezen en controleren']:.2f} / {v['lezen']:.2f} "
            f"| {fasen['Model opbouwen']:.2f} / {r['ruw']['opbouwen']:.2f} "
            f"| {fasen['Model oplossen']:.2f} / {v['clp']:.2f} "
            f"| {fasen['Werkboek schrijven']:.2f} / {v['werkboek']:.2f} | {v['cellen']:,} "
            f"| {r['ons']['seconden'] / vloeren:.2f} |")
    return "\n".join(regels)


def controleer_doelen(resultaten: list[dict]) -> list[str]:
    fouten = []
    for r in resultaten:
        referentie = r["ruw"]["doel"]
        for naam, doel in [("ons", r["ons"]["doel"])] + [(k, v["doel"]) for k, v in r["oplossers"].items()]:
            if abs(doel - referentie) > 1e-6 * max(1.0, abs(referentie)):
                fouten.append(f"{r['grootte']}: {naam} {doel} != ruw {referentie}")
    return fouten


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groottes", default="voorbeeld,35,80,120r,400",
                        help="'voorbeeld' (the national example), 'gemeenten' (it at municipal level), "
                             "'zuid-limburg' (one region of that), numbers of planning units, and N followed by "
                             "'r' for the other structure (2 segments, many rules, no run-on)")
    parser.add_argument("--zonder-ipm", action="store_true", help="skip HiGHS interior point (slow at 400)")
    parser.add_argument("--oplosser", default="auto")
    parser.add_argument("--uit", type=Path, help="also write the tables (Markdown) and the raw figures (JSON)")
    args = parser.parse_args()
    resultaten = []
    with tempfile.TemporaryDirectory() as tijdelijk:
        map_ = Path(tijdelijk)
        for grootte in args.groottes.split(","):
            gemeentelijk = grootte in ("gemeenten", "zuid-limburg")
            if grootte == "voorbeeld":
                invoer = WORTEL / "inputs" / "voorbeeld_nederland.xlsx"
            elif grootte == "gemeenten":  # the national example at municipal level: 342 municipalities
                invoer = WORTEL / "inputs" / "voorbeeld_gemeenten.xlsx"
            elif grootte == "zuid-limburg":  # one region of it: 16 municipalities (bench/gemeenten.py)
                from bench.gemeenten import regio_werkboek

                invoer = map_ / "zuid_limburg.xlsx"
                regio_werkboek("Zuid-Limburg", True, invoer)
            elif grootte.endswith("r"):
                eenheden = int(grootte[:-1])
                invoer = genereer(map_ / f"eenheden_{grootte}.xlsx", eenheden=eenheden, segmenten=2, veel_regels=True)
                grootte = f"{eenheden} × 15 × 5 × 6 × 2, veel regels"
            else:
                invoer = genereer(map_ / f"eenheden_{grootte}.xlsx", eenheden=int(grootte))
                grootte = f"{grootte} × 15 × 5 × 6 × 3"
            print(f"meten: {grootte} ...", file=sys.stderr, flush=True)
            resultaten.append(meet(grootte.split(" ")[0] + ("r" if "regels" in grootte else ""), invoer, map_,
                                   args.oplosser, ipm=not args.zonder_ipm, model_lp=gemeentelijk))
            resultaten[-1]["grootte"] = grootte
    uitvoer = "\n\n".join([tabel(resultaten), fasentabel(resultaten), overdrachtstabel(resultaten),
                            vloertabel(resultaten)])
    fouten = controleer_doelen(resultaten)
    uitvoer += "\n\nDoelwaarden gelijk (1e-6 relatief): " + ("ja" if not fouten else "NEE: " + "; ".join(fouten))
    print(uitvoer)
    if args.uit:
        args.uit.write_text(uitvoer + "\n", encoding="utf-8")
        args.uit.with_suffix(".json").write_text(json.dumps(resultaten, indent=2), encoding="utf-8")
    return 1 if fouten else 0


if __name__ == "__main__":
    sys.exit(main())
