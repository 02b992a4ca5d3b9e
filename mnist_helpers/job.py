"""The main job: train the classroom notebook's model, evaluate it on the test set, report.

One job, run in this process (`run_job`) or as N worker processes on this machine
(`run_workers`, which starts `python -m mnist_helpers.worker`). Its settings and their
command-line options are defined once here (`SETTING_OPTIONS`): the main command and the
worker build their parsers from that table, and the launcher passes the settings to each
worker as one JSON document checked by the same functions.

The report folder holds `metrics.json`, two plots and the trained model, `model.keras` (and
`worker-N.json` per worker with --workers). It is written whole or not at all: the job first
makes a hidden staging folder beside it (so a folder that cannot be written is found before
any training), writes the files there and moves them into place with Ctrl-C and SIGTERM held,
`metrics.json` last, removing what an earlier report left that this one does not have. A
staging folder left by a run that was killed is removed by the next run.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from mnist_helpers.cluster import LocalCluster, WorkerLostError
from mnist_helpers.data import SOURCE_ENV, SOURCES, load_mnist
from mnist_helpers.errors import MnistDataError
from mnist_helpers.evaluation import evaluate
from mnist_helpers.model import build_model
from mnist_helpers.pipeline import make_dataset
from mnist_helpers.plotting import plot_confusion_matrix, plot_history
from mnist_helpers.predict import save_model
from mnist_helpers.preprocessing import normalize_images
from mnist_helpers.training import train

METRICS = "metrics.json"
PLOTS = ("training_curves.png", "confusion_matrix.png")
MODEL = "model.keras"  # For `python -m mnist_helpers predict` and mnist_helpers.load_model.
WORKER_RESULT = "worker-{index}.json"
STAGING = ".{name}.staging-{pid}-"  # Beside the report folder; the pid says whose it is.

MAX_SEED = 2**32 - 1  # NumPy's seeds, which keras.utils.set_random_seed sets, stop there.
MAX_EPOCHS = 1_000
MNIST_TRAIN_DIGITS = 60_000  # A larger batch or shuffle buffer is the same as this one.
MAX_LOCAL_WORKERS = 8  # Each is a TensorFlow process of about half a gigabyte.
MAX_THREADS = 256


@dataclass(frozen=True)
class JobSettings:
    """The classroom notebook's settings, with a random seed: two runs give the same metrics."""

    source: str = "auto"
    epochs: int = 5
    batch_size: int = 64
    shuffle_buffer: int = 1024
    seed: int = 0


class InterruptedAfterWriting(KeyboardInterrupt):
    """Ctrl-C or SIGTERM came while the report moved into place: held until it was whole."""


# The options: one definition for the main command and the worker.


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """A check for an option that takes a whole number from `low` to `high`."""

    def check(text: str) -> int:
        try:
            value = int(str(text))
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low:,} to {high:,}; got {text!r}"
            )
        return value

    return check


def data_source(text: str) -> str:
    """A check for --source: a name `load_mnist` knows, or a path the system can look up."""
    text = str(text)
    if text not in SOURCES:
        try:
            Path(text).exists()
        except OSError as error:  # A name too long, for one.
            raise argparse.ArgumentTypeError(
                f"{text!r} cannot be looked up: {error.strerror}"
            ) from None
    return text


@dataclass(frozen=True)
class SettingOption:
    """One command-line option that sets one field of `JobSettings`."""

    field: str
    check: Callable[[str], object]
    help: str

    @property
    def flag(self) -> str:
        return "--" + self.field.replace("_", "-")


SETTING_OPTIONS = (
    SettingOption(
        "source",
        data_source,
        "auto (default; $MNIST_SOURCE pins it), keras, sample, or a path to IDX files or an .npz",
    ),
    SettingOption("epochs", whole_number(1, MAX_EPOCHS), "passes over the training digits"),
    SettingOption(
        "batch_size", whole_number(1, MNIST_TRAIN_DIGITS), "digits per step (global: all workers)"
    ),
    SettingOption(
        "shuffle_buffer",
        whole_number(1, MNIST_TRAIN_DIGITS),
        "digits shuffled at a time (one larger than the data is the data's size)",
    ),
    SettingOption("seed", whole_number(0, MAX_SEED), "random seed: same seed, same metrics"),
)


def add_setting_options(parser: argparse.ArgumentParser) -> None:
    """Add every setting's option, with its check and the classroom notebook's default."""
    defaults = JobSettings()
    for option in SETTING_OPTIONS:
        parser.add_argument(
            option.flag,
            type=option.check,
            default=getattr(defaults, option.field),
            help=option.help,
        )


def settings_from_args(args: argparse.Namespace) -> JobSettings:
    return JobSettings(**{option.field: getattr(args, option.field) for option in SETTING_OPTIONS})


def settings_document(settings: JobSettings) -> str:
    """The settings as one JSON document, as the launcher hands them to each worker."""
    return json.dumps(asdict(settings))


def settings_from_document(text: str) -> JobSettings:
    """Settings from `settings_document`, each value checked as its option checks it."""
    try:
        values = json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"is not JSON: {error}") from None
    names = {field.name for field in fields(JobSettings)}
    if not isinstance(values, dict) or set(values) != names:
        raise argparse.ArgumentTypeError(
            f"must be a JSON object with the keys {', '.join(sorted(names))}; got {text!r}"
        )
    checked = {}
    for option in SETTING_OPTIONS:
        try:
            checked[option.field] = option.check(values[option.field])
        except argparse.ArgumentTypeError as error:
            raise argparse.ArgumentTypeError(f"{option.flag}: {error}") from None
    return JobSettings(**checked)


# Checks made before any work.


def check_output_dir(output_dir: Path) -> None:
    """Refuse a report folder that cannot be made or written, before any work is done."""
    output_dir = Path(output_dir)
    try:
        existing = output_dir.absolute()
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            where = "is" if existing == output_dir.absolute() else f"is under {existing}, which is"
            raise MnistDataError(f"The output folder {output_dir} {where} a file: choose a folder.")
        # Files go into the folder, through a staging folder made in its parent.
        to_write = {existing} if existing != output_dir.absolute() else {existing, existing.parent}
        for folder in sorted(to_write):
            if not os.access(folder, os.W_OK | os.X_OK, effective_ids=_EFFECTIVE_IDS):
                raise MnistDataError(
                    f"The output folder {output_dir} cannot be written: {folder} is read-only "
                    "for you. Choose another with --output."
                )
    except OSError as error:
        raise MnistDataError(
            f"The output folder {output_dir} cannot be used: {error.strerror}. Choose another "
            "with --output."
        ) from None


_EFFECTIVE_IDS = os.access in os.supports_effective_ids


def check_checkpoints(checkpoint_dir: Path) -> None:
    """Refuse a checkpoint folder that is a file or holds a checkpoint that cannot be read.

    Every tensor of every worker's latest checkpoint is read (TensorFlow checks each one's
    CRC), so damage is found now, not after the workers have started.
    """
    checkpoint_dir = Path(checkpoint_dir)
    try:
        if checkpoint_dir.exists() and not checkpoint_dir.is_dir():
            raise MnistDataError(
                f"The checkpoint folder {checkpoint_dir} is a file: give a folder to --checkpoints."
            )
        worker_dirs = sorted(checkpoint_dir.glob("worker-*")) if checkpoint_dir.is_dir() else []
    except OSError as error:
        raise MnistDataError(
            f"The checkpoint folder {checkpoint_dir} cannot be used: {error.strerror}."
        ) from None
    for folder in worker_dirs:
        try:
            latest = tf.train.latest_checkpoint(str(folder))
            if latest is None and (folder / "checkpoint").exists():
                raise ValueError("its file 'checkpoint' names no checkpoint that exists")
            if latest is not None:
                reader = tf.train.load_checkpoint(latest)
                for name in reader.get_variable_to_shape_map():
                    reader.get_tensor(name)
        except Exception as error:  # noqa: BLE001  TensorFlow and protobuf raise many kinds.
            first_line = (str(error).strip().splitlines() or [""])[0][:200]
            raise MnistDataError(
                f"The checkpoint in {folder} cannot be read ({type(error).__name__}: "
                f"{first_line}). Delete {folder} to start that worker at epoch 1, or give "
                "another --checkpoints folder."
            ) from None


def align_checkpoints(checkpoint_dir: Path, workers: int) -> None:
    """Make every worker resume from the same epoch.

    A worker killed between the last step of an epoch and its save leaves the others one
    checkpoint ahead; resumed as they are, the workers would wait for each other's steps
    forever. Each keeps its two latest checkpoints, so the ones ahead go back to the oldest
    epoch all have; if one lacks it, the job says which folder to delete.
    """
    states = {}
    for index in range(workers):
        folder = Path(checkpoint_dir) / f"worker-{index}"
        state = tf.train.get_checkpoint_state(str(folder)) if folder.is_dir() else None
        paths = list(state.all_model_checkpoint_paths) if state else []
        states[folder] = {int(path.rsplit("-", 1)[1]): path for path in paths}
    latest = {folder: max(epochs, default=0) for folder, epochs in states.items()}
    common = min(latest.values())
    for folder, epochs in states.items():
        if latest[folder] == common:
            continue
        if common not in epochs:
            raise MnistDataError(
                f"The workers' checkpoints in {checkpoint_dir} are at epochs "
                f"{sorted(set(latest.values()))}, and {folder} no longer has epoch {common}: "
                f"delete {checkpoint_dir} to start again at epoch 1."
            )
        kept = [path for epoch, path in sorted(epochs.items()) if epoch <= common]
        tf.compat.v1.train.update_checkpoint_state(  # The one public writer of the file.
            str(folder), epochs[common], all_model_checkpoint_paths=kept
        )


# The run.


def job_data(settings: JobSettings) -> tuple:
    """The job's data as `settings` say: the training batches, the training and test splits,
    and the settings as really used (the source loaded, the shuffle buffer capped at the data).
    """
    (x_train, y_train), (x_test, y_test) = load_mnist(settings.source)
    used = replace(
        settings,
        source=loaded_source(settings.source, x_train),
        shuffle_buffer=min(settings.shuffle_buffer, len(x_train)),
    )
    dataset = make_dataset(
        normalize_images(x_train),
        y_train,
        batch_size=used.batch_size,
        shuffle_buffer=used.shuffle_buffer,
        seed=used.seed,
    )
    return dataset, (x_train, y_train), (x_test, y_test), used


def loaded_source(source: str, x_train: np.ndarray) -> str:
    """What `load_mnist(source)` really loaded: "auto" becomes "keras" or "sample"."""
    if source == "auto":
        source = os.environ.get(SOURCE_ENV) or "auto"
    if source != "auto":
        return source
    (sample_train, _), _ = load_mnist("sample")
    return "sample" if np.array_equal(x_train, sample_train) else "keras"


def run_job(settings: JobSettings, output_dir: Path, progress: bool = True) -> dict:
    """Train and evaluate as `settings` say; write the report to `output_dir`; return it."""
    started = time.perf_counter()
    with report_staging(output_dir) as staging:  # Before the data and the training.
        keras.utils.set_random_seed(settings.seed)
        dataset, (x_train, _), (x_test, y_test), used = job_data(settings)
        model = build_model(seed=settings.seed)
        history = train(model, dataset, epochs=settings.epochs, progress=progress)
        result = evaluate(model, normalize_images(x_test), y_test)
        metrics = {
            "settings": asdict(used),
            "train_digits": len(x_train),
            "test_digits": len(x_test),
            "history": history,
            "test_accuracy": result.accuracy,
            "confusion_matrix": result.confusion.tolist(),
            "wall_seconds": round(time.perf_counter() - started, 1),
        }
        save_model(model, staging / MODEL)
        write_report(staging, output_dir, metrics)
    return metrics


def run_workers(
    settings: JobSettings,
    workers: int,
    output_dir: Path,
    checkpoint_dir: Path | None = None,
    progress: bool = True,
    timeout: float = 600.0,
) -> dict:
    """Run the job as `workers` processes on 127.0.0.1; write one report; return it.

    Raises `WorkerLostError` naming the lost worker if one dies; the others then stop within
    the coordination service's heartbeat timeout, or are stopped. Each worker's log is in
    `output_dir/logs/`.
    """
    started = time.perf_counter()
    output_dir = Path(output_dir)
    if checkpoint_dir is not None:
        check_checkpoints(checkpoint_dir)
        align_checkpoints(checkpoint_dir, workers)
    with report_staging(output_dir) as staging:
        command = worker_command(settings, staging, checkpoint_dir, workers)
        logs = output_dir / "logs"
        with LocalCluster(command, workers, logs) as cluster:
            for stale in logs.glob("worker-*.log"):  # From an earlier run with more workers.
                if stale.name not in {f"worker-{i}.log" for i in range(workers)}:
                    stale.unlink()
            try:
                cluster.wait(
                    timeout, on_poll=_epoch_printer(cluster, settings) if progress else None
                )
            except WorkerLostError as error:
                advice = (
                    "Start the job again with the same --checkpoints folder to resume after the "
                    "last saved epoch."
                    if checkpoint_dir is not None
                    else "Add --checkpoints DIR to be able to resume after a failure."
                )
                raise WorkerLostError(f"{error} {advice}") from None
        results = [
            json.loads((staging / WORKER_RESULT.format(index=index)).read_text())
            for index in range(workers)
        ]
        chief = results[0]
        metrics = {
            "settings": chief["settings"],
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
        write_report(staging, output_dir, metrics)
    return metrics


def worker_command(
    settings: JobSettings, output_dir: Path, checkpoint_dir: Path | None, workers: int
) -> list[str]:
    """The command line of one of `workers` local workers; each shares the machine's cores."""
    command = [sys.executable, "-m", "mnist_helpers.worker", "--output", str(output_dir)]
    command += ["--settings", settings_document(settings)]
    command += ["--threads", str(max(1, (os.cpu_count() or 1) // workers))]
    if checkpoint_dir is not None:
        command += ["--checkpoints", str(checkpoint_dir)]
    return command


def _epoch_printer(cluster: LocalCluster, settings: JobSettings) -> Callable[[], None]:
    """Print `epoch N/E` to stderr as worker 0's log says it finished one."""
    printed = set()

    def print_new_epochs() -> None:
        for line in cluster.log(0).splitlines():
            if line.startswith("worker 0: epoch ") and line.endswith(" done"):
                epoch = line.split()[3]
                if epoch not in printed:
                    printed.add(epoch)
                    print(f"epoch {epoch}/{settings.epochs}", file=sys.stderr, flush=True)

    return print_new_epochs


# The one report writer.


@contextlib.contextmanager
def report_staging(output_dir: Path):
    """A staging folder beside `output_dir`, made now and removed at the end whatever happens.

    Making it is the check that the report can be written: it fails before any training if
    the folder's parent is read-only. Staging folders of runs that were killed are removed.
    """
    output_dir = Path(output_dir)
    check_output_dir(output_dir)
    try:
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        _remove_dead_stagings(output_dir)
        staging = Path(
            tempfile.mkdtemp(
                prefix=STAGING.format(name=output_dir.name, pid=os.getpid()),
                dir=output_dir.parent,
            )
        )
        if output_dir.is_dir():  # Files are moved into it: it must take them.
            tempfile.TemporaryFile(dir=output_dir).close()
    except OSError as error:
        raise MnistDataError(
            f"The output folder {output_dir} cannot be written: {error.strerror} "
            f"({error.filename}). Choose another with --output."
        ) from None
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_report(staging: Path, output_dir: Path, metrics: dict) -> None:
    """Draw the plots and write metrics.json into `staging`, then move the whole report, with
    whatever else the job left in `staging` (the model, the workers' results), into
    `output_dir`, replacing the previous report whole."""
    history = metrics["history"]
    figures = [
        ("confusion_matrix.png", plot_confusion_matrix(np.array(metrics["confusion_matrix"])))
    ]
    if history["loss"]:  # A resumed run that had no epoch left to train has no curves.
        figures.append(("training_curves.png", plot_history(history)))
    for name, figure in figures:
        figure.savefig(staging / name, dpi=100)
        plt.close(figure)
    (staging / METRICS).write_text(json.dumps(metrics, indent=2) + "\n")
    moved = False
    try:
        with _signals_held():
            _move_into_place(staging, Path(output_dir))
            moved = True
    except KeyboardInterrupt:
        if moved:
            raise InterruptedAfterWriting from None
        raise


def _report_files(folder: Path) -> set[str]:
    """The names in `folder` that a report writes, and only those: nothing else is touched."""
    names = {METRICS, MODEL, *PLOTS}
    return {
        path.name
        for path in folder.iterdir()
        if path.is_file() and (path.name in names or _is_worker_result(path.name))
    }


def _is_worker_result(name: str) -> bool:
    index = name.removeprefix("worker-").removesuffix(".json")
    return name.startswith("worker-") and name.endswith(".json") and index.isdigit()


def _move_into_place(staging: Path, output_dir: Path) -> None:
    output_dir.mkdir(exist_ok=True)
    new = _report_files(staging)
    (output_dir / METRICS).unlink(missing_ok=True)  # First: the old report is no longer whole.
    for stale in _report_files(output_dir) - new:  # An old model, plot or worker's result.
        (output_dir / stale).unlink()
    for name in sorted(new - {METRICS}) + [METRICS]:  # metrics.json last: the report is whole.
        os.replace(staging / name, output_dir / name)


def _remove_dead_stagings(output_dir: Path) -> None:
    """Remove staging folders beside `output_dir` whose run is no longer alive."""
    prefix = STAGING.format(name=output_dir.name, pid="").removesuffix("-")
    for folder in output_dir.parent.glob(f"{prefix}*"):
        pid = folder.name.removeprefix(prefix).split("-")[0]
        if folder.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # Someone else's process.
        return True
    return True


@contextlib.contextmanager
def _signals_held():
    """Hold Ctrl-C and SIGTERM for the block; one that came meanwhile is raised at its end.

    Python runs signal handlers in the main thread whichever thread the signal reached (and
    TensorFlow starts many), so recording them in a handler holds them all.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # Signal handlers can be set from the main thread only.
        return
    held = []
    numbers = (signal.SIGINT, signal.SIGTERM)
    previous = [
        signal.signal(number, lambda number, frame: held.append(number)) for number in numbers
    ]
    try:
        yield
    finally:
        for number, handler in zip(numbers, previous, strict=True):
            signal.signal(number, handler)
        for number in held[:1]:
            signal.raise_signal(number)  # Delivered now, to the handler the job had.
