"""One worker of the distributed job: `python -m mnist_helpers.worker`, one per machine.

On each machine of a cluster: `TF_CONFIG='...' python -m mnist_helpers.worker --output DIR`
with the same options everywhere (README, "Running across machines"). On one machine,
`python -m mnist_helpers --workers N` starts N of these on 127.0.0.1 and writes one report
(`mnist_helpers.job.run_workers`); it passes the settings as one document (`--settings`).

TensorFlow's gRPC server, which this process starts, listens on every network interface
with no authentication (`mnist_helpers.cluster`): run workers only inside a trusted network.
"""

import argparse
import json
import os
import re
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers.cluster import LAUNCHER_PID
from mnist_helpers.distributed import gradient_bytes, train_distributed, weights_digest
from mnist_helpers.errors import MnistDataError
from mnist_helpers.evaluation import confusion_matrix, predict_labels
from mnist_helpers.job import (
    MAX_THREADS,
    MODEL,
    SETTING_OPTIONS,
    WORKER_RESULT,
    JobSettings,
    add_setting_options,
    check_checkpoints,
    check_output_dir,
    job_data,
    settings_from_args,
    settings_from_document,
    whole_number,
)
from mnist_helpers.model import build_model
from mnist_helpers.predict import save_model
from mnist_helpers.preprocessing import normalize_images

# A collective operation (the all-reduce of a step) that waits longer than this fails instead
# of hanging: the last guard when a peer is alive but stuck. A peer that dies is noticed sooner,
# by the heartbeats of TensorFlow's coordination service.
COLLECTIVE_TIMEOUT_SECONDS = 120.0
# Errors a collective operation raises when a peer is gone or stuck.
PEER_ERRORS = (tf.errors.UnavailableError, tf.errors.DeadlineExceededError, tf.errors.AbortedError)
EXIT_WORKER_LOST = 3
EXIT_LAUNCHER_GONE = 4
LAUNCHER_POLL_SECONDS = 0.5


def run_worker(
    settings: JobSettings,
    output_dir: Path,
    checkpoint_dir: Path | None = None,
    threads: int | None = None,
    collective_timeout: float = COLLECTIVE_TIMEOUT_SECONDS,
) -> dict:
    """Train as this process's TF_CONFIG says; write `output_dir/worker-N.json` (and, on
    worker 0, `model.keras`); return the result."""
    config = read_tf_config()
    index = config["task"]["index"]
    if checkpoint_dir is not None:
        check_checkpoints(checkpoint_dir)
    if threads:  # Several workers sharing one machine's cores should not each take them all.
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    strategy = _start_strategy(config, collective_timeout)
    keras.utils.set_random_seed(settings.seed)  # Same batches and weights on every worker.
    dataset, (x_train, _), (x_test, y_test), used = job_data(settings)
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
        "settings": asdict(used),
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
    if index == 0:  # The weights are the same on every worker: the chief saves them.
        plain = build_model(seed=settings.seed)
        plain.set_weights(model.get_weights())
        save_model(plain, output_dir / MODEL)
    _write_atomically(output_dir / WORKER_RESULT.format(index=index), json.dumps(result, indent=2))
    return result


def read_tf_config() -> dict:
    """This worker's TF_CONFIG, checked: a list of "host:port" workers and this one's index."""
    text = os.environ.get("TF_CONFIG")
    shape = (
        '{"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker", "index": N}} '
        '(README, "Running across machines")'
    )
    if not text:
        raise MnistDataError(f"TF_CONFIG is not set: set it to {shape}.")
    try:
        config = json.loads(text)
        addresses, task = config["cluster"]["worker"], config["task"]
        index = task["index"]
        jobs, task_type = set(config["cluster"]), task.get("type", "worker")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise MnistDataError(f"TF_CONFIG is not valid: {text!r}. It must be {shape}.") from None
    if not isinstance(addresses, list) or not addresses:
        raise MnistDataError(
            f'TF_CONFIG\'s workers must be a list of "host:port"; got {addresses!r}.'
        )
    for address in addresses:
        host, _, port = address.rpartition(":") if isinstance(address, str) else ("", "", "")
        if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise MnistDataError(
                f'TF_CONFIG\'s worker address {address!r} is not "host:port" with a port from '
                "1 to 65535."
            )
    if jobs != {"worker"} or task_type != "worker":
        raise MnistDataError(
            f"TF_CONFIG names jobs {sorted(jobs)} and task type {task_type!r}: this job runs "
            "workers only (no chief, ps or evaluator)."
        )
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(addresses):
        raise MnistDataError(
            f"TF_CONFIG's task index {index!r} is not one of its {len(addresses)} workers "
            f"(0 to {len(addresses) - 1})."
        )
    return config


def lost_worker(error: Exception) -> int | None:
    """The task index a TensorFlow peer error names, if it names one other than this worker."""
    me = read_tf_config()["task"]["index"]
    for found in re.findall(r"/job:worker/(?:replica:\d+/)?task:(\d+)", str(error)):
        if int(found) != me:
            return int(found)
    return None


def stop_when_launcher_dies() -> None:
    """If a launcher started this worker, exit as soon as it is gone (even killed by SIGKILL).

    The launcher's pid is in the environment; when it dies this process is re-parented, so
    a thread watches `os.getppid()`.
    """
    launcher = os.environ.get(LAUNCHER_PID)
    if not launcher or not launcher.isdigit():
        return

    def watch() -> None:
        while os.getppid() == int(launcher):
            time.sleep(LAUNCHER_POLL_SECONDS)
        print(f"The launcher (pid {launcher}) is gone: this worker stops.", flush=True)
        os._exit(EXIT_LAUNCHER_GONE)  # Now, from this thread, whatever TensorFlow is doing.

    threading.Thread(target=watch, daemon=True, name="launcher-watch").start()


def make_parser() -> argparse.ArgumentParser:
    """The worker's options: the job's settings (the same table and checks as the main
    command's, or all at once with --settings), and where this worker writes."""
    parser = argparse.ArgumentParser(
        prog="python -m mnist_helpers.worker",
        description="One worker of the distributed job: TF_CONFIG says the cluster's addresses "
        "and which worker this is. Every worker must be given the same options. Its gRPC "
        "server listens on every network interface with no authentication: run workers only "
        "inside a trusted network.",
    )
    add_setting_options(parser)
    parser.add_argument(
        "--settings",
        type=settings_from_document,
        help="all the settings as one JSON document (what `--workers N` passes); replaces the "
        "options above",
    )
    parser.add_argument("--output", type=Path, default=Path("reports/latest"))
    parser.add_argument("--checkpoints", type=Path, help="save every epoch here; resume from it")
    parser.add_argument(
        "--threads", type=whole_number(1, MAX_THREADS), help="TensorFlow threads (default: all)"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    stop_when_launcher_dies()
    argv = sys.argv[1:] if argv is None else argv
    parser = make_parser()
    args = parser.parse_args(argv)
    both = [option.flag for option in SETTING_OPTIONS if _given(option.flag, argv)]
    if args.settings is not None and both:
        parser.error(f"--settings replaces {', '.join(both)}: give one or the other.")
    settings = args.settings or settings_from_args(args)
    try:
        check_output_dir(args.output)
        run_worker(settings, args.output, args.checkpoints, args.threads)
    except MnistDataError as error:
        parser.error(str(error))
    except PEER_ERRORS as error:
        lost = lost_worker(error)
        who = "a peer" if lost is None else f"worker {lost}"
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"Lost {who}: {type(error).__name__}: {first_line}", file=sys.stderr)
        sys.exit(EXIT_WORKER_LOST)
    except OSError as error:
        parser.exit(1, f"{parser.prog}: {error.filename or ''}: {error.strerror or error}\n")


def _start_strategy(config: dict, collective_timeout: float) -> tf.distribute.Strategy:
    """MultiWorkerMirroredStrategy, which starts this worker's gRPC server on its port."""
    options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=collective_timeout)
    try:
        return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    except (tf.errors.OpError, RuntimeError, ValueError) as error:
        address = config["cluster"]["worker"][config["task"]["index"]]
        port = address.rpartition(":")[2]
        raise MnistDataError(
            f"This worker could not start its server on port {port} ({address}): "
            f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0]}. Is the "
            f"port in use by another program (`ss -ltnp | grep :{port}`)? Free it or give "
            "another port in TF_CONFIG."
        ) from None


def _given(flag: str, argv: list[str]) -> bool:
    return any(word == flag or word.startswith(f"{flag}=") for word in argv)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text + "\n")
    os.replace(temporary, path)


if __name__ == "__main__":
    main()
