"""The seed's training loop: one `tf.GradientTape` step, one epoch of steps, several epochs.

One *step* is one batch: a forward pass, the loss, the gradients, one optimizer update.
One *epoch* is as many steps as it takes to see every training example once,
ceil(N / batch_size) of them.

The seed runs every step eagerly, op by op from Python. Three things make the same loop about
10x faster on a 2-core CPU, each measured by `benchmarks/train_loop.py`:

1. `tf.function` traces the step into one graph, so Python runs once per trace, not per op;
2. `jit_compile=True` lets XLA fuse the step's small ops into a few kernels;
3. `steps_per_call` steps run inside one graph call, so Python's per-step overhead (fetching
   the batch, calling the function) is paid once per group, and the progress bar still moves.
"""

import weakref
from collections.abc import Callable

import keras
import tensorflow as tf
from tqdm import tqdm

TrainStep = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]
StepRunner = Callable[[tf.data.Iterator, int], tuple[tf.Tensor, tf.Tensor]]

# About 0.1 s of training per call on 2 cores: the progress bar still updates ~20 times an
# epoch on the full MNIST, while the overhead of a call from Python (fetching a batch, calling
# the graph: ~1 ms here) is paid 50x less often. Measured per epoch of 60,000 digits: 2.3 s,
# against 4.1 s with one call per step; 10 or 200 steps per call do no better than 50.
STEPS_PER_CALL = 50


def make_loss() -> keras.losses.Loss:
    """Cross-entropy on integer labels; `from_logits=True` because the model outputs logits."""
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def make_train_step(
    model: keras.Model,
    loss_fn: keras.losses.Loss,
    optimizer: keras.optimizers.Optimizer,
    accuracy: keras.metrics.Metric,
    compiled: bool = True,
    jit_compile: bool = True,
) -> TrainStep:
    """Return `train_step(x, y) -> loss`: the seed's loop body, traced into a graph if `compiled`.

    `tf.function` turns the Python body into one TensorFlow graph that runs without going
    back to Python for every operation; eager mode (compiled=False) runs it line by line.
    `jit_compile` (used only when compiled) lets XLA compile that graph for this machine.
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
    # XLA fuses the ~100 small ops around the matmuls (bias adds, ReLU masks, cross-entropy,
    # Adam's updates of six weight tensors and their moments) into a few kernels: measured
    # 2.3 s per epoch of 60,000 digits against 3.3 s without XLA (the step alone, without the
    # loop around it: 1.7 s against 2.8 s). XLA compiles once per batch shape, so twice per run:
    # the full batches and the smaller last one (60,000 = 937 x 64 + 32); later epochs reuse both.
    return tf.function(train_step, jit_compile=jit_compile)


def train_epoch(
    train_step: TrainStep,
    dataset: tf.data.Dataset,
    accuracy: keras.metrics.Metric,
    progress: bool = True,
    description: str = "epoch",
    steps_per_call: int = STEPS_PER_CALL,
) -> dict[str, float]:
    """Run one pass over `dataset`; return the epoch's mean loss and running accuracy.

    The accuracy metric is reset first, so it measures this epoch only. The loss is the mean of
    the steps' losses. A compiled `train_step` runs up to `steps_per_call` steps per call of one
    graph; an eager one runs step by step in Python, as the seed does.
    """
    if steps_per_call < 1:
        raise ValueError(f"steps_per_call must be at least 1, got {steps_per_call}.")
    accuracy.reset_state()
    run_steps = _step_runner(train_step)
    batches = iter(dataset)
    steps = int(dataset.cardinality())
    loss_sum, steps_done = 0.0, 0
    with tqdm(total=steps if steps > 0 else None, desc=description, disable=not progress) as bar:
        while True:
            group_loss, group_steps = run_steps(batches, steps_per_call)
            if int(group_steps) == 0:
                break
            loss_sum += float(group_loss)
            steps_done += int(group_steps)
            bar.update(int(group_steps))
    if steps_done == 0:
        raise ValueError("The dataset gave no batch: check that it is not empty (or taken 0).")
    return {"loss": loss_sum / steps_done, "accuracy": float(accuracy.result())}


def train(
    model: keras.Model,
    dataset: tf.data.Dataset,
    epochs: int = 1,
    compiled: bool = True,
    learning_rate: float = 1e-3,
    progress: bool = True,
    steps_per_call: int = STEPS_PER_CALL,
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
        result = train_epoch(
            step, dataset, accuracy, progress, f"epoch {epoch}/{epochs}", steps_per_call
        )
        for key, value in result.items():
            history[key].append(value)
    return history


def _run_steps(
    train_step: TrainStep, batches: tf.data.Iterator, max_steps: int
) -> tuple[tf.Tensor, tf.Tensor]:
    """Up to `max_steps` steps on the next batches; returns (sum of their losses, steps run)."""
    loss_sum = tf.constant(0.0)
    steps = tf.constant(0)
    for _ in tf.range(max_steps):
        batch = batches.get_next_as_optional()
        if not batch.has_value():
            break
        x, y = batch.get_value()
        loss_sum += train_step(x, y)
        steps += 1
    return loss_sum, steps


# One graph of `_run_steps` per compiled train_step, kept while that step lives: tracing it again
# every epoch would cost more than the per-step overhead it saves. The graph refers to the step
# weakly, so a notebook that builds many models does not keep them all alive.
_compiled_runners: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _step_runner(train_step: TrainStep) -> StepRunner:
    """`_run_steps` bound to `train_step`: traced into a graph if the step is a `tf.function`."""
    if not isinstance(train_step, tf.types.experimental.PolymorphicFunction):
        return lambda batches, max_steps: _run_steps(train_step, batches, max_steps)
    if train_step not in _compiled_runners:
        step = weakref.ref(train_step)
        _compiled_runners[train_step] = tf.function(
            lambda batches, max_steps: _run_steps(step(), batches, max_steps)
        )
    return _compiled_runners[train_step]
