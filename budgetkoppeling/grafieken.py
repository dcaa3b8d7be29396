"""The charts of a plan as Vega-Lite specifications: one definition for every place that draws them.

The what-if page (``verken``) hands them to vega-embed in the browser; the council paper draws the
same specifications to pictures. Each function takes a plan's frames and returns a plain dict
(JSON), with the data inline and Dutch labels; numbers are formatted by the Dutch locale that
:data:`NL_LOCALE` gives the renderer (1.234.567; € 12,5 mln).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from .curve import Curve
    from .rapport import Plan

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # a name only: nothing is fetched
NL_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}
BREEDTE, HOOGTE = "container", 220


def mln(grootste: float) -> str:
    """An axis of euros in millions, the Dutch way: '€ 1.400 mln', or '€ 2,5 mln' for smaller sums."""
    decimalen = 0 if grootste >= 50e6 else 1
    return f"'€ ' + format(datum.value / 1e6, ',.{decimalen}f') + ' mln'"
BASIS_KLEUR, NU_KLEUR = "#9DC3E6", "#1F4E79"  # the opened plan and the current state (as rapport/opmaak)
LETTER = "Carlito, Calibri, 'Segoe UI', Arial, sans-serif"


def _grafiek(titel: str, data: list[dict], **spec) -> dict:
    return {"$schema": SCHEMA, "title": {"text": titel, "anchor": "start", "fontSize": 15},
            "width": BREEDTE, "height": HOOGTE, "autosize": {"type": "fit-x", "contains": "padding"},
            "padding": 10,
            "data": {"values": data},
            "config": {"font": LETTER, "axis": {"labelFontSize": 12, "titleFontSize": 12},
                       "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "columns": 2,
                                  "labelLimit": 260}},
            **spec}


def _rijen(frame: pl.DataFrame) -> list[dict]:
    return [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in rij.items()}
            for rij in frame.iter_rows(named=True)]


def uitgaven_per_fonds(plan: Plan) -> dict:
    """Spending per fund per year: stacked bars in euros."""
    frame = (plan.fondsen.group_by("fonds", "jaar", maintain_order=True).agg(pl.col("besteed").sum())
             .filter(pl.col("besteed").abs() > 0.5).sort("jaar"))
    volgorde = list(dict.fromkeys(plan.fondsen["fonds"]))
    return _grafiek("Uitgaven per fonds per jaar", _rijen(frame), mark={"type": "bar", "tooltip": True}, encoding={
        "x": {"field": "jaar", "type": "ordinal", "title": "jaar"},
        "y": {"field": "besteed", "type": "quantitative", "title": "uitgaven",
              "axis": {"labelExpr": mln(frame.group_by("jaar").agg(pl.col("besteed").sum())["besteed"].max() or 0)}},
        "color": {"field": "fonds", "type": "nominal", "title": "fonds", "sort": volgorde},
        "order": {"field": "fonds"},
        "tooltip": [{"field": "fonds"}, {"field": "jaar"},
                    {"field": "besteed", "title": "uitgaven", "format": "$,.0f"}]})


def deelnemers_per_instrument(plan: Plan, geopend: Plan | None = None) -> dict:
    """Participants per instrument over the plan period, now and (with ``geopend``) in the opened plan."""
    def som(p: Plan, naam: str) -> pl.DataFrame:
        return (p.allocatie.group_by("instrument", maintain_order=True).agg(pl.col("deelnemers").sum())
                .with_columns(plan=pl.lit(naam)))

    delen = [som(plan, "nu")] + ([som(geopend, "geopend plan")] if geopend is not None else [])
    frame = pl.concat(delen)
    return _grafiek("Deelnemers per instrument (hele planperiode)", _rijen(frame),
                    mark={"type": "bar", "tooltip": True}, encoding={
        "y": {"field": "instrument", "type": "nominal", "title": None, "sort": "-x"},
        "x": {"field": "deelnemers", "type": "quantitative", "title": "deelnemers",
              "axis": {"format": ",.0f", "tickCount": 6, "labelOverlap": True}},
        "yOffset": {"field": "plan", "sort": ["geopend plan", "nu"]},
        "color": {"field": "plan", "type": "nominal", "title": None,
                  "scale": {"domain": ["geopend plan", "nu"], "range": [BASIS_KLEUR, NU_KLEUR]}},
        "tooltip": [{"field": "instrument"}, {"field": "plan"},
                    {"field": "deelnemers", "format": ",.0f"}]}, height={"step": 9})


def plaatsingen_per_jaar(plan: Plan, geopend: Plan | None = None) -> dict:
    """Expected placements by the year they happen, now and (with ``geopend``) in the opened plan."""
    def som(p: Plan, naam: str) -> pl.DataFrame:
        return (p.allocatie.group_by("plaatsingsjaar").agg(pl.col("plaatsingen").sum())
                .rename({"plaatsingsjaar": "jaar"}).with_columns(plan=pl.lit(naam)).sort("jaar"))

    frame = pl.concat([som(plan, "nu")] + ([som(geopend, "geopend plan")] if geopend is not None else []))
    return _grafiek("Plaatsingen per jaar", _rijen(frame), mark={"type": "bar", "tooltip": True}, encoding={
        "x": {"field": "jaar", "type": "ordinal", "title": "jaar van plaatsing"},
        "xOffset": {"field": "plan", "sort": ["geopend plan", "nu"]},
        "y": {"field": "plaatsingen", "type": "quantitative", "title": "plaatsingen", "axis": {"format": ",.0f"}},
        "color": {"field": "plan", "type": "nominal", "title": None,
                  "scale": {"domain": ["geopend plan", "nu"], "range": [BASIS_KLEUR, NU_KLEUR]}},
        "tooltip": [{"field": "jaar"}, {"field": "plan"}, {"field": "plaatsingen", "format": ",.0f"}]})


def budgetcurve(curve: Curve) -> dict:
    """Weighted placements against the fund's budget, one point per step; the opened budget marked."""
    data = [{"factor": p.factor, "budget": round(p.budget, 2), "gewogen_plaatsingen": round(p.gewogen_plaatsingen, 2)}
            for p in curve.punten if p.gewogen_plaatsingen is not None]
    waar = f" in {curve.regio}" if curve.regio else ""
    lijn = {"mark": {"type": "line", "point": True, "color": NU_KLEUR, "tooltip": True}, "encoding": {
        "x": {"field": "budget", "type": "quantitative", "title": f"budget {curve.fonds}{waar} (alle jaren)",
              "axis": {"labelExpr": mln(max((p["budget"] for p in data), default=0))}, "scale": {"zero": False}},
        "y": {"field": "gewogen_plaatsingen", "type": "quantitative", "title": "gewogen plaatsingen",
              "axis": {"format": ",.0f"}, "scale": {"zero": False}},
        "tooltip": [{"field": "factor", "format": ".2f"}, {"field": "budget", "format": "$,.0f"},
                    {"field": "gewogen_plaatsingen", "format": ",.0f"}]}}
    huidig = {"mark": {"type": "rule", "strokeDash": [4, 3], "color": "#888"},
              "transform": [{"filter": "abs(datum.factor - 1) < 1e-9"}],
              "encoding": {"x": {"field": "budget", "type": "quantitative"}}}
    return _grafiek(f"Budgetcurve {curve.fonds}{waar}", data, layer=[lijn, huidig], height=160)
