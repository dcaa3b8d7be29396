"""Numbers and names the Dutch way, for messages and the terminal."""

from __future__ import annotations


def nl(getal: float) -> str:
    """A number the Dutch way for messages: 0.9 as '0,9', 1234567.5 as '1.234.567,5'."""
    tekst = f"{getal:,.6f}".rstrip("0").rstrip(".")
    return tekst.replace(",", "_").replace(".", ",").replace("_", ".")


def kort(waarde: str, lengte: int = 60) -> str:
    """Shorten a user's value for a message, so a 1,000-character name stays readable."""
    waarde = str(waarde)
    return waarde if len(waarde) <= lengte else waarde[: lengte - 1] + "…"


def aantal(getal_: int, enkelvoud: str, meervoud: str) -> str:
    """'1 regio', '35 regio’s'."""
    return f"{getal_} {enkelvoud if getal_ == 1 else meervoud}"


def euro(bedrag: float) -> str:
    """EUR 1234567.5 as '€ 1.234.568' (Dutch thousands separator, whole euros)."""
    return "€ " + f"{bedrag:,.0f}".replace(",", ".")


def euro_kort(bedrag: float) -> str:
    """A large amount in millions for a narrow table: EUR 24,249,079 as '€ 24,2 mln'."""
    if abs(bedrag) < 1_000_000:
        return euro(bedrag)
    return "€ " + f"{bedrag / 1e6:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".") + " mln"


def miljoen(bedrag: float) -> str:
    """Euros in millions with one decimal, for a column headed '(€ mln)': 6031802583 as '6.031,8'."""
    return f"{bedrag / 1e6:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


def euro_precies(bedrag: float) -> str:
    """Whole euros as :func:`euro`, otherwise with cents: EUR 250.5 as '€ 250,50'.

    A shortfall is never rounded away.
    """
    if abs(bedrag - round(bedrag)) < 0.005:
        return euro(round(bedrag))
    return "€ " + f"{bedrag:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def getal(waarde: float) -> str:
    """A number the Dutch way: 1234.5 as '1.234,5'."""
    if abs(waarde - round(waarde)) < 1e-9:
        return f"{round(waarde):,}".replace(",", ".")
    return f"{waarde:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


def procent(waarde: float) -> str:
    return f"{nl(round(100 * waarde, 1))}%"


def opsomming(items: list[str]) -> str:
    items = [str(i) for i in items]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def jaren_tekst(jaren: list[int]) -> str:
    jaren = sorted(set(jaren))
    if len(jaren) > 2 and jaren == list(range(jaren[0], jaren[-1] + 1)):
        return f"{jaren[0]} tot en met {jaren[-1]}"
    return opsomming([str(j) for j in jaren])


def bedoelt_u(waarde: str, namen) -> str:
    """' (bedoelt u 'X'?)' for a name that differs only in case, or the closest names for a typo (difflib:
    also an abbreviation like 'ESF' for 'ESF+'); '' when nothing is close."""
    import difflib

    lijst = list(namen)
    hint = next((n for n in lijst if n.casefold() == waarde.casefold()), None)
    if hint is not None:
        return f" (bedoelt u '{kort(hint)}'? hoofdletters tellen mee)"
    dichtbij = difflib.get_close_matches(waarde.casefold(), [n.casefold() for n in lijst], n=3, cutoff=0.6)
    voorstellen = [next(n for n in lijst if n.casefold() == d) for d in dichtbij]
    return " (bedoelt u " + " of ".join(f"'{kort(n)}'" for n in voorstellen) + "?)" if voorstellen else ""
