"""The job across worker processes on 127.0.0.1: a lost worker named within a bounded time,
a restart that resumes from the last checkpoint, identical weights on every worker, and the
accuracy of the uninterrupted single-process loop.

Two cluster runs only (each starts TensorFlow in two processes), 3 epochs on a fixed slice of
the sample (1,500 digits, batch 100): one killed during epoch 2, then the same job restarted.
"""

import json
import os
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_helpers import (
    LocalCluster,
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
from mnist_helpers.report import JobSettings
from mnist_helpers.worker import lost_worker, main, worker_command

EPOCHS, BATCH, TRAIN_DIGITS = 3, 100, 1500
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
    return JobSettings(source=small_source, epochs=EPOCHS, batch_size=BATCH, progress=False)


@pytest.fixture(scope="module")
def killed_run(tmp_path_factory, settings):
    """Two workers with checkpoints; worker 1 killed during epoch 2: the launcher's error."""
    folder = tmp_path_factory.mktemp("killed")
    command = worker_command(settings, folder, folder / "checkpoints", workers=2)
    with LocalCluster(command, 2, folder / "logs") as cluster:
        _wait_for(lambda: "worker 1: epoch 1 done" in cluster.log(1), cluster, timeout=300)
        os.kill(cluster.pids[1], signal.SIGKILL)
        with pytest.raises(WorkerLostError) as lost:
            cluster.wait(timeout=600, grace=90)
    return str(lost.value), cluster.addresses, folder / "checkpoints"


@pytest.fixture(scope="module")
def resumed_run(tmp_path_factory, settings, killed_run):
    """The same job restarted as `python -m mnist_helpers --workers 2 --checkpoints ...`."""
    _, _, checkpoints = killed_run
    output = tmp_path_factory.mktemp("resumed")
    command = [sys.executable, "-m", "mnist_helpers", "--workers", "2", "--output", str(output)]
    command += ["--checkpoints", str(checkpoints), "--source", settings.source]
    command += ["--epochs", str(EPOCHS), "--batch-size", str(BATCH), "--no-progress"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result, output


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
    assert history["epochs"] == [1]
    with strategy.scope():
        restarted = build_model(seed=1)  # Other initial weights: the checkpoint replaces them.
    history = train_distributed(strategy, restarted, dataset, 64, epochs=2, checkpoint_dir=tmp_path)
    assert history["epochs"] == [2]


def test_a_killed_worker_is_named_and_the_others_stop_by_themselves(killed_run):
    message, addresses, checkpoints = killed_run
    assert message.startswith(f"Lost worker 1 ({addresses[1]}): it was killed by SIGKILL.")
    # Worker 0 noticed by itself (the launcher did not have to stop it) and named whom it lost.
    assert "Worker 0 stopped" in message and "Lost worker 1: UnavailableError" in message
    assert "did not stop by itself" not in message
    assert tf.train.latest_checkpoint(checkpoints / "worker-0").endswith("ckpt-1")


def test_the_restarted_job_resumes_from_the_checkpoint_with_identical_weights(resumed_run):
    result, output = resumed_run
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["workers"] == 2 and metrics["replicas"] == 2
    assert metrics["history"]["epochs"] == [2, 3]  # Epoch 1 came from the checkpoint.
    digests = [
        json.loads((output / f"worker-{index}.json").read_text())["weights_digest"]
        for index in (0, 1)
    ]
    assert digests[0] == digests[1] and metrics["identical_weights"]
    assert metrics["worker_test_accuracies"][0] == metrics["worker_test_accuracies"][1]
    assert (output / "training_curves.png").stat().st_size > 0
    assert result.stdout.startswith(f"test accuracy {metrics['test_accuracy']:.2%}")


def test_the_resumed_two_worker_job_reaches_the_uninterrupted_single_process_accuracy(
    resumed_run, settings
):
    _, output = resumed_run
    distributed = json.loads((output / "metrics.json").read_text())["test_accuracy"]
    keras.utils.set_random_seed(settings.seed)
    (x_train, y_train), (x_test, y_test) = _load(settings.source)
    dataset = make_dataset(x_train, y_train, BATCH, settings.shuffle_buffer, settings.seed)
    model = build_model(seed=settings.seed)
    train(model, dataset, epochs=EPOCHS, progress=False)
    single = evaluate(model, x_test, y_test).accuracy
    assert abs(distributed - single) <= 0.01, (distributed, single)


def _load(source):
    from mnist_helpers import load_mnist, normalize_images

    (x_train, y_train), (x_test, y_test) = load_mnist(source)
    return (normalize_images(x_train), y_train), (normalize_images(x_test), y_test)


def _wait_for(condition, cluster, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        assert all(process.poll() is None for process in cluster.processes), cluster.log(0)
        assert time.monotonic() < deadline, "the workers did not get through epoch 1"
        time.sleep(0.02)
