"""The input template of ``budgetkoppeling sjabloon``: every sheet, with a small example region."""

from __future__ import annotations

from pathlib import Path

from .io import schrijf_invoer
from .schemas import BLADEN

VOORBEELD_REGIO = "Voorbeeldregio"


def voorbeeld_rijen() -> dict[str, list[dict]]:
    """A small, complete region: two funds, three instruments, two groups, three years."""
    jaren = [2026, 2027, 2028]
    return {
        "Instellingen": [
            {"sleutel": "planperiode_start", "waarde": "2026"},
            {"sleutel": "planperiode_eind", "waarde": "2028"},
            {"sleutel": "disconteringsvoet", "waarde": "0"},
            {"sleutel": "kostenindexatie", "waarde": "0.02"},
            {"sleutel": "doorloop_na_planperiode", "waarde": "nee"},
            {"sleutel": "oplosser", "waarde": "auto"},
        ],
        "Regios": [{"regio": VOORBEELD_REGIO, "centrumgemeente": "Voorbeeldstad"}],
        "Fondsen": [
            {"fonds": "Participatiebudget", "soort": "participatiebudget", "landelijk": "nee",
             "overheveling": 0.2},
            {"fonds": "ESF+", "soort": "esf", "landelijk": "nee", "overheveling": 0, "vervaljaar": 2027},
        ],
        "Budgetten": [
            {"fonds": "Participatiebudget", "regio": VOORBEELD_REGIO, "jaar": t, "bedrag": 2_000_000}
            for t in jaren
        ] + [
            {"fonds": "ESF+", "regio": VOORBEELD_REGIO, "jaar": t, "bedrag": 500_000} for t in jaren[:2]
        ],
        "Verplichtingen": [
            {"fonds": "Participatiebudget", "regio": VOORBEELD_REGIO, "jaar": 2026, "bedrag": 400_000},
        ],
        "Instrumenten": [
            {"instrument": "jobcoaching", "kosten_per_deelnemer": 4_500, "duur_jaren": 1,
             "vertraging_jaren": 1, "omschrijving": "begeleiding op de werkplek"},
            {"instrument": "loonkostensubsidie", "kosten_per_deelnemer": 12_000, "duur_jaren": 2,
             "vertraging_jaren": 0, "omschrijving": "compensatie voor verminderde loonwaarde"},
            {"instrument": "scholing", "kosten_per_deelnemer": 3_500, "duur_jaren": 1,
             "vertraging_jaren": 1, "omschrijving": "vakgerichte opleiding"},
        ],
        "Doelgroepen": [
            {"doelgroep": "arbeidsbeperking", "gewicht": 1.2},
            {"doelgroep": "bijstand", "gewicht": 1.0},
        ],
        "Potentieel": [
            {"regio": VOORBEELD_REGIO, "doelgroep": g, "jaar": t, "aantal": n}
            for g, n in (("arbeidsbeperking", 150), ("bijstand", 600)) for t in jaren
        ],
        "Effecten": [
            {"instrument": "jobcoaching", "doelgroep": "arbeidsbeperking", "plaatsingskans": 0.35},
            {"instrument": "loonkostensubsidie", "doelgroep": "arbeidsbeperking", "plaatsingskans": 0.55},
            {"instrument": "loonkostensubsidie", "doelgroep": "bijstand", "plaatsingskans": 0.45},
            {"instrument": "scholing", "doelgroep": "bijstand", "plaatsingskans": 0.2},
        ],
        "Financieringsregels": [
            {"fonds": "Participatiebudget", "instrument": "alle", "doelgroep": "alle", "max_aandeel": 1},
            {"fonds": "ESF+", "instrument": "alle", "doelgroep": "alle", "max_aandeel": 0.4},
        ],
        "Afnemende_meeropbrengst": [
            {"instrument": "alle", "segment": 1, "aandeel_potentieel": 0.5, "factor": 1},
            {"instrument": "alle", "segment": 2, "aandeel_potentieel": 0.5, "factor": 0.7},
        ],
        "Beleidsregels": [
            {"regel": "banenafspraak", "regio": "alle", "fonds": "alle", "instrument": "alle",
             "doelgroep": "arbeidsbeperking", "jaar": "elk", "grootheid": "deelnemers",
             "operator": ">=", "waarde": 20, "actief": "ja"},
            {"regel": "jobcoach_capaciteit", "regio": "elk", "fonds": "alle", "instrument": "jobcoaching",
             "doelgroep": "alle", "jaar": "elk", "grootheid": "deelnemers", "operator": "<=",
             "waarde": 60, "actief": "ja"},
        ],
        "Scenarios": [
            {"scenario": "bezuiniging", "aanpassing": "budget", "fonds": "Participatiebudget",
             "regio": "alle", "jaar": "2027-2028", "factor": 0.9},
        ],
        "Huidige_verdeling": [
            {"regio": VOORBEELD_REGIO, "instrument": "loonkostensubsidie", "doelgroep": "bijstand",
             "jaar": 2026, "deelnemers": 50},
        ],
    }


def schrijf_sjabloon(doel: Path, leeg: bool = False) -> None:
    """Write the template; ``leeg`` gives the headers of every column without rows."""
    if leeg:
        schrijf_invoer(doel, {blad.naam: [] for blad in BLADEN}, alle_kolommen=True)
    else:
        schrijf_invoer(doel, voorbeeld_rijen(), alle_kolommen=True)
