"""The installed package, not the checkout: a wheel in a fresh venv outside the repository runs
``voorbeeld``, ``sjabloon``, ``valideer`` and serves the ``verken`` page.

The fresh venv gets only the wheel itself (``--no-deps``); its dependencies come from the
project's environment through a path file (building the wheel fetches setuptools, as any
``pip install .`` does). A path file does not
run the checkout's editable-install hook, so only the wheel's copy of budgetkoppeling is found.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import sysconfig
import urllib.request
import venv
from pathlib import Path

import pytest

MAP = Path(__file__).resolve().parent.parent
# pip takes the platform tags literally: a Linux with glibc 2.28 accepts every older manylinux tag
PLATFORMS = {"linux": [f"manylinux_2_{n}_x86_64" for n in (17, 24, 27, 28)] + ["manylinux2014_x86_64"]}


def test_wheel_installed_outside_the_checkout_runs_voorbeeld_sjabloon_valideer_and_verken(tmp_path):
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
    # the what-if page: its templates, scripts and styles are in the wheel
    pagina = subprocess.Popen([str(python), "-m", "budgetkoppeling", "verken", "invoer.xlsx", "--geen-browser"],
                              cwd=werkmap, env=schoon, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        adres = pagina.stdout.readline().strip()
        assert adres.startswith("http://127.0.0.1:"), adres
        with urllib.request.urlopen(adres, timeout=60) as antwoord:
            assert "Verkennen" in antwoord.read().decode("utf-8")
        basis, token = adres.split("/?")
        for bestand in ("htmx.min.js", "vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "verken.js"):
            with urllib.request.urlopen(f"{basis}/statisch/{bestand}?{token}", timeout=60) as antwoord:
                assert antwoord.status == 200 and len(antwoord.read()) > 1000, bestand
        os.killpg(pagina.pid, signal.SIGINT)
        assert pagina.wait(timeout=60) == 130
    finally:
        if pagina.poll() is None:
            pagina.kill()


def test_every_dependency_has_a_wheel_for_python_3_13(tmp_path):
    """Issue 27.14: requires-python <3.12 refused the Python of new municipal laptops (3.11 is the Python this
    suite runs on). pip resolves the pinned dependencies (the test extra too) to wheels only, as for Python
    3.13 on Linux and Windows, without installing anything (it reads the wheels' metadata from the index);
    both resolutions run side by side."""
    import tomllib

    project = tomllib.loads((MAP / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    eisen = project["dependencies"] + project["optional-dependencies"]["test"]
    processen = {}
    for versie in ("3.13",):  # the newest; every pinned dependency's 3.12 wheel was checked by hand (README)
        for platform in ("linux", "win_amd64"):
            processen[(versie, platform)] = subprocess.Popen(
                [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
                 "--disable-pip-version-check", "--python-version", versie, "--only-binary=:all:",
                 *[a for tag in PLATFORMS.get(platform, [platform]) for a in ("--platform", tag)],
                 "--target", str(tmp_path / f"{versie}-{platform}"), *eisen],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for (versie, platform), proces in processen.items():
        _, fouten = proces.communicate(timeout=600)
        if "Could not find" not in fouten and ("NewConnectionError" in fouten or "Network is unreachable" in fouten):
            pytest.skip("de pakketindex is niet bereikbaar")
        assert proces.returncode == 0, (versie, platform, fouten[-3000:])
