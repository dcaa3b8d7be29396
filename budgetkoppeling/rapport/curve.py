"""The budget-curve workbook (``vergelijk --curve FONDS``): Curve with its line chart, and Info."""

from __future__ import annotations

import datetime
from pathlib import Path

from ..bestanden import schrijf_atomisch
from ..tekst import euro, getal, nl
from ..versie import __version__
from .opmaak import BASIS_KLEUR, EURO, PLAATSINGEN, SCENARIO_KLEUR, nieuw_werkboek, onbreekbaar, pagina, tabel

CURVE_KOLOMMEN = ["factor", "budget", "gewogen_plaatsingen", "plaatsingen", "marginaal_per_100k"]


def _klein(waarde: float) -> str:
    return getal(round(waarde, 2)) if abs(waarde) >= 1 else nl(round(waarde, 4))


def curve_zinnen(curve) -> list[str]:
    """What the curve says, in plain Dutch, from its own numbers."""
    waar = f" in regio '{curve.regio}'" if curve.regio else ""
    punten = [p for p in curve.punten if p.status == "optimaal"]
    zinnen = [f"Budgetcurve van fonds '{curve.fonds}'{waar}: het budget in elk planjaar maal een factor van "
              f"{nl(curve.punten[0].factor)} tot {nl(curve.punten[-1].factor)}, in {len(curve.punten)} stappen; "
              "bij elke stap het beste plan."]
    if curve.schaduwprijs is not None:
        zinnen.append(f"Bij het huidige budget (factor 1) levert € 100.000 meer van dit fonds (verdeeld over de jaren "
                      f"zoals het budget) {_klein(curve.schaduwprijs)} gewogen plaatsingen op (de schaduwprijzen van "
                      "het plan).")
    marginaal = [p for p in punten if p.marginaal_per_100k is not None]
    if len(marginaal) >= 2:
        eerste, laatste = marginaal[0], marginaal[-1]
        if eerste.marginaal_per_100k > laatste.marginaal_per_100k + 1e-9:
            zinnen.append(f"Elke extra euro levert minder op: van {_klein(eerste.marginaal_per_100k)} gewogen "
                          f"plaatsingen per € 100.000 bij de laagste stap tot {_klein(laatste.marginaal_per_100k)} "
                          "bij de hoogste: het extra geld gaat naar steeds minder renderende deelnemers of "
                          "instrumenten.")
        else:
            zinnen.append(f"Over het hele bereik levert € 100.000 ongeveer {_klein(eerste.marginaal_per_100k)} "
                          "gewogen plaatsingen op: de curve is hier een rechte lijn.")
    for punt in curve.punten:
        if punt.status != "optimaal":
            zinnen.append(f"Bij factor {nl(punt.factor)} ({euro(punt.budget)}) is er geen plan: "
                          + punt.melding.replace("\n", " "))
    return zinnen


def schrijf_curve(curve, doel: Path, invoerpad: Path, datum: datetime.date | None = None) -> None:
    """Write the curve workbook atomically to ``doel``."""
    schrijf_atomisch(Path(doel), lambda pad: _schrijf_curve(curve, pad, invoerpad, datum), invoer=invoerpad)


def _schrijf_curve(curve, pad: Path, invoerpad: Path, datum: datetime.date | None) -> None:
    werkboek = nieuw_werkboek(pad, datum)
    dag = werkboek.rekendatum
    titel = f"Budgetkoppeling: budgetcurve {curve.fonds}" + (f" ({curve.regio})" if curve.regio else "")
    factor_fmt = werkboek.add_format({"num_format": "0%"})
    euro_fmt = werkboek.add_format({"num_format": EURO})
    getal_fmt = werkboek.add_format({"num_format": PLAATSINGEN})
    marge_fmt = werkboek.add_format({"num_format": "#,##0.000"})
    omloop = werkboek.add_format({"text_wrap": True, "valign": "top"})

    blad = werkboek.add_worksheet("Curve")
    rijen = [[p.factor, p.budget, p.gewogen_plaatsingen, p.plaatsingen, p.marginaal_per_100k] for p in curve.punten]
    onder = tabel(blad, 0, CURVE_KOLOMMEN, rijen, [factor_fmt, euro_fmt, getal_fmt, getal_fmt, marge_fmt], "Curve")
    for kolom, breedte in enumerate((10, 22, 22, 16, 20)):
        blad.set_column(kolom, kolom, breedte)
    blad.freeze_panes(1, 0)
    rij = onder  # the chart below the table; the sentences on Toelichting, so that the table reads as it is
    grafiek = werkboek.add_chart({"type": "line"})
    laatste = len(rijen)
    for kolom, naam, kleur in ((2, "Gewogen plaatsingen", BASIS_KLEUR), (3, "Verwachte plaatsingen", SCENARIO_KLEUR)):
        grafiek.add_series({"name": naam, "categories": ["Curve", 1, 0, laatste, 0],
                            "values": ["Curve", 1, kolom, laatste, kolom], "line": {"color": kleur, "width": 2.25},
                            "marker": {"type": "circle", "size": 6, "fill": {"color": kleur},
                                       "border": {"color": kleur}}})
    grafiek.set_title({"name": f"Plaatsingen bij meer of minder budget van {curve.fonds}"})
    grafiek.set_x_axis({"name": "Budget als deel van het huidige (factor)", "num_format": "0%"})
    grafiek.set_y_axis({"name": "Plaatsingen (planperiode)", "num_format": "#,##0", "min": 0})
    grafiek.set_legend({"position": "bottom"})
    grafiek.set_size({"width": 760, "height": 380})
    blad.insert_chart(rij + 2, 0, grafiek)
    if laatste >= 2:  # what each step's extra EUR 100,000 buys: the slope of the line above
        marge = werkboek.add_chart({"type": "column"})
        marge.add_series({"name": "Gewogen plaatsingen per € 100.000 extra", "categories": ["Curve", 2, 0, laatste, 0],
                          "values": ["Curve", 2, 4, laatste, 4], "fill": {"color": BASIS_KLEUR}})
        marge.set_title({"name": "Wat € 100.000 extra per stap oplevert"})
        marge.set_x_axis({"name": "Tot factor", "num_format": "0%"})
        marge.set_y_axis({"name": "Gewogen plaatsingen per € 100.000", "num_format": "#,##0.0", "min": 0})
        marge.set_legend({"none": True})
        marge.set_size({"width": 760, "height": 340})
        blad.insert_chart(rij + 22, 0, marge)
    pagina(blad, f"{titel} - Curve", curve.scenario, dag)
    # the second chart on a page of its own (the fixed print scale of bestanden.druk_op_a4 keeps the break)
    blad.set_h_pagebreaks([rij + 21])

    toelichting = werkboek.add_worksheet("Toelichting")
    zinnen = curve_zinnen(curve)
    tabel(toelichting, 0, ["toelichting"], [[onbreekbaar(zin)] for zin in zinnen], [omloop], "Toelichting")
    toelichting.set_column(0, 0, 120)
    for rij, zin in enumerate(zinnen, start=1):
        toelichting.set_row(rij, 15 * (len(zin) // 110 + 1))
    toelichting.freeze_panes(1, 0)
    pagina(toelichting, f"{titel} - Toelichting", curve.scenario, dag)

    info = werkboek.add_worksheet("Info")
    tabel(info, 0, ["sleutel", "waarde"], [
        ["versie", f"budgetkoppeling {__version__}"],
        ["rekendatum", dag.isoformat()],
        ["invoerbestand", Path(invoerpad).name],
        ["invoer_sha256", curve.invoer.sha256],
        ["scenario", curve.scenario],
        ["fonds", curve.fonds],
        ["regio", curve.regio or "alle"],
        ["stappen", f"{len(curve.punten)} (factor {nl(curve.punten[0].factor)} tot {nl(curve.punten[-1].factor)})"],
        ["schaduwprijs_bij_factor_1", "" if curve.schaduwprijs is None else nl(curve.schaduwprijs)],
        ["oplosser", curve.oplosser],
        ["herberekening", f"{sum(p.warm for p in curve.punten)} van de {len(curve.punten)} stappen opnieuw "
                          "opgelost vanuit de oplossing van de vorige stap (zonder het model opnieuw op te bouwen)"],
    ], [None, None], "Info")
    info.set_column(0, 0, 28)
    info.set_column(1, 1, 80)
    pagina(info, f"{titel} - herkomst", curve.scenario, dag)
    werkboek.close()
