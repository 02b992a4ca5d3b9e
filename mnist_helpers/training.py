"""The classroom notebook's training loop: one `tf.GradientTape` step, one epoch, several epochs.

One *step* is one batch: a forward pass, the loss, the gradients, one optimizer update.
One *epoch* is as many steps as it takes to see every training example once,
ceil(N / batch_size) of them.

This is the loop chapter 4 teaches, and the only one the package runs: `train`,
`validation.train_with_validation` and `distributed.train_distributed` all run
`make_train_step`'s step through `run_epochs`. Its two speed switches are options of that loop:
`jit_compile` (XLA compiles the step) and `steps_per_call` (several steps per graph call).
"""

from collections.abc import Callable, Iterable, Iterator

import keras
import tensorflow as tf
from tqdm import tqdm

from mnist_helpers.errors import MnistDataError

TrainStep = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]
# `run_steps(batches) -> (loss_sum, steps)`: trains on up to some batches of the iterator.
RunSteps = Callable[[Iterator], tuple[tf.Tensor | float, tf.Tensor | int]]
History = dict[str, list[float]]

# Defaults measured on the embedded sample (63 steps per epoch, the main job): XLA's compilation
# costs more than it saves there. One step per call is chapter 4's loop; several pay off when a
# call from Python costs about as much as a step (small steps, a busy machine).
JIT_COMPILE = False
STEPS_PER_CALL = 1


def make_loss(reduction: str = "sum_over_batch_size") -> keras.losses.Loss:
    """Cross-entropy on integer labels; `from_logits=True` because the model outputs logits.

    The default averages over the batch; `reduction="sum"` adds the examples' losses up, for a
    caller that divides by a batch size of its own (several replicas, `train_distributed`).
    """
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=reduction)


def check_epochs(epochs: int) -> int:
    """The one check of `epochs` every training function makes: a whole number, at least 1."""
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise MnistDataError(f"epochs must be a whole number, at least 1, got {epochs!r}.")
    return epochs


def make_train_step(
    model: keras.Model,
    loss_fn: Callable[[tf.Tensor, tf.Tensor], tf.Tensor],
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


def one_step_per_call(train_step: TrainStep) -> RunSteps:
    """`run_steps` that trains on the next batch only: Python calls the step once per batch."""

    def run_steps(batches: Iterator) -> tuple[tf.Tensor | float, int]:
        batch = next(batches, None)
        if batch is None:  # The epoch is over.
            return 0.0, 0
        return train_step(*batch), 1

    return run_steps


def several_steps_per_call(train_step: TrainStep, steps_per_call: int) -> RunSteps:
    """`run_steps` that trains on up to `steps_per_call` batches inside one graph call.

    Python then pays the cost of a call (starting the graph, handing over a batch) once per
    group instead of once per step. The last group of an epoch runs the batches that are left.
    """

    @tf.function
    def run_steps(batches: Iterator) -> tuple[tf.Tensor, tf.Tensor]:
        loss_sum, steps = tf.constant(0.0), tf.constant(0)
        for _ in tf.range(steps_per_call):
            batch = batches.get_next_as_optional()
            if not batch.has_value():  # The epoch ended inside this group.
                break
            loss_sum += train_step(*batch.get_value())
            steps += 1
        return loss_sum, steps

    return run_steps


def check_steps_per_call(steps_per_call: int) -> int:
    """`steps_per_call` is a whole number, at least 1."""
    if isinstance(steps_per_call, bool) or not isinstance(steps_per_call, int):
        raise MnistDataError(f"steps_per_call must be a whole number, got {steps_per_call!r}.")
    if steps_per_call < 1:
        raise MnistDataError(f"steps_per_call must be at least 1, got {steps_per_call}.")
    return steps_per_call


def make_run_steps(train_step: TrainStep, steps_per_call: int = 1) -> RunSteps:
    """One step per call from Python, or `steps_per_call` of them inside a graph."""
    if check_steps_per_call(steps_per_call) == 1:
        return one_step_per_call(train_step)
    return several_steps_per_call(train_step, steps_per_call)


def run_epoch(
    run_steps: RunSteps,
    dataset: Iterable,
    accuracy: keras.metrics.Metric,
    progress: bool = False,
    description: str = "epoch",
) -> dict[str, float]:
    """Train on every batch of `dataset` once; return the epoch's mean loss and running accuracy.

    The mean loss is the mean of the steps' losses. The accuracy metric is reset first, so it
    measures this epoch only.
    """
    accuracy.reset_state()
    batches = iter(dataset)
    known = int(dataset.cardinality()) if isinstance(dataset, tf.data.Dataset) else -1
    loss_sum, steps = 0.0, 0
    with tqdm(total=known if known >= 0 else None, desc=description, disable=not progress) as bar:
        while True:
            group_loss, group_steps = run_steps(batches)
            if int(group_steps) == 0:
                break
            loss_sum += float(group_loss)
            steps += int(group_steps)
            bar.update(int(group_steps))
    if steps == 0:
        raise MnistDataError("The dataset gave no batch: check that it is not empty.")
    return {"loss": loss_sum / steps, "accuracy": float(accuracy.result())}


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
    return run_epoch(one_step_per_call(train_step), dataset, accuracy, progress, description)


def run_epochs(
    run_steps: RunSteps,
    dataset: Iterable,
    accuracy: keras.metrics.Metric,
    epochs: Iterable[int],
    last_epoch: int,
    progress: bool = False,
    after_epoch: Callable[[int], dict[str, float]] | None = None,
) -> History:
    """The epoch loop every training function shares: one `run_epoch` per epoch, one history.

    The history holds, per epoch, "loss" and "accuracy", plus whatever `after_epoch(epoch)`
    returns (the validation loss and accuracy, say): the keys of Keras' `History.history`.
    """
    history: History = {"loss": [], "accuracy": []}
    for epoch in epochs:
        logs = run_epoch(run_steps, dataset, accuracy, progress, f"epoch {epoch}/{last_epoch}")
        if after_epoch is not None:
            logs |= after_epoch(epoch)
        for key, value in logs.items():
            history.setdefault(key, []).append(value)
    return history


def train(
    model: keras.Model,
    dataset: tf.data.Dataset,
    epochs: int = 1,
    compiled: bool = True,
    learning_rate: float = 1e-3,
    progress: bool = True,
    jit_compile: bool = JIT_COMPILE,
    steps_per_call: int = STEPS_PER_CALL,
) -> History:
    """Train `model` with Adam for `epochs`; return the history of loss and running accuracy.

    Every step is `make_train_step`'s, in a `tf.function` (`compiled=False`: the eager loop,
    step by step). `jit_compile=True` lets XLA compile the step; `steps_per_call=N` runs N steps
    per graph call.
    """
    check_epochs(epochs)
    check_steps_per_call(steps_per_call)
    if not compiled and (jit_compile or steps_per_call != 1):
        raise MnistDataError(
            "jit_compile and steps_per_call speed up the compiled loop: use them with "
            "compiled=True, or leave them at False and 1 for the eager loop."
        )
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    optimizer = keras.optimizers.Adam(learning_rate)
    step = make_train_step(model, make_loss(), optimizer, accuracy, compiled, jit_compile)
    run_steps = make_run_steps(step, steps_per_call)
    return run_epochs(run_steps, dataset, accuracy, range(1, epochs + 1), epochs, progress)
