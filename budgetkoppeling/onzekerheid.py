"""Uncertainty (SPEC §8): the draws of the Onzekerheid sheet.

Draw d comes from its own generator, seeded with (zaad, d): a draw does not depend on the
number of draws, on the order in which draws are computed, or on the machine or worker that
computes them. Within a draw the factors are made in the order of the sheet, and for a
``per_regio`` row in the order of the regions (a landelijk fund's budget counts as the
region ``landelijk``).

The base plan under every draw, the optimum per draw, the robust (CVaR) plan and the
workbook follow in later steps of issue 16; this module holds what they all start from.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .validate import Invoer, Onzekerheid

LANDELIJK = "landelijk"  # the region of a landelijk fund's budget in a per_regio row


def kolommen(invoer: Invoer) -> list[tuple[Onzekerheid, str | None, str]]:
    """(row, region or None, column name) for every factor a draw holds: one per ``gedeeld`` row,
    one per region for a ``per_regio`` row (``naam [regio]``)."""
    uitkomst = []
    for regel in invoer.onzekerheid:
        if regel.samenhang != "per_regio":
            uitkomst.append((regel, None, regel.naam))
            continue
        regios = list(invoer.regios) if regel.filters.get("regio") is None else [regel.filters["regio"]]
        if regel.grootheid == "budget" and regel.filters.get("regio") is None:
            fonds = regel.filters.get("fonds")
            if any(gegevens.landelijk and (fonds is None or fonds == naam) for naam, gegevens in
                   invoer.fondsen.items()):
                regios.append(LANDELIJK)
        uitkomst += [(regel, regio, f"{regel.naam} [{regio}]") for regio in regios]
    return uitkomst


def trek(regel: Onzekerheid, generator: np.random.Generator) -> float:
    """One factor of ``regel``: triangular with its peak at 1 (driehoek) or uniform, in [laag, hoog]."""
    if regel.laag == regel.hoog:  # laag <= 1 <= hoog, so both are 1: no uncertainty
        return 1.0
    if regel.verdeling == "uniform":
        return float(generator.uniform(regel.laag, regel.hoog))
    return float(generator.triangular(regel.laag, 1.0, regel.hoog))


def trekking(invoer: Invoer, zaad: int, nummer: int) -> list[float]:
    """The factors of draw ``nummer`` (numbered from 1), in the order of :func:`kolommen`."""
    generator = np.random.default_rng(np.random.SeedSequence([zaad, nummer]))
    return [trek(regel, generator) for regel, _regio, _naam in kolommen(invoer)]


def trekkingen(invoer: Invoer, aantal: int, zaad: int = 2026) -> pl.DataFrame:
    """Every draw: ``trekking`` (1..aantal) and one column of factors per :func:`kolommen` entry."""
    namen = [naam for _regel, _regio, naam in kolommen(invoer)]
    rijen = [[nummer, *trekking(invoer, zaad, nummer)] for nummer in range(1, aantal + 1)]
    schema = {"trekking": pl.Int64, **{naam: pl.Float64 for naam in namen}}
    return pl.DataFrame(rijen, schema=schema, orient="row")
