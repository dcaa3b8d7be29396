"""The exceptions of budgetkoppeling, each with the exit code the CLI gives it."""

from __future__ import annotations

from dataclasses import dataclass

from .tekst import getal, kort


@dataclass(frozen=True)
class Probleem:
    """One problem in an input workbook: where it is, what was found, what is wrong."""

    blad: str | None
    rij: int | None
    kolom: str | None
    waarde: str | None
    melding: str

    def tekst(self) -> str:
        """The problem as one Dutch sentence: ``Blad 'X', rij 7, kolom 'y': ... (gevonden: ...)``."""
        plaats = []
        if self.blad is not None:
            plaats.append(f"Blad '{self.blad}'")
        if self.rij is not None:
            plaats.append(f"rij {self.rij}")
        if self.kolom is not None:
            plaats.append(f"kolom '{self.kolom}'")
        tekst = ", ".join(plaats)
        tekst = f"{tekst}: {self.melding}" if tekst else self.melding
        if self.waarde is not None:
            tekst += f" (gevonden: {kort(self.waarde)})"
        return tekst


class BudgetkoppelingFout(Exception):
    """Base of every error the tool expects; ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def op_scherm(self) -> str:
        """What the terminal shows (on standard error)."""
        return str(self)

    def als_json(self) -> dict:
        """What ``--json`` prints."""
        return {"status": "fout", "melding": str(self)}


class InvoerFout(BudgetkoppelingFout):
    """The input is not a valid workbook of SPEC §4; lists every problem at once."""

    exit_code = 3

    def __init__(self, problemen: list[Probleem], meldingen: list[str] | None = None):
        self.problemen = list(problemen)
        self.meldingen = list(meldingen or [])  # notices that may explain a problem (a column without header)
        super().__init__(self.tekst())

    def tekst(self, ten_hoogste: int | None = None) -> str:
        """Every problem, one per line; with ``ten_hoogste`` only that many, and how to see the rest."""
        aantal = len(self.problemen)
        kop = "1 probleem" if aantal == 1 else f"{getal(aantal)} problemen"
        getoond = self.problemen if ten_hoogste is None else self.problemen[:ten_hoogste]
        regels = [f"De invoer bevat {kop}:"] + [f"- {p.tekst()}" for p in getoond]
        if len(getoond) < aantal:
            regels.append(
                f"... en nog {getal(aantal - len(getoond))} problemen. Alle problemen staan in het foutenrapport van "
                "'budgetkoppeling valideer INVOER.xlsx --rapport fouten.xlsx'."
            )
        regels += let_op(self.meldingen, ten_hoogste)
        return "\n".join(regels)

    def op_scherm(self) -> str:
        return self.tekst(ten_hoogste=50)

    def als_json(self) -> dict:
        return {
            "status": "ongeldige_invoer",
            "problemen": [
                {"blad": p.blad, "rij": p.rij, "kolom": p.kolom, "waarde": p.waarde,
                 "melding": p.melding, "tekst": p.tekst()}
                for p in self.problemen
            ],
            "meldingen": self.meldingen,
        }


def let_op(meldingen: list[str], ten_hoogste: int | None = 20) -> list[str]:
    """The notices as 'Let op:' lines, at most ``ten_hoogste`` of them and a line saying how many more."""
    getoond = meldingen if ten_hoogste is None else meldingen[:ten_hoogste]
    regels = [f"Let op: {melding}" for melding in getoond]
    if len(getoond) < len(meldingen):
        regels.append(f"... en nog {getal(len(meldingen) - len(getoond))} meldingen (alle meldingen geeft de optie "
                      "--json).")
    return regels


class BestandFout(BudgetkoppelingFout):
    """A file that cannot be read as a workbook, or an output that cannot be written."""

    exit_code = 3


class GeenOplossing(BudgetkoppelingFout):
    """The input is valid but no plan satisfies every budget and rule."""

    exit_code = 4

    def __init__(self, melding: str, tekorten: list[dict] | None = None, betrokken: list[str] | None = None):
        self.melding = melding
        self.tekorten = tekorten or []
        self.betrokken = betrokken or []
        super().__init__(melding)

    def op_scherm(self) -> str:
        return self.melding

    def als_json(self) -> dict:
        return {"status": "geen_oplossing", "melding": self.melding, "tekorten": self.tekorten,
                "betrokken": self.betrokken}
