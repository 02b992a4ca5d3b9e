"""Helpers for the mnist-tutorials chapters, one module per step of the course.

data -> preprocessing -> pipeline -> model -> training -> evaluation -> plotting.
"""

from mnist_helpers.quiet import import_tensorflow_quietly

import_tensorflow_quietly()  # Before any module below imports TensorFlow.

from mnist_helpers.cluster import LocalCluster, WorkerLostError, free_ports, tf_config  # noqa: E402
from mnist_helpers.data import load_mnist  # noqa: E402
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
from mnist_helpers.model import build_model  # noqa: E402
from mnist_helpers.pipeline import make_dataset  # noqa: E402
from mnist_helpers.plotting import (  # noqa: E402
    plot_confusion_matrix,
    plot_digits,
    plot_history,
    plot_probabilities,
)
from mnist_helpers.preprocessing import normalize_images  # noqa: E402
from mnist_helpers.training import make_loss, make_train_step, train, train_epoch  # noqa: E402

__all__ = [
    "Evaluation",
    "LocalCluster",
    "MnistDataError",
    "WorkerLostError",
    "build_model",
    "confusion_matrix",
    "distribute_dataset",
    "evaluate",
    "free_ports",
    "gradient_bytes",
    "load_mnist",
    "make_dataset",
    "make_distributed_train_step",
    "make_loss",
    "make_train_step",
    "normalize_images",
    "plot_confusion_matrix",
    "plot_digits",
    "plot_history",
    "plot_probabilities",
    "predict_labels",
    "predict_logits",
    "tf_config",
    "train",
    "train_distributed",
    "train_epoch",
    "weights_digest",
]
