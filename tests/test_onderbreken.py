"""Ctrl-C and SIGTERM (issue 15, items 26 and 27): a run stops within moments, even mid-solve, prints
"Afgebroken.", exits 130 or 143 and leaves nothing behind: no output or temporary file, no child
process (Clp's, the cbc program, vergelijk's workers), no temporary folder.

The runs are real processes signalled from here (Linux: children are found through /proc)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetkoppeling.cli import main
from budgetkoppeling.io import schrijf_invoer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from genereer import rijen as gegenereerd  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def kinderen(pid: int) -> set[int]:
    """Every descendant of ``pid``."""
    gevonden: set[int] = set()
    te_doen = [pid]
    while te_doen:
        ouder = te_doen.pop()
        for taak in Path(f"/proc/{ouder}/task").glob("*"):
            try:
                nieuw = {int(p) for p in (taak / "children").read_text().split()}
            except OSError:
                continue
            te_doen += list(nieuw - gevonden)
            gevonden |= nieuw
    return gevonden


def leeft(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def opdracht(naam: str) -> str:
    try:
        return Path(f"/proc/{naam}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.fixture(scope="module")
def groot(tmp_path_factory) -> Path:
    """A generated workbook of 150 planning units: about ten seconds of solving."""
    pad = tmp_path_factory.mktemp("groot") / "groot.xlsx"
    schrijf_invoer(pad, gegenereerd(150, 15, 5, 6, 3))
    return pad


def groot_met_scenarios(groot) -> Path:
    """The large workbook with two scenarios: vergelijk then works on both cores."""
    pad = groot.parent / "groot_scenarios.xlsx"
    if not pad.exists():
        bladen = gegenereerd(150, 15, 5, 6, 3)
        bladen["Scenarios"] = [{"scenario": f"krimp {n}", "aanpassing": "budget", "factor": 0.9 - 0.1 * n}
                               for n in range(2)]
        schrijf_invoer(pad, bladen)
    return pad


@pytest.fixture
def start(tmp_path):
    """Start ``python -m budgetkoppeling ARGS`` with its own TMPDIR; returns (process, output folder,
    temporary folder). At the end of the test whatever still runs of it is killed."""
    gestart: list[subprocess.Popen] = []

    def begin(*args) -> tuple[subprocess.Popen, Path, Path]:
        uit = tmp_path / "uit"
        tijdelijk = tmp_path / "tmp"
        uit.mkdir()
        tijdelijk.mkdir()
        omgeving = {**os.environ, "TMPDIR": str(tijdelijk), "TMP": str(tijdelijk)}
        proces = subprocess.Popen([sys.executable, "-m", "budgetkoppeling", *map(str, args)], cwd=uit,
                                  env=omgeving, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        gestart.append(proces)
        return proces, uit, tijdelijk

    yield begin
    for proces in gestart:
        for pid in kinderen(proces.pid) | {proces.pid}:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proces.communicate()


def wacht_tot(voorwaarde, tijd: float = 60.0) -> None:
    einde = time.monotonic() + tijd
    while not voorwaarde():
        assert time.monotonic() < einde, "de voorwaarde trad niet op"
        time.sleep(0.05)


def stop(proces: subprocess.Popen, signaal: int) -> tuple[int, str, float]:
    """Send ``signaal``; the exit code, stderr and the seconds the process took to end."""
    begin = time.monotonic()
    proces.send_signal(signaal)
    _, fouten = proces.communicate(timeout=60)
    return proces.returncode, fouten, time.monotonic() - begin


def test_sigterm_during_a_clp_solve_ends_the_solve_child_at_once(groot, start):
    proces, uit, tijdelijk = start("optimaliseer", groot, "-o", "plan.xlsx", "--oplosser", "cbc")
    wacht_tot(lambda: bool(kinderen(proces.pid)))  # Clp runs in its own child: the solve has begun
    time.sleep(0.5)
    onder = kinderen(proces.pid)
    code, fouten, duur = stop(proces, signal.SIGTERM)
    assert code == 143, fouten
    assert "Afgebroken." in fouten and "Traceback" not in fouten
    assert duur < 3, f"{duur:.1f} s na het signaal"  # the solve alone takes about ten seconds
    wacht_tot(lambda: not any(leeft(p) for p in onder), 5)
    assert list(uit.iterdir()) == [] and list(tijdelijk.iterdir()) == []


def test_ctrl_c_during_a_highs_solve_interrupts_the_solve(groot, start):
    proces, uit, _ = start("optimaliseer", groot, "-o", "plan.xlsx", "--oplosser", "highs")
    time.sleep(4.0)  # reading and building take under two seconds, the solve about ten
    code, fouten, duur = stop(proces, signal.SIGINT)
    assert code == 130, fouten
    assert "Afgebroken." in fouten and "Traceback" not in fouten
    assert duur < 3, f"{duur:.1f} s na Ctrl-C"
    assert list(uit.iterdir()) == []


def test_sigterm_ends_the_cbc_program_and_removes_its_files(tmp_path, start):
    pad = tmp_path / "mip.xlsx"
    schrijf_invoer(pad, gegenereerd(10, 15, 5, 6, 3))  # CBC needs minutes for this MIP
    proces, uit, tijdelijk = start("optimaliseer", pad, "-o", "plan.xlsx", "--oplosser", "cbc",
                                   "--geheel")

    def cbc_draait() -> list[int]:
        return [p for p in kinderen(proces.pid) if "cbc" in opdracht(p).split(" ")[0]]

    wacht_tot(lambda: bool(cbc_draait()), 120)
    cbc = cbc_draait()
    assert list(tijdelijk.glob("budgetkoppeling-*")), "de bestanden van cbc staan in een eigen map"
    code, fouten, duur = stop(proces, signal.SIGTERM)
    assert code == 143, fouten
    assert "Afgebroken." in fouten
    wacht_tot(lambda: not any(leeft(p) for p in cbc), 5)
    assert list(tijdelijk.iterdir()) == [], list(tijdelijk.iterdir())
    assert list(uit.iterdir()) == []


def test_sigterm_ends_vergelijks_workers(groot, start):
    proces, uit, _ = start("vergelijk", groot_met_scenarios(groot), "-o", "v.xlsx")
    wacht_tot(lambda: len(kinderen(proces.pid)) >= 2)  # the two workers (and the resource tracker)
    time.sleep(3.0)  # the base scenario is being solved
    onder = kinderen(proces.pid)
    code, fouten, _ = stop(proces, signal.SIGTERM)
    assert code == 143, fouten
    assert "Afgebroken." in fouten and "Traceback" not in fouten
    wacht_tot(lambda: not any(leeft(p) for p in onder), 10)
    assert list(uit.iterdir()) == []


def test_sigterm_while_writing_leaves_no_temporary_file(werkboek, tmp_path, monkeypatch):
    from budgetkoppeling.rapport import plan as rapport_plan

    from .conftest import twee_instrumenten

    echt = rapport_plan._schrijf_plan

    def half_en_dan_sigterm(plan, pad):
        Path(pad).write_bytes(b"PK half")
        os.kill(os.getpid(), signal.SIGTERM)
        echt(plan, pad)

    monkeypatch.setattr(rapport_plan, "_schrijf_plan", half_en_dan_sigterm)
    invoer = werkboek(twee_instrumenten())
    uit = tmp_path / "uit"
    uit.mkdir()
    resultaat = CliRunner().invoke(main, ["optimaliseer", str(invoer), "-o", str(uit / "plan.xlsx")])
    assert resultaat.exit_code == 143
    assert "Afgebroken." in resultaat.output
    assert list(uit.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # restored after the command


VOORBEELD = Path(__file__).resolve().parent.parent / "inputs" / "voorbeeld_nederland.xlsx"


def onzekerheid_op_gang(start, *extra) -> tuple[subprocess.Popen, Path, Path, set[int]]:
    """``onzekerheid`` on the national example (200 draws, about half a minute), once the draws are
    under way; returns the process, its output and temporary folders and its descendants then."""
    proces, uit, tijdelijk = start("onzekerheid", VOORBEELD, "-o", "o.xlsx", *extra)
    if "--cluster" not in extra:
        wacht_tot(lambda: len(kinderen(proces.pid)) >= 2 or proces.poll() is not None)
    time.sleep(8.0)  # both plans are solved and the draws have begun
    assert proces.poll() is None, proces.communicate()
    return proces, uit, tijdelijk, kinderen(proces.pid)


@pytest.mark.parametrize("signaal, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_onzekerheid_with_local_workers_stops_on_a_signal(start, signaal, code):
    """Issue 27.1: it printed "Afgebroken.", an InvalidStateError traceback, and hung. And it took up to
    ten seconds: the kernel gave the signal to another thread while the main one waited for a chunk."""
    proces, uit, tijdelijk, onder = onzekerheid_op_gang(start)
    terug, fouten, duur = stop(proces, signaal)
    assert terug == code, fouten
    assert "Afgebroken." in fouten and "Traceback" not in fouten and "Error" not in fouten
    assert duur < 3, f"{duur:.1f} s na het signaal"
    wacht_tot(lambda: not any(leeft(p) for p in onder), 5)
    assert list(uit.iterdir()) == [] and list(tijdelijk.iterdir()) == []


@pytest.fixture(scope="module")
def dask_cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize("signaal, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_onzekerheid_on_a_dask_cluster_stops_on_a_signal(start, dask_cluster, signaal, code):
    proces, uit, tijdelijk, _ = onzekerheid_op_gang(start, "--cluster", dask_cluster)
    terug, fouten, duur = stop(proces, signaal)
    assert terug == code, fouten
    assert "Afgebroken." in fouten and "Traceback" not in fouten
    assert duur < 5, f"{duur:.1f} s na het signaal"
    assert list(uit.iterdir()) == [] and list(tijdelijk.iterdir()) == []


@pytest.mark.parametrize("opdracht", ["onzekerheid", "vergelijk"])
def test_workers_die_with_a_killed_parent(groot, start, opdracht):
    """Issue 27.18: after SIGKILL of the command, its pool workers and the resource tracker lived on."""
    if opdracht == "onzekerheid":  # the pool starts first, while this process reads and solves both plans
        proces, _, _ = start("onzekerheid", VOORBEELD, "-o", "o.xlsx")
        wacht_tot(lambda: len(kinderen(proces.pid)) >= 3)
        time.sleep(2.0)
        onder = kinderen(proces.pid)
    else:
        proces, _, _ = start("vergelijk", groot_met_scenarios(groot), "-o", "v.xlsx")
        wacht_tot(lambda: len(kinderen(proces.pid)) >= 3)  # two workers and the resource tracker
        time.sleep(2.0)
        onder = kinderen(proces.pid)
    assert len(onder) >= 3
    proces.kill()
    proces.communicate()
    wacht_tot(lambda: not any(leeft(p) for p in onder), 10)


def test_a_killed_scheduler_ends_the_run_with_one_dutch_message(start, tmp_path):
    """Issue 27.20: a scheduler killed mid-run gave exit 1 with two tracebacks."""
    import socket

    with socket.socket() as vrij:
        vrij.bind(("127.0.0.1", 0))
        poort = vrij.getsockname()[1]
    dask = Path(sys.executable).parent / "dask"
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(poort), "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    werker = subprocess.Popen([dask, "worker", f"tcp://127.0.0.1:{poort}", "--nthreads", "1", "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wacht_tot(lambda: socket.socket().connect_ex(("127.0.0.1", poort)) == 0, 30)
        proces, uit, _, _ = onzekerheid_op_gang(start, "--cluster", f"tcp://127.0.0.1:{poort}")
        begin = time.monotonic()
        scheduler.kill()
        _, fouten = proces.communicate(timeout=60)
        assert time.monotonic() - begin < 20
        assert proces.returncode == 1, fouten
        assert "De verbinding met de Dask-scheduler" in fouten and "is verbroken" in fouten
        assert "Traceback" not in fouten and "ERROR" not in fouten
        assert list(uit.iterdir()) == []
    finally:
        scheduler.kill()
        os.killpg(werker.pid, signal.SIGKILL)
        scheduler.wait()
        werker.wait()


# ------------------------------------------------------------------ several children at once


def _wie(n: int) -> tuple[int, int]:
    if n == 3:
        raise ValueError("drie")
    return n, os.getpid()


def test_children_at_once_answer_in_order_each_in_a_process_of_its_own(monkeypatch):
    """onderbreking.in_kindprocessen: the results in the list's order, each from another forked process, at
    most ``hoeveel`` at a time; the first exception in that order raised; here, one after the other, where
    forking is not possible."""
    from budgetkoppeling import onderbreking

    al = kinderen(os.getpid())  # other tests' (a session's cluster)
    uitkomsten = onderbreking.in_kindprocessen(_wie, [(n,) for n in (5, 1, 2, 8)], hoeveel=2)
    assert [n for n, _ in uitkomsten] == [5, 1, 2, 8]
    assert len({pid for _, pid in uitkomsten}) == 4 and os.getpid() not in {pid for _, pid in uitkomsten}
    with pytest.raises(ValueError, match="drie"):
        onderbreking.in_kindprocessen(_wie, [(1,), (3,), (2,)], hoeveel=2)
    assert kinderen(os.getpid()) == al  # every child waited for
    monkeypatch.setattr(onderbreking, "kan_vorken", lambda: False)
    assert onderbreking.in_kindprocessen(_wie, [(1,), (2,)]) == [(1, os.getpid()), (2, os.getpid())]


def test_a_child_begun_gives_its_result_later_and_one_left_alone_is_killed():
    """onderbreking.begin_in_kind: the child works while this process goes on; its result once; a child whose
    result nobody collects dies with its handle."""
    import gc

    from budgetkoppeling import onderbreking

    al = kinderen(os.getpid())  # other tests' (a session's cluster)
    kind = onderbreking.begin_in_kind(_wie, 7)
    n, pid = kind.uitkomst()
    assert n == 7 and pid != os.getpid()
    with pytest.raises(RuntimeError):
        kind.uitkomst()
    kind = onderbreking.begin_in_kind(time.sleep, 60)
    assert len(kinderen(os.getpid()) - al) == 1
    del kind
    gc.collect()
    assert kinderen(os.getpid()) == al


WEKKERS_BIJ_AFSLUITEN = """
import concurrent.futures.process as proces_module
import sys
import threading

def peil():  # runs after budgetkoppeling's exit hook and before Python's own (_python_exit)
    print("over:", len(proces_module._threads_wakeups), flush=True)

threading._register_atexit(peil)

from budgetkoppeling.werkers import beeindig_werkers, lokale_werkers

beeindigd = lokale_werkers(2)
beeindigd.submit(sum, [1, 2]).result()
beeindig_werkers(beeindigd)
print("na beeindigen:", len(proces_module._threads_wakeups), flush=True)
open_gelaten = lokale_werkers(1)
print("uitkomst:", open_gelaten.submit(sum, [1, 2]).result(), flush=True)
"""


def test_at_exit_no_pool_manager_is_left_for_pythons_own_wakeup():
    """CI, stop 39: "Afgebroken." then "Exception ignored ... OSError: Bad file descriptor". At exit
    Python wakes each pool's manager thread through a pipe that thread closes when it ends; a thread
    still ending lost that race. beeindig_werkers now joins and forgets its pool's thread (it read the
    thread after shutdown() had set it to None), and the exit hook wakes, joins and forgets the rest."""
    klaar = subprocess.run([sys.executable, "-c", WEKKERS_BIJ_AFSLUITEN], capture_output=True, text=True,
                           timeout=60, cwd=Path(__file__).resolve().parent.parent)
    assert klaar.returncode == 0, klaar.stderr
    assert klaar.stdout.split("\n")[:3] == ["na beeindigen: 0", "uitkomst: 3", "over: 0"], klaar.stdout
    assert klaar.stderr == ""
