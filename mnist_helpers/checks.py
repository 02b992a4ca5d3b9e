"""Check what a helper is given and fail with a clear message before TensorFlow does.

A learner who passes raw pixels where normalized ones belong, or labels of the wrong length,
should read what to change, not a stack trace from deep inside a graph.
"""

import numpy as np

from mnist_helpers.errors import MnistDataError

IMAGE_SIDE = 28
PIXELS = IMAGE_SIDE * IMAGE_SIDE
NUM_CLASSES = 10


def check_raw_images(images: object) -> np.ndarray:
    """Return `images` as an array of raw uint8 pixels, shape (N, 28, 28) or (N, 784)."""
    images = check_image_shape(images)
    if images.dtype != np.uint8:
        hint = (
            " They look normalized already: normalize the raw uint8 images only once."
            if np.issubdtype(images.dtype, np.floating) and images.size and images.max() <= 1
            else ""
        )
        raise MnistDataError(
            f"Expected raw MNIST pixels of dtype uint8 (0-255), got {images.dtype}.{hint}"
        )
    return images


def check_normalized_images(images: object) -> np.ndarray:
    """Return `images` as float32 pixels in [0, 1], shape (N, 28, 28) or (N, 784)."""
    images = check_image_shape(images)
    if images.dtype == np.uint8:
        raise MnistDataError(
            "Got raw uint8 pixels (0-255): call normalize_images(images) first, so the model "
            "sees values in [0, 1]."
        )
    if images.dtype != np.float32:
        raise MnistDataError(f"Expected float32 pixels in [0, 1], got dtype {images.dtype}.")
    low, high = (images.min(), images.max()) if images.size else (0, 0)
    if not (np.isfinite(low) and np.isfinite(high)):  # min and max are NaN if any pixel is.
        raise MnistDataError(
            "Got pixels that are NaN or infinite: the model would learn nothing from them "
            "(loss nan). Normalize the raw uint8 images with normalize_images(images)."
        )
    if low < 0 or high > 1:
        raise MnistDataError(
            f"Expected pixels in [0, 1], got values from {low:g} to {high:g}: "
            "normalize raw uint8 images with normalize_images(images)."
        )
    return images


def check_labels(labels: object, expected_length: int | None = None) -> np.ndarray:
    """Return `labels` as a vector of integer class ids 0-9, of `expected_length` if given."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise MnistDataError(
            f"Expected labels as a 1-D vector of integers 0-9, got shape {labels.shape} and "
            f"dtype {labels.dtype}. (One-hot labels? Use labels.argmax(axis=1).)"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise MnistDataError(
            f"Labels must be class ids 0-9, got values from {labels.min()} to {labels.max()}."
        )
    if expected_length is not None and len(labels) != expected_length:
        raise MnistDataError(
            f"Got {expected_length:,} images but {len(labels):,} labels: each image needs "
            "exactly one label, pass matching slices."
        )
    return labels


def check_not_empty(images: np.ndarray, task: str) -> np.ndarray:
    """Return `images` if it holds at least one image: `task` (e.g. "evaluate") needs one."""
    if not len(images):
        raise MnistDataError(f"Got 0 images: {task} needs at least one.")
    return images


def check_image_shape(images: object) -> np.ndarray:
    """Return `images` as an array of shape (N, 28, 28) or (N, 784), raw or normalized."""
    images = np.asarray(images)
    square = images.ndim == 3 and images.shape[1:] == (IMAGE_SIDE, IMAGE_SIDE)
    flat = images.ndim == 2 and images.shape[1] == PIXELS
    if not (square or flat):
        raise MnistDataError(
            f"Expected a batch of MNIST images of shape (N, 28, 28) or (N, 784), got "
            f"{images.shape}. (A single image? Use images[None] to make a batch of one.)"
        )
    return images
