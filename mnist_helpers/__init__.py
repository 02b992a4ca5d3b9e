"""Helpers for the mnist-tutorials chapters, one module per step of the course.

data -> preprocessing -> pipeline -> model -> training -> evaluation -> plotting.
"""

from mnist_helpers.quiet import import_tensorflow_quietly

import_tensorflow_quietly()  # Before any module below imports TensorFlow.

from mnist_helpers.data import load_mnist  # noqa: E402
from mnist_helpers.digit_image import prepare_digit, prepare_digits, read_image  # noqa: E402
from mnist_helpers.errors import MnistDataError  # noqa: E402
from mnist_helpers.evaluation import (  # noqa: E402
    Evaluation,
    confusion_matrix,
    evaluate,
    predict_labels,
    predict_logits,
)
from mnist_helpers.model import build_model  # noqa: E402
from mnist_helpers.other_handwriting import load_uci_digits  # noqa: E402
from mnist_helpers.pipeline import make_dataset  # noqa: E402
from mnist_helpers.plotting import (  # noqa: E402
    plot_confusion_matrix,
    plot_digits,
    plot_history,
    plot_probabilities,
)
from mnist_helpers.predict import (  # noqa: E402
    DigitPrediction,
    load_model,
    predict_digit,
    save_model,
)
from mnist_helpers.preprocessing import normalize_images  # noqa: E402
from mnist_helpers.training import make_loss, make_train_step, train, train_epoch  # noqa: E402

__all__ = [
    "DigitPrediction",
    "Evaluation",
    "MnistDataError",
    "build_model",
    "confusion_matrix",
    "evaluate",
    "load_mnist",
    "load_model",
    "load_uci_digits",
    "make_dataset",
    "make_loss",
    "make_train_step",
    "normalize_images",
    "plot_confusion_matrix",
    "plot_digits",
    "plot_history",
    "plot_probabilities",
    "predict_digit",
    "predict_labels",
    "predict_logits",
    "prepare_digit",
    "prepare_digits",
    "read_image",
    "save_model",
    "train",
    "train_epoch",
]
