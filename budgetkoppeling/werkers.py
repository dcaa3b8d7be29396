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
from collections.abc import Callable, Iterator

from .errors import BudgetkoppelingFout

VERBIND_SECONDEN = 10  # how long a client tries to reach the scheduler before it gives up
TLS_OMGEVING = {"ca": "BUDGETKOPPELING_TLS_CA", "cert": "BUDGETKOPPELING_TLS_CERT", "key": "BUDGETKOPPELING_TLS_KEY"}


def start_werker() -> None:
    """A worker's start-up: import what solving needs. Ctrl-C in the terminal reaches the whole
    process group; the parent alone handles it (and ends the workers)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from . import model, rapport, solve  # noqa: F401


def lokale_werkers(aantal: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of ``aantal`` worker processes, started now (spawned, not forked: see above)."""
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=aantal, mp_context=multiprocessing.get_context("spawn"), initializer=start_werker)
    for _ in range(aantal):  # the pool starts a process per task that finds no idle one
        pool.submit(int)
    return pool


def beeindig_werkers(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Terminate the pool's worker processes and wait for them (a worker's own solve child dies with
    it: onderbreking._sterf_met_ouder)."""
    processen = list((getattr(pool, "_processes", None) or {}).values())
    for proces in processen:
        proces.terminate()
    for proces in processen:
        proces.join(timeout=5)
        if proces.is_alive():
            proces.kill()
            proces.join()


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


@contextlib.contextmanager
def dask_executor(adres: str, **tls) -> Iterator[concurrent.futures.Executor]:
    """The executor of a ``dask.distributed.Client`` connected to the scheduler at ``adres``; a clear
    Dutch message (never a hang) when Dask is missing or the scheduler cannot be reached."""
    try:
        from distributed import Client
    except ImportError:
        raise BudgetkoppelingFout("Voor --cluster is Dask nodig: pip install 'budgetkoppeling[cluster]'.") from None
    if "://" not in adres:
        raise BudgetkoppelingFout(f"'{adres}' is geen adres van een Dask-scheduler; bedoelt u tcp://{adres}?")
    security = beveiliging(adres, **tls)
    try:
        client = Client(adres, timeout=VERBIND_SECONDEN, security=security, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as fout:
        raise BudgetkoppelingFout(
            f"Geen verbinding met de Dask-scheduler op {adres} binnen {VERBIND_SECONDEN} seconden ({fout}). "
            "Draait de scheduler (dask scheduler) en klopt het adres?") from None
    try:
        yield client.get_executor()
    finally:
        client.close()


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
            pool.shutdown(wait=soort is None, cancel_futures=True)
        self._stapel.close()

    def verdeel(self, functie: Callable, opdracht, blokken: list, klaar: Callable[[object], None]) -> None:
        """``functie(opdracht, blok)`` for every chunk; ``klaar(answer)`` as each one comes back."""
        if self.executor is None:
            for blok in blokken:
                klaar(functie(opdracht, blok))
            return
        taken = [self.executor.submit(functie, opdracht, blok) for blok in blokken]
        try:
            for taak in concurrent.futures.as_completed(taken):
                klaar(_antwoord(taak, self.cluster) if self.cluster is not None else taak.result())
        except BaseException:
            for taak in taken:
                taak.cancel()
            raise


def _antwoord(taak: concurrent.futures.Future, adres: str):
    try:
        return taak.result()
    except (ModuleNotFoundError, ImportError) as fout:
        raise BudgetkoppelingFout(f"Een werker van de cluster op {adres} kan budgetkoppeling niet laden ({fout}). "
                                  "Installeer op elke werker dezelfde versie: pip install "
                                  "'budgetkoppeling[cluster]'.") from None
