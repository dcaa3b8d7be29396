"""The input template of ``budgetkoppeling sjabloon``: every sheet, with a small example region."""

from __future__ import annotations

from pathlib import Path

from .io import Keuze, schrijf_sjabloonwerkboek
from .schemas import (
    AANPASSINGEN,
    FONDS_SOORTEN,
    GROOTHEDEN,
    INSTELLINGEN,
    JA_NEE,
    ONZEKERE_GROOTHEDEN,
    OPERATOREN,
    SAMENHANG,
    VERDEELSLEUTELS,
    VERDELINGEN,
)

_BRONNEN = {"fonds": "Fondsen", "regio": "Regios", "instrument": "Instrumenten", "doelgroep": "Doelgroepen",
            "gemeente": "Gemeenten"}

VOORBEELD_REGIO = "Voorbeeldregio"


def voorbeeld_rijen() -> dict[str, list[dict]]:
    """A small, complete region: two funds, three instruments, two groups, three years."""
    jaren = [2026, 2027, 2028]
    return {
        "Instellingen": [
            {"sleutel": "planperiode_start", "waarde": 2026},
            {"sleutel": "planperiode_eind", "waarde": 2028},
            {"sleutel": "disconteringsvoet", "waarde": 0},
            {"sleutel": "kostenindexatie", "waarde": 0.02},
            {"sleutel": "doorloop_na_planperiode", "waarde": "nee"},
            {"sleutel": "oplosser", "waarde": "auto"},
        ],
        "Regios": [{"regio": VOORBEELD_REGIO, "centrumgemeente": "Voorbeeldstad"}],
        "Fondsen": [
            {"fonds": "Participatiebudget", "soort": "participatiebudget", "landelijk": "nee",
             "overheveling": 0.2},
            {"fonds": "ESF+", "soort": "esf", "landelijk": "nee", "overheveling": 0, "vervaljaar": 2027,
             "vaststellingsrisico": 0.05},
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
            {"doelgroep": "arbeidsbeperking", "gewicht": 1.2, "uitkering_per_jaar": 0},
            {"doelgroep": "bijstand", "gewicht": 1.0, "uitkering_per_jaar": 14_000},
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
             "regio": "alle", "jaar": "2027-2028", "factor": 0.9, "waarde": None},
            {"scenario": "stap van 20%", "aanpassing": "max_verschuiving", "fonds": None, "regio": None,
             "jaar": None, "factor": None, "waarde": 0.2},
        ],
        "Huidige_verdeling": [  # the plan as it runs today, by hand: about the whole budget
            {"regio": VOORBEELD_REGIO, "instrument": i, "doelgroep": g, "jaar": t, "deelnemers": n}
            for i, g, n in (("jobcoaching", "arbeidsbeperking", 60), ("loonkostensubsidie", "arbeidsbeperking", 30),
                            ("loonkostensubsidie", "bijstand", 35), ("scholing", "bijstand", 150))
            for t in jaren if i != "loonkostensubsidie" or t < jaren[-1]  # two years: not past the plan
        ],
        "Realisatie": [  # what really started in 2026 (for a herijking: optimaliseer --vanaf 2027)
            {"regio": VOORBEELD_REGIO, "instrument": i, "doelgroep": g, "jaar": 2026, "deelnemers": n}
            for i, g, n in (("jobcoaching", "arbeidsbeperking", 58), ("loonkostensubsidie", "arbeidsbeperking", 30),
                            ("loonkostensubsidie", "bijstand", 41), ("scholing", "bijstand", 130))
        ],
        "Onzekerheid": [  # how sure the numbers are (budgetkoppeling onzekerheid); every row with every column
            {"naam": naam, "grootheid": grootheid, "fonds": fonds, "regio": None, "instrument": instrument,
             "doelgroep": None, "jaar": jaar, "laag": laag, "hoog": hoog, "verdeling": verdeling,
             "samenhang": samenhang}
            for naam, grootheid, fonds, instrument, jaar, laag, hoog, verdeling, samenhang in (
                ("effect_jobcoaching", "plaatsingskans", None, "jobcoaching", None, 0.7, 1.2, "driehoek", "gedeeld"),
                ("esf_tranche_2027", "budget", "ESF+", None, "2027", 0.5, 1, "uniform", "gedeeld"),
                ("loonkosten", "kosten", None, "loonkostensubsidie", "2027-2028", 1, 1.06, "driehoek", "per_regio"))
        ],
        "Realisatie_uitgaven": [  # what each fund paid in 2026, as the ledger has it: the 2026 cost (EUR
            # 1,568,000) split, and the Participatiebudget's commitments (EUR 400,000) on top
            {"fonds": "ESF+", "regio": VOORBEELD_REGIO, "jaar": 2026, "bedrag": 500_000},
            {"fonds": "Participatiebudget", "regio": VOORBEELD_REGIO, "jaar": 2026, "bedrag": 1_468_000},
        ],
    }


# the example region's municipalities (sjabloon --gemeenten): inwoners and households with bijstand, invented
# but in proportions like a Dutch region around a centre city; the Participatiebudget of each by its bijstand
VOORBEELD_GEMEENTEN = (
    ("Voorbeeldstad", 160_000, 6_000, "centrumgemeente"),
    ("Rivierstad", 60_000, 2_100, ""),
    ("Akkerdorp", 40_000, 700, ""),
    ("Heidegem", 25_000, 300, ""),
)
POOL = "Werkbedrijf"


def voorbeeld_gemeenten_rijen() -> dict[str, list[dict]]:
    """The example region planned per municipality (SPEC §9): each municipality's own Participatiebudget
    (the region's EUR 2 mln a year split by bijstand), a regional pot (the Werkbedrijf, which alone pays
    jobcoaching) filled from it by inwoners, every municipality at least 80% of its inbreng back
    (min_tegenprestatie)."""
    rijen = voorbeeld_rijen()
    jaren = [2026, 2027, 2028]
    bijstand = sum(b for _m, _i, b, _o in VOORBEELD_GEMEENTEN)
    rijen["Gemeenten"] = [{"gemeente": m, "regio": VOORBEELD_REGIO, "inwoners": i, "bijstand": b,
                           "omschrijving": o or None} for m, i, b, o in VOORBEELD_GEMEENTEN]
    rijen["Fondsen"][0] |= {"niveau": "gemeente", "landelijk": None}
    rijen["Fondsen"].append({"fonds": POOL, "soort": "overig", "niveau": "regio", "overheveling": 0,
                             "inbreng_uit": "Participatiebudget", "verdeelsleutel": "inwoners",
                             "min_tegenprestatie": 0.8})
    rijen["Budgetten"] = [
        {"fonds": "Participatiebudget", "regio": VOORBEELD_REGIO, "gemeente": m, "jaar": t,
         "bedrag": round(2_000_000 * b / bijstand)} for m, _i, b, _o in VOORBEELD_GEMEENTEN for t in jaren
    ] + [row for row in rijen["Budgetten"] if row["fonds"] != "Participatiebudget"]
    rijen["Verplichtingen"] = [{"fonds": "Participatiebudget", "regio": VOORBEELD_REGIO, "gemeente": "Voorbeeldstad",
                                "jaar": 2026, "bedrag": 400_000}]  # the centre city's running wage subsidies
    # people with an arbeidsbeperking live where people live: their potential per municipality by inwoners
    # (the bijstand group's region rows are spread by bijstand)
    rijen["Potentieel"] = [r for r in rijen["Potentieel"] if r["doelgroep"] != "arbeidsbeperking"] + [
        {"regio": VOORBEELD_REGIO, "gemeente": m, "doelgroep": "arbeidsbeperking", "jaar": t, "aantal": n}
        for (m, _i, _b, _o), n in zip(VOORBEELD_GEMEENTEN, (84, 32, 21, 13)) for t in jaren]
    # today's plan and what really started follow the same split for that group
    aandeel = {m: n / 150 for (m, _i, _b, _o), n in zip(VOORBEELD_GEMEENTEN, (84, 32, 21, 13))}
    for blad in ("Huidige_verdeling", "Realisatie"):
        rijen[blad] = [r for r in rijen[blad] if r["doelgroep"] != "arbeidsbeperking"] + [
            {**r, "gemeente": m, "deelnemers": round(r["deelnemers"] * a, 1)}
            for r in rijen[blad] if r["doelgroep"] == "arbeidsbeperking" for m, a in aandeel.items()]
    # jobcoaching is the Werkbedrijf's work: the municipalities' own budgets pay the rest
    rijen["Financieringsregels"] += [
        {"fonds": "Participatiebudget", "instrument": "jobcoaching", "doelgroep": "alle", "max_aandeel": 0},
        {"fonds": POOL, "instrument": "jobcoaching", "doelgroep": "alle", "max_aandeel": 1}]
    # the ledger of 2026 is the municipalities' own: the example keeps only ESF+'s
    rijen["Realisatie_uitgaven"] = [r for r in rijen["Realisatie_uitgaven"] if r["fonds"] != "Participatiebudget"]
    return rijen


UITLEG = [
    "Budgetkoppeling: invoerwerkboek",
    "Dit werkboek beschrijft uw fondsen, instrumenten, doelgroepen en regels. Budgetkoppeling berekent daaruit "
    "de verdeling van het geld die de meeste mensen aan het werk helpt, zonder de regels van een fonds te breken.",
    "",
    "Zo werkt het:",
    "1. Vul de bladen in, van links naar rechts. Elke kolomkop heeft een opmerking die zegt wat er in moet; "
    "keuzelijsten helpen bij namen uit andere bladen en bij vaste waarden (ja/nee, soort, operator).",
    "2. Controleer het werkboek:   budgetkoppeling valideer invoer.xlsx   "
    "(alle fouten tegelijk, met blad, rij en kolom).",
    "3. Bereken het plan:   budgetkoppeling optimaliseer invoer.xlsx -o plan.xlsx",
    "4. Vergelijk scenario's voor de raad:   budgetkoppeling vergelijk invoer.xlsx -o vergelijking.xlsx",
    "5. Toets de huidige verdeling:   budgetkoppeling evalueer invoer.xlsx -o evaluatie.xlsx",
    "",
    "De bladen:",
    "Instellingen: planperiode (eerste en laatste jaar), disconteringsvoet, kostenindexatie, "
    "doorloop na de planperiode, en max_verschuiving: hoe ver elk instrument per regio en jaar van de huidige "
    "verdeling mag afwijken (0,2 = 20%; weglaten = geen grens).",
    "Regios: de regio's waarvoor u plant.",
    "Gemeenten (mag leeg blijven): de gemeenten van elke regio, met inwoners en huishoudens in de bijstand. Dan "
    "plant budgetkoppeling per gemeente: een fonds van niveau gemeente (het participatiebudget van elke gemeente) "
    "betaalt alleen voor de eigen inwoners, en het plan laat per gemeente zien wat zij betaalt en wat haar "
    "inwoners krijgen (blad Per_gemeente). Een rij in Potentieel met alleen een regio wordt naar bijstand over de "
    "gemeenten verdeeld. Een voorbeeld:   budgetkoppeling sjabloon mijn_regio.xlsx --gemeenten",
    "Verdeelsleutel (alleen bij verdeelsleutel tabel): per regionale pot en gemeente het aandeel dat zij inbrengt; "
    "de aandelen van een regio tellen op tot 1.",
    "Fondsen: de geldpotten, hun soort, hun niveau (regio, landelijk of gemeente), hoeveel naar het volgende jaar "
    "mag en het vervaljaar. Een regionale pot die de gemeenten samen vullen: inbreng_uit (het gemeentelijke fonds "
    "waaruit elke gemeente inbrengt), verdeelsleutel (inwoners, bijstand, gelijk of tabel) en min_tegenprestatie "
    "(0,8: elke gemeente krijgt minstens 80% van haar inbreng terug aan trajecten voor haar inwoners).",
    "Budgetten: het budget per fonds, regio en jaar (leeg regio bij een landelijk fonds). Twee regels voor "
    "hetzelfde fonds, regio en jaar worden opgeteld.",
    "Verplichtingen: geld dat al is toegezegd, bijvoorbeeld lopende loonkostensubsidies.",
    "Instrumenten: kosten per deelnemer per jaar, looptijd en jaren tot plaatsing.",
    "Doelgroepen: de groepen, hun gewicht in de doelstelling en de uitkering per jaar die een plaatsing "
    "beëindigt (alleen voor de besparing en de netto kosten; in Instellingen: besparing_jaren, standaard 1).",
    "Potentieel: hoeveel mensen per regio, doelgroep en jaar een traject kunnen starten.",
    "Effecten: welk instrument bij welke doelgroep past, en de kans op werk.",
    "Financieringsregels: welk fonds wat mag betalen, en welk deel van de kosten ten hoogste (cofinanciering).",
    "Afnemende_meeropbrengst: de eerste deelnemers hebben de meeste kans; segmenten met een dalende factor.",
    "Beleidsregels: grenzen aan deelnemers, uitgaven of plaatsingen (alle = samen, elk = per waarde; bij jaar "
    "ook een reeks als 2026-2028: de jaren samen).",
    "Koppelingen: matching tussen fondsen, bijvoorbeeld een sector die minstens evenveel betaalt als het Rijk "
    "(partner betaalt minstens verhouding x wat het fonds betaalt, op dezelfde regio, instrumenten, doelgroepen "
    "en jaren).",
    "Scenarios: aanpassingen voor de vergelijking (budget, kosten, plaatsingskans, potentieel, regels, "
    "max_verschuiving). Bij regel_actief zet waarde de regel aan (ja of 1) of uit (nee of 0); bij "
    "max_verschuiving is waarde de band (0,2 = elk instrument binnen 20% van de huidige verdeling).",
    "Huidige_verdeling: de verdeling zoals die nu met de hand is gemaakt, om te toetsen met evalueer, en het "
    "vertrekpunt van max_verschuiving (een plan dat in een stap haalbaar is).",
    "Onzekerheid: hoe zeker de getallen zijn. Per regel een factor tussen laag (1 of minder) en hoog (1 of meer) op "
    "plaatsingskansen, kosten of budgetten (driehoek: meestal dichtbij 1; uniform: elke waarde even waarschijnlijk; "
    "gedeeld: één factor voor alles wat de regel raakt, per_regio: een eigen factor per regio). Voor "
    "budgetkoppeling onzekerheid.",
    "Realisatie en Realisatie_uitgaven: wie er in de afgelopen jaren werkelijk startte en wat elk fonds werkelijk "
    "betaalde. Voor de herijking halverwege de periode:   budgetkoppeling optimaliseer invoer.xlsx -o plan.xlsx "
    "--vanaf 2027   (de jaren voor 2027 liggen vast, de rest wordt opnieuw gepland).",
    "",
    "Dit blad Uitleg wordt bij het inlezen overgeslagen. Getallen typt u het best als getal in de cel.",
    "Als tekst werken ook 0,35, 1.250.000, 1.250.000,50 en € 1.250.000 (punten voor duizendtallen, komma voor "
    "decimalen), en 40% in een kolom met een aandeel. Tekst als 900.000 wordt geweigerd: dat kan 900 of 900000 zijn.",
]

_BEDRAG = Keuze(minimum=0)
_AANDEEL = Keuze(minimum=0, maximum=1)
_JAAR = Keuze(minimum=2000, maximum=2100, geheel=True)
HULP: dict[tuple[str, str], Keuze] = {
    ("Instellingen", "sleutel"): Keuze(lijst=list(INSTELLINGEN)),
    ("Fondsen", "soort"): Keuze(lijst=FONDS_SOORTEN),
    ("Fondsen", "landelijk"): Keuze(lijst=JA_NEE),
    ("Fondsen", "niveau"): Keuze(lijst=["regio", "landelijk", "gemeente"]),
    ("Fondsen", "overheveling"): _AANDEEL,
    ("Fondsen", "vervaljaar"): _JAAR,
    ("Fondsen", "inbreng_uit"): Keuze(bron="Fondsen", streng=False),
    ("Fondsen", "verdeelsleutel"): Keuze(lijst=VERDEELSLEUTELS),
    ("Fondsen", "min_tegenprestatie"): _AANDEEL,
    ("Gemeenten", "regio"): Keuze(bron="Regios"),
    ("Gemeenten", "inwoners"): _BEDRAG,
    ("Gemeenten", "bijstand"): _BEDRAG,
    ("Verdeelsleutel", "fonds"): Keuze(bron="Fondsen"),
    ("Verdeelsleutel", "gemeente"): Keuze(bron="Gemeenten"),
    ("Verdeelsleutel", "aandeel"): _AANDEEL,
    ("Instrumenten", "kosten_per_deelnemer"): _BEDRAG,
    ("Instrumenten", "duur_jaren"): Keuze(minimum=1, maximum=50, geheel=True),
    ("Instrumenten", "vertraging_jaren"): Keuze(minimum=0, maximum=50, geheel=True),
    ("Doelgroepen", "gewicht"): _BEDRAG,
    ("Effecten", "plaatsingskans"): _AANDEEL,
    ("Financieringsregels", "max_aandeel"): _AANDEEL,
    ("Afnemende_meeropbrengst", "segment"): Keuze(minimum=1, maximum=100, geheel=True),
    ("Afnemende_meeropbrengst", "aandeel_potentieel"): _AANDEEL,
    ("Afnemende_meeropbrengst", "factor"): _BEDRAG,
    ("Beleidsregels", "grootheid"): Keuze(lijst=GROOTHEDEN),
    ("Beleidsregels", "operator"): Keuze(lijst=OPERATOREN),
    ("Beleidsregels", "actief"): Keuze(lijst=JA_NEE),
    ("Scenarios", "aanpassing"): Keuze(lijst=AANPASSINGEN),
    ("Scenarios", "regel"): Keuze(bron="Beleidsregels", streng=False),
    ("Huidige_verdeling", "deelnemers"): _BEDRAG,
    ("Realisatie", "deelnemers"): _BEDRAG,
    ("Onzekerheid", "grootheid"): Keuze(lijst=ONZEKERE_GROOTHEDEN),
    ("Onzekerheid", "verdeling"): Keuze(lijst=VERDELINGEN),
    ("Onzekerheid", "samenhang"): Keuze(lijst=SAMENHANG),
    ("Onzekerheid", "laag"): _AANDEEL,
    ("Onzekerheid", "hoog"): Keuze(minimum=1),
}
HULP[("Koppelingen", "fonds")] = Keuze(bron="Fondsen")
HULP[("Koppelingen", "partner")] = Keuze(bron="Fondsen")
HULP[("Koppelingen", "verhouding")] = _BEDRAG
for _blad in ("Budgetten", "Verplichtingen", "Realisatie_uitgaven"):
    HULP[(_blad, "fonds")] = Keuze(bron="Fondsen")
    HULP[(_blad, "regio")] = Keuze(bron="Regios")
    HULP[(_blad, "gemeente")] = Keuze(bron="Gemeenten", streng=False)
    HULP[(_blad, "jaar")] = _JAAR
    HULP[(_blad, "bedrag")] = _BEDRAG
for _blad, _kolommen in {
    "Potentieel": ("regio", "doelgroep"), "Effecten": ("instrument", "doelgroep"),
    "Huidige_verdeling": ("regio", "instrument", "doelgroep"), "Financieringsregels": ("fonds",),
    "Realisatie": ("regio", "instrument", "doelgroep"),
}.items():
    for _kolom in _kolommen:
        HULP[(_blad, _kolom)] = Keuze(bron=_BRONNEN[_kolom])
for _blad in ("Potentieel", "Huidige_verdeling", "Realisatie"):
    HULP[(_blad, "jaar")] = _JAAR
    HULP[(_blad, "gemeente")] = Keuze(bron="Gemeenten", streng=False)
HULP[("Potentieel", "aantal")] = _BEDRAG
for _blad, _kolommen, _extra in (
    ("Financieringsregels", ("instrument", "doelgroep", "gemeente"), ("alle",)),
    ("Afnemende_meeropbrengst", ("instrument",), ("alle",)),
    ("Beleidsregels", ("regio", "gemeente", "fonds", "instrument", "doelgroep"), ("alle", "elk")),
    ("Koppelingen", ("regio", "gemeente", "instrument", "doelgroep"), ("alle", "elk")),
    ("Scenarios", ("fonds", "regio", "gemeente", "instrument", "doelgroep"), ("alle",)),
    ("Onzekerheid", ("fonds", "regio", "gemeente", "instrument", "doelgroep"), ("alle",)),
):
    for _kolom in _kolommen:  # a name from the list, or alle (and elk): offered in the dropdown
        HULP[(_blad, _kolom)] = Keuze(bron=_BRONNEN[_kolom], streng=False, extra=_extra)


def schrijf_sjabloon(doel: Path, leeg: bool = False, gemeenten: bool = False) -> None:
    """Write the template: Uitleg first, every sheet as a table with input help; example rows unless ``leeg``
    (``gemeenten``: the example region planned per municipality)."""
    rijen = {} if leeg else voorbeeld_gemeenten_rijen() if gemeenten else voorbeeld_rijen()
    schrijf_sjabloonwerkboek(doel, rijen, UITLEG, HULP)
