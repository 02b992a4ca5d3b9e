"""The seed's input pipeline: from_tensor_slices, shuffle(buffer_size), batch, then prefetch."""

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
    random from it, so a buffer smaller than the dataset only shuffles locally. `prefetch`
    prepares the next batch while the model trains on this one.
    """
    images = check_normalized_images(images)
    labels = check_labels(labels, expected_length=len(images))
    if batch_size < 1 or (shuffle_buffer is not None and shuffle_buffer < 1):
        raise MnistDataError(
            f"batch_size and shuffle_buffer must be at least 1, got {batch_size} and "
            f"{shuffle_buffer}."
        )
    dataset = tf.data.Dataset.from_tensor_slices((images, labels.astype(np.int64)))
    if shuffle_buffer is not None:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
