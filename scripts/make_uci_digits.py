"""Regenerate mnist_helpers/uci_digits/uci_digits.npz from the copy scikit-learn bundles.

Run once, with scikit-learn installed (`pip install -e .[sample]`):

    python scripts/make_uci_digits.py

`sklearn.datasets.load_digits()` returns the 1,797 digits of the UCI "Optical Recognition of
Handwritten Digits" test set: 8 x 8 images of integer ink counts 0-16. We store them unchanged,
as uint8, in scikit-learn's order, so the chapter needs neither scikit-learn nor its SciPy.
"""

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

OUTPUT = Path(__file__).resolve().parents[1] / "mnist_helpers" / "uci_digits" / "uci_digits.npz"


def main() -> None:
    digits = load_digits()
    images = digits.images.astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    if not np.array_equal(images, digits.images) or not np.array_equal(labels, digits.target):
        raise SystemExit("scikit-learn's digits are no longer integers 0-16: check the script.")
    np.savez_compressed(OUTPUT, images=images, labels=labels)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes): {len(images)} digits")


if __name__ == "__main__":
    main()
