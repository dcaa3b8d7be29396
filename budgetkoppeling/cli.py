"""The ``budgetkoppeling`` command: click only. Parse, call the API, print, map errors to exit codes."""

from __future__ import annotations

import datetime
import functools
import json
import sys
from pathlib import Path

import click

from . import VOORBEELD, __version__
from .errors import BudgetkoppelingFout, GeenOplossing, InvoerFout, let_op
from .klik import Groep, installeer
from .onderbreking import SIGINT_CODE, SIGTERM_CODE, Beeindigd, sigterm_als_onderbreking

installeer()  # click's own messages in Dutch, before the first click type below is made

INVOER = click.Path(exists=True, dir_okay=False, path_type=Path)
UITVOER = click.Path(dir_okay=False, writable=False, path_type=Path)


class Uitvoer:
    """What a command prints: rich on a terminal, nothing with --stil, only JSON with --json."""

    def __init__(self, stil: bool, als_json: bool):
        from rich.console import Console

        self.stil = stil
        self.als_json = als_json
        for stroom in (sys.stdout, sys.stderr):  # a terminal without € or ë prints '?', never fails after writing
            if hasattr(stroom, "reconfigure"):
                stroom.reconfigure(errors="replace")
        # markup and emoji codes off: names from a workbook ('[/]', ':smile:') are printed as typed
        self.scherm = Console(stderr=als_json, quiet=stil or als_json, highlight=False, soft_wrap=True,
                              markup=False, emoji=False)
        self.fouten = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

    def meldingen(self, meldingen: list[str]) -> None:
        """The notices ('Let op: ...'), at most twenty and how many more."""
        for regel in let_op(meldingen):
            self.scherm.print(regel, markup=False)

    def json(self, gegevens: dict) -> None:
        if self.als_json:
            click.echo(json.dumps(gegevens, ensure_ascii=False, indent=2, sort_keys=False))

    def voortgang(self):
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        if self.stil or self.als_json:
            return None, None
        balk = Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                        console=self.fouten, transient=True)
        taak = balk.add_task("Starten", total=None)
        return balk, (lambda stap: balk.update(taak, description=stap))


def standaard_opties(functie):
    """--stil, --json and --debug on every command, and one place that maps errors to exit codes."""

    @click.option("--debug", is_flag=True, help="Toon de volledige foutmelding (traceback) bij een onverwachte fout.")
    @click.option("--json", "als_json", is_flag=True, help="Schrijf alleen een samenvatting als JSON naar stdout.")
    @click.option("--stil", is_flag=True, help="Geen voortgang of tabellen op het scherm.")
    @functools.wraps(functie)
    def omhulsel(*args, stil: bool, als_json: bool, debug: bool, **kwargs):
        uitvoer = Uitvoer(stil, als_json)
        try:
            with sigterm_als_onderbreking():  # SIGTERM ends a run as Ctrl-C does, with the same clean-up
                functie(*args, uitvoer=uitvoer, **kwargs)
        except BudgetkoppelingFout as fout:
            _meld_fout(uitvoer, fout)
            sys.exit(fout.exit_code)
        except click.ClickException:
            raise
        except KeyboardInterrupt as onderbreking:  # Ctrl-C, or SIGTERM (Beeindigd)
            uitvoer.fouten.print("Afgebroken.")
            uitvoer.json({"status": "afgebroken"})
            sys.exit(SIGTERM_CODE if isinstance(onderbreking, Beeindigd) else SIGINT_CODE)
        except (SystemExit, GeneratorExit):
            raise
        except BaseException as fout:  # a bug (a Rust panic is a BaseException): short message, no traceback
            if debug:
                raise
            uitvoer.fouten.print(
                f"Onverwachte fout: {type(fout).__name__}: {fout}\n"
                "Dit is een fout in budgetkoppeling. Draai opnieuw met --debug en meld de uitvoer.",
                markup=False,
            )
            uitvoer.json({"status": "fout", "melding": str(fout)})
            sys.exit(1)

    return omhulsel


def _meld_fout(uitvoer: Uitvoer, fout: BudgetkoppelingFout) -> None:
    if isinstance(fout, InvoerFout):
        uitvoer.fouten.print(fout.tekst(ten_hoogste=50))
        uitvoer.json({
            "status": "ongeldige_invoer",
            "problemen": [
                {"blad": p.blad, "rij": p.rij, "kolom": p.kolom, "waarde": p.waarde,
                 "melding": p.melding, "tekst": p.tekst()}
                for p in fout.problemen
            ],
            "meldingen": fout.meldingen,
        })
    elif isinstance(fout, GeenOplossing):
        uitvoer.fouten.print(fout.melding, markup=False)
        uitvoer.json({"status": "geen_oplossing", "melding": fout.melding, "tekorten": fout.tekorten,
                      "betrokken": fout.betrokken})
    else:
        uitvoer.fouten.print(str(fout), markup=False)
        uitvoer.json({"status": "fout", "melding": str(fout)})


@click.group(cls=Groep, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budgetkoppeling", message="%(prog)s %(version)s",
                      help="Toon de versie en stop.")
def main() -> None:
    """Budgetkoppeling: verdeel gebundelde re-integratiebudgetten zo dat zo veel mogelijk
    mensen aan het werk komen, binnen de regels van elk fonds.

    \b
    Voorbeeld:
      budgetkoppeling voorbeeld
      budgetkoppeling sjabloon mijn_regio.xlsx
      budgetkoppeling valideer mijn_regio.xlsx
      budgetkoppeling optimaliseer mijn_regio.xlsx -o plan.xlsx
    """


class Datum(click.ParamType):
    """A calendar date as a Dutch user writes it: 2026-12-01 or 1-12-2026."""

    name = "datum"

    def convert(self, waarde, param, ctx):
        if isinstance(waarde, datetime.date):
            return waarde
        for vorm in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return datetime.datetime.strptime(str(waarde).strip(), vorm).date()
            except ValueError:
                continue
        self.fail(f"'{waarde}' is geen datum; schrijf JJJJ-MM-DD (2026-12-01) of DD-MM-JJJJ (01-12-2026).",
                  param, ctx)


class Getal(click.ParamType):
    """A number on the command line as a Dutch user writes it: 0,8 or 0.8 (SPEC §4's notation), within
    ``min``..``max`` (``open``: the bounds themselves excluded)."""

    name = "getal"

    def __init__(self, min: float | None = None, max: float | None = None, open: bool = False):
        self.min, self.max, self.open = min, max, open

    def convert(self, waarde, param, ctx):
        if isinstance(waarde, float | int):
            getal = float(waarde)
        else:
            from .getallen import lees_getal

            getal, reden = lees_getal(str(waarde), "factor", getalcel=None)
            if getal is None:
                self.fail(f"'{waarde}' {reden}.", param, ctx)
        onder = self.min is not None and (getal <= self.min if self.open else getal < self.min)
        boven = self.max is not None and (getal >= self.max if self.open else getal > self.max)
        if onder or boven:
            from .tekst import nl

            grenzen = " en ".join(f"{woord} {nl(grens)}" for woord, grens in
                                  (("groter dan" if self.open else "minstens", self.min),
                                   ("kleiner dan" if self.open else "hoogstens", self.max)) if grens is not None)
            self.fail(f"'{waarde}' moet {grenzen} zijn.", param, ctx)
        return getal


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


def tijdslimiet_optie(functie):
    """--tijdslimiet: how long the MIP of --geheel may search before the best plan found is taken."""
    return click.option(
        "--tijdslimiet", type=Getal(min=0), default=120, show_default=True, metavar="SECONDEN",
        help="Met --geheel: zoek ten hoogste zo lang naar het beste plan met hele deelnemers en neem dan het beste "
             "gevonden plan (met de afstand tot het optimum in Info en de Toelichting); 0 = geen grens.")(functie)


def datum_optie(functie):
    """--datum: the calculation date the workbook shows (Info, page header, document properties)."""
    return click.option(
        "--datum", type=Datum(), default=None, metavar="JJJJ-MM-DD",
        help="De rekendatum in het werkboek (Info en paginakop); standaard vandaag. Met dezelfde datum "
             "geeft dezelfde invoer een byte-gelijk werkboek.")(functie)


def cluster_opties(functie):
    """--cluster and the TLS certificate files, for every command that can send work to a cluster."""

    @click.option("--tls-key", type=INVOER, default=None, help="Bij tls://: de sleutel bij het eigen certificaat "
                  "(of BUDGETKOPPELING_TLS_KEY).")
    @click.option("--tls-cert", type=INVOER, default=None, help="Bij tls://: het eigen certificaat "
                  "(of BUDGETKOPPELING_TLS_CERT).")
    @click.option("--tls-ca", type=INVOER, default=None, help="Bij tls://: het CA-certificaat dat de scheduler "
                  "ondertekende (of BUDGETKOPPELING_TLS_CA).")
    @click.option("--cluster", default=None, metavar="ADRES",
                  help="Stuur het rekenwerk naar een draaiende Dask-scheduler, bv. tls://10.0.0.5:8786 "
                       "(buiten een vertrouwd netwerk altijd tls://).")
    @functools.wraps(functie)
    def omhulsel(*args, tls_ca, tls_cert, tls_key, **kwargs):
        tls = {k: None if v is None else str(v) for k, v in (("ca", tls_ca), ("cert", tls_cert), ("key", tls_key))}
        return functie(*args, tls=tls, **kwargs)

    return omhulsel


def _standaard_uitvoer(naam: str) -> Path:
    map_ = Path("outputs")
    map_.mkdir(exist_ok=True)
    return map_ / naam


@main.command()
@click.option("-o", "--uitvoer", "uitvoerpad", type=UITVOER, default=None,
              help="Het plan-werkboek (standaard outputs/plan_nederland.xlsx).")
@click.option("--oplosser", type=click.Choice(["auto", "highs", "cbc"]), default=None,
              help="Welke oplosser: auto (standaard), highs of cbc (COIN-OR: Clp, met --geheel CBC).")
@click.option("--geheel", is_flag=True, help="Alleen hele deelnemers (trager: een geheeltallig model).")
@tijdslimiet_optie
@datum_optie
@standaard_opties
def voorbeeld(uitvoerpad: Path | None, oplosser: str | None, geheel: bool, tijdslimiet: float | None, datum,
              uitvoer: Uitvoer) -> None:
    """Reken het meegeleverde landelijke voorbeeld door (35 arbeidsmarktregio's, 2026-2030).

    \b
    Voorbeeld:
      budgetkoppeling voorbeeld
      budgetkoppeling voorbeeld -o outputs/plan.xlsx
    """
    doel = uitvoerpad or _standaard_uitvoer("plan_nederland.xlsx")
    _optimaliseer(VOORBEELD, doel, "basis", oplosser, geheel, None, datum, uitvoer, None, tijdslimiet)


@main.command()
@click.argument("invoer", type=INVOER)
@click.option("-o", "--uitvoer", "uitvoerpad", type=UITVOER, default=None,
              help="Het plan-werkboek (standaard outputs/<naam>_plan.xlsx).")
@click.option("--scenario", default="basis", show_default=True, metavar="NAAM",
              help="Reken dit scenario uit het blad Scenarios door.")
@click.option("--oplosser", type=click.Choice(["auto", "highs", "cbc"]), default=None,
              help="Welke oplosser: auto, highs of cbc (COIN-OR: Clp; standaard: de instelling in het werkboek, "
                   "anders auto).")
@click.option("--geheel", is_flag=True, help="Alleen hele deelnemers (een geheeltallig model).")
@click.option("--schrijf-lp", "schrijf_lp", type=UITVOER, default=None,
              help="Schrijf ook het model als LP-bestand, met de namen van de beperkingen.")
@click.option("--vanaf", type=int, default=None, metavar="JAAR",
              help="Herijking: plan opnieuw vanaf dit jaar; de jaren ervoor liggen vast aan de bladen Realisatie "
                   "en Realisatie_uitgaven.")
@tijdslimiet_optie
@datum_optie
@standaard_opties
def optimaliseer(invoer: Path, uitvoerpad: Path | None, scenario: str, oplosser: str | None,
                 geheel: bool, schrijf_lp: Path | None, vanaf: int | None, tijdslimiet: float | None, datum,
                 uitvoer: Uitvoer) -> None:
    """Controleer de invoer, bereken het beste plan en schrijf het plan-werkboek.

    \b
    Voorbeeld:
      budgetkoppeling optimaliseer invoer.xlsx -o plan.xlsx
      budgetkoppeling optimaliseer invoer.xlsx -o plan.xlsx --scenario krimp --geheel
      budgetkoppeling optimaliseer invoer.xlsx -o herijking.xlsx --vanaf 2028
    """
    doel = uitvoerpad or _standaard_uitvoer(f"{invoer.stem}_plan.xlsx")
    _optimaliseer(invoer, doel, scenario, oplosser, geheel, schrijf_lp, datum, uitvoer, vanaf, tijdslimiet)


def _optimaliseer(invoer: Path, doel: Path, scenario: str, oplosser: str | None, geheel: bool,
                  schrijf_lp: Path | None, datum: datetime.date | None, uitvoer: Uitvoer,
                  vanaf: int | None, tijdslimiet: float | None = None) -> None:
    from . import optimaliseer as optimaliseer_api

    balk, voortgang = uitvoer.voortgang()
    opties = dict(scenario=scenario, oplosser=oplosser, geheel=geheel, schrijf_lp=schrijf_lp, datum=datum,
                  vanaf=vanaf, tijdslimiet=tijdslimiet or None)
    if balk is not None:
        with balk:
            plan = optimaliseer_api(invoer, doel, voortgang=voortgang, **opties)
    else:
        plan = optimaliseer_api(invoer, doel, **opties)
    info = dict(zip(plan.info["sleutel"], plan.info["waarde"]))
    uitvoer.json({
        "status": "optimaal" if plan.oplossing.gap is None else "tijdslimiet", "scenario": scenario,
        "uitvoer": str(doel),
        **({"afstand_tot_optimum": plan.oplossing.gap} if plan.oplossing.gap is not None else {}),
        "oplosser": info["oplosser"], "looptijd_seconden": round(plan.looptijd, 2),
        "kerncijfers": plan.kerncijfers, "onbenut_per_fonds": plan.onbenut_per_fonds(),
        "doelwaarde": plan.oplossing.doelwaarde, "fasen": plan.fasen,
        **({"vanaf": vanaf, "bevindingen": plan.bevindingen} if plan.oplossing.model.vanaf is not None else {}),
    })
    uitvoer.meldingen(plan.oplossing.model.invoer.meldingen)
    if plan.oplossing.gap is not None:
        from .tekst import procent

        afstand = "onbekend hoe ver" if plan.oplossing.gap != plan.oplossing.gap else \
            f"hoogstens {procent(plan.oplossing.gap)}"
        uitvoer.scherm.print(f"Let op: de tijdslimiet ({plan.oplossing.tijdslimiet:g} s) is bereikt; dit is het beste "
                             f"plan met hele deelnemers dat gevonden is. Het optimum ligt {afstand} hoger "
                             "(zie Info en de Toelichting; meer tijd met --tijdslimiet).", markup=False)
    if plan.oplossing.model.vanaf is not None:
        jaren = plan.oplossing.model.vanaf - plan.oplossing.model.invoer.start
        vast = "1 jaar ligt" if jaren == 1 else f"{jaren} jaren liggen"
        uitvoer.scherm.print(f"Herijking vanaf {vanaf}: {vast} vast aan de realisatie (het grootboek is leidend "
                             "voor het geld), de rest is opnieuw gepland.", markup=False)
        for bevinding in plan.bevindingen:
            uitvoer.scherm.print(f"Bevinding: {bevinding['tekst']}", markup=False)
    _toon_samenvatting(uitvoer, plan, doel, info)


def _toon_samenvatting(uitvoer: Uitvoer, plan, doel: Path, info: dict) -> None:
    from rich.table import Table

    from .tekst import euro, getal

    cijfers = plan.kerncijfers
    tabel = Table(title=f"Plan ({info['scenario']})", title_justify="left")
    tabel.add_column("Kerncijfer")
    tabel.add_column("Waarde", justify="right")
    tabel.add_row("Verwachte plaatsingen", getal(round(cijfers["plaatsingen"], 1)))
    tabel.add_row("Gewogen plaatsingen (doelstelling)", getal(round(cijfers["gewogen_plaatsingen"], 1)))
    tabel.add_row("Deelnemers", getal(round(cijfers["deelnemers"], 1)))
    tabel.add_row("Uitgaven in de planperiode", euro(cijfers["uitgaven"]))
    tabel.add_row("Kosten per plaatsing", euro(cijfers["kosten_per_plaatsing"]))
    tabel.add_row("Budget totaal", euro(cijfers["budget_totaal"]))
    tabel.add_row("Bestaande verplichtingen", euro(cijfers["bestaande_verplichtingen"]))
    tabel.add_row("Onbenut budget", euro(cijfers["onbenut_budget"]))
    if "overschreden" in cijfers:
        tabel.add_row("Overschreden (gerealiseerd)", euro(cijfers["overschreden"]))
    if cijfers["verplichtingen_na_planperiode"] > 0:
        tabel.add_row("Kosten na de planperiode", euro(cijfers["verplichtingen_na_planperiode"]))
    if "besparing_uitkeringen" in cijfers:
        tabel.add_row("Besparing op uitkeringen", euro(cijfers["besparing_uitkeringen"]))
        tabel.add_row("Netto kosten", euro(cijfers["netto_kosten"]))
    uitvoer.scherm.print(tabel, soft_wrap=False)  # a table fits the terminal
    fondsen = Table(title="Onbenut budget per fonds", title_justify="left")
    fondsen.add_column("Fonds")
    fondsen.add_column("Onbenut", justify="right")
    for fonds, bedrag in plan.onbenut_per_fonds().items():
        fondsen.add_row(fonds, euro(bedrag))
    uitvoer.scherm.print(fondsen, soft_wrap=False)
    uitvoer.scherm.print(
        f"Oplosser {info['oplosser_versie']}, {plan.looptijd:.2f} s. Plan geschreven naar {doel}.",
        markup=False,
    )


@main.command(name="valideer")
@click.argument("invoer", type=INVOER)
@click.option("--rapport", type=UITVOER, default=None, help="Schrijf de gevonden problemen ook naar dit werkboek.")
@standaard_opties
def valideer_opdracht(invoer: Path, rapport: Path | None, uitvoer: Uitvoer) -> None:
    """Controleer een invoerwerkboek en noem alle problemen tegelijk.

    \b
    Voorbeeld:
      budgetkoppeling valideer invoer.xlsx
      budgetkoppeling valideer invoer.xlsx --rapport fouten.xlsx
    """
    from . import valideer as valideer_api

    try:
        gecontroleerd = valideer_api(invoer)
    except InvoerFout as fout:
        if rapport is not None:
            from . import foutrapport

            foutrapport(fout.problemen, rapport, invoer=invoer)
            if not uitvoer.stil:
                uitvoer.fouten.print(f"Foutenrapport geschreven naar {rapport}.", markup=False)
        raise
    uitvoer.meldingen(gecontroleerd.meldingen)
    from .tekst import aantal

    uitvoer.scherm.print(
        f"De invoer is in orde: {aantal(len(gecontroleerd.regios), 'regio', 'regio’s')}, "
        f"{aantal(len(gecontroleerd.fondsen), 'fonds', 'fondsen')}, "
        f"{aantal(len(gecontroleerd.instrumenten), 'instrument', 'instrumenten')}, "
        f"{aantal(len(gecontroleerd.doelgroepen), 'doelgroep', 'doelgroepen')}, "
        f"planperiode {gecontroleerd.start}-{gecontroleerd.eind}.",
        markup=False,
    )
    uitvoer.json({"status": "geldig", "meldingen": gecontroleerd.meldingen, "problemen": []})


@main.command()
@click.argument("uitvoerpad", metavar="WERKBOEK", type=UITVOER)
@click.option("--leeg", is_flag=True, help="Alleen de kopjes, zonder voorbeeldregels.")
@click.option("--overschrijf", is_flag=True, help="Overschrijf een bestaand bestand.")
@standaard_opties
def sjabloon(uitvoerpad: Path, leeg: bool, overschrijf: bool, uitvoer: Uitvoer) -> None:
    """Maak een invoerwerkboek om in te vullen, met alle bladen en voorbeeldregels.

    \b
    Voorbeeld:
      budgetkoppeling sjabloon mijn_regio.xlsx
      budgetkoppeling sjabloon leeg.xlsx --leeg
    """
    from . import maak_sjabloon

    if uitvoerpad.exists() and not overschrijf:
        raise click.UsageError(f"'{uitvoerpad}' bestaat al; kies een andere naam of gebruik --overschrijf.")
    maak_sjabloon(uitvoerpad, leeg=leeg)
    uitvoer.scherm.print(f"Sjabloon geschreven naar {uitvoerpad}.", markup=False)
    uitvoer.json({"status": "geschreven", "uitvoer": str(uitvoerpad)})


@main.command()
@click.argument("invoer", type=INVOER)
@click.option("-o", "--uitvoer", "uitvoerpad", type=UITVOER, default=None,
              help="Het vergelijkingswerkboek (standaard outputs/<naam>_vergelijking.xlsx).")
@click.option("--scenario", "scenarios", multiple=True, metavar="NAAM",
              help="Vergelijk alleen dit scenario met de basis (mag vaker); standaard alle scenario's.")
@click.option("--oplosser", type=click.Choice(["auto", "highs", "cbc"]), default=None,
              help="Welke oplosser: auto, highs of cbc (COIN-OR: Clp; standaard: de instelling in het werkboek, "
                   "anders auto).")
@click.option("--serieel", is_flag=True, help="Reken de scenario's na elkaar door in plaats van tegelijk.")
@click.option("--curve", "curve_fonds", metavar="FONDS", default=None,
              help="Maak in plaats van de vergelijking de budgetcurve van dit fonds: het budget in stappen "
                   "geschaald, met het beste plan bij elke stap (blad Curve).")
@click.option("--regio", default=None, metavar="REGIO", help="Bij --curve: schaal alleen het budget in deze regio.")
@click.option("--van", type=Getal(min=0), metavar="FACTOR", default=0.8, show_default=True,
              help="Bij --curve: de kleinste factor op het budget.")
@click.option("--tot", type=Getal(min=0), metavar="FACTOR", default=1.2, show_default=True,
              help="Bij --curve: de grootste factor op het budget.")
@click.option("--stappen", type=click.IntRange(min=2, max=201), metavar="AANTAL", default=9, show_default=True,
              help="Bij --curve: het aantal stappen van --van tot --tot.")
@cluster_opties
@datum_optie
@standaard_opties
def vergelijk(invoer: Path, uitvoerpad: Path | None, scenarios: tuple[str, ...], oplosser: str | None,
              serieel: bool, curve_fonds: str | None, regio: str | None, van: float, tot: float, stappen: int,
              cluster: str | None, tls: dict, datum, uitvoer: Uitvoer) -> None:
    """Reken de basis en de scenario's uit het blad Scenarios door en zet ze naast elkaar.

    Een scenario zonder oplossing wordt gemeld (met de oorzaak) en houdt de andere niet tegen.
    Met --curve FONDS: de budgetcurve van dat fonds (wat € 100.000 meer of minder oplevert).

    \b
    Voorbeeld:
      budgetkoppeling vergelijk invoer.xlsx -o vergelijking.xlsx
      budgetkoppeling vergelijk invoer.xlsx -o vergelijking.xlsx --scenario bezuiniging
      budgetkoppeling vergelijk invoer.xlsx -o curve.xlsx --curve Participatiebudget --van 0.8 --tot 1.2
    """
    if curve_fonds is not None:
        if len(scenarios) > 1:
            raise click.UsageError("Een budgetcurve geldt voor één scenario; geef --scenario hoogstens één keer.")
        if van >= tot:
            raise click.UsageError(f"--van ({van}) moet kleiner zijn dan --tot ({tot}).")
        if cluster is not None:
            raise click.UsageError("--cluster geldt voor de vergelijking, niet voor --curve.")
        _curve(invoer, uitvoerpad, curve_fonds, regio, van, tot, stappen, scenarios[0] if scenarios else "basis",
               oplosser, datum, uitvoer)
        return
    if regio is not None:
        raise click.UsageError("--regio hoort bij --curve.")
    if cluster is not None and serieel:
        raise click.UsageError("--cluster en --serieel gaan niet samen.")
    from .vergelijking import vergelijk as vergelijk_api

    doel = uitvoerpad or _standaard_uitvoer(f"{invoer.stem}_vergelijking.xlsx")
    if uitvoer.stil or uitvoer.als_json:
        resultaat = vergelijk_api(invoer, doel, list(scenarios) or None, oplosser=oplosser,
                                  parallel=False if serieel else None, datum=datum, cluster=cluster, tls=tls)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=uitvoer.fouten, transient=True) as balk:
            taak = balk.add_task("Scenario's doorrekenen", total=None)

            def voortgang(scenario: str, klaar: int, totaal: int) -> None:
                balk.update(taak, completed=klaar, total=totaal, description=f"Klaar: {scenario}")

            resultaat = vergelijk_api(invoer, doel, list(scenarios) or None, oplosser=oplosser,
                                      parallel=False if serieel else None, voortgang=voortgang, datum=datum,
                                      cluster=cluster, tls=tls)
    uitvoer.json({
        "status": "geschreven", "uitvoer": str(doel), "seconden": round(resultaat.seconden, 2),
        "parallel": resultaat.parallel,
        "scenarios": [
            {"scenario": u.scenario, "status": u.status, "kerncijfers": u.kerncijfers, "tekorten": u.tekorten}
            for u in resultaat.uitkomsten
        ],
    })
    from rich import box
    from rich.table import Table

    from .tekst import euro, getal, miljoen

    tabel = Table(title="Vergelijking van scenario's", title_justify="left", box=box.SIMPLE_HEAD)
    netto = any("netto_kosten" in u.kerncijfers for u in resultaat.uitkomsten)
    kolommen = [("Scenario", False), ("Plaatsingen", True), ("Uitgaven (€ mln)", True), ("Per plaatsing", True)]
    kolommen += [("Netto kosten (€ mln)", True)] if netto else []
    for kolom, rechts in kolommen:  # fits 80 columns: money in millions, a scenario without a plan says so
        # a number column as wide as its longest word: the rest goes to the scenario's name
        tabel.add_column(kolom, justify="right" if rechts else "left",
                         max_width=max(len(w) for w in kolom.split()) + 2 if rechts else None)
    for u in resultaat.uitkomsten:
        if u.status == "optimaal":
            k = u.kerncijfers
            cellen = [getal(round(k["plaatsingen"])), miljoen(k["uitgaven"]), euro(k["kosten_per_plaatsing"])]
            tabel.add_row(u.scenario, *cellen, *([miljoen(k["netto_kosten"])] if netto else []))
        else:
            tabel.add_row(u.scenario, "geen plan", *["-"] * (len(kolommen) - 2))
    uitvoer.scherm.print(tabel, soft_wrap=False)  # a table fits the terminal
    for u in resultaat.uitkomsten:
        if u.status != "optimaal":
            uitvoer.scherm.print(f"Scenario '{u.scenario}' heeft geen oplossing. {u.melding}", markup=False)
    uitvoer.scherm.print(f"Vergelijking geschreven naar {doel} ({resultaat.seconden:.1f} s).", markup=False)


def _curve(invoer: Path, uitvoerpad: Path | None, fonds: str, regio: str | None, van: float, tot: float,
           stappen: int, scenario: str, oplosser: str | None, datum, uitvoer: Uitvoer) -> None:
    """``vergelijk --curve``: the budget curve, its table on screen."""
    from .curve import budgetcurve

    doel = uitvoerpad or _standaard_uitvoer(f"{invoer.stem}_curve.xlsx")
    opties = dict(regio=regio, van=van, tot=tot, stappen=stappen, scenario=scenario, oplosser=oplosser,
                  datum=datum)
    if uitvoer.stil or uitvoer.als_json:
        curve = budgetcurve(invoer, fonds, doel, **opties)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=uitvoer.fouten, transient=True) as balk:
            taak = balk.add_task("Budgetcurve doorrekenen", total=stappen)

            def voortgang(factor: float, klaar: int, totaal: int) -> None:
                balk.update(taak, completed=klaar, description=f"Klaar: factor {factor:.3g}")

            curve = budgetcurve(invoer, fonds, doel, voortgang=voortgang, **opties)
    uitvoer.json({
        "status": "geschreven", "uitvoer": str(doel), "fonds": fonds, "regio": regio,
        "seconden": round(curve.seconden, 2), "schaduwprijs_bij_factor_1": curve.schaduwprijs,
        "curve": [{"factor": p.factor, "budget": p.budget, "gewogen_plaatsingen": p.gewogen_plaatsingen,
                   "plaatsingen": p.plaatsingen, "marginaal_per_100k": p.marginaal_per_100k, "status": p.status}
                  for p in curve.punten],
    })
    from rich import box
    from rich.table import Table

    from .rapport.curve import curve_zinnen
    from .tekst import euro_kort, getal, nl

    tabel = Table(title=f"Budgetcurve {fonds}" + (f" ({regio})" if regio else ""), title_justify="left",
                  box=box.SIMPLE_HEAD)
    for kolom in ("Factor", "Budget", "Gewogen plaatsingen", "Plaatsingen", "Per € 100.000 extra"):
        tabel.add_column(kolom, justify="right", no_wrap=kolom in ("Factor", "Budget"))
    for p in curve.punten:
        tabel.add_row(f"{nl(round(100 * p.factor, 2))}%", euro_kort(p.budget),
                      "-" if p.gewogen_plaatsingen is None else getal(round(p.gewogen_plaatsingen, 1)),
                      "-" if p.plaatsingen is None else getal(round(p.plaatsingen, 1)),
                      "" if p.marginaal_per_100k is None else nl(round(p.marginaal_per_100k, 3)))
    uitvoer.scherm.print(tabel, soft_wrap=False)  # a table fits the terminal
    for zin in curve_zinnen(curve)[1:]:
        uitvoer.scherm.print(zin, markup=False)
    uitvoer.scherm.print(f"Budgetcurve geschreven naar {doel} ({curve.seconden:.1f} s).", markup=False)


@main.command()
@click.argument("invoer", type=INVOER)
@click.option("-o", "--uitvoer", "uitvoerpad", type=UITVOER, default=None,
              help="Het evaluatiewerkboek (standaard outputs/<naam>_evaluatie.xlsx).")
@click.option("--oplosser", type=click.Choice(["auto", "highs", "cbc"]), default=None,
              help="Welke oplosser: auto, highs of cbc (COIN-OR: Clp).")
@datum_optie
@standaard_opties
def evalueer(invoer: Path, uitvoerpad: Path | None, oplosser: str | None, datum, uitvoer: Uitvoer) -> None:
    """Toets de huidige verdeling (blad Huidige_verdeling) en zet het optimum ernaast.

    Meldt of de verdeling binnen elk budget en elke beleidsregel past, en zo niet,
    welk budget of welke regel wordt overschreden en met hoeveel.

    \b
    Voorbeeld:
      budgetkoppeling evalueer invoer.xlsx -o evaluatie.xlsx
    """
    from .evaluatie import evalueer as evalueer_api

    doel = uitvoerpad or _standaard_uitvoer(f"{invoer.stem}_evaluatie.xlsx")
    balk, voortgang = uitvoer.voortgang()
    if balk is not None:
        with balk:
            resultaat = evalueer_api(invoer, doel, oplosser=oplosser, voortgang=voortgang, datum=datum)
    else:
        resultaat = evalueer_api(invoer, doel, oplosser=oplosser, datum=datum)
    zelfde_geld = resultaat.zelfde_geld.kerncijfers
    zelfde_plaatsingen = resultaat.zelfde_plaatsingen.kerncijfers
    uitvoer.json({
        "status": "geschreven", "uitvoer": str(doel), "uitvoerbaar": resultaat.uitvoerbaar,
        "tekorten": resultaat.tekorten, "huidige_verdeling": resultaat.huidig,
        "optimum_zelfde_geld": zelfde_geld, "optimum_zelfde_plaatsingen": zelfde_plaatsingen,
        "optimum_heel_budget": resultaat.optimum.kerncijfers,
        "optimum_binnen_band": resultaat.binnen_band.kerncijfers, "max_verschuiving": resultaat.band,
    })
    from rich import box
    from rich.table import Table

    from .tekst import euro, getal, miljoen, procent

    band = procent(resultaat.band)
    tabel = Table(title="Huidige verdeling en optimum", title_justify="left", box=box.SIMPLE_HEAD)
    tabel.add_column("", min_width=20)
    for kolom in ("Huidig", "Zelfde geld", "Zelfde aantal", "Heel budget", f"±{band}"):
        tabel.add_column(kolom, justify="right", max_width=9)
    plannen = [resultaat.huidig, zelfde_geld, zelfde_plaatsingen, resultaat.optimum.kerncijfers,
               resultaat.binnen_band.kerncijfers]
    tabel.add_row("Verwachte plaatsingen", *[getal(round(p["plaatsingen"])) if p else "-" for p in plannen])
    tabel.add_row("Gewogen plaatsingen", *[getal(round(p["gewogen_plaatsingen"])) if p else "-" for p in plannen])
    tabel.add_row("Uitgaven (€ mln)", *[miljoen(p["uitgaven"]) if p else "-" for p in plannen])
    tabel.add_row("Kosten per plaatsing", *[euro(p["kosten_per_plaatsing"]) if p else "-" for p in plannen])
    if "netto_kosten" in resultaat.huidig:
        tabel.add_row("Netto kosten (€ mln)",
                      *[miljoen(p["netto_kosten"]) if p and "netto_kosten" in p else "-" for p in plannen])
    uitvoer.scherm.print(tabel, soft_wrap=False)  # a table fits the terminal
    uitvoer.scherm.print(f"De kolommen: het optimum met hetzelfde geld, voor hetzelfde aantal gewogen plaatsingen, met "
                         f"het hele budget en binnen ±{band} van de huidige verdeling.", markup=False)
    if resultaat.uitvoerbaar:
        uitvoer.scherm.print("De huidige verdeling past binnen alle budgetten en beleidsregels.")
    else:
        uitvoer.scherm.print("De huidige verdeling is niet uitvoerbaar:", markup=False)
        for tekort in resultaat.tekorten:
            uitvoer.scherm.print(f"- {tekort['tekst']}", markup=False)
    if zelfde_geld:
        extra = zelfde_geld["plaatsingen"] - resultaat.huidig["plaatsingen"]
        uitvoer.scherm.print(f"Met hetzelfde geld levert het optimum {getal(round(extra, 1))} plaatsingen meer op.",
                             markup=False)
    if zelfde_plaatsingen:
        uitvoer.scherm.print(
            f"Dezelfde gewogen plaatsingen kosten in het optimum "
            f"{euro(resultaat.huidig['uitgaven'] - zelfde_plaatsingen['uitgaven'])} minder.", markup=False)
    binnen, vrij = resultaat.binnen_band.kerncijfers, resultaat.optimum.kerncijfers
    if binnen and vrij:
        huidig = resultaat.huidig["gewogen_plaatsingen"]
        uitvoer.scherm.print(
            f"Binnen ±{band} van de huidige verdeling (elk instrument per regio en jaar hoogstens zoveel anders) "
            f"levert het plan {getal(round(binnen['gewogen_plaatsingen'] - huidig, 1))} gewogen plaatsingen meer op; "
            f"het vrije optimum {getal(round(vrij['gewogen_plaatsingen'] - huidig, 1))}.", markup=False)
    elif not binnen:
        uitvoer.scherm.print(f"Binnen ±{band} van de huidige verdeling is er geen plan:", markup=False)
        uitvoer.scherm.print(resultaat.binnen_band.melding, markup=False)
    uitvoer.scherm.print(f"Evaluatie geschreven naar {doel}.", markup=False)


@main.command()
@click.argument("invoer", type=INVOER)
@click.option("-o", "--uitvoer", "uitvoerpad", type=UITVOER, default=None,
              help="Het onzekerheidswerkboek (standaard outputs/<naam>_onzekerheid.xlsx).")
@click.option("--trekkingen", "aantal", type=click.IntRange(2, 100_000), metavar="AANTAL", default=200,
              show_default=True,
              help="Het aantal trekkingen uit de bandbreedtes van het blad Onzekerheid.")
@click.option("--zaad", type=click.IntRange(0, None), metavar="GETAL", default=2026, show_default=True,
              help="Het startgetal van de trekkingen: hetzelfde zaad geeft dezelfde trekkingen.")
@click.option("--betrouwbaarheid", type=Getal(0, 1, open=True), metavar="AANDEEL", default=0.9,
              show_default=True,
              help="Het robuuste plan maximaliseert het gemiddelde van de slechtste (1 - betrouwbaarheid) "
                   "van de trekkingen: 0,9 is de slechtste 10%.")
@click.option("--scenario", default="basis", show_default=True, metavar="NAAM",
              help="Reken met dit scenario uit het blad Scenarios.")
@click.option("--oplosser", type=click.Choice(["auto", "highs", "cbc"]), default=None,
              help="Welke oplosser: auto, highs of cbc (COIN-OR: Clp).")
@cluster_opties
@datum_optie
@standaard_opties
def onzekerheid(invoer: Path, uitvoerpad: Path | None, aantal: int, zaad: int, betrouwbaarheid: float,
                scenario: str, oplosser: str | None, cluster: str | None, tls: dict, datum, uitvoer: Uitvoer) -> None:
    """Hoe zeker zijn de uitkomsten? Banden, een robuust plan en de waarde van betere kennis.

    Trekt de onzekere plaatsingskansen, kosten en budgetten van het blad Onzekerheid,
    geeft de bandbreedte (p5 tot p95) van het plan, een robuust plan dat in de slechtste
    trekkingen meer oplevert, en wat betere kennis over de effecten waard is.

    \b
    Voorbeeld:
      budgetkoppeling onzekerheid invoer.xlsx -o onzekerheid.xlsx --trekkingen 200
      budgetkoppeling onzekerheid invoer.xlsx --cluster tls://10.0.0.5:8786 --tls-ca ca.pem \\
          --tls-cert client.pem --tls-key client.key
    """
    from . import onzekerheid as analyseer
    from .rapport.onzekerheid import samenvatting, toelichting

    doel = uitvoerpad or _standaard_uitvoer(f"{invoer.stem}_onzekerheid.xlsx")
    opties = dict(trekkingen=aantal, zaad=zaad, betrouwbaarheid=betrouwbaarheid, scenario=scenario,
                  oplosser=oplosser, cluster=cluster, tls=tls, datum=datum)
    if uitvoer.stil or uitvoer.als_json:
        analyse = analyseer(invoer, doel, **opties)
    else:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), TextColumn("nog"), TimeRemainingColumn(), console=uitvoer.fouten,
                      transient=True) as balk:
            taak = balk.add_task("Inlezen", total=aantal)

            def voortgang(stap: str, klaar: int, totaal: int) -> None:
                balk.update(taak, completed=klaar, description=stap)

            analyse = analyseer(invoer, doel, voortgang=voortgang, **opties)
    rijen = samenvatting(analyse)
    zinnen = toelichting(analyse)
    uitvoer.json({"status": "geschreven", "uitvoer": str(doel), "trekkingen": aantal, "zaad": zaad,
                  "betrouwbaarheid": betrouwbaarheid, "seconden": round(analyse.seconden, 2),
                  "samenvatting": rijen.to_dicts(), "toelichting": zinnen})
    from rich import box
    from rich.table import Table

    from .tekst import euro_kort, getal, procent

    # fits 80 columns: short labels (the legend below says what each is), money in millions
    tabel = Table(title=f"Onzekerheid ({aantal} trekkingen)", title_justify="left", box=box.SIMPLE_HEAD)
    for kolom in ("", "Plan", "Gemiddelde", "p5", "p50", "p95"):
        tabel.add_column(kolom, justify="left" if kolom in ("", "Plan") else "right", no_wrap=True)
    gebruikt = []
    for rij in rijen.iter_rows(named=True):
        label, uitleg = KORT.get(rij["kpi"], (rij["kpi"], rij["kpi"]))
        if (label, uitleg) not in gebruikt:
            gebruikt.append((label, uitleg))
        opmaak = euro_kort if rij["kpi"] == "tekort" else procent if rij["kpi"] == "kans_betaalbaar" else \
            (lambda w: getal(round(w)))
        tabel.add_row(label, rij["plan"], *["" if rij[b] is None else opmaak(rij[b])
                                            for b in ("gemiddelde", "p5", "p50", "p95")])
    uitvoer.scherm.print(tabel, soft_wrap=False)  # a table fits the terminal
    for label, uitleg in gebruikt:
        uitvoer.scherm.print(f"  {label}: {uitleg}", markup=False)
    for zin in zinnen:
        uitvoer.scherm.print(zin, markup=False)
    uitvoer.scherm.print(f"Onzekerheid geschreven naar {doel} ({analyse.seconden:.1f} s).", markup=False)
