"""Where the work of many solves goes: this process, a local process pool, or a Dask cluster.

Every route is one :class:`concurrent.futures.Executor`: a pool of spawned local processes (not
forked: polars' thread pool does not survive a fork), or the executor of a
``dask.distributed.Client`` connected to a running scheduler (``--cluster tcp://HOST:8786`` or
``tls://HOST:8786``). Work travels in chunks; a chunk's answer does not depend on where it ran.

A Dask scheduler without TLS runs whatever any client on the network sends it. With a ``tls://``
address the certificates come from ``--tls-ca``, ``--tls-cert`` and ``--tls-key`` or the environment
variables ``BUDGETKOPPELING_TLS_CA``, ``BUDGETKOPPELING_TLS_CERT`` and ``BUDGETKOPPELING_TLS_KEY``
(or Dask's own configuration when none is given).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator

from .errors import BudgetkoppelingFout

VERBIND_SECONDEN = 10  # how long a client tries to reach the scheduler before it gives up
ZONDER_WERKERS_SECONDEN = 30  # how long work waits on a cluster that has no worker left
TLS_OMGEVING = {"ca": "BUDGETKOPPELING_TLS_CA", "cert": "BUDGETKOPPELING_TLS_CERT", "key": "BUDGETKOPPELING_TLS_KEY"}


def start_werker(ouder: int | None = None) -> None:
    """A worker's start-up: import what solving needs. Ctrl-C in the terminal reaches the whole
    process group; the parent alone handles it (and ends the workers). A worker dies with its parent
    (``ouder``, its process id), however the parent ends: no orphans after a SIGKILL."""
    import signal

    from .onderbreking import sterf_met_ouder

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sterf_met_ouder(ouder)
    from . import model, rapport, solve  # noqa: F401


def lokale_werkers(aantal: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of ``aantal`` worker processes, started now (spawned, not forked: see above)."""
    _bij_afsluiten_stille_wekkers()
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=aantal, mp_context=multiprocessing.get_context("spawn"), initializer=start_werker,
        initargs=(os.getpid(),))
    for _ in range(aantal):  # the pool starts a process per task that finds no idle one
        pool.submit(int)
    return pool


def beeindig_werkers(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Stop the pool now, mid-solve or not: its waiting tasks cancelled, its worker processes
    terminated and waited for (a worker's own solve child dies with it: onderbreking.sterf_met_ouder),
    its manager thread ended.

    The pool itself cancels the waiting tasks (``shutdown(cancel_futures=True)``); a future cancelled
    from outside would stay among its pending work, and Python 3.11's pool then fails to mark it
    broken (``InvalidStateError: CANCELLED``) and hangs the interpreter's exit on its thread."""
    processen = list((getattr(pool, "_processes", None) or {}).values())
    beheerder = getattr(pool, "_executor_manager_thread", None)  # shutdown() forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    for proces in processen:
        proces.terminate()
    for proces in processen:
        proces.join(timeout=5)
        if proces.is_alive():
            proces.kill()
            proces.join()
    if beheerder is not None:
        beheerder.join(timeout=5)
        if not beheerder.is_alive():  # done with: nothing left for Python to wake at exit
            import concurrent.futures.process as proces_module

            getattr(proces_module, "_threads_wakeups", {}).pop(beheerder, None)


_WEKKERS_BEWAAKT = False


def _bij_afsluiten_stille_wekkers() -> None:
    """At exit Python wakes every pool's manager thread through its pipe and joins it
    (``_python_exit``). A manager thread that is ending closes that pipe itself, between Python's
    check and its write, and the exit printed "Exception ignored ... OSError: Bad file descriptor"
    after "Afgebroken.". Registered after the pool's own hook, this runs before it (threading runs
    them in reverse) and does its work: wakes each thread (a closed pipe: it is ending anyway), joins
    it and forgets it, so that Python's hook finds nothing left to wake."""
    global _WEKKERS_BEWAAKT
    if _WEKKERS_BEWAAKT:
        return
    import concurrent.futures.process as proces_module
    import threading

    def wek_en_wacht() -> None:
        wekkers = getattr(proces_module, "_threads_wakeups", {})
        proces_module._global_shutdown = True  # as Python's hook: a woken thread ends instead of waiting on
        for wekker in list(wekkers.values()):
            with contextlib.suppress(OSError):  # its pipe closed underneath: the thread is ending already
                wekker.wakeup()
        for draad in list(wekkers):
            draad.join()
            wekkers.pop(draad, None)

    registreer = getattr(threading, "_register_atexit", None)
    if registreer is not None:
        registreer(wek_en_wacht)
        _WEKKERS_BEWAAKT = True


def kernen() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def beveiliging(adres: str, ca: str | None = None, cert: str | None = None, key: str | None = None):
    """The ``distributed.security.Security`` for ``adres``: TLS with the given certificate files (or
    those of the environment) for a ``tls://`` address; Dask's own configuration otherwise."""
    from distributed.security import Security

    bestanden = {soort: waarde or os.environ.get(TLS_OMGEVING[soort]) or None
                 for soort, waarde in (("ca", ca), ("cert", cert), ("key", key))}
    if not adres.startswith("tls://"):
        if any(bestanden.values()):
            raise BudgetkoppelingFout(f"Certificaten horen bij een tls://-adres; {adres} is dat niet.")
        return Security()
    if not any(bestanden.values()):
        return Security()  # Dask's configuration (distributed.comm.tls.*) may hold the files
    ontbreekt = [f"--tls-{soort}" for soort, pad in bestanden.items() if pad is None]
    if ontbreekt:
        raise BudgetkoppelingFout("Voor TLS zijn drie bestanden nodig: het CA-certificaat, het eigen certificaat en "
                                  f"de sleutel. Ontbreekt: {', '.join(ontbreekt)}.")
    for soort, pad in bestanden.items():
        if not os.path.isfile(pad):
            raise BudgetkoppelingFout(f"Het bestand {pad} (--tls-{soort}) bestaat niet.")
    return Security(tls_ca_file=bestanden["ca"], tls_client_cert=bestanden["cert"], tls_client_key=bestanden["key"],
                    require_encryption=True)


def ontleed_adres(adres: str) -> tuple[str, str, int]:
    """``(schema, host, poort)`` of a scheduler's address; a Dutch message for anything else than
    ``tcp://HOST:POORT`` or ``tls://HOST:POORT``."""
    if "://" not in adres:
        raise BudgetkoppelingFout(f"'{adres}' is geen adres van een Dask-scheduler; bedoelt u tcp://{adres}?")
    schema, rest = adres.split("://", 1)
    if schema not in ("tcp", "tls"):
        raise BudgetkoppelingFout(f"'{adres}': budgetkoppeling spreekt met een Dask-scheduler over tcp:// of tls:// "
                                  f"(met certificaten), niet over {schema}://. Voorbeeld: tcp://10.0.0.5:8786.")
    host, _, poort = rest.rstrip("/").rpartition(":")
    host = host.strip("[]")
    if not host or not poort.isdigit() or not 0 < int(poort) < 65536:
        raise BudgetkoppelingFout(f"'{adres}' mist een geldige poort (een getal van 1 tot 65535) na de host; "
                                  f"bedoelt u {schema}://{host or rest or 'HOST'}:8786?")
    return schema, host, int(poort)


def _peil(adres: str, host: str, poort: int, ssl_context) -> None:
    """Reach the scheduler's port and wait for its first bytes (a Dask server speaks first): a port
    nobody listens on, or one that accepts but stays silent, ends here within ``VERBIND_SECONDEN``
    (Dask's own client waits for that handshake without a time limit)."""
    import socket

    try:
        with socket.create_connection((host, poort), timeout=VERBIND_SECONDEN) as kanaal:
            if ssl_context is not None:
                kanaal = ssl_context.wrap_socket(kanaal, server_hostname=host)
            kanaal.settimeout(VERBIND_SECONDEN)
            if not kanaal.recv(1):
                raise ConnectionResetError("de verbinding werd gesloten")
    except TimeoutError:
        raise BudgetkoppelingFout(
            f"Op {adres} antwoordt geen Dask-scheduler binnen {VERBIND_SECONDEN} seconden: de poort is open, maar "
            "wat daar luistert spreekt geen Dask (of alleen met TLS: gebruik dan tls:// met certificaten). Klopt "
            "de poort (standaard 8786)?") from None
    except OSError as fout:
        raise BudgetkoppelingFout(
            f"Geen verbinding met de Dask-scheduler op {adres} binnen {VERBIND_SECONDEN} seconden "
            f"({fout.strerror or fout}). Draait de scheduler (dask scheduler) en klopt het adres?") from None


def _sluit(client) -> None:
    """Close a client in moments, also when its scheduler is gone: Dask's own close would wait twice
    the connect timeout and then print a traceback from the client's finaliser."""
    try:
        client.close(timeout=2)
    except (OSError, TimeoutError, RuntimeError):  # the scheduler is gone: nothing is left to close
        return


def _half_gemaakt(fout: BaseException, soort: type):
    """The client a failed ``Client(...)`` left behind (found in the failed call's frames), so that it
    is closed now and not in its finaliser 20 seconds later with an English traceback."""
    spoor = fout.__traceback__
    while spoor is not None:
        zelf = spoor.tb_frame.f_locals.get("self")
        if isinstance(zelf, soort):
            return zelf
        spoor = spoor.tb_next
    return None


@contextlib.contextmanager
def dask_executor(adres: str, **tls) -> Iterator[concurrent.futures.Executor]:
    """The executor of a ``dask.distributed.Client`` connected to the scheduler at ``adres``; a clear
    Dutch message (never a hang, never a traceback) when Dask is missing, the address is wrong or the
    scheduler cannot be reached. The client is closed however the work ends."""
    try:
        from distributed import Client
    except ImportError:
        raise BudgetkoppelingFout("Voor --cluster is Dask nodig: pip install 'budgetkoppeling[cluster]'.") from None
    schema, host, poort = ontleed_adres(adres)
    security = beveiliging(adres, **tls)
    ssl_context = security.get_connection_args("client").get("ssl_context") if schema == "tls" else None
    if schema == "tls" and ssl_context is None:
        raise BudgetkoppelingFout(f"Voor {adres} zijn certificaten nodig: --tls-ca, --tls-cert en --tls-key (of de "
                                  "omgevingsvariabelen BUDGETKOPPELING_TLS_CA, _CERT en _KEY).")
    _peil(adres, host, poort, ssl_context)
    stapel = contextlib.ExitStack()
    stapel.enter_context(_dask_zwijgt())
    try:
        client = Client(adres, timeout=VERBIND_SECONDEN, security=security, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as fout:
        half = _half_gemaakt(fout, Client)
        if half is not None:
            _sluit(half)
        stapel.close()
        raise BudgetkoppelingFout(
            f"Geen verbinding met de Dask-scheduler op {adres} binnen {VERBIND_SECONDEN} seconden ({fout}). "
            "Draait de scheduler (dask scheduler) en klopt het adres?") from None
    try:
        yield client.get_executor()
    finally:
        _sluit(client)
        stapel.close()


@contextlib.contextmanager
def _dask_zwijgt() -> Iterator[None]:
    """Meanwhile Dask's own log lines (English, with tracebacks when the scheduler goes away) stay off
    the terminal: what went wrong reaches the user as one Dutch message."""
    import logging

    # Dask gives every logger of its own a handler (no propagation): each is switched off by itself
    loggers = [logging.getLogger(naam) for naam in list(logging.Logger.manager.loggerDict)
               if naam.split(".")[0] in ("distributed", "tornado")]
    vorig = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, uit in zip(loggers, vorig):
            logger.disabled = uit


_GEWEKT_SECONDEN = 0.1
"""How long the main thread sleeps at most while local workers solve. The kernel may hand Ctrl-C to
any thread (the pool's manager, rich's refresh); Python runs its handler only when the main thread
wakes, so a wait without a time limit made Ctrl-C wait for the next chunk: up to ten seconds."""


def na_elkaar(taken: list[concurrent.futures.Future], executor: concurrent.futures.Executor | None = None):
    """The answers of ``taken`` as each one comes back. On a Dask cluster the wait is watched: a
    scheduler that is gone, or a cluster without workers for ``ZONDER_WERKERS_SECONDEN``, ends it with
    a Dutch message instead of a wait without end."""
    client = getattr(executor, "_client", None)
    open_ = set(taken)
    if client is None:
        while open_:  # in short steps: see _GEWEKT_SECONDEN
            gereed, open_ = concurrent.futures.wait(open_, timeout=_GEWEKT_SECONDEN,
                                                    return_when=concurrent.futures.FIRST_COMPLETED)
            for taak in gereed:
                yield taak.result()
        return
    adres = client.scheduler.address
    werkers_gezien = time.monotonic()
    while open_:
        gereed, open_ = concurrent.futures.wait(open_, timeout=1, return_when=concurrent.futures.FIRST_COMPLETED)
        for taak in gereed:
            yield _antwoord(taak, client, adres)
        if not gereed:
            if _werkers(client, adres):
                werkers_gezien = time.monotonic()
            elif time.monotonic() - werkers_gezien > ZONDER_WERKERS_SECONDEN:
                raise BudgetkoppelingFout(
                    f"De Dask-cluster op {adres} heeft al {ZONDER_WERKERS_SECONDEN} seconden geen werkers; het werk "
                    "is gestopt. Start werkers (dask worker " + adres + ") en probeer het opnieuw.")


def _verbroken(adres: str) -> BudgetkoppelingFout:
    return BudgetkoppelingFout(f"De verbinding met de Dask-scheduler op {adres} is verbroken; het werk is gestopt. "
                               "Draait de scheduler nog?")


def _werkers(client, adres: str) -> int:
    """How many workers the scheduler has now; the connection lost: a Dutch message."""
    if client.status not in ("running", "connecting"):
        raise _verbroken(adres)
    try:
        return len(client.nthreads(callback_timeout=VERBIND_SECONDEN))
    except (OSError, TimeoutError, RuntimeError, concurrent.futures.CancelledError):
        raise _verbroken(adres) from None


class Verdeler:
    """Where chunks of work go, opened before the work is ready (local workers start, a cluster is
    reached, while this process reads and solves): ``with Verdeler(...) as verdeler: verdeler.verdeel(...)``.

    ``cluster``: a Dask scheduler's address; else ``werkers`` local processes (default one per core,
    at most one per chunk; 1: everything in this process)."""

    def __init__(self, cluster: str | None = None, werkers: int | None = None, blokken: int | None = None,
                 tls: dict | None = None):
        self.cluster, self.tls = cluster, tls or {}
        self.aantal = 1 if cluster is not None else min(werkers or kernen(), blokken or 1 << 30)
        self.executor: concurrent.futures.Executor | None = None
        self._stapel = contextlib.ExitStack()
        self._zonder_fout = False

    @property
    def beschrijving(self) -> str:
        if self.cluster is not None:
            return f"Dask-cluster {self.cluster}"
        return "serieel" if self.executor is None else f"{self.aantal} lokale processen"

    def __enter__(self) -> Verdeler:
        if self.cluster is not None:
            self.executor = self._stapel.enter_context(dask_executor(self.cluster, **self.tls))
        elif self.aantal > 1:
            self.executor = lokale_werkers(self.aantal)
        return self

    def __exit__(self, soort, fout, spoor) -> None:
        pool = self.executor if isinstance(self.executor, concurrent.futures.ProcessPoolExecutor) else None
        if pool is not None:
            if soort is not None:
                beeindig_werkers(pool)  # interrupted or failed: end the workers now, mid-solve or not
            else:
                pool.shutdown(wait=True)
        self._stapel.close()

    def verdeel(self, functie: Callable, opdracht, blokken: list, klaar: Callable[[object], None]) -> None:
        """``functie(opdracht, blok)`` for every chunk; ``klaar(answer)`` as each one comes back."""
        if self.executor is None:
            for blok in blokken:
                klaar(functie(opdracht, blok))
            return
        taken = [self.executor.submit(functie, opdracht, blok) for blok in blokken]
        try:
            for antwoord in na_elkaar(taken, self.executor):
                klaar(antwoord)
        except BaseException:
            if self.cluster is not None:  # a local pool cancels its own tasks (beeindig_werkers)
                for taak in taken:
                    taak.cancel()
            raise


def _antwoord(taak: concurrent.futures.Future, client, adres: str):
    """A cluster task's answer; what the cluster did wrong as a Dutch message."""
    try:
        return taak.result()
    except (ModuleNotFoundError, ImportError) as fout:
        raise BudgetkoppelingFout(f"Een werker van de cluster op {adres} kan budgetkoppeling niet laden ({fout}). "
                                  "Installeer op elke werker dezelfde versie: pip install "
                                  "'budgetkoppeling[cluster]'.") from None
    except (concurrent.futures.CancelledError, OSError, TimeoutError) as fout:
        if client.status != "running":
            raise _verbroken(adres) from None
        raise BudgetkoppelingFout(
            f"De Dask-cluster op {adres} brak een taak af ({type(fout).__name__}: {fout}).") from None
