"""What each command shows on a terminal and writes with ``--json``, made from its result object
(the plan's own: :mod:`budgetkoppeling.rapport.plan`).

Every result has ``als_json(doel)`` (the dict that ``--json`` prints) and ``op_scherm(doel)`` (a list
of rich tables and Dutch sentences, in order); the CLI only prints them. Tables fit 80 columns: money
in millions or short, numbers rounded.
"""

from __future__ import annotations

from pathlib import Path

from ..tekst import euro, euro_kort, getal, miljoen, nl, procent

# the onzekerheid table on a terminal: kpi -> (short label, its explanation below the table)
KORT = {
    "plaatsingen": ("Plaatsingen", "verwachte plaatsingen"),
    "gewogen_plaatsingen": ("Gewogen", "gewogen plaatsingen (de doelstelling)"),
    "gewogen_slechtste": ("Slechtste", "gemiddelde gewogen plaatsingen van de slechtste trekkingen"),
    "tekort": ("Tekort", "wat het plan tekortkomt als kosten en budgetten zijn als getrokken"),
    "kans_betaalbaar": ("Betaalbaar", "aandeel trekkingen zonder tekort"),
    "waarde_betere_kennis": ("Kennis", "waarde van betere kennis van kansen, kosten en budgetten"),
    "waarde_betere_kennis_effecten": ("Kennis kans", "waarde van betere kennis van de plaatsingskansen"),
}


def _tabel(titel: str, eenvoudig: bool = True):
    from rich import box
    from rich.table import Table

    return Table(title=titel, title_justify="left", **({"box": box.SIMPLE_HEAD} if eenvoudig else {}))


# ----------------------------------------------------------------------------- vergelijk


def vergelijking_json(vergelijking, doel: Path) -> dict:
    return {
        "status": "geschreven", "uitvoer": str(doel), "seconden": round(vergelijking.seconden, 2),
        "parallel": vergelijking.parallel,
        "scenarios": [
            {"scenario": u.scenario, "status": u.status, "kerncijfers": u.kerncijfers, "tekorten": u.tekorten}
            for u in vergelijking.uitkomsten
        ],
    }


def vergelijking_scherm(vergelijking, doel: Path) -> list:
    tabel = _tabel("Vergelijking van scenario's")
    netto = any("netto_kosten" in u.kerncijfers for u in vergelijking.uitkomsten)
    kolommen = [("Scenario", False), ("Plaatsingen", True), ("Uitgaven (€ mln)", True), ("Per plaatsing", True)]
    kolommen += [("Netto kosten (€ mln)", True)] if netto else []
    for kolom, rechts in kolommen:  # fits 80 columns: money in millions, a scenario without a plan says so
        # a number column as wide as its longest word: the rest goes to the scenario's name
        tabel.add_column(kolom, justify="right" if rechts else "left",
                         max_width=max(len(w) for w in kolom.split()) + 2 if rechts else None)
    for u in vergelijking.uitkomsten:
        if u.status == "optimaal":
            k = u.kerncijfers
            cellen = [getal(round(k["plaatsingen"])), miljoen(k["uitgaven"]), euro(k["kosten_per_plaatsing"])]
            tabel.add_row(u.scenario, *cellen, *([miljoen(k["netto_kosten"])] if netto else []))
        else:
            tabel.add_row(u.scenario, "geen plan", *["-"] * (len(kolommen) - 2))
    regels: list = [tabel]
    regels += [f"Scenario '{u.scenario}' heeft geen oplossing. {u.melding}" for u in vergelijking.uitkomsten
               if u.status != "optimaal"]
    regels.append(f"Vergelijking geschreven naar {doel} ({vergelijking.seconden:.1f} s).")
    return regels


# ----------------------------------------------------------------------------- vergelijk --curve


def curve_json(curve, doel: Path) -> dict:
    return {
        "status": "geschreven", "uitvoer": str(doel), "fonds": curve.fonds, "regio": curve.regio,
        "seconden": round(curve.seconden, 2), "schaduwprijs_bij_factor_1": curve.schaduwprijs,
        "curve": [{"factor": p.factor, "budget": p.budget, "gewogen_plaatsingen": p.gewogen_plaatsingen,
                   "plaatsingen": p.plaatsingen, "marginaal_per_100k": p.marginaal_per_100k, "status": p.status}
                  for p in curve.punten],
    }


def curve_scherm(curve, doel: Path) -> list:
    from .curve import curve_zinnen

    tabel = _tabel(f"Budgetcurve {curve.fonds}" + (f" ({curve.regio})" if curve.regio else ""))
    for kolom in ("Factor", "Budget", "Gewogen plaatsingen", "Plaatsingen", "Per € 100.000 extra"):
        tabel.add_column(kolom, justify="right", no_wrap=kolom in ("Factor", "Budget"))
    for p in curve.punten:
        tabel.add_row(f"{nl(round(100 * p.factor, 2))}%", euro_kort(p.budget),
                      "-" if p.gewogen_plaatsingen is None else getal(round(p.gewogen_plaatsingen, 1)),
                      "-" if p.plaatsingen is None else getal(round(p.plaatsingen, 1)),
                      "" if p.marginaal_per_100k is None else nl(round(p.marginaal_per_100k, 3)))
    return [tabel, *curve_zinnen(curve)[1:], f"Budgetcurve geschreven naar {doel} ({curve.seconden:.1f} s)."]


# ----------------------------------------------------------------------------- evalueer


def evaluatie_json(evaluatie, doel: Path) -> dict:
    return {
        "status": "geschreven", "uitvoer": str(doel), "uitvoerbaar": evaluatie.uitvoerbaar,
        "tekorten": evaluatie.tekorten, "huidige_verdeling": evaluatie.huidig,
        "optimum_zelfde_geld": evaluatie.zelfde_geld.kerncijfers,
        "optimum_zelfde_plaatsingen": evaluatie.zelfde_plaatsingen.kerncijfers,
        "optimum_heel_budget": evaluatie.optimum.kerncijfers,
        "optimum_binnen_band": evaluatie.binnen_band.kerncijfers, "max_verschuiving": evaluatie.band,
    }


def evaluatie_scherm(evaluatie, doel: Path) -> list:
    zelfde_geld = evaluatie.zelfde_geld.kerncijfers
    zelfde_plaatsingen = evaluatie.zelfde_plaatsingen.kerncijfers
    band = procent(evaluatie.band)
    tabel = _tabel("Huidige verdeling en optimum")
    tabel.add_column("", min_width=20)
    for kolom in ("Huidig", "Zelfde geld", "Zelfde aantal", "Heel budget", f"±{band}"):
        tabel.add_column(kolom, justify="right", max_width=9)
    plannen = [evaluatie.huidig, zelfde_geld, zelfde_plaatsingen, evaluatie.optimum.kerncijfers,
               evaluatie.binnen_band.kerncijfers]
    tabel.add_row("Verwachte plaatsingen", *[getal(round(p["plaatsingen"])) if p else "-" for p in plannen])
    tabel.add_row("Gewogen plaatsingen", *[getal(round(p["gewogen_plaatsingen"])) if p else "-" for p in plannen])
    tabel.add_row("Uitgaven (€ mln)", *[miljoen(p["uitgaven"]) if p else "-" for p in plannen])
    tabel.add_row("Kosten per plaatsing", *[euro(p["kosten_per_plaatsing"]) if p else "-" for p in plannen])
    if "netto_kosten" in evaluatie.huidig:
        tabel.add_row("Netto kosten (€ mln)",
                      *[miljoen(p["netto_kosten"]) if p and "netto_kosten" in p else "-" for p in plannen])
    regels: list = [tabel, f"De kolommen: het optimum met hetzelfde geld, voor hetzelfde aantal gewogen plaatsingen, "
                           f"met het hele budget en binnen ±{band} van de huidige verdeling."]
    if evaluatie.uitvoerbaar:
        regels.append("De huidige verdeling past binnen alle budgetten en beleidsregels.")
    else:
        regels.append("De huidige verdeling is niet uitvoerbaar:")
        regels += [f"- {tekort['tekst']}" for tekort in evaluatie.tekorten]
    if zelfde_geld:
        extra = zelfde_geld["plaatsingen"] - evaluatie.huidig["plaatsingen"]
        regels.append(f"Met hetzelfde geld levert het optimum {getal(round(extra, 1))} plaatsingen meer op.")
    if zelfde_plaatsingen:
        regels.append(f"Dezelfde gewogen plaatsingen kosten in het optimum "
                      f"{euro(evaluatie.huidig['uitgaven'] - zelfde_plaatsingen['uitgaven'])} minder.")
    binnen, vrij = evaluatie.binnen_band.kerncijfers, evaluatie.optimum.kerncijfers
    if binnen and vrij:
        huidig = evaluatie.huidig["gewogen_plaatsingen"]
        regels.append(
            f"Binnen ±{band} van de huidige verdeling (elk instrument per regio en jaar hoogstens zoveel anders) "
            f"levert het plan {getal(round(binnen['gewogen_plaatsingen'] - huidig, 1))} gewogen plaatsingen meer op; "
            f"het vrije optimum {getal(round(vrij['gewogen_plaatsingen'] - huidig, 1))}.")
    elif not binnen:
        regels += [f"Binnen ±{band} van de huidige verdeling is er geen plan:", evaluatie.binnen_band.melding]
    regels.append(f"Evaluatie geschreven naar {doel}.")
    return regels


# ----------------------------------------------------------------------------- onzekerheid


def analyse_json(analyse, doel: Path) -> dict:
    from .onzekerheid import samenvatting, toelichting

    return {"status": "geschreven", "uitvoer": str(doel), "trekkingen": analyse.aantal, "zaad": analyse.zaad,
            "betrouwbaarheid": analyse.betrouwbaarheid, "seconden": round(analyse.seconden, 2),
            "samenvatting": samenvatting(analyse).to_dicts(), "toelichting": toelichting(analyse)}


def analyse_scherm(analyse, doel: Path) -> list:
    from .onzekerheid import samenvatting, toelichting

    # fits 80 columns: short labels (the legend below says what each is), money in millions
    tabel = _tabel(f"Onzekerheid ({analyse.aantal} trekkingen)")
    for kolom in ("", "Plan", "Gemiddelde", "p5", "p50", "p95"):
        tabel.add_column(kolom, justify="left" if kolom in ("", "Plan") else "right", no_wrap=True)
    gebruikt = []
    for rij in samenvatting(analyse).iter_rows(named=True):
        label, uitleg = KORT.get(rij["kpi"], (rij["kpi"], rij["kpi"]))
        if (label, uitleg) not in gebruikt:
            gebruikt.append((label, uitleg))
        opmaak = euro_kort if rij["kpi"] == "tekort" else procent if rij["kpi"] == "kans_betaalbaar" else \
            (lambda w: getal(round(w)))
        tabel.add_row(label, rij["plan"], *["" if rij[b] is None else opmaak(rij[b])
                                            for b in ("gemiddelde", "p5", "p50", "p95")])
    return [tabel, *[f"  {label}: {uitleg}" for label, uitleg in gebruikt], *toelichting(analyse),
            f"Onzekerheid geschreven naar {doel} ({analyse.seconden:.1f} s)."]
