"""One pandera ``DataFrameModel`` per input sheet of SPEC §4, with Dutch descriptions.

The reader delivers every column as text; :func:`budgetkoppeling.validate.zet_om`
converts each column to the dtype declared here before the value checks run, so the
schemas below are the single statement of what every sheet must hold. The
descriptions are shown to users (template comments, messages).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from .invoer import COHORTSLEUTELS, NIVEAUS

JA_NEE = ["ja", "nee"]
FONDS_SOORTEN = ["participatiebudget", "buig", "esf", "oeo", "sector", "overig"]
GROOTHEDEN = ["deelnemers", "uitgaven", "plaatsingen"]
OPERATOREN = ["<=", ">=", "="]
ONZEKERE_GROOTHEDEN = ["plaatsingskans", "kosten", "budget"]
VERDEELSLEUTELS = ["inwoners", "bijstand", "gelijk", "tabel"]
VERDELINGEN = ["driehoek", "uniform"]
SAMENHANG = ["gedeeld", "per_regio"]
AANPASSINGEN = ["budget", "kosten", "plaatsingskans", "potentieel", "regel_waarde", "regel_actief",
                "max_verschuiving"]
OPLOSSERS = ["auto", "highs", "cbc"]


def eindig(*kolommen: str):
    """A check for the model's class body: these number columns hold no NaN or infinity."""

    @pa.check(*kolommen, name="eindig", error="moet een eindig getal zijn")
    def _eindig(cls, data: pa.PolarsData) -> pl.LazyFrame:
        kolom = pl.col(data.key)
        return data.lazyframe.select(kolom.is_null() | kolom.is_finite())

    return _eindig


class BladModel(pa.DataFrameModel):
    class Config:
        strict = True


class Instellingen(BladModel):
    sleutel: str = pa.Field(description="naam van de instelling, bijvoorbeeld planperiode_start")
    waarde: str = pa.Field(description="waarde van de instelling")


class Regios(BladModel):
    regio: str = pa.Field(description="naam van de arbeidsmarktregio (of gemeente)")
    centrumgemeente: str | None = pa.Field(nullable=True, description="centrumgemeente van de regio")
    omschrijving: str | None = pa.Field(nullable=True, description="vrije toelichting")


class Gemeenten(BladModel):
    gemeente: str = pa.Field(description="naam van de gemeente")
    regio: str = pa.Field(description="de arbeidsmarktregio van de gemeente, uit het blad Regios")
    inwoners: pl.Float64 | None = pa.Field(nullable=True, ge=0, description="aantal inwoners")
    bijstand: pl.Float64 | None = pa.Field(
        nullable=True, ge=0, description="aantal huishoudens met een bijstandsuitkering")
    omschrijving: str | None = pa.Field(nullable=True, description="vrije toelichting")

    _eindig = eindig('inwoners', 'bijstand')


class Fondsen(BladModel):
    fonds: str = pa.Field(description="naam van het fonds (de geldpot)")
    soort: str = pa.Field(
        isin=FONDS_SOORTEN,
        description="participatiebudget, buig, esf, oeo, sector of overig",
    )
    landelijk: str | None = pa.Field(
        nullable=True, isin=JA_NEE,
        description="ja: één landelijke pot die elke regio mag gebruiken; nee (standaard): budget per regio",
    )
    niveau: str | None = pa.Field(
        nullable=True, isin=list(NIVEAUS),
        description="waar de pot ligt: regio (standaard), landelijk (zoals landelijk = ja) of gemeente",
    )
    overheveling: pl.Float64 | None = pa.Field(
        nullable=True, ge=0, le=1,
        description="deel (0 tot 1) van het jaarbudget dat naar het volgende jaar mag; standaard 0",
    )
    vervaljaar: pl.Int64 | None = pa.Field(
        nullable=True, description="laatste jaar waarin het fonds besteed mag worden (leeg: geen)",
    )
    vaststellingsrisico: pl.Float64 | None = pa.Field(
        nullable=True, ge=0, le=1,
        description=("deel (0 tot 1) van de betalingen uit dit fonds dat bij de vaststelling gecorrigeerd kan "
                     "worden (ESF+); het reservefonds (Instellingen) houdt dat bedrag achter de hand; standaard 0"),
    )
    inbreng_uit: str | None = pa.Field(
        nullable=True,
        description=("regionale pot die de gemeenten vullen: het fonds van niveau gemeente waaruit elke gemeente "
                     "haar deel inbrengt (meestal het participatiebudget)"),
    )
    verdeelsleutel: str | None = pa.Field(
        nullable=True, isin=VERDEELSLEUTELS,
        description="hoe de gemeenten de pot vullen: inwoners (standaard), bijstand, gelijk of tabel "
                    "(blad Verdeelsleutel)",
    )
    min_tegenprestatie: pl.Float64 | None = pa.Field(
        nullable=True, ge=0, le=1,
        description=("0 tot 1: elke gemeente krijgt over de planperiode minstens dit deel van haar inbreng terug "
                     "aan trajecten voor haar inwoners (1 = wat zij inbrengt, 0,8 = 20% solidariteit); leeg: geen"),
    )


class Verdeelsleutel(BladModel):
    fonds: str = pa.Field(description="de regionale pot (fonds met verdeelsleutel tabel)")
    gemeente: str = pa.Field(description="gemeente uit het blad Gemeenten")
    aandeel: pl.Float64 = pa.Field(ge=0, le=1, description="deel (0 tot 1) dat deze gemeente inbrengt; per regio "
                                                           "samen 1")


class Budgetten(BladModel):
    fonds: str = pa.Field(description="fonds uit het blad Fondsen")
    regio: str | None = pa.Field(
        nullable=True, description="regio uit het blad Regios; leeg bij een landelijk fonds",
    )
    gemeente: str | None = pa.Field(
        nullable=True, description="gemeente uit het blad Gemeenten, bij een fonds van niveau gemeente",
    )
    jaar: pl.Int64 = pa.Field(description="begrotingsjaar")
    bedrag: pl.Float64 = pa.Field(ge=0, description="budget in euro")

    _eindig = eindig('bedrag')


class Verplichtingen(Budgetten):
    bedrag: pl.Float64 = pa.Field(
        ge=0, description="al aangegane verplichting in euro (bijvoorbeeld lopende loonkostensubsidies)",
    )

    _eindig = eindig('bedrag')


class Instrumenten(BladModel):
    instrument: str = pa.Field(description="naam van het re-integratie-instrument")
    kosten_per_deelnemer: pl.Float64 = pa.Field(
        ge=0, description="kosten in euro per deelnemer per jaar (prijspeil startjaar planperiode)",
    )
    duur_jaren: pl.Int64 = pa.Field(ge=1, le=50, description="looptijd van een traject in hele jaren (1 of meer)")
    vertraging_jaren: pl.Int64 | None = pa.Field(
        nullable=True, ge=0, le=50,
        description="jaren van start tot plaatsing in werk; standaard gelijk aan duur_jaren",
    )
    omschrijving: str | None = pa.Field(nullable=True, description="vrije toelichting")

    _eindig = eindig('kosten_per_deelnemer')


class Doelgroepen(BladModel):
    doelgroep: str = pa.Field(description="naam van de doelgroep")
    gewicht: pl.Float64 | None = pa.Field(
        nullable=True, ge=0,
        description="gewicht van een plaatsing van deze groep in de doelstelling; standaard 1",
    )
    uitkering_per_jaar: pl.Float64 | None = pa.Field(
        nullable=True, ge=0,
        description="euro uitkering per jaar die een plaatsing van deze groep beëindigt; standaard 0 "
                    "(alleen voor de besparing, niet voor de doelstelling)",
    )
    omschrijving: str | None = pa.Field(nullable=True, description="vrije toelichting")

    _eindig = eindig('gewicht', 'uitkering_per_jaar')


GEMEENTE_VELD = dict(nullable=True, description="gemeente uit het blad Gemeenten; leeg: de regio wordt over haar "
                                                   "gemeenten verdeeld naar bijstand")


class Potentieel(BladModel):
    regio: str = pa.Field(description="regio uit het blad Regios")
    gemeente: str | None = pa.Field(**GEMEENTE_VELD)
    doelgroep: str = pa.Field(description="doelgroep uit het blad Doelgroepen")
    jaar: pl.Int64 = pa.Field(description="jaar waarin deze mensen een traject kunnen starten")
    aantal: pl.Float64 = pa.Field(ge=0, description="aantal mensen dat dat jaar kan starten")

    _eindig = eindig('aantal')


class Effecten(BladModel):
    instrument: str = pa.Field(description="instrument uit het blad Instrumenten")
    doelgroep: str = pa.Field(description="doelgroep uit het blad Doelgroepen")
    plaatsingskans: pl.Float64 = pa.Field(
        ge=0, le=1, description="kans (0 tot 1) dat een deelnemer werk vindt",
    )


class Financieringsregels(BladModel):
    fonds: str = pa.Field(description="fonds uit het blad Fondsen")
    instrument: str | None = pa.Field(nullable=True, description="instrument, of alle (ook leeg)")
    doelgroep: str | None = pa.Field(nullable=True, description="doelgroep, of alle (ook leeg)")
    gemeente: str | None = pa.Field(nullable=True, description="gemeente, of alle (ook leeg); met het blad Gemeenten")
    max_aandeel: pl.Float64 | None = pa.Field(
        nullable=True, ge=0, le=1,
        description="grootste deel (0 tot 1) van de kosten dat dit fonds mag betalen; standaard 1",
    )


class Afnemende_meeropbrengst(BladModel):
    instrument: str | None = pa.Field(nullable=True, description="instrument, of alle (ook leeg)")
    segment: pl.Int64 = pa.Field(ge=1, description="volgnummer van het segment (1, 2, ...)")
    aandeel_potentieel: pl.Float64 = pa.Field(
        ge=0, le=1, description="deel (0 tot 1) van het potentieel dat in dit segment valt",
    )
    factor: pl.Float64 = pa.Field(
        ge=0, description="vermenigvuldiger van de plaatsingskans in dit segment; daalt of blijft gelijk",
    )

    _eindig = eindig('factor')


class Beleidsregels(BladModel):
    regel: str = pa.Field(description="naam van de regel")
    regio: str | None = pa.Field(nullable=True, description="regio, alle (ook leeg) of elk")
    fonds: str | None = pa.Field(nullable=True, description="fonds, alle (ook leeg) of elk; alleen bij uitgaven")
    gemeente: str | None = pa.Field(nullable=True, description="gemeente, alle (ook leeg) of elk")
    instrument: str | None = pa.Field(nullable=True, description="instrument, alle (ook leeg) of elk")
    doelgroep: str | None = pa.Field(nullable=True, description="doelgroep, alle (ook leeg) of elk")
    jaar: str | None = pa.Field(nullable=True,
                                description="jaar, reeks als 2026-2028 (samen), alle (ook leeg) of elk (per jaar)")
    grootheid: str = pa.Field(isin=GROOTHEDEN, description="deelnemers, uitgaven of plaatsingen")
    operator: str = pa.Field(isin=OPERATOREN, description="<=, >= of =")
    waarde: pl.Float64 = pa.Field(description="de grens (personen, euro of plaatsingen)")
    actief: str | None = pa.Field(nullable=True, isin=JA_NEE, description="ja (standaard) of nee")

    _eindig = eindig('waarde')


class Koppelingen(BladModel):
    koppeling: str = pa.Field(description="naam van de koppeling")
    fonds: str = pa.Field(description="het fonds waarvan de uitgaven gematcht moeten worden")
    partner: str = pa.Field(description="het fonds dat matcht")
    verhouding: pl.Float64 = pa.Field(
        ge=0, description="partner betaalt minstens verhouding x wat het fonds betaalt (1 = evenveel)")
    regio: str | None = pa.Field(nullable=True, description="regio, alle (ook leeg) of elk")
    gemeente: str | None = pa.Field(nullable=True, description="gemeente, alle (ook leeg) of elk")
    instrument: str | None = pa.Field(nullable=True, description="instrument, alle (ook leeg) of elk")
    doelgroep: str | None = pa.Field(nullable=True, description="doelgroep, alle (ook leeg) of elk")
    jaar: str | None = pa.Field(nullable=True,
                                description="jaar, reeks als 2026-2028 (samen), alle (ook leeg) of elk (per jaar)")

    _eindig = eindig('verhouding')


class Scenarios(BladModel):
    scenario: str = pa.Field(description="naam van het scenario")
    aanpassing: str = pa.Field(
        isin=AANPASSINGEN,
        description="budget, kosten, plaatsingskans, potentieel, regel_waarde, regel_actief of max_verschuiving",
    )
    fonds: str | None = pa.Field(nullable=True, description="fonds of alle (ook leeg)")
    regio: str | None = pa.Field(nullable=True, description="regio of alle (ook leeg)")
    gemeente: str | None = pa.Field(nullable=True, description="gemeente of alle (ook leeg)")
    instrument: str | None = pa.Field(nullable=True, description="instrument of alle (ook leeg)")
    doelgroep: str | None = pa.Field(nullable=True, description="doelgroep of alle (ook leeg)")
    jaar: str | None = pa.Field(nullable=True, description="jaar, reeks als 2028-2030, of alle (ook leeg)")
    regel: str | None = pa.Field(nullable=True, description="beleidsregel (bij regel_waarde en regel_actief)")
    factor: pl.Float64 | None = pa.Field(nullable=True, description="vermenigvuldig met")
    waarde: pl.Float64 | None = pa.Field(nullable=True,
                                         description="zet op deze waarde (bij regel_actief: ja of nee, of 1 of 0)")

    _eindig = eindig('factor', 'waarde')


class Huidige_verdeling(BladModel):
    regio: str = pa.Field(description="regio uit het blad Regios")
    gemeente: str | None = pa.Field(**GEMEENTE_VELD)
    instrument: str = pa.Field(description="instrument uit het blad Instrumenten")
    doelgroep: str = pa.Field(description="doelgroep uit het blad Doelgroepen")
    jaar: pl.Int64 = pa.Field(description="startjaar")
    deelnemers: pl.Float64 = pa.Field(ge=0, description="aantal deelnemers dat start")

    _eindig = eindig('deelnemers')


class Realisatie(Huidige_verdeling):
    jaar: pl.Int64 = pa.Field(description="startjaar (een jaar voor --vanaf)")
    deelnemers: pl.Float64 = pa.Field(ge=0, description="aantal deelnemers dat werkelijk startte")

    _eindig = eindig('deelnemers')


class Realisatie_uitgaven(Budgetten):
    bedrag: pl.Float64 = pa.Field(ge=0, description=(
        "wat het fonds in dat jaar werkelijk betaalde volgens het grootboek, in euro, verplichtingen inbegrepen. "
        "Het grootboek is leidend: de overheveling naar het volgende jaar volgt eruit, en wat boven budget plus "
        "overheveling uitkomt heet overschreden"))

    _eindig = eindig('bedrag')


class Onzekerheid(BladModel):
    naam: str = pa.Field(description="een unieke naam voor deze onzekerheid, bijvoorbeeld effect_jobcoaching")
    grootheid: str = pa.Field(isin=ONZEKERE_GROOTHEDEN, description="plaatsingskans, kosten of budget")
    fonds: str | None = pa.Field(nullable=True, description="fonds of alle (ook leeg); alleen bij budget")
    regio: str | None = pa.Field(nullable=True, description="regio of alle (ook leeg)")
    gemeente: str | None = pa.Field(nullable=True, description="gemeente of alle (ook leeg); met het blad Gemeenten")
    instrument: str | None = pa.Field(nullable=True,
                                      description="instrument of alle (ook leeg); bij plaatsingskans en kosten")
    doelgroep: str | None = pa.Field(nullable=True, description="doelgroep of alle (ook leeg); bij plaatsingskans")
    jaar: str | None = pa.Field(nullable=True, description="jaar, reeks als 2028-2030, of alle (ook leeg); bij kosten "
                                                          "(het jaar van betalen) en budget")
    laag: pl.Float64 = pa.Field(ge=0, description="kleinste factor op de invoerwaarde (0 tot 1, bijvoorbeeld 0,7)")
    hoog: pl.Float64 = pa.Field(ge=0, description="grootste factor op de invoerwaarde (1 of meer, bijvoorbeeld 1,2)")
    verdeling: str | None = pa.Field(nullable=True, isin=VERDELINGEN,
                                     description="driehoek (standaard: piek bij 1) of uniform")
    samenhang: str | None = pa.Field(nullable=True, isin=SAMENHANG,
                                     description="gedeeld (standaard: één factor voor alles wat de regel raakt) of "
                                                 "per_regio (een eigen factor per regio)")

    _eindig = eindig('laag', 'hoog')


@dataclass(frozen=True)
class Blad:
    """An input sheet: its exact name, its schema, whether it must be present, its key."""

    naam: str
    model: type[BladModel]
    verplicht: bool
    sleutel: tuple[str, ...]

    @property
    def kolommen(self) -> dict[str, pa.Column]:
        return dict(self.model.to_schema().columns)


BLADEN: tuple[Blad, ...] = (
    Blad("Instellingen", Instellingen, True, ("sleutel",)),
    Blad("Regios", Regios, True, ("regio",)),
    Blad("Gemeenten", Gemeenten, False, ("gemeente",)),
    Blad("Fondsen", Fondsen, True, ("fonds",)),
    Blad("Verdeelsleutel", Verdeelsleutel, False, ("fonds", "gemeente")),
    Blad("Budgetten", Budgetten, True, ()),
    Blad("Verplichtingen", Verplichtingen, False, ()),
    Blad("Instrumenten", Instrumenten, True, ("instrument",)),
    Blad("Doelgroepen", Doelgroepen, True, ("doelgroep",)),
    Blad("Potentieel", Potentieel, True, ("regio", "doelgroep", "jaar")),
    Blad("Effecten", Effecten, True, ("instrument", "doelgroep")),
    Blad("Financieringsregels", Financieringsregels, True, ("fonds", "instrument", "doelgroep")),
    Blad("Afnemende_meeropbrengst", Afnemende_meeropbrengst, False, ("instrument", "segment")),
    Blad("Beleidsregels", Beleidsregels, False, ("regel",)),
    Blad("Koppelingen", Koppelingen, False, ("koppeling",)),
    Blad("Scenarios", Scenarios, False, ()),
    Blad("Huidige_verdeling", Huidige_verdeling, False, COHORTSLEUTELS),
    Blad("Realisatie", Realisatie, False, COHORTSLEUTELS),
    Blad("Realisatie_uitgaven", Realisatie_uitgaven, False, ()),
    Blad("Onzekerheid", Onzekerheid, False, ("naam",)),
)

BLAD_PER_NAAM = {blad.naam: blad for blad in BLADEN}

INSTELLINGEN = {
    "planperiode_start": "eerste planjaar",
    "planperiode_eind": "laatste planjaar (inclusief)",
    "disconteringsvoet": "jaarlijkse korting op plaatsingen die later vallen (standaard 0)",
    "kostenindexatie": "jaarlijkse groei van de kosten na het startjaar (standaard 0)",
    "doorloop_na_planperiode": ("ja: trajecten mogen na de planperiode doorlopen; hun kosten na het laatste planjaar "
                                "worden nu al gereserveerd uit het budget van dat laatste jaar; nee (standaard): niet"),
    "oplosser": "auto (standaard), highs of cbc",
    "besparing_jaren": "jaren dat een plaatsing telt als een beëindigde uitkering (voor de besparing; standaard 1)",
    "max_verschuiving": ("0 tot 1: hoe ver elk instrument per regio en jaar van de huidige verdeling (blad "
                         "Huidige_verdeling) mag afwijken, bijvoorbeeld 0,2 voor 20%; leeg: geen grens"),
    "reservefonds": ("het fonds dat de reserve aanhoudt voor een fonds met vaststellingsrisico (in dezelfde regio "
                     "en hetzelfde jaar); standaard het fonds van soort participatiebudget"),
}
