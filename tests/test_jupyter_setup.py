"""The chapters stay quiet in git and open as notebooks: stored .ipynb files carry no per-cell
execution timestamps, and JupyterLab with the settings `./run.sh jupyter` gives it (jupyter/,
started here from this Python as whoever runs the tests, root in CI) opens a .py twin as a
notebook and saves notebooks without timestamps."""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
STARTUP_SECONDS = 120
TIMESTAMPS = {"iopub.status.busy": "2026-01-01T00:00:00.000000Z"}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_stored_notebook_has_no_cell_execution_timestamps(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    stamped = [index for index, cell in enumerate(cells) if "execution" in cell["metadata"]]
    assert not stamped, (
        f"{notebook.name} stores metadata.execution in cells {stamped}: "
        f"run ./run.sh notebooks notebooks/{notebook.stem}.py"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """Requests to a local Jupyter Server, past the test suite's dead proxy."""

    def __init__(self, url: str, token: str, root: Path):
        self.url, self.token, self.root = url, token, root
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"token {self.token}", "Content-Type": "application/json"}
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        with self._opener.open(request, timeout=30) as response:
            return json.load(response)


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and its kernels (its process group); quietly if it already exited."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def jupyter(tmp_path, monkeypatch):
    """JupyterLab with ./run.sh jupyter's settings, serving an empty folder on 127.0.0.1."""
    port, token = _free_port(), secrets.token_hex(16)
    log_path = tmp_path / "server.log"
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(ROOT / "jupyter"))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}"]
    command += ["--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"]
    command += [f"--ServerApp.root_dir={root}"]
    command += ["--allow-root"] if os.geteuid() == 0 else []  # as ./run.sh jupyter does
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://127.0.0.1:{port}", token, root)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            log = log_path.read_text()[-3000:]
            assert process.poll() is None, f"JupyterLab exited at start-up:\n{log}"
            try:
                server.request("GET", "/api/status")
                break
            except OSError:
                assert time.monotonic() < deadline, f"JupyterLab did not answer in time:\n{log}"
                time.sleep(0.5)
        yield server
    finally:
        _stop(process)


@pytest.mark.slow  # JupyterLab takes seconds to start
def test_jupyterlab_opens_py_twins_as_notebooks_and_saves_without_timestamps(jupyter):
    # Double-click opens a file with its type's default viewer: Python files get Jupytext's.
    docmanager = jupyter.request("GET", "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    default_viewers = docmanager["schema"]["properties"]["defaultViewers"]["default"]
    assert default_viewers["python"] == "Jupytext Notebook"
    # ... and the server hands that viewer a py:percent file as a notebook.
    (jupyter.root / "twin.py").write_text("# %% [markdown]\n# # A title\n\n# %%\nprint(1)\n")
    twin = jupyter.request("GET", "/api/contents/twin.py?type=notebook&content=1")
    assert [cell["cell_type"] for cell in twin["content"]["cells"]] == ["markdown", "code"]

    cell = {"cell_type": "code", "id": "c1", "source": "1 + 1", "execution_count": 1}
    cell |= {"metadata": {"execution": TIMESTAMPS, "tags": ["kept"]}, "outputs": []}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    model = {"type": "notebook", "format": "json", "content": notebook}
    jupyter.request("PUT", "/api/contents/chapter.ipynb", model)
    stored = json.loads((jupyter.root / "chapter.ipynb").read_text())
    assert stored["cells"][0]["metadata"] == {"tags": ["kept"]}
    assert "".join(stored["cells"][0]["source"]) == "1 + 1"  # The rest of the cell is kept.
