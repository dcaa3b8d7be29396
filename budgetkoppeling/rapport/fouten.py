"""The problems of ``valideer --rapport`` as a workbook."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ..bestanden import schrijf_atomisch
from .opmaak import nieuw_werkboek, plaats


def schrijf_foutrapport(problemen, doel: Path, invoerpad: Path | None = None) -> None:
    """The problems of ``valideer --rapport`` as a workbook: one row per problem."""
    frame = pl.DataFrame(
        [{"blad": p.blad, "rij": p.rij, "kolom": p.kolom, "waarde": p.waarde, "melding": p.melding}
         for p in problemen],
        schema={"blad": pl.String, "rij": pl.Int64, "kolom": pl.String, "waarde": pl.String,
                "melding": pl.String},
    )

    def schrijf(pad: Path) -> None:
        werkboek = nieuw_werkboek(pad)
        plaats(werkboek, "Problemen", frame, {}, "Budgetkoppeling: controle van de invoer", "basis")
        werkboek.close()

    schrijf_atomisch(Path(doel), schrijf, invoer=invoerpad)
