"""run.sh on a machine that cannot make the course venv stops before creating anything, with one
line saying what to install: a python3 older than 3.10, or one without the venv module (Debian's
python3 without python3-venv). Each case runs a copy of run.sh in an empty folder, with a
python3 on PATH that is this Python made to look like the broken one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each broken Python is given, on its path ahead of the standard library.
PYTHON_3_9 = {"sitecustomize.py": "import sys\nsys.version_info = (3, 9, 18, 'final', 0)\n"}
NO_ENSUREPIP = {"ensurepip.py": "raise ModuleNotFoundError(\"No module named 'ensurepip'\")\n"}


def run_sh(tmp_path: Path, task: str, shadow: dict[str, str]) -> subprocess.CompletedProcess:
    """`./run.sh TASK` in a copy of run.sh, with python3 = this Python plus `shadow`'s files."""
    clone, shadow_dir, bin_dir = tmp_path / "clone", tmp_path / "shadow", tmp_path / "bin"
    for folder in (clone, shadow_dir, bin_dir):
        folder.mkdir()
    shutil.copy(ROOT / "run.sh", clone / "run.sh")
    for name, text in shadow.items():
        (shadow_dir / name).write_text(text)
    python3 = bin_dir / "python3"
    python3.write_text(f'#!/bin/sh\nPYTHONPATH="{shadow_dir}" exec "{sys.executable}" "$@"\n')
    python3.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(
        ["bash", clone / "run.sh", task], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize("task", ["train", "test", "lint", "lock"])
def test_a_python_older_than_3_10_gets_one_line_and_no_venv(tmp_path, task):
    result = run_sh(tmp_path, task, PYTHON_3_9)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert "needs Python 3.10 or newer" in result.stderr
    assert not (tmp_path / "clone" / ".venv").exists()


@pytest.mark.parametrize("task", ["train", "test", "lint", "lock"])
def test_a_python_without_venv_gets_the_package_to_install_and_no_venv(tmp_path, task):
    result = run_sh(tmp_path, task, NO_ENSUREPIP)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "run.sh needs Python's venv module: sudo apt-get install python3-venv (Debian, Ubuntu), "
        "or a python.org Python"
    )
    assert not (tmp_path / "clone" / ".venv").exists()


def test_this_python_passes_both_checks_and_run_sh_goes_on_to_create_the_venv(tmp_path):
    # The control: this Python as it is, but `python3 -m venv` only notes that it was called.
    venv_that_notes = {
        "venv.py": "import pathlib, sys\n"
        "if __name__ == '__main__':\n"
        "    pathlib.Path('venv-called').write_text(' '.join(sys.argv[1:]))\n"
        "    sys.exit(3)\n"
    }
    result = run_sh(tmp_path, "train", venv_that_notes)
    assert "needs Python" not in result.stderr
    assert (tmp_path / "clone" / "venv-called").read_text() == ".venv"
    assert result.returncode == 3
