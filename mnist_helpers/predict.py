"""Use a trained model after the notebook that trained it: save it, load it, read your digit."""

from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers.digit_image import prepare_digit, read_image
from mnist_helpers.errors import MnistDataError
from mnist_helpers.preprocessing import normalize_images

MODEL_SUFFIX = ".keras"  # Keras 3's one-file format: architecture, weights, optimizer state.


@dataclass(frozen=True)
class DigitPrediction:
    """What the model read in one image: the digit, its 10 probabilities, the 28 x 28 it saw."""

    digit: int
    probabilities: np.ndarray
    image: np.ndarray


def save_model(model: keras.Model, path: str | Path) -> Path:
    """Save `model` to one `.keras` file (folders created), so it can be loaded anywhere."""
    path = _keras_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    return path


def load_model(path: str | Path) -> keras.Model:
    """Load a model saved by `save_model` (or by `python -m mnist_helpers` in its report)."""
    path = _keras_path(path)
    if not path.is_file():
        raise MnistDataError(
            f"No saved model at {path}: train one with `python -m mnist_helpers` (it writes "
            "reports/latest/model.keras), or save yours with save_model(model, path)."
        )
    return keras.saving.load_model(path)


def predict_digit(image_path: str | Path, model: keras.Model | str | Path) -> DigitPrediction:
    """Read the digit in one image file (PNG, JPEG, ...) with `model` (a model or a .keras path).

    The image is prepared as MNIST's digits were (`prepare_digit`), normalized as in training,
    and shaped as the model's input wants it: flat (784,) for the MLP, (28, 28, 1) for a convnet.
    The model must output logits, as the course's models do.
    """
    if not isinstance(model, keras.Model):
        model = load_model(model)
    image = prepare_digit(read_image(image_path))
    pixels = normalize_images(image[None]).reshape((1, *model.input_shape[1:]))
    logits = model(pixels, training=False)
    probabilities = tf.nn.softmax(logits)[0].numpy()
    return DigitPrediction(int(np.argmax(probabilities)), probabilities, image)


def _keras_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix != MODEL_SUFFIX:
        raise MnistDataError(
            f"A model file must end in {MODEL_SUFFIX}, got {path.name!r}: Keras 3 saves and "
            f"loads whole models in that format."
        )
    return path
