"""Writing files safely: the atomic writer, in-memory xlsx workbooks, OS errors in Dutch."""

from __future__ import annotations

import contextlib
import errno
import glob
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import BestandFout


def schrijf_atomisch(doel: Path, schrijf: Callable[[Path], None], invoer: Path | None = None) -> None:
    """Write ``doel`` through ``schrijf(tijdelijk_pad)`` and rename it into place.

    A crash, even SIGKILL or a power cut, leaves either the old file or none, never a
    half-written one: the temporary file beside it is flushed to disk before the rename.
    Temporary files of killed earlier runs are removed first. The output may not be the input.
    """
    doel = Path(doel)
    if invoer is not None and _zelfde_bestand(doel, Path(invoer)):
        raise BestandFout(
            f"Het uitvoerbestand '{doel}' is het invoerbestand; kies een andere naam met -o."
        )
    map_ = doel.parent if str(doel.parent) else Path(".")
    if not map_.is_dir():
        raise BestandFout(f"De map '{map_}' voor het uitvoerbestand bestaat niet.")
    if doel.exists() and not doel.is_file():  # a device, a pipe or a folder is never replaced by a workbook
        raise BestandFout(f"'{doel}' is geen gewoon bestand (maar een map, apparaat of pijp); kies een andere naam "
                          "met -o.")
    if doel.exists() and not os.access(doel, os.W_OK):
        raise BestandFout(f"Het bestand '{doel}' is alleen-lezen en wordt niet overschreven; maak het schrijfbaar of "
                          "kies een andere naam met -o.")
    _ruim_achtergebleven_op(doel)
    try:
        handvat, tijdelijk = tempfile.mkstemp(prefix=f".{doel.name}.{os.getpid()}.", suffix=".tmp", dir=map_)
    except OSError as fout:
        raise BestandFout(f"Kan niet schrijven in de map '{map_}': {reden(fout)}.") from fout
    os.close(handvat)
    tijdelijk_pad = Path(tijdelijk)
    try:
        schrijf(tijdelijk_pad)
        os.chmod(tijdelijk_pad, _bestandsrechten(doel))
        with open(tijdelijk_pad, "rb+") as bestand:
            os.fsync(bestand.fileno())
        os.replace(tijdelijk_pad, doel)
        _fsync_map(map_)
    except Exception as fout:
        oorzaak = _os_fout(fout)
        if oorzaak is None:
            raise
        raise BestandFout(f"Kan '{doel}' niet schrijven: {reden(oorzaak)}.") from fout
    finally:
        with contextlib.suppress(FileNotFoundError):
            tijdelijk_pad.unlink()


def _os_fout(fout: BaseException) -> OSError | None:
    """The operating-system error behind ``fout`` (xlsxwriter wraps it in FileCreateError)."""
    while fout is not None:
        if isinstance(fout, OSError):
            return fout
        argumenten = getattr(fout, "args", ())
        fout = argumenten[0] if argumenten and isinstance(argumenten[0], OSError) else fout.__cause__
    return None


_REDENEN = {
    errno.ENOSPC: "de schijf is vol; maak ruimte vrij of kies een andere map met -o",
    errno.EDQUOT: "uw schijfruimte (quotum) is op; maak ruimte vrij of kies een andere map met -o",
    errno.EFBIG: "het bestand wordt groter dan deze schijf of dit account toestaat",
    errno.EACCES: "u hebt geen schrijfrechten in deze map; kies een andere map met -o",
    errno.EPERM: "u hebt geen schrijfrechten in deze map; kies een andere map met -o",
    errno.EROFS: "de map staat op een schijf die alleen gelezen kan worden; kies een andere map met -o",
    errno.ENAMETOOLONG: "de bestandsnaam is te lang",
    errno.EIO: "de schijf of het netwerk gaf een leesfout of schrijffout",
}


def reden(fout: OSError) -> str:
    """An operating-system error in Dutch, for a finance officer."""
    return _REDENEN.get(fout.errno, fout.strerror or str(fout))


def _ruim_achtergebleven_op(doel: Path) -> None:
    """Remove ``.naam.PID.xxxx.tmp`` files beside ``doel`` whose writing process no longer runs."""
    for oud in doel.parent.glob(f".{glob.escape(doel.name)}.*.tmp"):
        stukken = oud.name[len(doel.name) + 2:].split(".")
        if stukken and stukken[0].isdigit() and not _proces_leeft(int(stukken[0])):
            with contextlib.suppress(OSError):
                oud.unlink()


def _proces_leeft(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def _fsync_map(map_: Path) -> None:
    """Make the rename itself durable (POSIX); not possible on every platform or file system."""
    try:
        handvat = os.open(map_, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # network shares cannot sync a directory; the rename stands
            os.fsync(handvat)
    finally:
        os.close(handvat)


def _bestandsrechten(doel: Path) -> int:
    """The mode a new file would get (mkstemp makes 0600), or the mode of the file replaced."""
    try:
        return doel.stat().st_mode & 0o777
    except OSError:
        masker = os.umask(0)
        os.umask(masker)
        return 0o666 & ~masker


def _zelfde_bestand(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


@contextlib.contextmanager
def stille_stdout() -> Iterator[None]:
    """Silence file descriptor 1 meanwhile: HiGHS prints a banner on the process's stdout."""
    import sys

    sys.stdout.flush()
    try:
        bewaard = os.dup(1)
    except OSError:  # no real stdout: nothing to protect
        yield
        return
    leeg = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(leeg, 1)
        yield
    finally:
        os.dup2(bewaard, 1)
        os.close(bewaard)
        os.close(leeg)


def nieuw_xlsx(pad: Path, opties: dict):
    """An xlsxwriter workbook built in memory; ``close()`` writes the finished file to ``pad`` in
    one call. Nothing goes to the system's temporary folder (a killed run leaves nothing there),
    and a failed write (a full disk) leaves no half-closed archive behind."""
    import xlsxwriter

    buffer = io.BytesIO()

    class InGeheugen(xlsxwriter.Workbook):
        def close(self) -> None:
            for werkblad in self.worksheets():
                if werkblad.orientation == 0:  # a sheet laid out for print: A4 landscape
                    druk_op_a4(werkblad)
            super().close()
            Path(pad).write_bytes(buffer.getvalue())

    return InGeheugen(buffer, {**opties, "in_memory": True})


# Printing. Every sheet that is laid out for print (landscape) gets a fixed print scale computed from
# its columns and charts, never Excel's "fit to page": its scale is then written in the file (a test
# reads it), page breaks between charts are honoured, and the text never shrinks below 8 points.
A4_BREEDTE_PX = 965  # A4 landscape (11.69 in) less margins of 0.5 in is 1026 px at 96 per inch; LibreOffice
#                       with Carlito (Calibri's widths) starts a second page at about 980
A4_HOOGTE_PX = 610  # 8.27 in less margins of 0.75 in is 650 px; less a little for the page header
LETTERGROOTTE = 11  # xlsxwriter's default font, Calibri 11
KLEINSTE_PUNTEN = 8
KLEINSTE_SCHAAL = -(-100 * KLEINSTE_PUNTEN // LETTERGROOTTE)  # 73%: 11 pt prints at 8 pt


def breedte_px(werkblad) -> int:
    """The width of what a sheet shows, in pixels at 100%: its used columns and its charts."""
    kolommen = werkblad.dim_colmax if werkblad.dim_colmax is not None else -1
    breedte = sum(werkblad._size_col(kolom) for kolom in range(kolommen + 1))
    for grafiek in werkblad.charts:  # [row, col, chart, x_offset, y_offset, x_scale, y_scale, ...]
        _rij, kolom, figuur, x_verschuiving, _y, x_schaal = grafiek[:6]
        links = sum(werkblad._size_col(k) for k in range(kolom)) + x_verschuiving
        breedte = max(breedte, links + int(figuur.width * x_schaal))
    return breedte


def _hoogste_deel_px(werkblad) -> int:
    """The tallest stretch between two manual page breaks (charts included), in pixels at 100%: each
    must fit one page, or the printer adds a break of its own and leaves a page of empty rows."""
    if not werkblad.hbreaks:
        return 0
    grenzen = [0, *sorted(werkblad.hbreaks)]
    kop = werkblad._size_row(0) if werkblad.repeat_row_range else 0  # the header row on every page
    hoogste = 0
    for van, tot in zip(grenzen, grenzen[1:]):
        hoogte = sum(werkblad._size_row(rij) for rij in range(van, tot))
        for grafiek in werkblad.charts:  # [row, col, chart, x_offset, y_offset, x_scale, y_scale, ...]
            rij, _kolom, figuur, _x, y_verschuiving, _xs, y_schaal = grafiek[:7]
            if van <= rij < tot:
                boven = sum(werkblad._size_row(r) for r in range(van, rij)) + y_verschuiving
                hoogte = max(hoogte, boven + int(figuur.height * y_schaal))
        hoogste = max(hoogste, hoogte + (kop if van > 0 else 0))
    return hoogste


def druk_op_a4(werkblad) -> int:
    """Set the sheet's print scale: as large as fits one A4 page wide (and, where the sheet has page
    breaks between charts, each stretch one page high), at most 100% and never below KLEINSTE_SCHAAL.
    A sheet wider than that at 8 points continues on a page to the right, its first column repeated,
    the pages numbered across then down. Returns the scale."""
    breedte, hoogte = breedte_px(werkblad), _hoogste_deel_px(werkblad)
    schaal = min(100, 100 * A4_BREEDTE_PX // max(1, breedte), 100 * A4_HOOGTE_PX // max(1, hoogte))
    schaal = max(KLEINSTE_SCHAAL, schaal)
    werkblad.fit_page = 0
    werkblad.set_margins(left=0.5, right=0.5)
    werkblad.set_print_scale(schaal)
    if breedte * schaal > 100 * A4_BREEDTE_PX:
        werkblad.repeat_columns(0)
        werkblad.print_across()
    return schaal
