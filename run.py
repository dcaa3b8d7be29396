#!/usr/bin/env python3
"""Set up and run budgetkoppeling with nothing but python3 installed.

    python3 run.py voorbeeld [opties]   sets up .venv and runs the national example
    python3 run.py test [pytest-opties] sets up .venv with the test tools and runs the suite
    python3 run.py budgetkoppeling ...  any budgetkoppeling command inside the environment

The virtual environment lives in .venv beside this file; it is (re)installed when
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

MAP = Path(__file__).resolve().parent
VENV = MAP / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


GEBRUIK = """Budgetkoppeling opzetten en draaien, met alleen python3 geïnstalleerd.

    python3 run.py voorbeeld [opties]    zet .venv op en rekent het landelijke voorbeeld door
    python3 run.py test [pytest-opties]  zet .venv op met de testhulpmiddelen en draait alle tests
    python3 run.py budgetkoppeling ...   elke budgetkoppeling-opdracht in de omgeving

De virtuele omgeving staat in .venv naast dit bestand; ze wordt opnieuw geïnstalleerd
als pyproject.toml verandert."""


def installeer() -> None:
    stempel = VENV / ".geinstalleerd"
    sleutel = hashlib.sha256((MAP / "pyproject.toml").read_bytes()).hexdigest()
    if stempel.exists() and stempel.read_text() == sleutel and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("Virtuele omgeving maken in .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Pakketten installeren (eenmalig, ongeveer een minuut) ...", file=sys.stderr)
    installatie = subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f"{MAP}[test]"],
        capture_output=True, text=True, check=False,
    )
    if installatie.returncode != 0:
        print(installatie.stdout + installatie.stderr, file=sys.stderr)
        sys.exit("Installeren mislukt; zie de meldingen hierboven.")
    stempel.write_text(sleutel)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("voorbeeld", "test", "budgetkoppeling"):
        print(GEBRUIK, file=sys.stderr)
        return 2
    installeer()
    taak, rest = sys.argv[1], sys.argv[2:]
    if taak == "test":
        opdracht = [str(PYTHON), "-m", "pytest", *rest]
    elif taak == "voorbeeld":
        opdracht = [str(PYTHON), "-m", "budgetkoppeling", "voorbeeld", *rest]
    else:
        opdracht = [str(PYTHON), "-m", "budgetkoppeling", *rest]
    return subprocess.run(opdracht, cwd=MAP if taak == "test" else None).returncode


if __name__ == "__main__":
    sys.exit(main())
