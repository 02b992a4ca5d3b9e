"""Handwriting from people MNIST never saw: the UCI digits that scikit-learn bundles, shipped here.

1,797 digits written by 13 people on a form in Turkey (1998), scanned to 32 x 32 bitmaps and
stored as 8 x 8 counts of ink (0-16) per 4 x 4 block. A model trained on MNIST has never met
these writers, this scanner or this format: a test of what it learned about digits in general.
Provenance and licence: mnist_helpers/uci_digits/README.md.
"""

from pathlib import Path

import numpy as np

from mnist_helpers.errors import MnistDataError

UCI_DIGITS = Path(__file__).with_name("uci_digits") / "uci_digits.npz"
UCI_SIDE = 8
UCI_MAX_INK = 16


def load_uci_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 UCI digits: images (1797, 8, 8) uint8 ink counts 0-16, labels (1797,) uint8."""
    if not UCI_DIGITS.is_file():
        raise MnistDataError(
            f"The UCI digits are missing from the package ({UCI_DIGITS}): reinstall mnist-helpers "
            "or regenerate them with `python scripts/make_uci_digits.py`."
        )
    with np.load(UCI_DIGITS) as data:
        images, labels = data["images"], data["labels"]
    if images.shape[1:] != (UCI_SIDE, UCI_SIDE) or len(images) != len(labels):
        raise MnistDataError(
            f"{UCI_DIGITS} holds images of shape {images.shape} and {len(labels)} labels: "
            "regenerate it with `python scripts/make_uci_digits.py`."
        )
    return images, labels
