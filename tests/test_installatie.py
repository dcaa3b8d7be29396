"""The installed package, not the checkout: a wheel in a fresh venv outside the repository runs
``voorbeeld``, ``sjabloon`` and ``valideer``.

The fresh venv gets only the wheel itself (``--no-deps``); its dependencies come from the
project's environment through a path file (building the wheel fetches setuptools, as any
``pip install .`` does). A path file does not
run the checkout's editable-install hook, so only the wheel's copy of budgetkoppeling is found.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

MAP = Path(__file__).resolve().parent.parent


def test_wheel_installed_outside_the_checkout_runs_voorbeeld_sjabloon_and_valideer(tmp_path):
    wielen = tmp_path / "wielen"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "-w", str(wielen), str(MAP)], check=True, capture_output=True, timeout=300)
    (wiel,) = wielen.glob("budgetkoppeling-*.whl")
    omgeving = tmp_path / "omgeving"
    venv.EnvBuilder(with_pip=True).create(omgeving)
    python = omgeving / "bin" / "python"
    eigen = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                check=True, capture_output=True, text=True).stdout.strip())
    (eigen / "afhankelijkheden.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wiel)], check=True,
                   capture_output=True, timeout=300)
    werkmap = tmp_path / "ergens"
    werkmap.mkdir()
    schoon = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def draai(*argumenten: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(python), "-m", "budgetkoppeling", *argumenten], cwd=werkmap, env=schoon,
                              capture_output=True, text=True, timeout=300)

    waar = subprocess.run([str(python), "-c", "import budgetkoppeling; print(budgetkoppeling.__file__)"],
                          cwd=werkmap, env=schoon, capture_output=True, text=True, check=True).stdout
    assert waar.startswith(str(omgeving)), waar  # the wheel's copy, not the checkout
    voorbeeld = draai("voorbeeld", "-o", "plan.xlsx", "--json")
    assert voorbeeld.returncode == 0, voorbeeld.stderr
    assert json.loads(voorbeeld.stdout)["status"] == "optimaal"
    assert (werkmap / "plan.xlsx").stat().st_size > 10_000
    sjabloon = draai("sjabloon", "invoer.xlsx")
    assert sjabloon.returncode == 0, sjabloon.stderr
    valideer = draai("valideer", "invoer.xlsx")
    assert valideer.returncode == 0, valideer.stderr + valideer.stdout
