"""Hold out validation digits from the training digits, and watch them while training.

The test set answers one question once, at the end: how well does the finished model read new
digits? Choosing *when to stop* (or any other setting) by looking at the test set would tune
the model to those 10,000 digits, and the test accuracy would no longer measure new ones. So
the choices are made on a validation split carved out of the training digits.
"""

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers.checks import check_labels, check_normalized_images
from mnist_helpers.errors import MnistDataError
from mnist_helpers.training import (
    JIT_COMPILE,
    STEPS_PER_CALL,
    History,
    check_epochs,
    make_loss,
    make_run_steps,
    make_train_step,
    run_epochs,
)

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def split_validation(
    images: np.ndarray, labels: np.ndarray, fraction: float = 0.2, seed: int | None = None
) -> Split:
    """Return `(x_train, y_train), (x_val, y_val)`: a random `fraction` of the digits held out.

    The digits are drawn at random (repeatably from a `seed`) so that both parts hold every
    class in about the same proportion, even if the input is sorted by label.
    """
    labels = check_labels(labels, expected_length=len(np.asarray(images)))
    images = np.asarray(images)
    if not 0 < fraction < 1:
        raise MnistDataError(
            f"fraction is the share of digits held out for validation, between 0 and 1 "
            f"(e.g. 0.2), got {fraction}."
        )
    held_out = round(fraction * len(images))
    if held_out == 0 or held_out == len(images):
        raise MnistDataError(
            f"A fraction of {fraction} of {len(images):,} digits leaves one part empty: "
            "use more digits or a fraction further from 0 and 1."
        )
    order = np.random.default_rng(seed).permutation(len(images))
    val, train = order[:held_out], order[held_out:]
    return (images[train], labels[train]), (images[val], labels[val])


def train_with_validation(
    model: keras.Model,
    dataset: tf.data.Dataset,
    validation: tuple[np.ndarray, np.ndarray],
    epochs: int,
    learning_rate: float = 1e-3,
    jit_compile: bool = JIT_COMPILE,
    steps_per_call: int = STEPS_PER_CALL,
) -> History:
    """The course's training loop, measuring the validation digits after every epoch.

    Returns the history of `train` (`loss`, `accuracy`, per epoch) plus `val_loss` and
    `val_accuracy`: the same keys `model.fit(validation_data=...)` uses.
    """
    check_epochs(epochs)
    x_val, y_val = validation
    x_val = check_normalized_images(x_val)
    y_val = check_labels(y_val, expected_length=len(x_val))
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    optimizer = keras.optimizers.Adam(learning_rate)
    step = make_train_step(model, make_loss(), optimizer, accuracy, jit_compile=jit_compile)

    def measure_validation(epoch: int) -> dict[str, float]:
        # Called directly: `model.predict` traces a new graph for every model it meets, and
        # TensorFlow warns about retracing when a notebook compares a few models.
        logits = model(x_val, training=False)
        return {
            "val_loss": float(make_loss()(y_val, logits)),
            "val_accuracy": float(np.mean(np.argmax(logits, axis=1) == y_val)),
        }

    run_steps = make_run_steps(step, steps_per_call)
    numbers = range(1, epochs + 1)
    return run_epochs(run_steps, dataset, accuracy, numbers, epochs, False, measure_validation)


def best_epoch(val_losses: list[float]) -> int:
    """The epoch (counted from 1, as Keras prints them) with the lowest validation loss."""
    if len(val_losses) == 0:
        raise MnistDataError("No validation losses given: train for at least one epoch.")
    return int(np.argmin(val_losses)) + 1
