"""The classroom notebook's training loop: one `tf.GradientTape` step, one epoch, several epochs.

One *step* is one batch: a forward pass, the loss, the gradients, one optimizer update.
One *epoch* is as many steps as it takes to see every training example once,
ceil(N / batch_size) of them.

This is the loop as chapter 4 teaches it. `train` runs the same steps through
`mnist_helpers.fast_training` when it can (the same updates, in fewer and larger kernels, many
steps per graph call); `benchmarks/train_loop.py` measures both.
"""

from collections.abc import Callable

import keras
import tensorflow as tf
from tqdm import tqdm

from mnist_helpers.errors import MnistDataError
from mnist_helpers.fast_training import FusedTraining, why_not_fusable

TrainStep = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]


def make_loss() -> keras.losses.Loss:
    """Cross-entropy on integer labels; `from_logits=True` because the model outputs logits."""
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def make_train_step(
    model: keras.Model,
    loss_fn: keras.losses.Loss,
    optimizer: keras.optimizers.Optimizer,
    accuracy: keras.metrics.Metric,
    compiled: bool = True,
    jit_compile: bool = False,
) -> TrainStep:
    """Return `train_step(x, y) -> loss`: the loop's body, traced into a graph if `compiled`.

    `tf.function` turns the Python body into one TensorFlow graph that runs without going
    back to Python for every operation; eager mode (compiled=False) runs it line by line.
    `jit_compile=True` (used only when compiled) also lets XLA compile that graph.
    """

    def train_step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(y, logits)
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights, strict=True))
        accuracy.update_state(y, logits)
        return loss

    if not compiled:
        return train_step
    return tf.function(train_step, jit_compile=jit_compile)


def train_epoch(
    train_step: TrainStep,
    dataset: tf.data.Dataset,
    accuracy: keras.metrics.Metric,
    progress: bool = True,
    description: str = "epoch",
) -> dict[str, float]:
    """Run one step per batch of `dataset`; return the epoch's mean loss and running accuracy.

    The accuracy metric is reset first, so it measures this epoch only.
    """
    accuracy.reset_state()
    losses = []
    for x, y in tqdm(dataset, desc=description, disable=not progress):
        losses.append(float(train_step(x, y)))
    if not losses:
        raise MnistDataError("The dataset gave no batch: check that it is not empty.")
    return {"loss": sum(losses) / len(losses), "accuracy": float(accuracy.result())}


def train(
    model: keras.Model,
    dataset: tf.data.Dataset,
    epochs: int = 1,
    compiled: bool = True,
    learning_rate: float = 1e-3,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Train `model` with Adam for `epochs`; return the history of loss and running accuracy.

    Compiled, the course's models train through `FusedTraining`, any other model through
    `make_train_step`; `compiled=False` runs the eager loop, step by step.
    """
    if epochs < 1:
        raise MnistDataError(f"epochs must be at least 1, got {epochs}.")
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    optimizer = keras.optimizers.Adam(learning_rate)
    if compiled and not why_not_fusable(model):  # The course's models.
        run_epoch = FusedTraining(model, optimizer, accuracy).epoch
    else:
        step = make_train_step(model, make_loss(), optimizer, accuracy, compiled=compiled)

        def run_epoch(dataset, progress, description):
            return train_epoch(step, dataset, accuracy, progress, description)

    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    for epoch in range(1, epochs + 1):
        for key, value in run_epoch(dataset, progress, f"epoch {epoch}/{epochs}").items():
            history[key].append(value)
    return history
