"""The main job: train the seed's model, evaluate it on the test set, write a small report."""

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import matplotlib.pyplot as plt

from mnist_helpers.data import load_mnist
from mnist_helpers.evaluation import evaluate
from mnist_helpers.model import build_model
from mnist_helpers.pipeline import make_dataset
from mnist_helpers.plotting import plot_confusion_matrix, plot_history
from mnist_helpers.predict import save_model
from mnist_helpers.preprocessing import normalize_images
from mnist_helpers.training import train


@dataclass(frozen=True)
class JobSettings:
    """The seed's settings, with a seed so that two runs give the same metrics."""

    source: str = "auto"
    epochs: int = 5
    batch_size: int = 64
    shuffle_buffer: int = 1024
    seed: int = 0
    progress: bool = True


def run_job(settings: JobSettings, output_dir: Path) -> dict:
    """Train and evaluate as `settings` say; write metrics.json and the plots to `output_dir`."""
    started = time.perf_counter()
    keras.utils.set_random_seed(settings.seed)
    (x_train, y_train), (x_test, y_test) = load_mnist(settings.source)
    dataset = make_dataset(
        normalize_images(x_train),
        y_train,
        batch_size=settings.batch_size,
        shuffle_buffer=settings.shuffle_buffer,
        seed=settings.seed,
    )
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
    _write_report(output_dir, metrics, history, result.confusion)
    save_model(model, output_dir / "model.keras")
    return metrics


def _write_report(output_dir: Path, metrics: dict, history: dict, confusion) -> None:
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    for name, figure in (
        ("training_curves.png", plot_history(history)),
        ("confusion_matrix.png", plot_confusion_matrix(confusion)),
    ):
        figure.savefig(output_dir / name, dpi=100)
        plt.close(figure)
