"""The classroom notebook's input pipeline: shuffle, batch, prefetch, reshuffled every epoch.

The classroom notebook writes
`Dataset.from_tensor_slices((images, labels)).shuffle(1024).batch(64)`. `make_dataset` gives
exactly the same batches for the same random seed, but shuffles the examples'
indices and gathers each batch of images in one op: the shuffle buffer then holds numbers, not
images, so even a full shuffle (`shuffle_buffer=len(images)`) costs only a 0.5 MB buffer.
"""

import numpy as np
import tensorflow as tf

from mnist_helpers.checks import check_labels, check_normalized_images
from mnist_helpers.errors import MnistDataError


def make_dataset(
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int = 64,
    shuffle_buffer: int | None = 1024,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Batches of (normalized images, labels), reshuffled every epoch; no shuffle if buffer is None.

    `shuffle(buffer_size)` keeps a buffer of that many examples and draws each next one at
    random from it, so a buffer smaller than the dataset only shuffles locally; a buffer of
    `len(images)` shuffles fully. `prefetch` prepares the next batch while the model trains on
    this one.
    """
    images = check_normalized_images(images)
    labels = check_labels(labels, expected_length=len(images))
    if batch_size < 1 or (shuffle_buffer is not None and shuffle_buffer < 1):
        raise MnistDataError(
            f"batch_size and shuffle_buffer must be at least 1, got {batch_size} and "
            f"{shuffle_buffer}."
        )
    images = tf.constant(images)
    labels = tf.constant(labels.astype(np.int64))
    indices = tf.data.Dataset.range(len(images))
    if shuffle_buffer is not None:
        indices = indices.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    dataset = indices.batch(batch_size).map(
        lambda batch: (tf.gather(images, batch), tf.gather(labels, batch))
    )
    # The tf.data autotuner (on by default) tunes buffers and threads that this small in-memory
    # pipeline does not need, and on a shared 2-core machine it stalled the end of some epochs
    # (benchmarks/README.md). One prefetched batch is enough: gathering a batch is a small
    # fraction of a training step.
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.prefetch(1).with_options(options)
