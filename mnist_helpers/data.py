"""Load MNIST exactly as `tf.keras.datasets.mnist.load_data()` returns it, online or offline.

`load_mnist()` gives `(x_train, y_train), (x_test, y_test)`: uint8 images of shape
(N, 28, 28) and uint8 labels 0-9, from one of these sources:

- "keras": the real `tf.keras.datasets.mnist.load_data()` (downloads once, then uses the cache);
- "sample": 5,000 real MNIST digits embedded in this package (see `sample/README.md`);
- "auto": the Keras file when it is cached or downloadable, else the sample, said in one line;
- a path: a folder of the original IDX files, or an `.npz` file with the Keras keys.

The environment variable MNIST_SOURCE pins what "auto" means, so tests, CI and the docs
build can choose the data without editing a notebook.
"""

import hashlib
import os
import sys
import zipfile
from pathlib import Path

import numpy as np

from mnist_helpers.errors import MnistDataError
from mnist_helpers.idx import IMAGES_NDIM, LABELS_NDIM, read_idx

SOURCE_ENV = "MNIST_SOURCE"
SOURCES = ("auto", "keras", "sample")
SAMPLE_PATH = Path(__file__).parent / "sample" / "mnist_sample.npz"
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
IDX_FILES = {
    "x_train": ("train-images-idx3-ubyte", IMAGES_NDIM),
    "y_train": ("train-labels-idx1-ubyte", LABELS_NDIM),
    "x_test": ("t10k-images-idx3-ubyte", IMAGES_NDIM),
    "y_test": ("t10k-labels-idx1-ubyte", LABELS_NDIM),
}

Split = tuple[np.ndarray, np.ndarray]


def load_mnist(source: str | os.PathLike = "auto") -> tuple[Split, Split]:
    """Return `(x_train, y_train), (x_test, y_test)` from `source` (see the module docstring)."""
    if source == "auto":
        source = os.environ.get(SOURCE_ENV) or "auto"
    if source == "auto":
        arrays = _load_auto()
    elif source == "keras":
        arrays = _load_keras()
    elif source == "sample":
        arrays = _load_npz(SAMPLE_PATH)
    else:
        arrays = _load_path(Path(source))
    _check_arrays(arrays, source)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def keras_cache_path() -> Path:
    """Where Keras caches `mnist.npz`: $KERAS_HOME or ~/.keras, as `keras.utils.get_file` does."""
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")).expanduser()
    if not os.access(home, os.W_OK):
        home = Path("/tmp/.keras")
    return home / "datasets" / "mnist.npz"


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in chunks so an 11 MB file never sits twice in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _load_auto() -> dict[str, np.ndarray]:
    try:
        return _load_keras()
    except MnistDataError as error:
        print(
            f"MNIST not downloadable ({_download_failure(error)}): using the embedded sample of "
            "5,000 real MNIST digits (4,000 train / 1,000 test). For all 70,000, go online or "
            f"copy mnist.npz to {keras_cache_path()}.",
            file=sys.stderr,
        )
        return _load_npz(SAMPLE_PATH)


def _load_keras() -> dict[str, np.ndarray]:
    import tensorflow as tf  # Imported here: loading the sample or IDX files needs no TensorFlow.

    # Keras re-downloads a cached file whose hash is wrong and deletes it if that fails, so we
    # look before it does, to say what happened.
    cached = keras_cache_path()
    corrupted = cached.is_file() and sha256_of(cached) != KERAS_MNIST_SHA256
    try:
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    except Exception as error:  # Keras raises a bare Exception on a failed download.
        if corrupted:
            raise MnistDataError(
                f"The cached {cached} was corrupted (its SHA-256 is not the published "
                f"{KERAS_MNIST_SHA256[:12]}...): Keras removed it and could not download a fresh "
                "copy. Retry online, copy a good mnist.npz there, or use load_mnist('sample')."
            ) from error
        raise MnistDataError(
            f"MNIST could not be downloaded: {_first_line(error)}. Go online, copy mnist.npz "
            f"to {cached}, or use load_mnist('sample') for the embedded 5,000 real digits."
        ) from error
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def _load_path(path: Path) -> dict[str, np.ndarray]:
    if path.is_dir():
        return _load_idx_folder(path)
    if path.is_file() and path.suffix == ".npz":
        return _load_npz(path)
    problem = "neither a folder nor an .npz file" if path.exists() else "no such file or folder"
    raise MnistDataError(
        f"Unknown MNIST source {str(path)!r} ({problem}): use one of "
        f"{', '.join(map(repr, SOURCES))}, a folder of the four IDX files, or an .npz file with "
        "the Keras keys."
    )


def _load_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [key for key in NPZ_KEYS if key not in npz.files]
            if missing:
                raise MnistDataError(
                    f"{path} lacks the arrays {missing}: an MNIST .npz holds {list(NPZ_KEYS)}."
                )
            return {key: npz[key] for key in NPZ_KEYS}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        if isinstance(error, MnistDataError):
            raise
        raise MnistDataError(
            f"{path} could not be read as an .npz file ({error}): it is truncated or corrupted."
        ) from error


def _load_idx_folder(folder: Path) -> dict[str, np.ndarray]:
    arrays = {}
    for key, (name, ndim) in IDX_FILES.items():
        candidates = [folder / name, folder / f"{name}.gz"]
        found = next((path for path in candidates if path.is_file()), None)
        if found is None:
            raise MnistDataError(
                f"{folder} has no {name} (or {name}.gz): an MNIST folder needs the four IDX "
                f"files {[name for name, _ in IDX_FILES.values()]}."
            )
        arrays[key] = read_idx(found, ndim)
    return arrays


def _check_arrays(arrays: dict[str, np.ndarray], source: object) -> None:
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
            raise MnistDataError(
                f"x_{split} from {source!s} has shape {images.shape} and dtype {images.dtype}; "
                "MNIST images are uint8 of shape (N, 28, 28)."
            )
        if labels.dtype != np.uint8 or labels.ndim != 1:
            raise MnistDataError(
                f"y_{split} from {source!s} has shape {labels.shape} and dtype {labels.dtype}; "
                "MNIST labels are a uint8 vector."
            )
        if len(images) != len(labels):
            raise MnistDataError(
                f"{source!s} holds {len(images):,} {split} images but {len(labels):,} labels: "
                "the files do not belong together, download them again."
            )
        if labels.size and labels.max() > 9:
            raise MnistDataError(f"y_{split} from {source!s} has label {labels.max()} > 9.")


def _download_failure(error: MnistDataError) -> str:
    """The network's own words, e.g. "[Errno -2] Name or service not known"."""
    cause = error.__cause__ or error
    # Keras words it "URL fetch failure on <url>: <code> -- <reason>".
    return _first_line(cause).rsplit(" -- ", 1)[-1]


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
