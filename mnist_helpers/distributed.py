"""The course's `tf.GradientTape` loop on several replicas with `tf.distribute`.

Data parallelism: every replica holds a copy of the model and gets its slice of each global
batch; each computes the gradients of its slice, the replicas add them up (an *all-reduce*)
and every copy applies the same update, so the copies stay identical. The same code runs on
two CPU devices of one process (`MirroredStrategy`) or on worker processes, on one machine or
many (`MultiWorkerMirroredStrategy`); only the strategy changes.

Two details make it the same training as one process:

- each replica divides the sum of its examples' losses by the *global* batch size
  (`tf.nn.compute_average_loss`), so that adding the replicas' gradients gives the gradient
  of the mean loss over the whole batch, as on one device;
- `experimental_distribute_dataset` splits every global batch into per-replica batches and
  gives each worker its own share (auto-sharding by data, since the digits are in memory).
"""

import hashlib
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

DistributedStep = Callable[[tuple], tf.Tensor]


def distribute_dataset(
    strategy: tf.distribute.Strategy, dataset: tf.data.Dataset
) -> tf.distribute.DistributedDataset:
    """Split each global batch of `dataset` between the strategy's replicas and workers.

    The dataset is read from memory, not from files, so each worker shards by data: it builds
    the same batches (same seed) and keeps its own part of each one.
    """
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return strategy.experimental_distribute_dataset(dataset.with_options(options))


def make_distributed_train_step(
    strategy: tf.distribute.Strategy,
    model: keras.Model,
    optimizer: keras.optimizers.Optimizer,
    accuracy: keras.metrics.Metric,
    global_batch_size: int,
) -> DistributedStep:
    """Return `step(batch) -> loss`: one training step on every replica (call it in a graph).

    The body is the course's GradientTape step; the loss is divided by the global batch size,
    not the replica's, and the returned loss is the replicas' sum: the mean over the global
    batch. A smaller last batch is divided by `global_batch_size` too, as TensorFlow's guide
    does, so that step counts in proportion to its size.
    """
    per_example_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)

    def replica_step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = tf.nn.compute_average_loss(
                per_example_loss(y, logits), global_batch_size=global_batch_size
            )
        gradients = tape.gradient(loss, model.trainable_weights)
        # Under a strategy, apply_gradients all-reduces (sums) the gradients across replicas.
        optimizer.apply_gradients(zip(gradients, model.trainable_weights, strict=True))
        accuracy.update_state(y, logits)
        return loss

    def step(batch: tuple) -> tf.Tensor:
        losses = strategy.run(replica_step, args=batch)
        return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

    return step


def train_distributed(
    strategy: tf.distribute.Strategy,
    model: keras.Model,
    dataset: tf.data.Dataset,
    global_batch_size: int,
    epochs: int = 1,
    learning_rate: float = 1e-3,
    checkpoint_dir: Path | None = None,
    on_epoch_end: Callable[[int], None] | None = None,
) -> dict[str, list[float]]:
    """Train `model` (built under `strategy.scope()`) with Adam; return its history.

    `dataset` gives global batches of `global_batch_size`. With a `checkpoint_dir`, the model,
    optimizer and epoch number are saved after every epoch, and a run that finds a checkpoint
    there resumes after its epoch instead of starting again at epoch 1. The history's
    "epochs" lists the epochs this run trained, "epoch_seconds" how long each took.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}.")
    with strategy.scope():
        optimizer = keras.optimizers.Adam(learning_rate)
        # Adam's moments now, not at the first step: variables created inside the first call
        # of a graph break it under MirroredStrategy, and a checkpoint restores them at once.
        optimizer.build(model.trainable_weights)
        accuracy = keras.metrics.SparseCategoricalAccuracy()
        epochs_done = tf.Variable(0, dtype=tf.int64, trainable=False)
    checkpoints = None
    if checkpoint_dir is not None:
        checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, epoch=epochs_done)
        checkpoints = tf.train.CheckpointManager(checkpoint, str(checkpoint_dir), max_to_keep=2)
        checkpoint.restore(checkpoints.latest_checkpoint)  # Nothing to restore: a fresh start.
    step = make_distributed_train_step(strategy, model, optimizer, accuracy, global_batch_size)
    batches = distribute_dataset(strategy, dataset)

    # The whole epoch in one graph: fetching each distributed batch from Python costs more
    # than the step itself (every worker must agree that there is a next batch).
    @tf.function
    def run_epoch(batches: tf.distribute.DistributedDataset) -> tuple[tf.Tensor, tf.Tensor]:
        loss_sum, steps = tf.constant(0.0), tf.constant(0)
        for batch in batches:
            loss_sum += step(batch)
            steps += 1
        return loss_sum, steps

    history: dict[str, list[float]] = {"epochs": [], "loss": [], "accuracy": []}
    history["epoch_seconds"] = []
    for epoch in range(int(epochs_done.numpy()) + 1, epochs + 1):
        started = time.perf_counter()
        accuracy.reset_state()
        with warnings.catch_warnings():
            # TensorFlow's distributed iterator reads the dataset's options while tracing and
            # warns about its own internals: nothing a caller can act on.
            warnings.filterwarnings("ignore", "To make it possible to preserve tf.data options")
            loss_sum, steps = run_epoch(batches)
        history["epoch_seconds"].append(time.perf_counter() - started)
        history["epochs"].append(epoch)
        history["loss"].append(float(loss_sum) / int(steps))
        history["accuracy"].append(float(accuracy.result()))
        epochs_done.assign(epoch)
        if checkpoints is not None:
            checkpoints.save(checkpoint_number=epoch)
        if on_epoch_end is not None:
            on_epoch_end(epoch)
    return history


def gradient_bytes(model: keras.Model) -> int:
    """Bytes each replica contributes to one step's all-reduce: the size of all its gradients."""
    return sum(
        int(np.prod(weight.shape)) * np.dtype(weight.dtype).itemsize
        for weight in model.trainable_weights
    )


def weights_digest(model: keras.Model) -> str:
    """A SHA-256 of every weight's bytes: equal digests mean bit-for-bit identical models."""
    digest = hashlib.sha256()
    for weight in model.weights:
        digest.update(np.ascontiguousarray(keras.ops.convert_to_numpy(weight)).tobytes())
    return digest.hexdigest()
