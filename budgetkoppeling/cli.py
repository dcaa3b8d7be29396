"""The ``budgetkoppeling`` command: click only. Parse, call the API, print, map errors to exit codes."""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import sys
from pathlib import Path

import click

from . import VOORBEELD, VOORBEELD_GEMEENTEN, BudgetkoppelingFout, InvoerFout, __version__
from .klik import Datum, Getal, Groep, installeer, let_op
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

    @contextlib.contextmanager
    def voortgang(self, begin: str = "Starten", beschrijf=None, totaal: int | None = None, resterend: bool = False):
        """The progress line of a long command, or nothing with --stil or --json: yields the callback
        for the API's ``voortgang`` (None when quiet). Without ``beschrijf`` the callback takes the
        stage's description (a spinner); with it, ``beschrijf(*args)`` gives (description, done, total)
        for a bar that counts (``resterend``: with the time left)."""
        if self.stil or self.als_json:
            yield None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        tekst = TextColumn("{task.description}", markup=False)
        kolommen = [SpinnerColumn(), tekst, TimeElapsedColumn()] if beschrijf is None else \
            [tekst, BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
             *([TextColumn("nog"), TimeRemainingColumn()] if resterend else [])]
        with Progress(*kolommen, console=self.fouten, transient=True) as balk:
            taak = balk.add_task(begin, total=totaal)

            def melding(*argumenten) -> None:
                if beschrijf is None:
                    balk.update(taak, description=argumenten[0])
                else:
                    beschrijving, klaar, aantal = beschrijf(*argumenten)
                    balk.update(taak, description=beschrijving, completed=klaar, total=aantal)

            yield melding

    def toon(self, regels: list) -> None:
        """A result's screen summary: each table fits the terminal, each sentence as written."""
        for regel in regels:
            if isinstance(regel, str):
                self.scherm.print(regel, markup=False)
            else:
                self.scherm.print(regel, soft_wrap=False)


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
    uitvoer.fouten.print(fout.op_scherm(), markup=False)
    uitvoer.json(fout.als_json())


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
              help="Het plan-werkboek (standaard outputs/plan_nederland.xlsx, met --gemeenten "
                   "outputs/plan_gemeenten.xlsx).")
@click.option("--gemeenten", is_flag=True,
              help="Het voorbeeld per gemeente: alle 342 gemeenten, elke regio met een regionale pot die haar "
                   "gemeenten vullen (enkele minuten rekenen).")
@click.option("--oplosser", type=click.Choice(["auto", "highs", "cbc"]), default=None,
              help="Welke oplosser: auto (standaard), highs of cbc (COIN-OR: Clp, met --geheel CBC).")
@click.option("--geheel", is_flag=True, help="Alleen hele deelnemers (trager: een geheeltallig model).")
@tijdslimiet_optie
@datum_optie
@standaard_opties
def voorbeeld(uitvoerpad: Path | None, gemeenten: bool, oplosser: str | None, geheel: bool,
              tijdslimiet: float | None, datum, uitvoer: Uitvoer) -> None:
    """Reken het meegeleverde landelijke voorbeeld door (35 arbeidsmarktregio's, 2026-2030; met --gemeenten
    per gemeente).

    \b
    Voorbeeld:
      budgetkoppeling voorbeeld
      budgetkoppeling voorbeeld -o outputs/plan.xlsx
      budgetkoppeling voorbeeld --gemeenten
    """
    invoer, naam = (VOORBEELD_GEMEENTEN, "plan_gemeenten.xlsx") if gemeenten else (VOORBEELD, "plan_nederland.xlsx")
    doel = uitvoerpad or _standaard_uitvoer(naam)
    _optimaliseer(invoer, doel, "basis", oplosser, geheel, None, datum, uitvoer, None, tijdslimiet)


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

    with uitvoer.voortgang() as voortgang:
        plan = optimaliseer_api(invoer, doel, scenario=scenario, oplosser=oplosser, geheel=geheel,
                                schrijf_lp=schrijf_lp, datum=datum, vanaf=vanaf, tijdslimiet=tijdslimiet or None,
                                voortgang=voortgang)
    uitvoer.json(plan.als_json(doel))
    uitvoer.meldingen(plan.oplossing.model.invoer.meldingen)
    uitvoer.toon(plan.op_scherm(doel))


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
    uitvoer.toon(gecontroleerd.op_scherm())
    uitvoer.json(gecontroleerd.als_json())


@main.command()
@click.argument("uitvoerpad", metavar="WERKBOEK", type=UITVOER)
@click.option("--leeg", is_flag=True, help="Alleen de kopjes, zonder voorbeeldregels.")
@click.option("--gemeenten", is_flag=True,
              help="De voorbeeldregio per gemeente: wie betaalt, wie krijgt, met een regionale pot.")
@click.option("--overschrijf", is_flag=True, help="Overschrijf een bestaand bestand.")
@standaard_opties
def sjabloon(uitvoerpad: Path, leeg: bool, gemeenten: bool, overschrijf: bool, uitvoer: Uitvoer) -> None:
    """Maak een invoerwerkboek om in te vullen, met alle bladen en voorbeeldregels.

    \b
    Voorbeeld:
      budgetkoppeling sjabloon mijn_regio.xlsx
      budgetkoppeling sjabloon leeg.xlsx --leeg
      budgetkoppeling sjabloon mijn_regio.xlsx --gemeenten
    """
    from . import maak_sjabloon

    if uitvoerpad.exists() and not overschrijf:
        raise click.UsageError(f"'{uitvoerpad}' bestaat al; kies een andere naam of gebruik --overschrijf.")
    maak_sjabloon(uitvoerpad, leeg=leeg, gemeenten=gemeenten)
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
    from . import vergelijk as vergelijk_api

    doel = uitvoerpad or _standaard_uitvoer(f"{invoer.stem}_vergelijking.xlsx")
    with uitvoer.voortgang("Scenario's doorrekenen",
                           lambda scenario, klaar, totaal: (f"Klaar: {scenario}", klaar, totaal)) as voortgang:
        resultaat = vergelijk_api(invoer, doel, list(scenarios) or None, oplosser=oplosser,
                                  parallel=False if serieel else None, voortgang=voortgang, datum=datum,
                                  cluster=cluster, tls=tls)
    uitvoer.json(resultaat.als_json(doel))
    uitvoer.toon(resultaat.op_scherm(doel))


def _curve(invoer: Path, uitvoerpad: Path | None, fonds: str, regio: str | None, van: float, tot: float,
           stappen: int, scenario: str, oplosser: str | None, datum, uitvoer: Uitvoer) -> None:
    """``vergelijk --curve``: the budget curve, its table on screen."""
    from . import budgetcurve

    doel = uitvoerpad or _standaard_uitvoer(f"{invoer.stem}_curve.xlsx")
    with uitvoer.voortgang("Budgetcurve doorrekenen",
                           lambda factor, klaar, totaal: (f"Klaar: factor {factor:.3g}", klaar, totaal),
                           totaal=stappen) as voortgang:
        curve = budgetcurve(invoer, fonds, doel, regio=regio, van=van, tot=tot, stappen=stappen, scenario=scenario,
                            oplosser=oplosser, datum=datum, voortgang=voortgang)
    uitvoer.json(curve.als_json(doel))
    uitvoer.toon(curve.op_scherm(doel))


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
    from . import evalueer as evalueer_api

    doel = uitvoerpad or _standaard_uitvoer(f"{invoer.stem}_evaluatie.xlsx")
    with uitvoer.voortgang() as voortgang:
        resultaat = evalueer_api(invoer, doel, oplosser=oplosser, voortgang=voortgang, datum=datum)
    uitvoer.json(resultaat.als_json(doel))
    uitvoer.toon(resultaat.op_scherm(doel))


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

    doel = uitvoerpad or _standaard_uitvoer(f"{invoer.stem}_onzekerheid.xlsx")
    with uitvoer.voortgang("Inlezen", lambda stap, klaar, totaal: (stap, klaar, aantal), totaal=aantal,
                           resterend=True) as voortgang:
        analyse = analyseer(invoer, doel, trekkingen=aantal, zaad=zaad, betrouwbaarheid=betrouwbaarheid,
                            scenario=scenario, oplosser=oplosser, cluster=cluster, tls=tls, datum=datum,
                            voortgang=voortgang)
    uitvoer.json(analyse.als_json(doel))
    uitvoer.toon(analyse.op_scherm(doel))


@main.command()
@click.argument("invoer", type=INVOER)
@click.option("--poort", type=click.IntRange(1, 65535), metavar="NUMMER", default=None,
              help="De poort op 127.0.0.1 (standaard: een vrije poort).")
@click.option("--geen-browser", is_flag=True, help="Open de browser niet; toon alleen het adres.")
@click.option("--scenario", default="basis", show_default=True, metavar="NAAM",
              help="Begin bij dit scenario uit het blad Scenarios.")
@click.option("--oplosser", type=click.Choice(["auto", "highs", "cbc"]), default=None,
              help="Welke oplosser: auto, highs of cbc (COIN-OR: Clp).")
@datum_optie
@standaard_opties
def verken(invoer: Path, poort: int | None, geen_browser: bool, scenario: str, oplosser: str | None, datum,
           uitvoer: Uitvoer) -> None:
    """Verken het plan in de browser: schuif aan budgetten, kosten en regels en zie het optimum meteen.

    Rekent het plan eenmaal door en opent dan een pagina op deze computer (127.0.0.1).
    Elke schuif rekent het optimum opnieuw uit, vanaf de vorige oplossing. Ctrl-C stopt.

    \b
    Voorbeeld:
      budgetkoppeling verken invoer.xlsx
      budgetkoppeling verken invoer.xlsx --poort 8765 --geen-browser
    """
    from . import verken as verken_api

    def bij_start(adres: str) -> None:
        uitvoer.json({"status": "klaar", "adres": adres})
        if not uitvoer.als_json:
            if not uitvoer.stil:
                uitvoer.fouten.print("De pagina staat klaar op (Ctrl-C stopt):", markup=False)
            click.echo(adres)
            sys.stdout.flush()
        if not geen_browser:
            import webbrowser

            webbrowser.open(adres)

    with uitvoer.voortgang() as voortgang:
        verkenner = verken_api(invoer, scenario=scenario, oplosser=oplosser, datum=datum, voortgang=voortgang)
    verkenner.serveer(poort, bij_start=bij_start)
