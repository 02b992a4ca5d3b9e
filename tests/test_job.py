"""The main job (run_job): the classroom notebook's settings reach 90% on the sample, repeatably;
the report is written whole or not at all, with its model, and nothing else of the user's is
touched."""

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from mnist_helpers import MnistDataError
from mnist_helpers.job import (
    InterruptedAfterWriting,
    JobSettings,
    loaded_source,
    report_staging,
    run_job,
    write_report,
)

CLASSROOM_SETTINGS = JobSettings(source="sample")
METRICS = {
    "history": {"loss": [0.5, 0.3], "accuracy": [0.8, 0.9]},
    "confusion_matrix": np.eye(10, dtype=int).tolist(),
    "test_accuracy": 0.5,
}


def without_wall_time(metrics: dict) -> dict:
    return {key: value for key, value in metrics.items() if key != "wall_seconds"}


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """One run of the main job with the classroom notebook's settings, and its report folder."""
    output = tmp_path_factory.mktemp("report")
    return run_job(CLASSROOM_SETTINGS, output, progress=False), output


def test_default_settings_are_the_classroom_notebook_ones():
    settings = CLASSROOM_SETTINGS
    assert (settings.batch_size, settings.epochs, settings.seed) == (64, 5, 0)


def test_reaches_90_percent_on_the_sample(job):
    metrics, _ = job
    assert metrics["test_accuracy"] >= 0.90


def test_metrics_describe_the_run(job):
    metrics, _ = job
    assert metrics["settings"]["source"] == "sample"
    assert (metrics["train_digits"], metrics["test_digits"]) == (4_000, 1_000)
    assert len(metrics["history"]["loss"]) == len(metrics["history"]["accuracy"]) == 5
    confusion = metrics["confusion_matrix"]
    assert sum(map(sum, confusion)) == 1_000
    assert sum(confusion[i][i] for i in range(10)) == round(metrics["test_accuracy"] * 1_000)
    assert metrics["wall_seconds"] > 0


def test_report_folder_holds_the_metrics_both_plots_and_the_model(job):
    metrics, output = job
    assert sorted(path.name for path in output.iterdir()) == [
        "confusion_matrix.png",
        "metrics.json",
        "model.keras",
        "training_curves.png",
    ]
    assert json.loads((output / "metrics.json").read_text()) == metrics
    # Figure sizes in inches times 100 dpi.
    assert matplotlib.image.imread(output / "training_curves.png").shape[:2] == (350, 1000)
    assert matplotlib.image.imread(output / "confusion_matrix.png").shape[:2] == (550, 600)


def test_same_seed_gives_the_same_metrics(job, tmp_path):
    first, _ = job
    second = run_job(CLASSROOM_SETTINGS, tmp_path, progress=False)
    assert without_wall_time(second) == without_wall_time(first)


# The report is written whole or not at all.


@pytest.fixture
def previous_report(tmp_path) -> Path:
    """A report folder as an earlier run left it."""
    output = tmp_path / "report"
    output.mkdir()
    for name in ("metrics.json", "training_curves.png", "confusion_matrix.png", "model.keras"):
        (output / name).write_text(f"earlier {name}")
    (output / "worker-2.json").write_text("earlier worker-2.json")  # A run with 3 workers.
    (output / "my_notes.txt").write_text("mine")
    return output


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_ctrl_c_while_the_report_is_drawn_leaves_the_previous_report_whole(
    previous_report, monkeypatch
):
    before = contents(previous_report)

    def interrupted(confusion):
        raise KeyboardInterrupt

    monkeypatch.setattr("mnist_helpers.job.plot_confusion_matrix", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_job(replace(CLASSROOM_SETTINGS, epochs=1), previous_report, progress=False)
    assert contents(previous_report) == before
    assert [path.name for path in previous_report.parent.iterdir()] == ["report"]  # No temp left.


def new_report(output: Path, metrics: dict | None = None) -> None:
    """Write a report with `write_report` as the job does: through a staging folder."""
    with report_staging(output) as staging:
        (staging / "model.keras").write_text("new model")
        write_report(staging, output, metrics or METRICS)


def test_a_new_report_replaces_every_file_of_the_previous_one(previous_report):
    new_report(previous_report)
    assert json.loads((previous_report / "metrics.json").read_text()) == METRICS
    written = contents(previous_report)
    assert sorted(written) == [
        "confusion_matrix.png",
        "metrics.json",
        "model.keras",
        "my_notes.txt",
        "training_curves.png",
    ]
    assert written["model.keras"] == b"new model" and written["my_notes.txt"] == b"mine"
    assert all(not data.startswith(b"earlier") for data in written.values())
    assert [path.name for path in previous_report.parent.iterdir()] == ["report"]


def test_a_report_without_curves_removes_the_old_curves(previous_report):
    new_report(previous_report, {**METRICS, "history": {"loss": [], "accuracy": []}})
    assert not (previous_report / "training_curves.png").exists()
    assert (previous_report / "confusion_matrix.png").read_bytes().startswith(b"\x89PNG")


def test_a_staging_folder_of_a_killed_run_is_removed_and_a_live_ones_kept(tmp_path):
    output = tmp_path / "report"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=60)
    killed = tmp_path / f".report.staging-{dead.pid}-abc123"
    alive = tmp_path / f".report.staging-{os.getppid()}-def456"
    for folder in (killed, alive):
        folder.mkdir()
        (folder / "model.keras").write_text("half written")
    new_report(output)
    assert not killed.exists()
    assert (alive / "model.keras").exists()  # Another run's, still going.


def test_loaded_source_says_what_auto_loaded(sample, monkeypatch):
    monkeypatch.delenv("MNIST_SOURCE", raising=False)
    assert loaded_source("auto", sample["x_train"]) == "sample"
    assert loaded_source("auto", sample["x_train"][::-1]) == "keras"
    monkeypatch.setenv("MNIST_SOURCE", "sample")
    assert loaded_source("auto", sample["x_train"]) == "sample"
    assert loaded_source("/data/mnist.npz", sample["x_train"]) == "/data/mnist.npz"


def test_a_shuffle_buffer_larger_than_the_data_is_recorded_as_the_datas_size(tmp_path):
    metrics = run_job(
        replace(CLASSROOM_SETTINGS, epochs=1, shuffle_buffer=60_000), tmp_path, progress=False
    )
    assert metrics["settings"]["shuffle_buffer"] == 4_000


def test_ctrl_c_during_the_move_is_held_until_the_report_is_whole(previous_report, monkeypatch):
    moves = []

    def replace_then_ctrl_c(source, target):
        if not moves:
            os.kill(os.getpid(), signal.SIGINT)  # Held: Python sees it only after the move.
        moves.append(Path(target).name)
        os.rename(source, target)

    monkeypatch.setattr("mnist_helpers.job.os.replace", replace_then_ctrl_c)
    # Another thread, as TensorFlow starts many: the signal may reach it rather than this one.
    stop = threading.Event()
    other_thread = threading.Thread(target=stop.wait)
    other_thread.start()
    try:
        with pytest.raises(InterruptedAfterWriting):
            new_report(previous_report)
    finally:
        stop.set()
        other_thread.join()
    assert moves == ["confusion_matrix.png", "model.keras", "training_curves.png", "metrics.json"]
    assert json.loads((previous_report / "metrics.json").read_text()) == METRICS


@pytest.mark.parametrize("under", [False, True], ids=["a-file", "under-a-file"])
def test_an_output_that_is_a_file_is_refused_before_loading_data(tmp_path, monkeypatch, under):
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    output = file / "report" if under else file

    def no_loading(source):
        raise AssertionError("load_mnist was called")

    monkeypatch.setattr("mnist_helpers.job.load_mnist", no_loading)
    with pytest.raises(MnistDataError, match="notes.txt.* a file: choose a folder"):
        run_job(CLASSROOM_SETTINGS, output, progress=False)
    assert file.read_text() == "mine"
