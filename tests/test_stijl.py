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
