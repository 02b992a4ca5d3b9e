"""The seed's training loop: one `tf.GradientTape` step, one epoch of steps, several epochs.

One *step* is one batch: a forward pass, the loss, the gradients, one optimizer update.
One *epoch* is as many steps as it takes to see every training example once,
ceil(N / batch_size) of them.
"""

from collections.abc import Callable

import keras
import tensorflow as tf
from tqdm import tqdm

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
) -> TrainStep:
    """Return `train_step(x, y) -> loss`: the seed's loop body, traced into a graph if `compiled`.

    `tf.function` turns the Python body into one TensorFlow graph that runs without going
    back to Python for every operation; eager mode (compiled=False) runs it line by line.
    """

    def train_step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(y, logits)
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights, strict=True))
        accuracy.update_state(y, logits)
        return loss

    return tf.function(train_step) if compiled else train_step


def train_epoch(
    train_step: TrainStep,
    dataset: tf.data.Dataset,
    accuracy: keras.metrics.Metric,
    progress: bool = True,
    description: str = "epoch",
) -> dict[str, float]:
    """Run one pass over `dataset`; return the epoch's mean loss and running accuracy.

    The accuracy metric is reset first, so it measures this epoch only.
    """
    accuracy.reset_state()
    mean_loss = keras.metrics.Mean()
    steps = int(dataset.cardinality())
    batches = tqdm(
        dataset, total=steps if steps > 0 else None, desc=description, disable=not progress
    )
    for x, y in batches:
        mean_loss.update_state(train_step(x, y))
    return {"loss": float(mean_loss.result()), "accuracy": float(accuracy.result())}


def train(
    model: keras.Model,
    dataset: tf.data.Dataset,
    epochs: int = 1,
    compiled: bool = True,
    learning_rate: float = 1e-3,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Train `model` with Adam for `epochs`; return the history of loss and running accuracy."""
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}.")
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    step = make_train_step(
        model, make_loss(), keras.optimizers.Adam(learning_rate), accuracy, compiled=compiled
    )
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    for epoch in range(1, epochs + 1):
        result = train_epoch(step, dataset, accuracy, progress, f"epoch {epoch}/{epochs}")
        for key, value in result.items():
            history[key].append(value)
    return history
