"""Run every chapter on a full-size stand-in for MNIST: 60,000 training and 10,000 test digits.

    python scripts/check_full_size.py [--keep stand_in.npz]

Online, `load_mnist()` gives the chapters all of MNIST, not the 4,000-digit sample they are
stored with, so each must stay short and quick at that size too. CI has no network, so this
builds the stand-in from the embedded sample: every sample digit, shifted by up to 2 pixels
each way (zeros fill in), repeated to 60,000 / 10,000, shuffled, saved as a temporary `.npz`
under the Keras keys, and named in MNIST_SOURCE. Then each chapter runs top to bottom
(scripts/run_chapters.py: outputs not compared, asserts run).

Fails on an error or on a cell output over 40 lines. The 60 s budget per chapter is printed and
flagged, never asserted: a timed check on a shared machine fails at random (developers' guide).
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FULL_SIZE = {"train": 60_000, "test": 10_000}
MAX_SHIFT = 2
SEED = 60_000


def shifted(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each image moved by its own random (dy, dx) in [-MAX_SHIFT, MAX_SHIFT], zero-filled."""
    padded = np.pad(images, ((0, 0), (MAX_SHIFT, MAX_SHIFT), (MAX_SHIFT, MAX_SHIFT)))
    side = images.shape[1]
    out = np.empty_like(images)
    offsets = rng.integers(0, 2 * MAX_SHIFT + 1, size=(len(images), 2))
    for dy in range(2 * MAX_SHIFT + 1):
        for dx in range(2 * MAX_SHIFT + 1):
            chosen = (offsets[:, 0] == dy) & (offsets[:, 1] == dx)
            out[chosen] = padded[chosen, dy : dy + side, dx : dx + side]
    return out


def stand_in(sample: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The sample's digits, shifted copies of them, to MNIST's size, in a shuffled order."""
    arrays = {}
    for split, size in FULL_SIZE.items():
        images, labels = sample[f"x_{split}"], sample[f"y_{split}"]
        picks = rng.permutation(np.resize(np.arange(len(images)), size))
        arrays[f"x_{split}"] = shifted(images[picks], rng)
        arrays[f"y_{split}"] = labels[picks]
    return arrays


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="also save the stand-in here")
    args = parser.parse_args()

    from mnist_helpers import load_mnist  # Here, so --help does not wait for TensorFlow.

    (x_train, y_train), (x_test, y_test) = load_mnist("sample")
    sample = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    arrays = stand_in(sample, np.random.default_rng(SEED))
    print(", ".join(f"{key} {array.shape} {array.dtype}" for key, array in arrays.items()))

    with tempfile.TemporaryDirectory(prefix="full-size-") as folder:
        path = args.keep or Path(folder) / "mnist_stand_in.npz"
        np.savez_compressed(path, **arrays)
        chapters = sorted((ROOT / "notebooks").glob("*.ipynb"))
        command = [sys.executable, ROOT / "scripts" / "run_chapters.py", *chapters]
        env = dict(os.environ, MNIST_SOURCE=str(path.resolve()))
        return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
