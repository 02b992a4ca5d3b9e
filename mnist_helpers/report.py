"""The main job: train the classroom notebook's model, evaluate it on the test set, report.

The report folder holds `metrics.json`, two plots and the trained model, `model.keras`. It is
written whole or not at all: the files are made in a temporary folder beside it and moved into
place with Ctrl-C and SIGTERM held, `metrics.json` last. So a `metrics.json` always sits beside
its own plots and model, and a folder without one holds no finished report.
"""

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np

from mnist_helpers.data import load_mnist
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


@dataclass(frozen=True)
class JobSettings:
    """The classroom notebook's settings, with a random seed: two runs give the same metrics."""

    source: str = "auto"
    epochs: int = 5
    batch_size: int = 64
    shuffle_buffer: int = 1024
    seed: int = 0
    progress: bool = True


class InterruptedAfterWriting(KeyboardInterrupt):
    """Ctrl-C or SIGTERM came while the report moved into place: held until it was whole."""


def job_data(settings: JobSettings) -> tuple:
    """The job's data as `settings` say: the training batches, the training and test splits."""
    (x_train, y_train), (x_test, y_test) = load_mnist(settings.source)
    dataset = make_dataset(
        normalize_images(x_train),
        y_train,
        batch_size=settings.batch_size,
        shuffle_buffer=settings.shuffle_buffer,
        seed=settings.seed,
    )
    return dataset, (x_train, y_train), (x_test, y_test)


def run_job(settings: JobSettings, output_dir: Path) -> dict:
    """Train and evaluate as `settings` say; write metrics.json and the plots to `output_dir`."""
    started = time.perf_counter()
    check_output_dir(output_dir)  # Before the data and the training, not after.
    keras.utils.set_random_seed(settings.seed)
    dataset, (x_train, _), (x_test, y_test) = job_data(settings)
    model = build_model(seed=settings.seed)
    history = train(model, dataset, epochs=settings.epochs, progress=settings.progress)
    result = evaluate(model, normalize_images(x_test), y_test)
    metrics = {
        "settings": asdict(settings),
        "train_digits": len(x_train),
        "test_digits": len(x_test),
        "history": history,
        "test_accuracy": result.accuracy,
        "confusion_matrix": result.confusion.tolist(),
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    write_report(output_dir, metrics, history, result.confusion, model=model)
    return metrics


def check_output_dir(output_dir: Path) -> None:
    """Refuse a report folder that cannot be made or written, before any work is done."""
    existing = Path(output_dir).absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        where = (
            "is" if existing == Path(output_dir).absolute() else f"is under {existing}, which is"
        )
        raise MnistDataError(f"The output folder {output_dir} {where} a file: choose a folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise MnistDataError(
            f"The output folder {output_dir} cannot be written: {existing} is "
            "read-only for you. Choose another with --output."
        )


def write_report(
    output_dir: Path,
    metrics: dict,
    history: dict,
    confusion: np.ndarray,
    model: keras.Model | None = None,
) -> None:
    """Write metrics.json, the plots and the model (if given) into `output_dir`, whole or not
    at all."""
    output_dir = Path(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.", dir=output_dir.parent))
    moved = False
    try:
        figures = (plot_history(history), plot_confusion_matrix(confusion))
        for name, figure in zip(PLOTS, figures, strict=True):
            figure.savefig(staging / name, dpi=100)
            plt.close(figure)
        if model is not None:
            save_model(model, staging / MODEL)
        (staging / METRICS).write_text(json.dumps(metrics, indent=2) + "\n")
        with _signals_held():
            _move_into_place(staging, output_dir)
            moved = True
    except KeyboardInterrupt:
        if moved:
            raise InterruptedAfterWriting from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into_place(staging: Path, output_dir: Path) -> None:
    output_dir.mkdir(exist_ok=True)
    (output_dir / METRICS).unlink(missing_ok=True)  # The old plots are no longer described.
    (output_dir / MODEL).unlink(missing_ok=True)  # Nor the old model.
    model = (MODEL,) if (staging / MODEL).exists() else ()
    for name in (*PLOTS, *model, METRICS):  # metrics.json last: it says the report is whole.
        os.replace(staging / name, output_dir / name)


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
