"""Helpers for the mnist-tutorials chapters, one module per step of the course.

data -> preprocessing -> pipeline -> model -> training -> evaluation -> plotting.
"""

import os

# TensorFlow's C++ INFO and WARNING lines on stderr are noise for a learner (and would end up in
# the notebooks' stored outputs); errors still show. Set before TensorFlow is first imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from mnist_helpers.data import load_mnist  # noqa: E402
from mnist_helpers.errors import MnistDataError  # noqa: E402
from mnist_helpers.evaluation import (  # noqa: E402
    Evaluation,
    confusion_matrix,
    evaluate,
    predict_labels,
    predict_logits,
)
from mnist_helpers.model import build_model  # noqa: E402
from mnist_helpers.pipeline import make_dataset  # noqa: E402
from mnist_helpers.plotting import plot_confusion_matrix, plot_digits, plot_history  # noqa: E402
from mnist_helpers.preprocessing import normalize_images  # noqa: E402
from mnist_helpers.training import make_loss, make_train_step, train, train_epoch  # noqa: E402

__all__ = [
    "Evaluation",
    "MnistDataError",
    "build_model",
    "confusion_matrix",
    "evaluate",
    "load_mnist",
    "make_dataset",
    "make_loss",
    "make_train_step",
    "normalize_images",
    "plot_confusion_matrix",
    "plot_digits",
    "plot_history",
    "predict_labels",
    "predict_logits",
    "train",
    "train_epoch",
]
