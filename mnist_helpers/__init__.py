"""Helpers for the mnist-tutorials chapters, one module per step of the course.

data -> preprocessing -> pipeline -> model -> training -> evaluation -> plotting.
"""

__version__ = "0.1.0"  # pyproject.toml reads it from here

import sys

from mnist_helpers.quiet import import_tensorflow_quietly
from mnist_helpers.tensorflow_check import check_tensorflow_installed, check_tensorflow_version

check_tensorflow_installed()  # Missing: say what to install, not a traceback from a module below.
import_tensorflow_quietly()  # Before any module below imports TensorFlow.
check_tensorflow_version(sys.modules["tensorflow"].__version__)

from mnist_helpers.cluster import LocalCluster, WorkerLostError, free_ports, tf_config  # noqa: E402
from mnist_helpers.data import load_mnist  # noqa: E402
from mnist_helpers.digit_image import prepare_digit, prepare_digits, read_image  # noqa: E402
from mnist_helpers.distributed import (  # noqa: E402
    distribute_dataset,
    gradient_bytes,
    make_distributed_train_step,
    train_distributed,
    weights_digest,
)
from mnist_helpers.errors import MnistDataError  # noqa: E402
from mnist_helpers.evaluation import (  # noqa: E402
    Evaluation,
    confusion_matrix,
    evaluate,
    predict_labels,
    predict_logits,
)
from mnist_helpers.model import build_convnet, build_model  # noqa: E402
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
from mnist_helpers.shifting import shift_images  # noqa: E402
from mnist_helpers.training import make_loss, make_train_step, train, train_epoch  # noqa: E402
from mnist_helpers.validation import (  # noqa: E402
    best_epoch,
    split_validation,
    train_with_validation,
)

__all__ = [
    "DigitPrediction",
    "Evaluation",
    "LocalCluster",
    "MnistDataError",
    "WorkerLostError",
    "best_epoch",
    "build_convnet",
    "build_model",
    "confusion_matrix",
    "distribute_dataset",
    "evaluate",
    "free_ports",
    "gradient_bytes",
    "load_mnist",
    "load_model",
    "load_uci_digits",
    "make_dataset",
    "make_distributed_train_step",
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
    "shift_images",
    "split_validation",
    "tf_config",
    "train",
    "train_epoch",
    "train_distributed",
    "train_with_validation",
    "weights_digest",
]
