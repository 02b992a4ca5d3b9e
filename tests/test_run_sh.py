"""run.sh on a machine that cannot make the course venv stops before creating anything, with one
line saying what to install: a python3 older than 3.10, or one without the venv module (Debian's
python3 without python3-venv). Each case runs a copy of run.sh in an empty folder, with a
python3 on PATH that is this Python made to look like the broken one."""

import os
import shutil
import signal
import subprocess
import sys
import time
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


def clone_with_uv(tmp_path: Path, uv_script: str) -> Path:
    """A clone whose .venv has its uv already: a shell script `uv_script` standing in for uv."""
    clone = tmp_path / "clone"
    (clone / "requirements").mkdir(parents=True)
    shutil.copy(ROOT / "run.sh", clone / "run.sh")
    for lock in ("uv.txt", "runtime.txt"):
        shutil.copy(ROOT / "requirements" / lock, clone / "requirements" / lock)
    bin_dir = clone / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    # This Python, except that training only notes that it was started.
    (bin_dir / "python").write_text(
        '#!/bin/sh\n[ "$*" != "-m mnist_helpers" ] || { echo trained >> trained; exit 0; }\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    (bin_dir / "uv").write_text(f"#!/bin/sh\n{uv_script}\n")
    for program in bin_dir.iterdir():
        program.chmod(0o755)
    shutil.copy(ROOT / "requirements" / "uv.txt", clone / ".venv" / ".installed-uv.txt")
    return clone


def run_sh_env(**settings: str) -> dict[str, str]:
    """This environment without any index setting of pip's or uv's, then `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    return env | {"PIP_CONFIG_FILE": os.devnull} | settings


def train_in(clone: Path, **settings: str) -> subprocess.CompletedProcess:
    """`./run.sh train` in `clone`, in run_sh_env(**settings)."""
    return subprocess.run(
        ["bash", "run.sh", "train"],
        cwd=clone,
        env=run_sh_env(**settings),
        capture_output=True,
        text=True,
        timeout=60,
    )


# uv, standing in: notes the index run.sh handed it and its arguments, then fails.
UV_THAT_NOTES = (
    'echo "${UV_DEFAULT_INDEX-unset}" > uv-index; echo "$UV_SYSTEM_CERTS" > uv-system-certs; '
    'echo "$@" > uv-args; exit 7'
)
MIRROR = "https://pypi.tuna.tsinghua.edu.cn/simple"


@pytest.mark.parametrize(
    ("settings", "index_uv_gets"),
    [
        ({}, "unset"),
        ({"PIP_INDEX_URL": MIRROR}, MIRROR),
        ({"PIP_CONFIG_FILE": "pip.conf"}, MIRROR),
        ({"PIP_CONFIG_FILE": "pip-install.conf"}, MIRROR),  # pip's [install] section
        (
            {"PIP_CONFIG_FILE": "pip.conf", "PIP_INDEX_URL": "https://env.example/simple"},
            "https://env.example/simple",
        ),
        (
            {"PIP_INDEX_URL": MIRROR, "UV_DEFAULT_INDEX": "https://uv.example/simple"},
            "https://uv.example/simple",
        ),
        (
            {"PIP_INDEX_URL": "https://x.example/ $(touch pwned) `touch pwned`"},
            "https://x.example/ $(touch pwned) `touch pwned`",
        ),
    ],
)
def test_uv_gets_the_index_pip_is_set_to_use_unless_uv_has_one(tmp_path, settings, index_uv_gets):
    clone = clone_with_uv(tmp_path, UV_THAT_NOTES)
    (clone / "pip.conf").write_text(f"[global]\nindex-url = {MIRROR}\n")
    (clone / "pip-install.conf").write_text(f"[install]\nindex-url = {MIRROR}\n")
    result = train_in(clone, **settings)
    assert result.returncode == 7, result.stderr  # uv's failure stops run.sh
    assert (clone / "uv-index").read_text().strip() == index_uv_gets
    assert (clone / "uv-system-certs").read_text() == "1\n"  # a proxy's CA, as pip trusts it
    uv_args = (clone / "uv-args").read_text().split()
    assert "--compile-bytecode" in uv_args  # PYTHONDONTWRITEBYTECODE: compile at install
    assert uv_args[uv_args.index("-r") + 1] == "requirements/runtime.txt"
    assert not (clone / "pwned").exists()
    assert not (clone / "trained").exists()
    # Not marked installed: the next run installs again.
    assert not (clone / ".venv" / ".installed-runtime.txt").exists()


def test_an_install_killed_midway_is_not_marked_installed_and_runs_again(tmp_path):
    clone = clone_with_uv(tmp_path, "echo started >> uv-runs; exec sleep 60")
    first = subprocess.Popen(
        ["bash", "run.sh", "train"],
        cwd=clone,
        env=run_sh_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # up to 30 s for uv to start
            if (clone / "uv-runs").exists():
                break
            time.sleep(0.1)
        assert (clone / "uv-runs").exists()
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # run.sh and the uv it started
        first.wait(timeout=30)
    assert not (clone / ".venv" / ".installed-runtime.txt").exists()
    assert not (clone / "trained").exists()
    (clone / ".venv" / "bin" / "uv").write_text("#!/bin/sh\necho started >> uv-runs\n")
    again = train_in(clone)
    assert again.returncode == 0, again.stderr
    assert (clone / "uv-runs").read_text().splitlines() == ["started", "started"]
    assert (clone / "trained").read_text() == "trained\n"
    assert (clone / ".venv" / ".installed-runtime.txt").read_bytes() == (
        ROOT / "requirements" / "runtime.txt"
    ).read_bytes()


def test_two_run_sh_at_once_install_once_one_after_the_other(tmp_path):
    clone = clone_with_uv(tmp_path, "echo start >> uv-runs; sleep 1; echo end >> uv-runs")
    both = [  # started from the clone and from the folder above it
        subprocess.Popen(["bash", "run.sh", "train"], cwd=clone, env=run_sh_env()),
        subprocess.Popen(["bash", "clone/run.sh", "train"], cwd=tmp_path, env=run_sh_env()),
    ]
    try:
        for process in both:
            assert process.wait(timeout=60) == 0
    finally:
        for process in both:
            process.kill()  # a no-op for one that has exited
            process.wait(timeout=30)
    assert (clone / "uv-runs").read_text().splitlines() == ["start", "end"]
    assert (clone / "trained").read_text() == "trained\ntrained\n"
