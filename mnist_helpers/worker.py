"""The main job as a cluster of workers: one worker's part, and N local workers with one report.

On each machine of a cluster: `TF_CONFIG='...' python -m mnist_helpers.worker --output DIR`
(README, "Running across machines"). On one machine, `python -m mnist_helpers --workers N`
calls `run_workers`, which starts N of these processes on 127.0.0.1 and writes one report.
"""

import argparse
import json
import os
import re
import sys
import time
from dataclasses import asdict
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from mnist_helpers.cluster import LocalCluster
from mnist_helpers.distributed import gradient_bytes, train_distributed, weights_digest
from mnist_helpers.errors import MnistDataError
from mnist_helpers.evaluation import confusion_matrix, predict_labels
from mnist_helpers.model import build_model
from mnist_helpers.plotting import plot_confusion_matrix, plot_history
from mnist_helpers.preprocessing import normalize_images
from mnist_helpers.report import JobSettings, job_data

# A collective operation (the all-reduce of a step) that waits longer than this fails instead
# of hanging: the last guard when a peer is alive but stuck. A peer that dies is noticed sooner,
# by the heartbeats of TensorFlow's coordination service.
COLLECTIVE_TIMEOUT_SECONDS = 120.0
# Errors a collective operation raises when a peer is gone or stuck.
PEER_ERRORS = (tf.errors.UnavailableError, tf.errors.DeadlineExceededError, tf.errors.AbortedError)
EXIT_WORKER_LOST = 3


def run_worker(
    settings: JobSettings,
    output_dir: Path,
    checkpoint_dir: Path | None = None,
    threads: int | None = None,
    collective_timeout: float = COLLECTIVE_TIMEOUT_SECONDS,
) -> dict:
    """Train as this process's TF_CONFIG says; write `output_dir/worker-N.json`; return it."""
    config = _read_tf_config()
    index = config["task"]["index"]
    if threads:  # Several workers sharing one machine's cores should not each take them all.
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=collective_timeout)
    strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    keras.utils.set_random_seed(settings.seed)  # Same batches and weights on every worker.
    dataset, (x_train, _), (x_test, y_test) = job_data(settings)
    with strategy.scope():
        model = build_model(seed=settings.seed)
    epoch_ends = [(0, time.perf_counter())]  # (epoch, when it ended), from the start.

    def epoch_done(epoch: int) -> None:
        epoch_ends.append((epoch, time.perf_counter()))
        print(f"worker {index}: epoch {epoch} done", flush=True)

    history = train_distributed(
        strategy,
        model,
        dataset,
        global_batch_size=settings.batch_size,
        epochs=settings.epochs,
        checkpoint_dir=None if checkpoint_dir is None else Path(checkpoint_dir) / f"worker-{index}",
        on_epoch_end=epoch_done,
    )
    # The report also says which epochs this run trained (after a resume, the last ones only)
    # and how long each took.
    history["epochs"] = [epoch for epoch, _ in epoch_ends[1:]]
    history["epoch_seconds"] = np.diff([when for _, when in epoch_ends]).tolist()
    # Called directly, not through model.predict: Keras 3's predict would distribute the
    # batches with this strategy and fail as model.fit does (chapter 9).
    logits = model(normalize_images(x_test), training=False)
    predictions = predict_labels(keras.ops.convert_to_numpy(logits))
    result = {
        "worker": index,
        "address": config["cluster"]["worker"][index],
        "replicas": strategy.num_replicas_in_sync,
        "history": history,
        "test_accuracy": float(np.mean(predictions == y_test)),
        "confusion_matrix": confusion_matrix(y_test, predictions).tolist(),
        "weights_digest": weights_digest(model),
        "gradient_bytes": gradient_bytes(model),
        "train_digits": len(x_train),
        "test_digits": len(x_test),
    }
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / f"worker-{index}.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def run_workers(
    settings: JobSettings,
    workers: int,
    output_dir: Path,
    checkpoint_dir: Path | None = None,
    timeout: float = 600.0,
) -> dict:
    """Run the job as `workers` local processes; write one report to `output_dir`; return it.

    Raises `WorkerLostError` naming the lost worker if one dies; the others then stop within
    the coordination service's heartbeat timeout, or are stopped.
    """
    started = time.perf_counter()
    output_dir = Path(output_dir)
    command = worker_command(settings, output_dir, checkpoint_dir, workers)
    with LocalCluster(command, workers, output_dir / "logs") as cluster:
        cluster.wait(timeout)
    results = [
        json.loads((output_dir / f"worker-{index}.json").read_text()) for index in range(workers)
    ]
    chief = results[0]
    metrics = {
        "settings": asdict(settings),
        "workers": workers,
        "replicas": chief["replicas"],
        "train_digits": chief["train_digits"],
        "test_digits": chief["test_digits"],
        "history": chief["history"],
        "test_accuracy": chief["test_accuracy"],
        "worker_test_accuracies": [result["test_accuracy"] for result in results],
        "identical_weights": len({result["weights_digest"] for result in results}) == 1,
        "gradient_bytes_per_step": chief["gradient_bytes"],
        "confusion_matrix": chief["confusion_matrix"],
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    (output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    if chief["history"]["epochs"]:
        _save(plot_history(chief["history"]), output_dir / "training_curves.png")
    _save(
        plot_confusion_matrix(np.array(chief["confusion_matrix"])),
        output_dir / "confusion_matrix.png",
    )
    return metrics


def worker_command(
    settings: JobSettings, output_dir: Path, checkpoint_dir: Path | None, workers: int
) -> list[str]:
    """The command line of one of `workers` local workers; each shares the machine's cores."""
    command = [sys.executable, "-m", "mnist_helpers.worker", "--output", str(output_dir)]
    command += ["--source", str(settings.source), "--epochs", str(settings.epochs)]
    command += ["--batch-size", str(settings.batch_size), "--seed", str(settings.seed)]
    command += ["--shuffle-buffer", str(settings.shuffle_buffer)]
    command += ["--threads", str(max(1, (os.cpu_count() or 1) // workers))]
    if checkpoint_dir is not None:
        command += ["--checkpoints", str(checkpoint_dir)]
    return command


def lost_worker(error: Exception) -> int | None:
    """The task index a TensorFlow peer error names, if it names one other than this worker."""
    me = _read_tf_config()["task"]["index"]
    for found in re.findall(r"/job:worker/(?:replica:\d+/)?task:(\d+)", str(error)):
        if int(found) != me:
            return int(found)
    return None


def main(argv: list[str] | None = None) -> None:
    defaults = JobSettings()
    parser = argparse.ArgumentParser(
        prog="python -m mnist_helpers.worker",
        description="One worker of the distributed job: TF_CONFIG says the cluster's addresses "
        "and which worker this is. Every worker must be given the same options.",
    )
    parser.add_argument("--source", default=defaults.source)
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size, help="global")
    parser.add_argument("--shuffle-buffer", type=int, default=defaults.shuffle_buffer)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--output", type=Path, default=Path("reports/latest"))
    parser.add_argument("--checkpoints", type=Path, help="save every epoch here; resume from it")
    parser.add_argument("--threads", type=int, help="TensorFlow threads (default: all cores)")
    args = parser.parse_args(argv)
    settings = JobSettings(
        source=args.source,
        epochs=args.epochs,
        batch_size=args.batch_size,
        shuffle_buffer=args.shuffle_buffer,
        seed=args.seed,
        progress=False,
    )
    try:
        run_worker(settings, args.output, args.checkpoints, args.threads)
    except MnistDataError as error:
        parser.error(str(error))
    except PEER_ERRORS as error:
        lost = lost_worker(error)
        who = "a peer" if lost is None else f"worker {lost}"
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"Lost {who}: {type(error).__name__}: {first_line}", file=sys.stderr)
        sys.exit(EXIT_WORKER_LOST)


def _read_tf_config() -> dict:
    text = os.environ.get("TF_CONFIG")
    if not text:
        raise MnistDataError(
            'TF_CONFIG is not set: set it to {"cluster": {"worker": ["host:port", ...]}, '
            '"task": {"type": "worker", "index": N}} (README, "Running across machines").'
        )
    try:
        config = json.loads(text)
        addresses, index = config["cluster"]["worker"], config["task"]["index"]
    except (ValueError, KeyError, TypeError) as error:
        raise MnistDataError(f"TF_CONFIG is not valid: {error!r} in {text!r}.") from error
    if not isinstance(index, int) or not 0 <= index < len(addresses):
        raise MnistDataError(f"TF_CONFIG's task index {index!r} is not one of its workers.")
    return config


def _save(figure, path: Path) -> None:
    figure.savefig(path, dpi=100)
    plt.close(figure)


if __name__ == "__main__":
    main()
