"""The job across worker processes on 127.0.0.1: a lost worker named within a bounded time,
a restart that resumes from the last checkpoint with its weights, identical weights on every
worker, the accuracy of the single-process loop; and the faults: a launcher killed by SIGKILL
(its workers stop, its staging folder is removed by the next run), a damaged checkpoint found
before any worker starts, a port in use and a TF_CONFIG of the wrong shape named clearly.

Cluster runs train on a fixed slice of the sample (1,500 digits, batch 100). Every wait is
bounded, and every process is stopped by the pid of the handle that started it.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_helpers import (
    LocalCluster,
    MnistDataError,
    WorkerLostError,
    build_model,
    evaluate,
    free_ports,
    gradient_bytes,
    make_dataset,
    tf_config,
    train,
    train_distributed,
)
from mnist_helpers.__main__ import main as job_main
from mnist_helpers.distributed import weights_digest
from mnist_helpers.job import JobSettings, align_checkpoints, report_staging, worker_command
from mnist_helpers.worker import lost_worker, main, read_tf_config

BATCH, TRAIN_DIGITS = 100, 1500
KILLED_EPOCHS = 1000  # The killed run cannot finish before it is killed.
MODEL_PARAMETERS = 818_970  # Chapter 3 counts them.


@pytest.fixture(scope="module")
def small_source(tmp_path_factory, sample):
    """A fixed slice of the sample as an .npz source: the same digits for every run."""
    path = tmp_path_factory.mktemp("data") / "slice.npz"
    order = np.random.default_rng(0).permutation(len(sample["x_train"]))[:TRAIN_DIGITS]
    np.savez(
        path,
        x_train=sample["x_train"][order],
        y_train=sample["y_train"][order],
        x_test=sample["x_test"],
        y_test=sample["y_test"],
    )
    return str(path)


@pytest.fixture(scope="module")
def settings(small_source):
    return JobSettings(source=small_source, epochs=KILLED_EPOCHS, batch_size=BATCH)


def saved_epoch(checkpoints, index: int) -> int:
    """The epoch of worker `index`'s latest checkpoint, 0 if it has none."""
    latest = tf.train.latest_checkpoint(str(checkpoints / f"worker-{index}"))
    return 0 if latest is None else int(latest.rsplit("-", 1)[1])


@pytest.fixture(scope="module")
def killed_run(tmp_path_factory, settings):
    """Two workers with checkpoints; worker 1 killed once both saved an epoch: the error."""
    folder = tmp_path_factory.mktemp("killed")
    checkpoints = folder / "checkpoints"
    command = worker_command(settings, folder, checkpoints, workers=2)
    with LocalCluster(command, 2, folder / "logs") as cluster:
        _wait_for(lambda: min(saved_epoch(checkpoints, i) for i in (0, 1)) >= 1, cluster, 600)
        os.kill(cluster.pids[1], signal.SIGKILL)
        with pytest.raises(WorkerLostError) as lost:
            cluster.wait(timeout=600, grace=90)
    return str(lost.value), cluster.addresses, checkpoints


@pytest.fixture(scope="module")
def resumed_run(tmp_path_factory, settings, killed_run):
    """The same job restarted as `python -m mnist_helpers --workers 2 --checkpoints ...`,
    for two more epochs than were saved."""
    _, _, checkpoints = killed_run
    saved = saved_epoch(checkpoints, 0)
    output = tmp_path_factory.mktemp("resumed")
    command = [sys.executable, "-m", "mnist_helpers", "--workers", "2", "--output", str(output)]
    command += ["--checkpoints", str(checkpoints), "--source", settings.source]
    command += ["--epochs", str(saved + 2), "--batch-size", str(BATCH), "--no-progress"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return result, output, saved


def test_tf_config_names_every_worker_and_this_one():
    config = json.loads(tf_config(["127.0.0.1:5000", "127.0.0.1:5001"], 1))
    assert config == {
        "cluster": {"worker": ["127.0.0.1:5000", "127.0.0.1:5001"]},
        "task": {"type": "worker", "index": 1},
    }
    with pytest.raises(ValueError, match="index must be in 0..1"):
        tf_config(["127.0.0.1:5000", "127.0.0.1:5001"], 2)


def test_free_ports_are_distinct_and_free_on_localhost():
    ports = free_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        server = __import__("socket").create_server(("127.0.0.1", port))
        server.close()


def test_a_worker_without_tf_config_is_a_usage_error(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["--source", "sample", "--output", str(tmp_path)])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "TF_CONFIG is not set" in error and "Traceback" not in error


def test_the_lost_worker_is_read_from_tensorflow_errors_as_they_come(monkeypatch):
    # The two messages TensorFlow 2.21 gave here when worker 1, then worker 0, was killed.
    monkeypatch.setenv("TF_CONFIG", tf_config(["127.0.0.1:1", "127.0.0.1:2"], 0))
    heartbeat = (
        "Collective ops is aborted by: Error reported from /job:worker/task:1: The following "
        "tasks are unhealthy (stopped sending heartbeats):\n/job:worker/replica:0/task:1"
    )
    assert lost_worker(RuntimeError(heartbeat)) == 1
    monkeypatch.setenv("TF_CONFIG", tf_config(["127.0.0.1:1", "127.0.0.1:2"], 1))
    reset = (
        "Graph execution error:\nAdditional GRPC error information from remote target "
        "/job:worker/replica:0/task:0 while calling /tensorflow.WorkerService/CompleteInstance"
    )
    assert lost_worker(RuntimeError(reset)) == 0
    assert lost_worker(RuntimeError("no task named")) is None


def test_the_gradients_exchanged_per_step_are_the_models_parameters_in_float32():
    assert gradient_bytes(build_model(seed=0)) == 4 * MODEL_PARAMETERS


def test_a_checkpointed_run_resumes_after_its_last_epoch(tmp_path, normalized):
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    dataset = make_dataset(normalized["x_train"][:640], normalized["y_train"][:640], 64, seed=0)
    with strategy.scope():
        first = build_model(seed=0)
    history = train_distributed(strategy, first, dataset, 64, epochs=1, checkpoint_dir=tmp_path)
    assert len(history["loss"]) == 1
    with strategy.scope():
        restored = build_model(seed=1)  # Other initial weights: the checkpoint replaces them.
    history = train_distributed(strategy, restored, dataset, 64, epochs=1, checkpoint_dir=tmp_path)
    assert history["loss"] == []  # Nothing left to train: the weights are the checkpoint's.
    assert weights_digest(restored) == weights_digest(first)
    with strategy.scope():
        restarted = build_model(seed=1)
    history = train_distributed(strategy, restarted, dataset, 64, epochs=2, checkpoint_dir=tmp_path)
    assert len(history["loss"]) == 1  # Epoch 2 only: epoch 1 came from the checkpoint.
    assert weights_digest(restarted) != weights_digest(first)  # Trained on from there.


def test_a_killed_worker_is_named_and_the_others_stop_by_themselves(killed_run):
    message, addresses, checkpoints = killed_run
    assert message.startswith(f"Lost worker 1 ({addresses[1]}): it was killed by SIGKILL.")
    # Worker 0 noticed by itself (the launcher did not have to stop it) and named whom it lost.
    assert "Worker 0 stopped" in message and "Lost worker 1: UnavailableError" in message
    assert "did not stop by itself" not in message
    assert saved_epoch(checkpoints, 0) == saved_epoch(checkpoints, 1) >= 1


def test_the_restarted_job_resumes_from_the_checkpoint_with_identical_weights(resumed_run):
    result, output, saved = resumed_run
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["workers"] == 2 and metrics["replicas"] == 2
    assert metrics["history"]["epochs"] == [saved + 1, saved + 2]  # The rest: the checkpoint.
    digests = [
        json.loads((output / f"worker-{index}.json").read_text())["weights_digest"]
        for index in (0, 1)
    ]
    assert digests[0] == digests[1] and metrics["identical_weights"]
    assert metrics["worker_test_accuracies"][0] == metrics["worker_test_accuracies"][1]
    assert (output / "training_curves.png").stat().st_size > 0
    assert sorted(path.name for path in output.iterdir()) == [
        "confusion_matrix.png",
        "logs",
        "metrics.json",
        "model.keras",
        "training_curves.png",
        "worker-0.json",
        "worker-1.json",
    ]
    assert result.stdout.startswith(f"test accuracy {metrics['test_accuracy']:.2%}")


def test_the_resumed_two_worker_job_reaches_the_uninterrupted_single_process_accuracy(
    resumed_run, settings
):
    _, output, saved = resumed_run
    distributed = json.loads((output / "metrics.json").read_text())["test_accuracy"]
    keras.utils.set_random_seed(settings.seed)
    (x_train, y_train), (x_test, y_test) = _load(settings.source)
    dataset = make_dataset(x_train, y_train, BATCH, settings.shuffle_buffer, settings.seed)
    model = build_model(seed=settings.seed)
    train(model, dataset, epochs=saved + 2, progress=False)
    single = evaluate(model, x_test, y_test).accuracy
    assert abs(distributed - single) <= 0.01, (distributed, single)


def test_the_saved_model_is_the_chiefs_weights(resumed_run):
    from mnist_helpers import load_model

    _, output, _ = resumed_run
    chief = json.loads((output / "worker-0.json").read_text())
    assert weights_digest(load_model(output / "model.keras")) == chief["weights_digest"]


def _load(source):
    from mnist_helpers import load_mnist, normalize_images

    (x_train, y_train), (x_test, y_test) = load_mnist(source)
    return (normalize_images(x_train), y_train), (normalize_images(x_test), y_test)


def _wait_for(condition, cluster, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        assert all(process.poll() is None for process in cluster.processes), cluster.log(0)
        assert time.monotonic() < deadline, "the workers did not save epoch 1 in time"
        time.sleep(0.02)


# Faults: each found and named, before work where it can be.


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("not json", "TF_CONFIG is not valid"),
        ('{"cluster": {"worker": ["127.0.0.1:1"]}}', "TF_CONFIG is not valid"),
        ('{"cluster": ["127.0.0.1:1"], "task": {"index": 0}}', "TF_CONFIG is not valid"),
        ('{"cluster": {"worker": "127.0.0.1:1"}, "task": {"index": 0}}', "must be a list"),
        ('{"cluster": {"worker": []}, "task": {"index": 0}}', "must be a list"),
        ('{"cluster": {"worker": ["127.0.0.1"]}, "task": {"index": 0}}', 'is not "host:port"'),
        ('{"cluster": {"worker": ["h:99999"]}, "task": {"index": 0}}', 'is not "host:port"'),
        ('{"cluster": {"worker": [5]}, "task": {"index": 0}}', 'is not "host:port"'),
        ('{"cluster": {"worker": ["h:1"]}, "task": {"index": 1}}', "index 1 is not one of its 1"),
        ('{"cluster": {"worker": ["h:1"]}, "task": {"index": "0"}}', "index '0' is not one"),
        ('{"cluster": {"worker": ["h:1"]}, "task": {"index": true}}', "index True is not one"),
        (
            '{"cluster": {"worker": ["h:1"], "chief": ["h:2"]}, "task": {"index": 0}}',
            "this job runs workers only",
        ),
        ('{"cluster": {"worker": ["h:1"]}, "task": {"type": "ps", "index": 0}}', "workers only"),
    ],
)
def test_a_tf_config_of_the_wrong_shape_is_a_usage_error(
    monkeypatch, capsys, tmp_path, config, message
):
    monkeypatch.setenv("TF_CONFIG", config)
    with pytest.raises(MnistDataError, match=re.escape(message)):
        read_tf_config()
    with pytest.raises(SystemExit) as exit_info:
        main(["--source", "sample", "--output", str(tmp_path)])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error


def test_a_port_in_use_is_named_by_the_worker(tmp_path):
    holder = socket.create_server(("127.0.0.1", 0))  # Another program on the worker's port.
    port = holder.getsockname()[1]
    environment = {**os.environ, "TF_CONFIG": tf_config([f"127.0.0.1:{port}", "127.0.0.1:1"], 0)}
    command = [sys.executable, "-m", "mnist_helpers.worker", "--source", "sample"]
    try:
        result = subprocess.run(
            command + ["--output", str(tmp_path)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        holder.close()
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"could not start its server on port {port}" in result.stderr
    assert "Traceback" not in result.stderr


def trained_checkpoint(folder, normalized):
    """A real checkpoint of the job's model, as a worker saves it, in `folder`."""
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    dataset = make_dataset(normalized["x_train"][:128], normalized["y_train"][:128], 64, seed=0)
    with strategy.scope():
        model = build_model(seed=0)
    train_distributed(strategy, model, dataset, 64, epochs=1, checkpoint_dir=folder)
    return tf.train.latest_checkpoint(str(folder))


@pytest.fixture
def no_workers(monkeypatch):
    """Make starting workers fail the test: what is refused must be refused before them."""

    def start(self):
        raise AssertionError("workers were started")

    monkeypatch.setattr("mnist_helpers.job.LocalCluster.start", start)


@pytest.mark.parametrize("damage", ["data", "index", "state"])
def test_a_damaged_checkpoint_is_refused_before_the_workers_start(
    tmp_path, normalized, capsys, no_workers, damage
):
    checkpoints = tmp_path / "ckpt"
    trained_checkpoint(checkpoints / "worker-0", normalized)  # Whole.
    latest = Path(trained_checkpoint(checkpoints / "worker-1", normalized))
    damaged = {
        "data": latest.with_name(latest.name + ".data-00000-of-00001"),
        "index": latest.with_name(latest.name + ".index"),
        "state": checkpoints / "worker-1" / "checkpoint",
    }[damage]
    data = bytearray(damaged.read_bytes())
    middle = len(data) // 2
    flipped = bytes(byte ^ 0xFF for byte in data[middle : middle + 64])  # Disk rot.
    data[middle : middle + 64] = flipped if damage != "state" else b"}{" * 32
    damaged.write_bytes(bytes(data))
    argv = ["--workers", "2", "--checkpoints", str(checkpoints), "--source", "sample"]
    with pytest.raises(SystemExit) as exit_info:
        job_main(argv + ["--output", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert f"The checkpoint in {checkpoints / 'worker-1'} cannot be read" in error
    assert f"Delete {checkpoints / 'worker-1'} to start that worker at epoch 1" in error
    assert "Traceback" not in error


def test_a_checkpoint_path_that_is_a_file_is_refused_before_the_workers_start(
    tmp_path, capsys, no_workers
):
    file = tmp_path / "ckpt"
    file.write_text("mine")
    with pytest.raises(SystemExit) as exit_info:
        job_main(["--workers", "2", "--checkpoints", str(file), "--output", str(tmp_path / "o")])
    assert exit_info.value.code == 2
    assert f"The checkpoint folder {file} is a file" in capsys.readouterr().err
    assert file.read_text() == "mine"


def worker_processes(pid: int) -> list[int]:
    """The worker processes `pid` started (Linux: /proc), not its stderr filter (quiet.py)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [
        int(child)
        for child in text.split()
        if b"mnist_helpers.worker" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def gone(pid: int) -> bool:
    """Exited: no such process, or a zombie waiting for whoever adopted it to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


STOP_REASONS = r"The launcher \(pid \d+\) is gone|Lost (?:a peer|worker \d+): "


def test_workers_stop_when_their_launcher_is_killed_and_its_staging_is_removed_later(
    tmp_path, small_source
):
    output, checkpoints = tmp_path / "out", tmp_path / "ckpt"
    command = [sys.executable, "-m", "mnist_helpers", "--workers", "2", "--output", str(output)]
    command += ["--checkpoints", str(checkpoints), "--source", small_source, "--no-progress"]
    command += ["--epochs", str(KILLED_EPOCHS), "--batch-size", str(BATCH)]
    launcher = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = []
    try:
        deadline = time.monotonic() + 600
        while saved_epoch(checkpoints, 0) < 1:  # Training is under way.
            assert launcher.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        workers = worker_processes(launcher.pid)
        assert len(workers) == 2
        launcher.kill()  # SIGKILL: the launcher can clean up nothing.
        launcher.wait(timeout=60)
        deadline = time.monotonic() + 60
        while not all(gone(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(gone(pid) for pid in workers)
    finally:
        launcher.kill()
        launcher.wait(timeout=60)
        for pid in workers:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)
    # Each worker says why it stopped: it saw the launcher gone, or, when the other worker
    # stopped first, its peer lost mid-step (that line passes through the stderr filter
    # process, so it may reach the log a moment after the worker exited).
    deadline = time.monotonic() + 30
    logs = [output / "logs" / f"worker-{index}.log" for index in (0, 1)]
    for log in logs:
        while not re.search(STOP_REASONS, log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert re.search(STOP_REASONS, log.read_text()), log.read_text()
    assert "The launcher (pid" in "".join(log.read_text() for log in logs)
    left = list(tmp_path.glob(".out.staging-*"))
    assert [folder.name.split("-")[1] for folder in left] == [str(launcher.pid)]
    with report_staging(output):  # What the next run does first.
        assert not left[0].exists()


def test_workers_one_checkpoint_apart_resume_from_the_same_epoch(tmp_path, normalized):
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    dataset = make_dataset(normalized["x_train"][:128], normalized["y_train"][:128], 64, seed=0)
    for index, epochs in ((0, 2), (1, 1)):  # Worker 1 was killed before saving epoch 2.
        with strategy.scope():
            model = build_model(seed=0)
        folder = tmp_path / f"worker-{index}"
        train_distributed(strategy, model, dataset, 64, epochs=epochs, checkpoint_dir=folder)
    align_checkpoints(tmp_path, workers=2)
    assert saved_epoch(tmp_path, 0) == saved_epoch(tmp_path, 1) == 1


def test_workers_too_far_apart_are_told_what_to_delete(tmp_path, normalized):
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    dataset = make_dataset(normalized["x_train"][:128], normalized["y_train"][:128], 64, seed=0)
    with strategy.scope():
        model = build_model(seed=0)
    train_distributed(strategy, model, dataset, 64, epochs=3, checkpoint_dir=tmp_path / "worker-0")
    with pytest.raises(MnistDataError, match=r"at epochs \[0, 3\].*delete"):
        align_checkpoints(tmp_path, workers=2)  # Worker 1 has none: it would start at epoch 1.
    assert saved_epoch(tmp_path, 0) == 3
