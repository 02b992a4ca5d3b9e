"""`python -m mnist_helpers`: one set of options for the job and its workers, each bad value a
usage error (exit 2, one line, no traceback) before any work, and `predict` a sub-command."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mnist_helpers.__main__ import main
from mnist_helpers.job import InterruptedAfterWriting
from mnist_helpers.worker import main as worker_main


def test_help_lists_the_options_and_the_predict_command():
    command = [sys.executable, "-m", "mnist_helpers", "--help"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m mnist_helpers")
    for option in ("--source", "--epochs", "--batch-size", "--shuffle-buffer", "--seed"):
        assert option in result.stdout
    assert "--output" in result.stdout and "--workers" in result.stdout
    assert "predict" in result.stdout.split("commands:")[1]
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

    monkeypatch.setattr("mnist_helpers.job.load_mnist", load_mnist)


BAD_VALUES = [
    ("--epochs", "0", "from 1 to 1,000"),
    ("--epochs", "-1", "from 1 to 1,000"),
    ("--epochs", "two", "from 1 to 1,000"),
    ("--epochs", "1000000", "from 1 to 1,000"),
    ("--batch-size", "0", "from 1 to 60,000"),
    ("--batch-size", "1000000000", "from 1 to 60,000"),
    ("--shuffle-buffer", "0", "from 1 to 60,000"),
    ("--shuffle-buffer", str(2**62), "from 1 to 60,000"),  # Once a SIGSEGV in tf.data.
    ("--shuffle-buffer", "1e3", "from 1 to 60,000"),
    ("--seed", "-1", "from 0 to 4,294,967,295"),
    ("--seed", str(2**32), "from 0 to 4,294,967,295"),
]


@pytest.mark.parametrize(("option", "value", "allowed"), BAD_VALUES)
def test_the_job_and_the_worker_refuse_the_same_values_with_the_same_message(
    tmp_path, capsys, no_loading, option, value, allowed
):
    errors = []
    for run in (main, worker_main):
        with pytest.raises(SystemExit) as exit_info:
            run([option, value, "--source", "sample", "--output", str(tmp_path / "out")])
        assert exit_info.value.code == 2
        errors.append(capsys.readouterr().err.splitlines()[-1].split(": error: ")[1])
    assert errors[0] == errors[1]
    assert errors[0] == f"argument {option}: must be a whole number {allowed}; got '{value}'"


@pytest.mark.parametrize(("option", "value", "allowed"), BAD_VALUES)
def test_a_settings_document_is_checked_as_the_options_are(
    tmp_path, capsys, option, value, allowed
):
    field = option.removeprefix("--").replace("-", "_")
    document = {"source": "sample", "epochs": 1, "batch_size": 64, "shuffle_buffer": 1, "seed": 0}
    document[field] = value
    with pytest.raises(SystemExit) as exit_info:
        worker_main(["--settings", json.dumps(document), "--output", str(tmp_path)])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert f"argument --settings: {option}: must be a whole number {allowed}" in error


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "is not JSON"),
        ('{"epochs": 1}', "must be a JSON object with the keys"),
        ("[1, 2]", "must be a JSON object with the keys"),
        (
            '{"source": "sample", "epochs": 1, "batch_size": 64, "shuffle_buffer": 1, '
            '"seed": 0, "progress": true}',
            "must be a JSON object with the keys",
        ),
    ],
)
def test_a_malformed_settings_document_is_a_usage_error(tmp_path, capsys, document, message):
    with pytest.raises(SystemExit) as exit_info:
        worker_main(["--settings", document, "--output", str(tmp_path)])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_settings_given_twice_to_a_worker_are_refused(tmp_path, capsys):
    document = '{"source": "sample", "epochs": 1, "batch_size": 64, "shuffle_buffer": 1, "seed": 0}'
    with pytest.raises(SystemExit) as exit_info:
        worker_main(["--settings", document, "--epochs", "3", "--output", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "--settings replaces --epochs" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["0", "9", "1000"])
def test_the_number_of_local_workers_is_bounded(tmp_path, capsys, no_loading, workers):
    with pytest.raises(SystemExit) as exit_info:
        main(["--workers", workers, "--output", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    assert "argument --workers: must be a whole number from 1 to 8" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--checkpoints", "ckpt"], "--checkpoints works with --workers N (N >= 2) only"),
        (["--workers", "1", "--checkpoints", "ckpt"], "--checkpoints works with --workers N"),
        (["--epochs", "3", "predict", "digit.png"], "--epochs do(es) nothing with predict"),
        (["--output", "x", "predict", "digit.png"], "--output do(es) nothing with predict"),
    ],
)
def test_an_option_that_does_nothing_in_its_mode_is_refused(
    tmp_path, capsys, no_loading, monkeypatch, argv, message
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("under", [False, True], ids=["a-file", "under-a-file"])
def test_an_output_that_is_a_file_is_a_usage_error(tmp_path, capsys, no_loading, under):
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    with pytest.raises(SystemExit) as exit_info:
        main(["--source", "sample", "--output", str(file / "report" if under else file)])
    assert exit_info.value.code == 2
    assert "The output folder" in capsys.readouterr().err
    assert file.read_text() == "mine"


@pytest.mark.parametrize("option", ["--output", "--source", "--checkpoints"])
def test_a_path_the_system_refuses_is_a_usage_error(tmp_path, capsys, no_loading, option):
    too_long = str(tmp_path / ("x" * 300))
    argv = ["--workers", "2"] if option == "--checkpoints" else []
    argv += ["--output", str(tmp_path / "out"), option, too_long]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "File name too long" in error and "Traceback" not in error


@pytest.fixture
def open_folder():
    """A folder under /tmp that another user can enter (pytest's own are closed to others)."""
    folder = Path(tempfile.mkdtemp(prefix="mnist-readonly-"))
    folder.chmod(0o755)
    yield folder
    for inner in folder.rglob("*"):
        inner.chmod(0o755)
    shutil.rmtree(folder)


@contextlib.contextmanager
def unprivileged():
    """Act as the user nobody when running as root (root may write anywhere)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.mark.parametrize("report_exists", [True, False])
def test_a_read_only_parent_is_refused_before_training(
    open_folder, capsys, no_loading, report_exists
):
    parent = open_folder / "locked"
    parent.mkdir()
    if report_exists:
        (parent / "report").mkdir()
    parent.chmod(0o555)
    with unprivileged(), pytest.raises(SystemExit) as exit_info:
        main(["--source", "sample", "--output", str(parent / "report")])
    assert exit_info.value.code == 2
    assert f"{parent} is read-only for you" in capsys.readouterr().err
    assert len(list(parent.iterdir())) == report_exists  # No staging folder, no report.


def test_a_system_error_during_the_run_is_one_line_not_a_traceback(tmp_path, capsys, monkeypatch):
    def disk_full(settings, output_dir, progress):
        raise OSError(28, "No space left on device", str(output_dir / "model.keras"))

    monkeypatch.setattr("mnist_helpers.__main__.run_job", disk_full)
    with pytest.raises(SystemExit) as exit_info:
        main(["--source", "sample", "--output", str(tmp_path / "out")])
    assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert error.strip().endswith("model.keras: No space left on device")


@pytest.mark.parametrize(
    ("stop", "line"),
    [
        (KeyboardInterrupt(), "interrupted: nothing written"),
        (InterruptedAfterWriting(), "interrupted: report written to {output}/"),
    ],
    ids=["before-writing", "after-writing"],
)
def test_ctrl_c_prints_one_line_and_exits_130(tmp_path, capsys, monkeypatch, stop, line):
    def interrupted(settings, output_dir, progress):
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
        job.wait(timeout=60)
    assert job.returncode == 130
    assert rest.splitlines()[-1] == "interrupted: nothing written", rest
    assert "Traceback" not in rest
    assert list(tmp_path.iterdir()) == []  # No report, no staging folder.
