"""click in Dutch (SPEC §2): its usage errors, help headings and metavars.

click marks every message for translation with ``gettext`` (``from gettext import gettext
as _`` in each of its modules). :func:`installeer` points those names, in click's modules
only, at a Dutch catalogue; the process's own gettext domain is left alone. What the
catalogue lacks stays as click wrote it, so a newer click degrades to English, not to an
error. The metavars (``[OPTIONS]``, ``COMMAND [ARGS]...``) are command parameters, set by
:class:`Groep` and :class:`Opdracht`.
"""

from __future__ import annotations

import datetime
import gettext
import sys

import click

from .errors import let_op  # noqa: F401 - the CLI's notices, as every message of the tool words them

VERTALING = {
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "Error: {message}": "Fout: {message}",
    "Try '{command} {option}' for help.": "Typ '{command} {option}' voor hulp.",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Missing {param_type}": "Ontbrekend {param_type}",
    "Missing argument": "Ontbrekend argument",
    "Missing option": "Ontbrekende optie",
    "Missing parameter": "Ontbrekende parameter",
    "Missing parameter: {param_name}": "Ontbrekende parameter: {param_name}",
    "Missing command.": "Er ontbreekt een opdracht.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "Option {name!r} does not take a value.": "De optie {name!r} neemt geen waarde.",
    "Argument {name!r} takes {nargs} values.": "Het argument {name!r} neemt {nargs} waarden.",
    "Invalid start character for option ({option})": "Ongeldig beginteken voor een optie ({option})",
    "Aborted!": "Afgebroken.",
    "default: {default}": "standaard: {default}",
    "(dynamic)": "(wisselend)",
    "env var: {var}": "omgevingsvariabele: {var}",
    "required": "verplicht",
    "deprecated": "verouderd",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand, geen map.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map, geen bestand.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} kan niet gelezen worden.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} kan niet beschreven worden.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} kan niet uitgevoerd worden.",
    "Could not open file {filename!r}: {message}": "Kan het bestand {filename!r} niet openen: {message}",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "{value} is not in the range {range}.": "{value} ligt niet tussen {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} is geen ja of nee. Mogelijk: {states}",
    "{value!r} is not a valid UUID.": "{value!r} is geen geldige UUID.",
    "Value must be an iterable.": "De waarde moet een reeks zijn.",
    "Do you want to continue?": "Wilt u doorgaan?",
    "Repeat for confirmation": "Herhaal ter bevestiging",
    "Error: The two entered values do not match.": "Fout: de twee ingevoerde waarden zijn niet gelijk.",
    "Error: invalid input": "Fout: ongeldige invoer",
    "Press any key to continue...": "Druk op een toets om door te gaan ...",
    "unknown error": "onbekende fout",
}

MEERVOUD = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Onverwacht extra argument ({args})", "Onverwachte extra argumenten ({args})"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Bedoelt u {possibility}?", "(Bedoelt u een van: {possibilities}?)"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("De optie {name!r} heeft een waarde nodig.", "De optie {name!r} heeft {nargs} waarden nodig."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} kan niet; kies {choice}.", "{value!r} kan niet; kies uit {choices}."),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("{value!r} heeft niet de vorm {format}.", "{value!r} heeft geen van de vormen {formats}."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Neemt {nargs} waarden, maar er is 1 gegeven.", "Neemt {nargs} waarden, maar er zijn er {len} gegeven."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("{len_type} waarden zijn nodig, maar er is {len_value} gegeven.",
         "{len_type} waarden zijn nodig, maar er zijn er {len_value} gegeven."),
}

SOORTEN = {"option": "optie", "argument": "argument", "parameter": "parameter"}
GETALSOORTEN = {"integer": "geheel getal", "float": "getal", "integer range": "geheel getal",
                "float range": "getal"}


class _Zin(str):
    """A translated message whose ``format`` also translates click's English words in the values
    (``param_type`` 'option', ``number_type`` 'integer')."""

    def format(self, *args, **kwargs) -> str:
        if isinstance(kwargs.get("param_type"), str):
            kwargs["param_type"] = SOORTEN.get(kwargs["param_type"], kwargs["param_type"])
        if isinstance(kwargs.get("number_type"), str):
            kwargs["number_type"] = GETALSOORTEN.get(kwargs["number_type"], kwargs["number_type"])
        return str.format(self, *args, **kwargs)


def vertaal(bericht: str) -> str:
    return _Zin(VERTALING.get(bericht, bericht))


def vertaal_meervoud(enkelvoud: str, meervoud: str, aantal: int) -> str:
    nl = MEERVOUD.get((enkelvoud, meervoud), (enkelvoud, meervoud))
    return _Zin(nl[0] if aantal == 1 else nl[1])


def installeer() -> None:
    """Give every loaded click module the Dutch ``_`` and ``ngettext``."""
    import click.shell_completion  # noqa: F401 - loaded lazily by click; translated too
    import click.termui  # noqa: F401

    for naam, module in list(sys.modules.items()):
        if naam.startswith("click."):
            if getattr(module, "_", None) is gettext.gettext:
                module._ = vertaal
            if getattr(module, "ngettext", None) is gettext.ngettext:
                module.ngettext = vertaal_meervoud


class Opdracht(click.Command):
    """A command whose usage line says ``[OPTIES]``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPTIES]")
        super().__init__(*args, **kwargs)


class Groep(click.Group):
    """The command group: ``OPDRACHT [ARGUMENTEN]...``, and its commands are :class:`Opdracht`."""

    command_class = Opdracht

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPTIES]")
        kwargs.setdefault("subcommand_metavar", "OPDRACHT [ARGUMENTEN]...")
        super().__init__(*args, **kwargs)


# ----------------------------------------------------------------------------- Dutch values


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
