"""Stopping on request: SIGTERM handled like Ctrl-C, and solves that a signal can interrupt.

Python runs a signal handler only between bytecodes, so a solver that holds the
interpreter inside one C call (Clp through cylp, the ``cbc`` program PuLP waits for)
would make Ctrl-C wait for the end of the solve. :func:`in_kindproces` therefore runs
such a solve in a forked child process in its own process group: the parent waits on a
pipe in short steps, so a signal ends the wait at once, and then kills the child's whole
group (the ``cbc`` program with it) and removes the child's temporary folder. HiGHS runs
in a child too: it looks at its interrupt callback only after presolve, seconds into a
large model. The child gets everything prepared as numpy arrays or PuLP objects: polars
cannot run in a forked child (its thread pool stays behind in the parent).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

SIGTERM_CODE = 143  # 128 + SIGTERM, as a shell reports a process ended by it
SIGINT_CODE = 130


_IN_KIND = False  # True in a child made by in_kindproces


def in_kind() -> bool:
    """Whether this process is a solve child made by :func:`in_kindproces`."""
    return _IN_KIND


class Beeindigd(KeyboardInterrupt):
    """SIGTERM arrived: a KeyboardInterrupt, so that every clean-up for Ctrl-C runs for it too."""


@contextlib.contextmanager
def sigterm_als_onderbreking() -> Iterator[None]:
    """Meanwhile SIGTERM raises :class:`Beeindigd` in the main thread (elsewhere: nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def beeindig(signum, frame):
        raise Beeindigd()

    vorige = signal.signal(signal.SIGTERM, beeindig)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, vorige)


def kan_vorken() -> bool:
    """Whether solves go to a forked child: on POSIX, from the main thread (where signals arrive)."""
    return (hasattr(os, "fork") and sys.platform != "darwin"
            and threading.current_thread() is threading.main_thread())


def in_kindproces(functie: Callable, *argumenten, tijdelijke_map: bool = False,
                  bij_wachten: Callable[[Path | None, float], None] | None = None):
    """``functie(*argumenten)`` (with ``tijdelijke_map``: and a fresh temporary folder as the last
    argument) in a forked child; returns its result or raises its exception. A KeyboardInterrupt
    or :class:`Beeindigd` in the parent kills the child's process group and removes the folder
    before it propagates. Where forking is not possible the call runs here. ``bij_wachten(map, s)``
    is called in the parent about once a second while the child works (to report its progress)."""
    map_ = _tijdelijke_map() if tijdelijke_map else None
    extra = (map_,) if map_ is not None else ()
    try:
        if not kan_vorken():
            return functie(*argumenten, *extra)
        return _in_kind(functie, argumenten + extra,
                        None if bij_wachten is None else (lambda seconden: bij_wachten(map_, seconden)))
    finally:
        if map_ is not None:
            shutil.rmtree(map_, ignore_errors=True)


def _tijdelijke_map() -> Path:
    """A fresh temporary folder (for the cbc program's files), or a Dutch message when there is none."""
    from .bestanden import reden
    from .errors import BestandFout

    try:
        return Path(tempfile.mkdtemp(prefix="budgetkoppeling-"))
    except OSError as fout:
        raise BestandFout(f"Er is geen bruikbare tijdelijke map voor de oplosser ({reden(fout)}); zet de "
                          "omgevingsvariabele TMPDIR op een map waarin u mag schrijven.") from None


def _in_kind(functie: Callable, argumenten: tuple, bij_wachten: Callable[[float], None] | None = None):
    return Kind(*_vork(functie, argumenten)).uitkomst(bij_wachten)


def _vork(functie: Callable, argumenten: tuple) -> tuple[int, int]:
    """Fork a child that runs ``functie(*argumenten)`` in its own process group and writes the pickled
    outcome to a pipe; returns (its pid, the pipe's end to read)."""
    lezen, schrijven = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own group, default signals, the result down the pipe, then gone
        global _IN_KIND
        _IN_KIND = True
        code = 0
        try:
            os.close(lezen)
            os.setpgid(0, 0)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            sterf_met_ouder()
            try:
                bericht = ("resultaat", functie(*argumenten))
            except BaseException as fout:  # handed to the parent, which raises it
                bericht = ("fout", fout)
            try:
                data = pickle.dumps(bericht, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as fout:  # an exception that cannot be pickled: its text
                data = pickle.dumps(("fout", RuntimeError(f"{type(bericht[1]).__name__}: {fout}")))
            with os.fdopen(schrijven, "wb") as pijp:
                pijp.write(data)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(schrijven)
    with contextlib.suppress(OSError):  # also here: no window in which a signal misses the group
        os.setpgid(pid, pid)
    return pid, lezen


def _dood(pid: int) -> None:
    """Kill a child's whole group (a program it started with it) and wait for it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _uitkomst(data: bytes):
    """A child's pickled outcome: its result, or its exception raised here."""
    if not data:
        raise RuntimeError("het rekenproces stopte zonder uitkomst")
    soort, waarde = pickle.loads(data)
    if soort == "fout":
        raise waarde
    return waarde


class Kind:
    """A forked child at work (:func:`begin_in_kind`); :meth:`uitkomst` waits for what it gives. A child
    whose result nobody collects is killed with this object, or at the latest when Python exits."""

    def __init__(self, pid: int, lezen: int):
        self._pid, self._lezen = pid, lezen
        self._opruimen = weakref.finalize(self, _sluit_en_dood, lezen, pid)

    def uitkomst(self, bij_wachten: Callable[[float], None] | None = None):
        """The child's result (its exception raised here); once. ``bij_wachten(seconden)``: about once a
        second while the child works."""
        if not self._opruimen.detach():
            raise RuntimeError("de uitkomst van dit rekenproces is al opgehaald")
        klaar = False
        try:
            data = _lees_tot_einde(self._lezen, bij_wachten)
            os.waitpid(self._pid, 0)
            klaar = True
        finally:
            if not klaar:
                _dood(self._pid)
        return _uitkomst(data)


def _sluit_en_dood(lezen: int, pid: int) -> None:
    with contextlib.suppress(OSError):
        os.close(lezen)
    _dood(pid)


def begin_in_kind(functie: Callable, *argumenten) -> Kind | None:
    """Start ``functie(*argumenten)`` in a forked child and return at once (as :func:`in_kindproces`
    for signals); None where forking is not possible: then call it here when it is needed."""
    if not kan_vorken():
        return None
    return Kind(*_vork(functie, argumenten))


def tegelijk() -> int:
    """How many forked children may solve at once: the cores this process may use (:func:`in_kindprocessen`)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def in_kindprocessen(functie: Callable, argumentenlijst: list[tuple], hoeveel: int | None = None) -> list:
    """``functie(*argumenten)`` for each of ``argumentenlijst``, in forked children, at most ``hoeveel``
    (default: :func:`tegelijk`) at a time: independent re-solves on every core. The results in the
    list's order; the first exception in that order is raised once all have ended. Signals as for
    :func:`in_kindproces`: Ctrl-C kills every child. Where forking is not possible, or one core or one
    task, the calls run here one after the other (``functie`` must then not depend on running in a
    fresh copy of this process: it gets none)."""
    import select

    hoeveel = tegelijk() if hoeveel is None else hoeveel
    if not kan_vorken() or hoeveel <= 1 or len(argumentenlijst) <= 1:
        return [functie(*argumenten) for argumenten in argumentenlijst]
    data: list[bytes | None] = [None] * len(argumentenlijst)
    lopend: dict[int, tuple[int, int, list[bytes]]] = {}  # pipe -> (task, pid, what it wrote so far)
    volgende = 0
    try:
        while volgende < len(argumentenlijst) or lopend:
            while volgende < len(argumentenlijst) and len(lopend) < hoeveel:
                pid, lezen = _vork(functie, argumentenlijst[volgende])
                lopend[lezen] = (volgende, pid, [])
                volgende += 1
            # in steps of a tenth of a second, as _lees_tot_einde: a signal must reach the main thread
            gereed, _, _ = select.select(list(lopend), [], [], 0.1)
            for lezen in gereed:
                stuk = os.read(lezen, 1 << 20)
                if stuk:
                    lopend[lezen][2].append(stuk)
                    continue
                taak, pid, stukken = lopend.pop(lezen)
                os.close(lezen)
                os.waitpid(pid, 0)
                data[taak] = b"".join(stukken)
    finally:
        for lezen, (_taak, pid, _stukken) in lopend.items():
            os.close(lezen)
            _dood(pid)
    return [_uitkomst(stuk) for stuk in data]


def _lees_tot_einde(lezen: int, bij_wachten: Callable[[float], None] | None = None) -> bytes:
    """Everything the child writes, waiting in steps of a tenth of a second: the kernel may hand a
    signal to any thread (polars' pool, rich's refresh), and only a main thread that wakes up runs
    Python's handler; a blocking read would sleep through Ctrl-C until the solve ends."""
    import select
    import time

    stukken = []
    begin = gemeld = time.monotonic()
    try:
        while True:
            if bij_wachten is not None and time.monotonic() - gemeld >= 1.0:
                gemeld = time.monotonic()
                bij_wachten(gemeld - begin)
            gereed, _, _ = select.select([lezen], [], [], 0.1)
            if gereed:
                stuk = os.read(lezen, 1 << 20)
                if not stuk:
                    return b"".join(stukken)
                stukken.append(stuk)
    finally:
        os.close(lezen)


def sterf_met_ouder(ouder: int | None = None) -> None:
    """Linux: this process gets SIGKILL when its parent dies, however the parent ends. ``ouder``: the
    parent's process id, when the parent may have died before this call (then this process ends now)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if ouder is not None and os.getppid() != ouder:
        os._exit(1)
