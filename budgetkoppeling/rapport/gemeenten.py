"""The municipal view of a plan (SPEC §9): who pays and who benefits, per municipality.

With a Gemeenten sheet the model's unit of planning is the municipality (the ``regio`` key of a
cell holds it) and a pot is a municipality, a region or the country. The functions here turn those
keys into what a council reads (a ``gemeente`` column beside the ``regio``) and compute the sheet
Per_gemeente with the key comparison below it. Every municipal figure sums to its region's.
"""

from __future__ import annotations

import polars as pl

from ..invoer import GEMEENTE, Invoer, besparing, verdeel
from ..model import groepsom, inbrengaandelen
from ..solve import Oplossing
from .opmaak import NUL

SLEUTELS_TER_VERGELIJKING = ("inwoners", "bijstand")  # the keys beside the chosen one; gebruik as well


def met_gemeente_van_cel(invoer: Invoer, frame: pl.DataFrame) -> pl.DataFrame:
    """A frame keyed by the unit of planning (in ``regio``): with Gemeenten, ``gemeente`` is that unit and
    ``regio`` its region, the column placed right after ``regio``; without, the frame as it is."""
    if not invoer.gemeenten:
        return frame
    frame = frame.with_columns(gemeente=pl.col("regio"),
                               regio=pl.col("regio").replace_strict(invoer.regio_van, return_dtype=pl.String))
    return _na_regio(frame)


def met_gemeente_van_pot(invoer: Invoer, frame: pl.DataFrame) -> pl.DataFrame:
    """A frame keyed by a pot (``fonds``, ``regio``): with Gemeenten, a municipal fund's pot gets its
    municipality in ``gemeente`` and its region in ``regio``; other pots an empty ``gemeente``."""
    if not invoer.gemeenten:
        return frame
    gemeentelijk = [f for f, gegevens in invoer.fondsen.items() if gegevens.niveau == GEMEENTE]
    is_gemeente = pl.col("fonds").is_in(gemeentelijk)
    frame = frame.with_columns(
        gemeente=pl.when(is_gemeente).then(pl.col("regio")).otherwise(pl.lit(None, pl.String)),
        regio=pl.when(is_gemeente).then(pl.col("regio").replace(invoer.regio_van)).otherwise(pl.col("regio")))
    return _na_regio(frame)


def _na_regio(frame: pl.DataFrame) -> pl.DataFrame:
    kolommen = [k for k in frame.columns if k != "gemeente"]
    plek = kolommen.index("regio") + 1
    return frame.select(*kolommen[:plek], "gemeente", *kolommen[plek:])


def inbreng_per_jaar(oplossing: Oplossing) -> pl.DataFrame:
    """(pool, bron, gemeente, regio, jaar, aandeel, pot, inbreng): each municipality's a[m] x P[pool, r, t]."""
    schema = {"pool": pl.String, "bron": pl.String, "gemeente": pl.String, "regio": pl.String, "jaar": pl.Int64,
              "aandeel": pl.Float64, "pot": pl.Float64, "inbreng": pl.Float64}
    if not oplossing.heeft("p"):
        return pl.DataFrame(schema=schema)
    p = oplossing.waarde("p").rename({"fonds": "pool", "waarde": "pot"})
    return (inbrengaandelen(oplossing.model.invoer).join(p, on=["pool", "regio"])
            .with_columns(inbreng=pl.col("aandeel") * pl.col("pot")).select(list(schema)))


def per_gemeente(oplossing: Oplossing, allocatie: pl.DataFrame) -> pl.DataFrame:
    """Per municipality and plan year (SPEC §9): inbreng, eigen_uitgaven, uit_regionale_fondsen, deelnemers,
    plaatsingen (by start year), besparing_uitkeringen and netto_kosten. Money by budget year: what a fund
    pays after the plan (reservering) is in the last plan year, as in the Fondsen sheet."""
    invoer = oplossing.model.invoer
    eind = invoer.eind
    niveau = {f: gegevens.niveau for f, gegevens in invoer.fondsen.items()}
    y = (oplossing.waarde("y").with_columns(jaar=pl.min_horizontal("jaar", pl.lit(eind)),
                                            _eigen=pl.col("fonds").replace_strict(niveau) == GEMEENTE)
         .rename({"regio": "gemeente"}))
    eigen = groepsom(y.filter(pl.col("_eigen")), ["gemeente", "jaar"], eigen_uitgaven="waarde")
    regionaal = groepsom(y.filter(~pl.col("_eigen")), ["gemeente", "jaar"], uit_regionale_fondsen="waarde")
    inbreng = groepsom(inbreng_per_jaar(oplossing), ["gemeente", "jaar"], inbreng="inbreng")
    cellen = allocatie.rename({"startjaar": "jaar"})
    if invoer.uitkeringen:
        cellen = cellen.with_columns(besparing_uitkeringen=pl.Series(
            [besparing(invoer, [(g, pj, n)]) for g, pj, n in
             cellen.select("doelgroep", "plaatsingsjaar", "plaatsingen").iter_rows()], dtype=pl.Float64))
    else:
        cellen = cellen.with_columns(besparing_uitkeringen=pl.lit(0.0))
    mensen = groepsom(cellen, ["gemeente", "jaar"], deelnemers="deelnemers", plaatsingen="plaatsingen",
                      besparing_uitkeringen="besparing_uitkeringen")
    rooster = pl.DataFrame([(m, g.regio, t, n) for n, (m, g) in enumerate(invoer.gemeenten.items())
                            for t in invoer.jaren],
                           schema={"gemeente": pl.String, "regio": pl.String, "jaar": pl.Int64, "_m": pl.Int64},
                           orient="row")
    frame = rooster
    for deel in (inbreng, eigen, regionaal, mensen):
        frame = frame.join(deel, on=["gemeente", "jaar"], how="left", maintain_order="left")
    getallen = ["inbreng", "eigen_uitgaven", "uit_regionale_fondsen", "deelnemers", "plaatsingen",
                "besparing_uitkeringen"]
    frame = frame.with_columns(pl.col(getallen).fill_null(0.0))
    return (frame.with_columns(netto_kosten=pl.col("inbreng") + pl.col("eigen_uitgaven")
                               - pl.col("besparing_uitkeringen"))
            .sort("_m", "jaar").select("gemeente", "regio", "jaar", *getallen, "netto_kosten"))


def sleutelvergelijking(oplossing: Oplossing) -> pl.DataFrame:
    """Below Per_gemeente, with the plan held fixed: each municipality's inbreng over the plan period under
    the chosen key and under inwoners, bijstand and gebruik (the pool's payments for its own residents, its
    commitments spread by the chosen key), and ``past_in_budget``: whether the municipality's fund could pay
    the inbreng of every key in the row beside its other spending, in every year (carry-over as planned).
    Empty without a pool."""
    invoer = oplossing.model.invoer
    schema = {"gemeente": pl.String, "inbreng": pl.Float64, "inbreng_inwoners": pl.Float64,
              "inbreng_bijstand": pl.Float64, "inbreng_gebruik": pl.Float64, "past_in_budget": pl.String}
    per_jaar = inbreng_per_jaar(oplossing)
    if per_jaar.height == 0:
        return pl.DataFrame(schema=schema)
    andere = {sleutel: verdeel(invoer.gemeenten, sleutel) for sleutel in SLEUTELS_TER_VERGELIJKING}
    per_jaar = per_jaar.with_columns(
        **{f"inbreng_{s}": pl.col("gemeente").replace_strict(a, return_dtype=pl.Float64) * pl.col("pot")
           for s, a in andere.items()})
    # gebruik: what the pool paid for the municipality's residents, by budget year, and its share of the
    # pool's commitments by the chosen key (so that every key distributes the same total)
    pools = list(per_jaar["pool"].unique())
    gebruikt = groepsom(oplossing.waarde("y").filter(pl.col("fonds").is_in(pools))
                        .with_columns(jaar=pl.min_horizontal("jaar", pl.lit(invoer.eind)))
                        .rename({"fonds": "pool", "regio": "gemeente"}), ["pool", "gemeente", "jaar"], _y="waarde")
    verplicht = pl.DataFrame([(f, r, t, v) for (f, r, t), v in invoer.verplichtingen.items() if f in pools],
                             schema={"pool": pl.String, "regio": pl.String, "jaar": pl.Int64, "_v": pl.Float64},
                             orient="row")
    per_jaar = (per_jaar.join(gebruikt, on=["pool", "gemeente", "jaar"], how="left")
                .join(verplicht, on=["pool", "regio", "jaar"], how="left")
                .with_columns(inbreng_gebruik=pl.col("_y").fill_null(0.0) + pl.col("aandeel") * pl.col("_v")
                              .fill_null(0.0)))
    sleutels = ["inbreng_inwoners", "inbreng_bijstand", "inbreng_gebruik"]
    # what each key would ask beyond the plan's inbreng, per fund and year, against that row's room
    meer = groepsom(per_jaar.with_columns(**{f"_meer_{k}": pl.col(k) - pl.col("inbreng") for k in sleutels}),
                    ["bron", "gemeente", "jaar"], **{f"_meer_{k}": f"_meer_{k}" for k in sleutels})
    ruimte = (oplossing.rijen("budget").select(pl.col("fonds").alias("bron"), pl.col("regio").alias("gemeente"),
                                               "jaar", (pl.col("boven") - pl.col("activiteit")).alias("_ruimte")))
    meer = meer.join(ruimte, on=["bron", "gemeente", "jaar"], how="left").with_columns(pl.col("_ruimte").fill_null(0.0))
    marge = 0.005  # half a cent: the plan's own inbreng fits to solver precision
    past = (meer.with_columns(_past=pl.all_horizontal(pl.col(f"_meer_{k}") <= pl.col("_ruimte") + marge
                                                      for k in sleutels))
            .group_by("gemeente").agg(pl.col("_past").all()))
    totaal = groepsom(per_jaar, "gemeente", inbreng="inbreng", **{k: k for k in sleutels})
    volgorde = {m: n for n, m in enumerate(invoer.gemeenten)}
    return (totaal.join(past, on="gemeente", how="left")
            .with_columns(past_in_budget=pl.when(pl.col("_past")).then(pl.lit("ja")).otherwise(pl.lit("nee")),
                          _m=pl.col("gemeente").replace_strict(volgorde, return_dtype=pl.Int64))
            .sort("_m").select(list(schema)))


def begrenzers(oplossing: Oplossing) -> list[tuple[str, str, str, list[int]]]:
    """(pool, regio, gemeente, years): the municipality whose fund's budget row binds while its region's pool
    pays, so that it limits the pool in those years (SPEC §9: "begrensd door")."""
    if not oplossing.heeft("p"):
        return []
    per_jaar = inbreng_per_jaar(oplossing).filter(pl.col("inbreng") > NUL)
    budget = oplossing.rijen("budget").select(pl.col("fonds").alias("bron"), pl.col("regio").alias("gemeente"),
                                              "jaar", "dual", (pl.col("boven") - pl.col("activiteit")).alias("_r"))
    bindend = (per_jaar.join(budget, on=["bron", "gemeente", "jaar"])
               .filter((pl.col("_r").abs() <= 1e-6 * pl.max_horizontal(pl.lit(1.0), pl.col("inbreng")))
                       & (pl.col("dual").abs() > 1e-12)))
    uitkomst = []
    for (pool, regio, gemeente), groep in bindend.group_by(["pool", "regio", "gemeente"], maintain_order=True):
        uitkomst.append((pool, regio, gemeente, sorted(groep["jaar"].to_list())))
    return uitkomst

