"""The code follows the project's linter settings (pyproject.toml, ruff)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

MAP = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff is not None, "ruff is part of the test extras: pip install -e .[test]"
    resultaat = subprocess.run([ruff, "check", "budgetkoppeling", "tests", "scripts", "run.py"],
                               cwd=MAP, capture_output=True, text=True, check=False)
    assert resultaat.returncode == 0, resultaat.stdout


def importgraaf() -> dict[str, set[str]]:
    """Module -> the package modules it imports, at the top or inside a function (``TYPE_CHECKING``
    blocks left out: they never run)."""
    import ast

    pakket = MAP / "budgetkoppeling"
    graaf: dict[str, set[str]] = {}
    for pad in sorted(pakket.rglob("*.py")):
        deel = pad.relative_to(MAP).with_suffix("").parts
        module = ".".join(deel[:-1] if deel[-1] == "__init__" else deel)
        boom = ast.parse(pad.read_text(encoding="utf-8"))
        alleen_typen = {id(knoop) for blok in ast.walk(boom) if isinstance(blok, ast.If)
                        and "TYPE_CHECKING" in ast.unparse(blok.test) for knoop in ast.walk(blok)}
        doelen = set()
        for knoop in ast.walk(boom):
            if id(knoop) in alleen_typen or not isinstance(knoop, ast.ImportFrom | ast.Import):
                continue
            if isinstance(knoop, ast.Import):
                doelen |= {a.name for a in knoop.names if a.name.startswith("budgetkoppeling")}
                continue
            basis = module if deel[-1] == "__init__" else module.rsplit(".", 1)[0]
            for _ in range(knoop.level - 1):
                basis = basis.rsplit(".", 1)[0]
            naam = (f"{basis}.{knoop.module}" if knoop.module else basis) if knoop.level else knoop.module
            if not naam or not naam.startswith("budgetkoppeling"):
                continue
            for alias in knoop.names:  # "from . import x" may name a module
                kandidaat = f"{naam}.{alias.name}"
                doelen.add(kandidaat if (pakket.parent / (kandidaat.replace(".", "/") + ".py")).exists() else naam)
        graaf[module] = doelen - {module}
    return graaf


def kringen(graaf: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    laag: dict[str, int] = {}
    stapel: list[str] = []
    gevonden: list[list[str]] = []

    def bezoek(module: str) -> None:
        index[module] = laag[module] = len(index)
        stapel.append(module)
        for doel in graaf.get(module, ()):
            if doel not in index:
                bezoek(doel)
                laag[module] = min(laag[module], laag[doel])
            elif doel in stapel:
                laag[module] = min(laag[module], index[doel])
        if laag[module] == index[module]:
            groep = []
            while True:
                lid = stapel.pop()
                groep.append(lid)
                if lid == module:
                    break
            if len(groep) > 1:
                gevonden.append(sorted(groep))

    for module in graaf:
        if module not in index:
            bezoek(module)
    return gevonden


def test_the_package_imports_have_no_circles():
    """No module imports, at the top or inside a function, a module that imports it back: the
    package ``__init__`` (the API, reached through its lazy imports) is left out as a target."""
    graaf = {module: doelen - {"budgetkoppeling"} for module, doelen in importgraaf().items()}
    assert kringen(graaf) == []


def test_the_cli_stands_on_the_public_api():
    """cli.py imports the package's API, its click localisation (klik) and its signal handling
    (onderbreking) only: what a command computes and what it shows come from the result objects."""
    assert importgraaf()["budgetkoppeling.cli"] <= {"budgetkoppeling", "budgetkoppeling.klik",
                                                    "budgetkoppeling.onderbreking", "budgetkoppeling.versie"}


def test_the_rest_of_the_package_asks_the_model_instead_of_reading_its_internals():
    """Issue 29, item 2: at most five reads of the model's internals outside model.py and solve.py
    (counted by scripts/modelgrens.py; it finds the ones put back for the test below)."""
    sys.path.insert(0, str(MAP / "scripts"))
    from modelgrens import lezingen

    gevonden = lezingen(MAP / "budgetkoppeling")
    assert len(gevonden) <= 5, gevonden


def test_the_model_boundary_count_sees_a_read(tmp_path):
    sys.path.insert(0, str(MAP / "scripts"))
    from modelgrens import lezingen

    (tmp_path / "lezer.py").write_text("def f(oplossing):\n    return oplossing.model.families['budget']\n")
    assert [(bestand, regel) for bestand, regel, _tekst in lezingen(tmp_path)] == [("lezer.py", 2)]
