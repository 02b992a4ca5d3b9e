"""Load MNIST exactly as `tf.keras.datasets.mnist.load_data()` returns it, online or offline.

`load_mnist()` gives `(x_train, y_train), (x_test, y_test)`: uint8 images of shape
(N, 28, 28) and uint8 labels 0-9, from one of these sources:

- "keras": the real `tf.keras.datasets.mnist.load_data()` (downloads once, then uses the cache);
- "sample": 5,000 real MNIST digits embedded in this package (see `sample/README.md`);
- "auto": the Keras file when it is cached or downloadable, else the sample, said in one line
  on stdout (information, not an error: Jupyter shows stderr in a pink box);
- a path: a folder of the original IDX files, or an `.npz` file with the Keras keys;
- a URL of `mnist.npz` (a mirror, a classmate's server): downloaded once into Keras' cache and
  used only if its SHA-256 is the published one (`mnist_helpers.download`).

The environment variable MNIST_SOURCE pins what "auto" means, so tests, CI and the docs
build can choose the data without editing a notebook.
"""

import hashlib
import http.client
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from mnist_helpers.download import download_npz, is_url
from mnist_helpers.errors import MnistDataError
from mnist_helpers.idx import IMAGES_NDIM, LABELS_NDIM, read_idx
from mnist_helpers.npz import read_npz

SOURCE_ENV = "MNIST_SOURCE"
SOURCES = ("auto", "keras", "sample")
SAMPLE_PATH = Path(__file__).parent / "sample" / "mnist_sample.npz"
KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
IDX_FILES = {
    "x_train": ("train-images-idx3-ubyte", IMAGES_NDIM),
    "y_train": ("train-labels-idx1-ubyte", LABELS_NDIM),
    "x_test": ("t10k-images-idx3-ubyte", IMAGES_NDIM),
    "y_test": ("t10k-labels-idx1-ubyte", LABELS_NDIM),
}
PROBE_TIMEOUT_SECONDS = 10

Split = tuple[np.ndarray, np.ndarray]


def load_mnist(source: str | os.PathLike = "auto") -> tuple[Split, Split]:
    """Return `(x_train, y_train), (x_test, y_test)` from `source` (see the module docstring)."""
    pinned = os.environ.get(SOURCE_ENV) if isinstance(source, str) and source == "auto" else None
    try:
        arrays = _load(pinned or source)
    except MnistDataError as error:
        if pinned:
            raise MnistDataError(f"{SOURCE_ENV}={pinned!r} in the environment: {error}") from error
        raise
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


def _load(source: object) -> dict[str, np.ndarray]:
    if isinstance(source, str) and source in SOURCES:
        arrays = {"auto": _load_auto, "keras": _load_keras, "sample": _load_sample}[source]()
    elif is_url(source):
        arrays = _load_url(source)
    elif (isinstance(source, str) and source) or isinstance(source, os.PathLike):
        arrays = _load_path(Path(source))
    else:
        raise MnistDataError(
            f"source must be {', '.join(map(repr, SOURCES))}, a path (str or pathlib.Path) or "
            "the URL of an mnist.npz, "
            f"got {source!r}."
        )
    _check_arrays(arrays, source)
    return arrays


def _load_sample() -> dict[str, np.ndarray]:
    return read_npz(SAMPLE_PATH, NPZ_KEYS)


def _load_url(url: str) -> dict[str, np.ndarray]:
    """The published mnist.npz from `url`, unless Keras' cache already holds it."""
    cached = keras_cache_path()
    try:
        digest = sha256_of(cached) if cached.is_file() else None
        if digest not in (None, KERAS_MNIST_SHA256):
            kept = _move_aside(cached, digest)
            print(f"MNIST: the cached {cached} is not the published file, kept as {kept}.")
    except OSError as error:
        raise MnistDataError(
            f"The cache {cached} cannot be used: {error.strerror or error}."
        ) from error
    if digest != KERAS_MNIST_SHA256:
        download_npz(url, cached, KERAS_MNIST_SHA256)
    return read_npz(cached, NPZ_KEYS)


def _load_auto() -> dict[str, np.ndarray]:
    """The Keras file if Keras can give it, else the embedded sample with one line saying why.

    The line goes to stdout, not stderr: it is information (the code works, on fewer digits),
    and Jupyter shows stderr in a pink box that reads as an error.
    """
    problem = _keras_unavailable()
    if problem is None:
        try:
            return _keras_arrays()
        except MnistDataError as error:  # The network went away between the probe and Keras.
            problem = f"download failed: {_first_line(error.__cause__ or error)}"
    print(
        f"Full MNIST not available ({problem}): using the embedded sample of 5,000 real MNIST "
        f"digits (4,000 train / 1,000 test). For all 70,000, go online, set {SOURCE_ENV} to a "
        f"mirror's URL of mnist.npz, or copy mnist.npz to {keras_cache_path()}.",
        file=sys.stdout,
    )
    return _load_sample()


def _load_keras() -> dict[str, np.ndarray]:
    problem = _keras_unavailable()
    if problem is not None:
        raise MnistDataError(
            f"MNIST could not be loaded with Keras ({problem}). Go online, copy a good mnist.npz "
            f"to {keras_cache_path()}, or use load_mnist('sample') for the embedded 5,000 real "
            "digits."
        )
    return _keras_arrays()


def _keras_arrays() -> dict[str, np.ndarray]:
    import tensorflow as tf  # Imported here: loading the sample or IDX files needs no TensorFlow.

    try:
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    except Exception as error:  # Keras raises a bare Exception on a failed download.
        raise MnistDataError(
            f"MNIST could not be downloaded: {_first_line(error)}. Go online, copy mnist.npz "
            f"to {keras_cache_path()}, or use load_mnist('sample') for the embedded 5,000 real "
            "digits."
        ) from error
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def _keras_unavailable() -> str | None:
    """Why Keras cannot give MNIST now, found out before Keras prints or deletes anything.

    Keras prints "Downloading data from ..." before it tries the network, and deletes a cached
    file whose SHA-256 is wrong when the fresh download fails. So we look first: a good cached
    file, or a reachable server, means Keras can load it (None). A bad cached file is moved
    aside, never deleted: it may be the user's only copy.
    """
    cached = keras_cache_path()
    try:
        digest = sha256_of(cached) if cached.is_file() else None
        if digest == KERAS_MNIST_SHA256:
            return None
        kept = None if digest is None else _move_aside(cached, digest)
    except OSError as error:
        return f"the cached {cached} cannot be used: {error.strerror or error}"
    network = _download_failure()
    if kept is None:
        return None if network is None else f"download failed: {network}"
    news = f"the cached {cached} is not the published file (its SHA-256 differs), kept as {kept}"
    if network is None:
        print(f"MNIST: {news}; downloading a fresh copy.", file=sys.stdout)
        return None
    return f"{news}; download failed: {network}"


def _move_aside(cached: Path, digest: str) -> Path:
    """Rename a cached file whose hash is wrong; its name holds its hash, so none is overwritten."""
    kept = cached.with_name(f"{cached.name}.{digest[:12]}.corrupt")
    os.replace(cached, kept)
    return kept


def _download_failure() -> str | None:
    """The network's own words when the MNIST server cannot be reached, else None."""
    request = urllib.request.Request(KERAS_MNIST_URL, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT_SECONDS):
            return None
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} {error.reason}"
    except urllib.error.URLError as error:
        return str(error.reason)
    except (OSError, http.client.HTTPException) as error:
        return _first_line(error)


def _load_path(path: Path) -> dict[str, np.ndarray]:
    if path.is_dir():
        return _load_idx_folder(path)
    if path.is_file() and path.suffix.lower() == ".npz":
        return read_npz(path, NPZ_KEYS)
    problem = "neither a folder nor an .npz file" if path.exists() else "no such file or folder"
    raise MnistDataError(
        f"Unknown MNIST source {str(path)!r} ({problem}): use one of "
        f"{', '.join(map(repr, SOURCES))}, a folder of the four IDX files, or an .npz file with "
        "the Keras keys."
    )


def _load_idx_folder(folder: Path) -> dict[str, np.ndarray]:
    arrays = {}
    for key, (name, ndim) in IDX_FILES.items():
        found = [path for path in (folder / name, folder / f"{name}.gz") if path.is_file()]
        if not found:
            raise MnistDataError(
                f"{folder} has no {name} (or {name}.gz): an MNIST folder needs the four IDX "
                f"files {[name for name, _ in IDX_FILES.values()]}."
            )
        if len(found) == 2:
            raise MnistDataError(
                f"{folder} holds both {name} and {name}.gz, which may differ: remove the one "
                "you do not mean to load."
            )
        arrays[key] = read_idx(found[0], ndim)
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
        if not len(images):
            raise MnistDataError(f"{source!s} holds no {split} images: nothing to learn from.")
        if labels.max() > 9:
            raise MnistDataError(f"y_{split} from {source!s} has label {labels.max()} > 9.")


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
