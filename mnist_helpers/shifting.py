"""Move digits a few pixels inside their 28 x 28 frame, to test what a model learned.

MNIST centres every digit by its centre of mass. A model that learned "ink at these pixels"
rather than "these strokes, wherever they are" reads a digit moved by a few pixels worse; the
shifted test digits measure how much.
"""

import numpy as np

from mnist_helpers.checks import IMAGE_SIDE, check_image_shape
from mnist_helpers.errors import MnistDataError


def shift_images(images: np.ndarray, right: int = 0, down: int = 0) -> np.ndarray:
    """Move every image `right` pixels to the right and `down` pixels down (negative: left, up).

    Pixels pushed past the border are lost and the uncovered ones are background (0), as if the
    writer had started a little further along the paper. Returns a new array of the input's
    shape and dtype, raw or normalized, square (N, 28, 28) or flat (N, 784).
    """
    images = check_image_shape(images)
    if max(abs(right), abs(down)) >= IMAGE_SIDE:
        raise MnistDataError(
            f"A shift of {right} right and {down} down moves every pixel out of the 28 x 28 "
            "frame: shift by fewer than 28 pixels."
        )
    square = images.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    shifted = np.zeros_like(square)
    rows_to, rows_from = _span(down)
    cols_to, cols_from = _span(right)
    shifted[:, rows_to, cols_to] = square[:, rows_from, cols_from]
    return shifted.reshape(images.shape)


def _span(offset: int) -> tuple[slice, slice]:
    # Where the kept pixels land, and where they come from, along one axis.
    if offset >= 0:
        return slice(offset, IMAGE_SIDE), slice(0, IMAGE_SIDE - offset)
    return slice(0, IMAGE_SIDE + offset), slice(-offset, IMAGE_SIDE)
