"""`python -m mnist_helpers predict IMAGE...`: the digit in each image file, with a saved model."""

import argparse
import sys
from pathlib import Path

from mnist_helpers.errors import MnistDataError
from mnist_helpers.predict import load_model, predict_digit

DEFAULT_MODEL = Path("reports/latest/model.keras")


def main(argv: list[str]) -> int:
    """Print `file: digit (probability)` per image; exit 1 if any image could not be read."""
    parser = argparse.ArgumentParser(
        prog="python -m mnist_helpers predict",
        description="Predict the digit in each image file (PNG, JPEG, ...; one digit per image, "
        "dark on light or light on dark, any size) with a model the main job saved.",
    )
    parser.add_argument("images", nargs="+", type=Path, help="image files, one digit each")
    parser.add_argument(
        "--model",
        type=Path,
        default=DEFAULT_MODEL,
        help=f"a .keras model (default: {DEFAULT_MODEL}, written by python -m mnist_helpers)",
    )
    args = parser.parse_args(argv)
    try:
        model = load_model(args.model)
    except MnistDataError as error:
        parser.error(str(error))  # A clear message and exit code 2, not a traceback.
    failed = False
    for path in args.images:
        try:
            prediction = predict_digit(path, model)
        except MnistDataError as error:
            print(f"{path}: {error}", file=sys.stderr)
            failed = True
            continue
        probability = prediction.probabilities[prediction.digit]
        print(f"{path}: {prediction.digit} ({probability:.1%})")
    return 1 if failed else 0
