"""The main job (run_job): the seed's settings reach 90% on the sample, repeatably."""

import json

import matplotlib.image
import pytest

from mnist_helpers.report import JobSettings, run_job

SEED_SETTINGS = JobSettings(source="sample", progress=False)


def without_wall_time(metrics: dict) -> dict:
    return {key: value for key, value in metrics.items() if key != "wall_seconds"}


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """One run of the main job with the seed's settings, and the folder it reported to."""
    output = tmp_path_factory.mktemp("report")
    return run_job(SEED_SETTINGS, output), output


def test_seed_settings_are_the_seed_notebook_ones():
    assert (SEED_SETTINGS.batch_size, SEED_SETTINGS.epochs, SEED_SETTINGS.seed) == (64, 5, 0)


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


def test_report_folder_holds_the_metrics_and_both_plots(job):
    metrics, output = job
    assert json.loads((output / "metrics.json").read_text()) == metrics
    # Figure sizes in inches times 100 dpi.
    assert matplotlib.image.imread(output / "training_curves.png").shape[:2] == (350, 1000)
    assert matplotlib.image.imread(output / "confusion_matrix.png").shape[:2] == (550, 600)


def test_same_seed_gives_the_same_metrics(job, tmp_path):
    first, _ = job
    second = run_job(SEED_SETTINGS, tmp_path)
    assert without_wall_time(second) == without_wall_time(first)
