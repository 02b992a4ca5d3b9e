"""`python -m mnist_helpers`: its options reach the job, and --help works without training."""

import json
import signal
import subprocess
import sys

import pytest

from mnist_helpers.__main__ import main
from mnist_helpers.report import InterruptedAfterWriting


def test_help_lists_the_options():
    command = [sys.executable, "-m", "mnist_helpers", "--help"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m mnist_helpers")
    for option in ("--source", "--epochs", "--batch-size", "--shuffle-buffer", "--seed"):
        assert option in result.stdout
    assert "--output" in result.stdout
    assert result.stderr == ""


def test_options_reach_the_job_and_the_report(tmp_path, capsys):
    output = tmp_path / "report"
    main(
        ["--source", "sample", "--epochs", "1", "--batch-size", "128", "--shuffle-buffer", "500"]
        + ["--seed", "3", "--output", str(output), "--no-progress"]
    )
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["settings"] == {
        "source": "sample",
        "epochs": 1,
        "batch_size": 128,
        "shuffle_buffer": 500,
        "seed": 3,
        "progress": False,
    }
    summary = capsys.readouterr()
    assert summary.out.startswith(f"test accuracy {metrics['test_accuracy']:.2%} on 1,000 digits")
    assert summary.out.rstrip().endswith(f"report in {output}/")
    assert summary.err == ""


def test_a_bad_source_is_a_clear_usage_error_not_a_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--source", str(tmp_path / "missing.npz"), "--output", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "Unknown MNIST source" in error and "no such file or folder" in error
    assert "Traceback" not in error


@pytest.fixture
def no_loading(monkeypatch):
    """Make loading the data fail the test: what is refused must be refused before it."""

    def load_mnist(source):
        raise AssertionError("load_mnist was called")

    monkeypatch.setattr("mnist_helpers.report.load_mnist", load_mnist)


@pytest.mark.parametrize(
    ("option", "value", "allowed"),
    [
        ("--epochs", "0", "at least 1"),
        ("--epochs", "-1", "at least 1"),
        ("--epochs", "two", "at least 1"),
        ("--batch-size", "0", "at least 1"),
        ("--shuffle-buffer", "0", "at least 1"),
        ("--seed", "-1", "from 0 to 4294967295"),
        ("--seed", str(2**32), "from 0 to 4294967295"),
    ],
)
def test_numbers_out_of_range_are_usage_errors(
    tmp_path, capsys, no_loading, option, value, allowed
):
    with pytest.raises(SystemExit) as exit_info:
        main([option, value, "--source", "sample", "--output", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert f"argument {option}: must be a whole number, {allowed}; got '{value}'" in error
    assert "Traceback" not in error


@pytest.mark.parametrize("under", [False, True], ids=["a-file", "under-a-file"])
def test_an_output_that_is_a_file_is_a_usage_error(tmp_path, capsys, no_loading, under):
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    with pytest.raises(SystemExit) as exit_info:
        main(["--source", "sample", "--output", str(file / "report" if under else file)])
    assert exit_info.value.code == 2
    assert "argument --output: The output folder" in capsys.readouterr().err
    assert file.read_text() == "mine"


@pytest.mark.parametrize(
    ("stop", "line"),
    [
        (KeyboardInterrupt(), "interrupted: nothing written"),
        (InterruptedAfterWriting(), "interrupted: report written to {output}/"),
    ],
    ids=["before-writing", "after-writing"],
)
def test_ctrl_c_prints_one_line_and_exits_130(tmp_path, capsys, monkeypatch, stop, line):
    def interrupted(settings, output_dir):
        raise stop

    monkeypatch.setattr("mnist_helpers.__main__.run_job", interrupted)
    output = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        main(["--source", "sample", "--output", str(output)])
    assert exit_info.value.code == 130
    assert capsys.readouterr().err == line.format(output=output) + "\n"


def test_sigterm_during_training_stops_cleanly_and_writes_nothing(tmp_path):
    output = tmp_path / "out"
    command = [sys.executable, "-m", "mnist_helpers", "--source", "sample", "--epochs", "1000"]
    job = subprocess.Popen(
        command + ["--output", str(output)], stderr=subprocess.PIPE, text=True, bufsize=1
    )
    try:
        for line in job.stderr:  # The progress bar: training has started.
            if "epoch 1/1000" in line:
                break
        job.send_signal(signal.SIGTERM)
        _, rest = job.communicate(timeout=120)
    finally:
        job.kill()
    assert job.returncode == 130
    assert rest.splitlines()[-1] == "interrupted: nothing written", rest
    assert "Traceback" not in rest
    assert list(tmp_path.iterdir()) == []  # No report, no temporary folder.
