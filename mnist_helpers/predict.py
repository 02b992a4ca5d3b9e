"""Use a trained model after the notebook that trained it: save it, load it, read your digit."""

from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers.checks import NUM_CLASSES, PIXELS
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
    try:
        found = path.is_file()
    except OSError as error:  # A name too long, for one.
        raise MnistDataError(f"The model path {path} cannot be used: {error.strerror}.") from None
    if not found:
        raise MnistDataError(
            f"No saved model at {path}: train one with `python -m mnist_helpers` (it writes "
            "reports/latest/model.keras), or save yours with save_model(model, path)."
        )
    try:
        return keras.saving.load_model(path)
    except Exception as error:  # noqa: BLE001  Keras, zipfile, h5py and json raise many kinds.
        if "safe_mode" in str(error):
            raise MnistDataError(
                f"Keras' safe mode refused {path}: it holds Python code (a Lambda layer or a "
                "custom function) that loading would run, and none was run. Load it only if "
                "you trust whoever made it: keras.saving.load_model(path, safe_mode=False)."
            ) from None
        raise MnistDataError(
            f"{path} is not a Keras model file ({type(error).__name__}: "
            f"{_first_line(error)}). Save one with save_model(model, path) or train one with "
            "`python -m mnist_helpers`."
        ) from None


def check_digit_model(model: keras.Model, name: str | Path = "The model") -> None:
    """Refuse a model that does not take 784 pixels and give 10 scores, before any image."""
    inputs, outputs = _shape(model.input_shape), _shape(model.output_shape)
    if inputs is None or outputs is None or np.prod(inputs) != PIXELS or outputs != (NUM_CLASSES,):
        raise MnistDataError(
            f"{name} takes inputs of shape {model.input_shape} and gives {model.output_shape}: "
            f"a digit model takes {PIXELS} pixels, flat (None, {PIXELS}) or "
            f"(None, 28, 28[, 1]), and gives {NUM_CLASSES} scores."
        )


def predict_digit(image_path: str | Path, model: keras.Model | str | Path) -> DigitPrediction:
    """Read the digit in one image file (PNG, JPEG, ...) with `model` (a model or a .keras path).

    The image is prepared as MNIST's digits were (`prepare_digit`), normalized as in training,
    and shaped as the model's input wants it: flat (784,) for the MLP, (28, 28, 1) for a convnet.
    The model must output logits, as the course's models do.
    """
    if not isinstance(model, keras.Model):
        model = load_model(model)
    check_digit_model(model)
    image = prepare_digit(read_image(image_path))
    pixels = normalize_images(image[None]).reshape((1, *model.input_shape[1:]))
    logits = model(pixels, training=False)
    probabilities = tf.nn.softmax(logits)[0].numpy()
    return DigitPrediction(int(np.argmax(probabilities)), probabilities, image)


def _shape(shape: object) -> tuple | None:
    """A one-input shape without its batch axis, or None for several inputs or unknown sizes."""
    if not isinstance(shape, tuple) or not all(isinstance(size, int) for size in shape[1:]):
        return None
    return tuple(shape[1:])


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0][:200]


def _keras_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix != MODEL_SUFFIX:
        raise MnistDataError(
            f"A model file must end in {MODEL_SUFFIX}, got {path.name!r}: Keras 3 saves and "
            f"loads whole models in that format."
        )
    return path
