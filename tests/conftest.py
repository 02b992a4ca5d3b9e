"""Shared fixtures: the embedded sample loaded once, MNIST files written from its real digits,
and a fresh Python process that cannot reach the network.

The IDX writer below follows the format as LeCun's MNIST page publishes it, independently of
mnist_helpers.idx, so that reading a file back proves the reader right rather than agreeing
with itself.
"""

import gzip
import struct
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # No display in CI; set before anything imports pyplot.

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mnist_helpers  # noqa: E402  Imports TensorFlow with its start-up lines muted.

# The names of the original files, as published and as Keras users find them.
IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
# A port nothing listens on: every download through this "proxy" is refused at once.
DEAD_PROXY = "http://127.0.0.1:9"


@pytest.fixture(scope="session")
def sample() -> dict[str, np.ndarray]:
    """The embedded sample under the Keras keys, read-only so no test can alter it for others."""
    (x_train, y_train), (x_test, y_test) = mnist_helpers.load_mnist("sample")
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for array in arrays.values():
        array.flags.writeable = False
    return arrays


@pytest.fixture(scope="session")
def normalized(sample) -> dict[str, np.ndarray]:
    """The sample's images as the model takes them: float32 in [0, 1], flattened to 784."""
    return {
        "x_train": mnist_helpers.normalize_images(sample["x_train"]),
        "y_train": sample["y_train"],
        "x_test": mnist_helpers.normalize_images(sample["x_test"]),
        "y_test": sample["y_test"],
    }


def _write_idx(path: Path, array: np.ndarray) -> Path:
    """Write `array` as an IDX file of unsigned bytes, gzipped if `path` ends in .gz."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = struct.pack(">I", 0x00000800 | array.ndim)  # 0x00000803 images, 0x00000801 labels
    header = magic + struct.pack(f">{array.ndim}I", *array.shape)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as file:
        file.write(header + array.tobytes())
    return path


def _write_idx_folder(folder: Path, arrays: dict[str, np.ndarray], suffix: str = "") -> Path:
    """The four MNIST IDX files of `arrays` in `folder` (suffix ".gz" to gzip them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in IDX_NAMES.items():
        _write_idx(folder / f"{name}{suffix}", arrays[key])
    return folder


@pytest.fixture
def write_idx():
    """`write_idx(path, array)`: an IDX file of unsigned bytes, gzipped if the path ends in .gz."""
    return _write_idx


@pytest.fixture
def write_idx_folder():
    """`write_idx_folder(folder, arrays, suffix="")`: the four IDX files of `arrays`."""
    return _write_idx_folder


@pytest.fixture
def idx_folder(tmp_path, sample) -> Path:
    """A folder holding the sample as the four plain IDX files."""
    return _write_idx_folder(tmp_path / "idx", sample)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Downloads go through a proxy that refuses them: the suite runs the same on- or offline,
    and a test that tries to fetch MNIST by mistake fails at once instead of taking 11 MB."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, DEAD_PROXY)


@pytest.fixture
def offline_python(tmp_path, monkeypatch, _no_network):
    """Run Python code in a new process with no network, an empty Keras cache, no MNIST_SOURCE.

    A new process, because Keras reads $KERAS_HOME once, when it is imported: setting it in
    this process would move where mnist_helpers looks but not where Keras caches.
    """
    keras_home = tmp_path / "keras_home"
    (keras_home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.delenv("MNIST_SOURCE", raising=False)

    def run(code: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", code]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    run.keras_cache = keras_home / "datasets" / "mnist.npz"
    return run


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
