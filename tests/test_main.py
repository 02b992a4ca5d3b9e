"""`python -m mnist_helpers`: its options reach the job, and --help works without training."""

import json
import subprocess
import sys

import pytest

from mnist_helpers.__main__ import main


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
