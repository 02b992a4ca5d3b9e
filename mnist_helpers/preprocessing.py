"""Turn raw uint8 pixels into what the model learns from best: float32 in [0, 1]."""

import numpy as np

from mnist_helpers.checks import PIXELS, check_raw_images

MAX_PIXEL = 255.0


def normalize_images(images: np.ndarray, flatten: bool = True) -> np.ndarray:
    """Scale raw uint8 pixels to float32 in [0, 1]; flatten each 28 x 28 image to 784 values.

    Returns a new array: the input is left as it was, so calling this after a
    `tf.data.Dataset` was built from the raw array does not change that dataset.
    """
    images = check_raw_images(images)
    scaled = images.astype(np.float32) / np.float32(MAX_PIXEL)
    return scaled.reshape(len(scaled), PIXELS) if flatten else scaled.reshape(-1, 28, 28)
