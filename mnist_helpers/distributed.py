"""The course's `tf.GradientTape` loop on several replicas with `tf.distribute`.

Data parallelism: every replica holds a copy of the model and gets its slice of each global
batch; each computes the gradients of its slice, the replicas add them up (an *all-reduce*)
and every copy applies the same update, so the copies stay identical. The same code runs on
two CPU devices of one process (`MirroredStrategy`) or on worker processes, on one machine or
many (`MultiWorkerMirroredStrategy`); only the strategy changes.

The step and the epoch loop are `training.py`'s; two details make it the same training as one
process:

- each replica divides the sum of its examples' losses by the *global* batch size (as
  `tf.nn.compute_average_loss` does), so that adding the replicas' gradients gives the gradient
  of the mean loss over the whole batch, as on one device;
- `experimental_distribute_dataset` splits every global batch into per-replica batches and
  gives each worker its own share (auto-sharding by data, since the digits are in memory).
"""

import hashlib
import warnings
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers.training import (
    History,
    TrainStep,
    check_epochs,
    check_steps_per_call,
    make_loss,
    make_train_step,
    run_epochs,
    several_steps_per_call,
)

# Enough steps per graph call that the workers' agreement on "is there a next batch" is paid
# rarely; a progress report still comes every epoch.
DISTRIBUTED_STEPS_PER_CALL = 100


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
) -> TrainStep:
    """Return `step(x, y) -> loss`: chapter 4's step on every replica (call it in a graph).

    Two changes only: `strategy.run` runs the step on each replica's slice of the batch, and
    each replica divides the sum of its examples' losses by the *global* batch size, so the
    replicas' gradients add up to the gradient of the whole batch's mean loss. The returned
    loss is the replicas' sum: the mean over the global batch. A smaller last batch is divided
    by `global_batch_size` too, as TensorFlow's guide does, so that step counts in proportion
    to its size.
    """
    summed_loss = make_loss(reduction="sum")

    def loss_fn(y: tf.Tensor, logits: tf.Tensor) -> tf.Tensor:
        return summed_loss(y, logits) / global_batch_size

    # Under a strategy, apply_gradients all-reduces (sums) the gradients across replicas.
    replica_step = make_train_step(model, loss_fn, optimizer, accuracy, compiled=False)

    def step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        losses = strategy.run(replica_step, args=(x, y))
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
    steps_per_call: int = DISTRIBUTED_STEPS_PER_CALL,
) -> History:
    """Train `model` (built under `strategy.scope()`) with Adam; return its history.

    `dataset` gives global batches of `global_batch_size`. The history is `train`'s: "loss" and
    "accuracy", one entry per epoch this run trained. With a `checkpoint_dir`, the model,
    optimizer and epoch number are saved after every epoch, and a run that finds a checkpoint
    there resumes after its epoch instead of starting again at epoch 1: its history then holds
    the last epochs only. `on_epoch_end(epoch)` is called after each epoch (and its checkpoint).
    """
    check_epochs(epochs)
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
    # Steps run inside graph calls only: fetching each distributed batch from Python costs more
    # than the step itself (every worker must agree that there is a next batch).
    run_steps = several_steps_per_call(step, check_steps_per_call(steps_per_call))

    def save_checkpoint(epoch: int) -> dict[str, float]:
        epochs_done.assign(epoch)
        if checkpoints is not None:
            checkpoints.save(checkpoint_number=epoch)
        if on_epoch_end is not None:
            on_epoch_end(epoch)
        return {}

    remaining = range(int(epochs_done.numpy()) + 1, epochs + 1)
    with warnings.catch_warnings():
        # TensorFlow's distributed iterator reads the dataset's options while tracing and
        # warns about its own internals: nothing a caller can act on.
        warnings.filterwarnings("ignore", "To make it possible to preserve tf.data options")
        batches = distribute_dataset(strategy, dataset)
        return run_epochs(run_steps, batches, accuracy, remaining, epochs, False, save_checkpoint)


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
