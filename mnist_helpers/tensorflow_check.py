"""Say clearly when this Python's TensorFlow cannot run the course, before anything imports it.

The package does not install TensorFlow: the learner's environment brings its own (Colab's, a
GPU build, the course venv's tensorflow-cpu), and pip would put a second distribution over it.
So a missing or too old TensorFlow shows up here, as one message saying what to install,
rather than as an ImportError or AttributeError from deep inside a chapter.
"""

import importlib.util
import warnings

from packaging.version import Version

# The oldest release CI runs the chapters on, and the first one it has not run them on yet.
OLDEST_TENSORFLOW = Version("2.18")
FIRST_UNTESTED_TENSORFLOW = Version("2.22")
SUPPORTED_TENSORFLOW = f">={OLDEST_TENSORFLOW},<{FIRST_UNTESTED_TENSORFLOW}"  # = pyproject's extras
_INSTALL = f"pip install 'tensorflow{SUPPORTED_TENSORFLOW}'"


class TensorFlowVersionError(ImportError):
    """TensorFlow is missing, or older than the course supports."""


def check_tensorflow_installed() -> None:
    """Raise TensorFlowVersionError if this Python cannot import TensorFlow at all."""
    if importlib.util.find_spec("tensorflow") is None:
        raise TensorFlowVersionError(
            f"mnist_helpers needs TensorFlow {SUPPORTED_TENSORFLOW}, and this Python has none. "
            f"Install it into this environment: {_INSTALL} (or tensorflow-cpu, same range)."
        )


def check_tensorflow_version(version: str) -> None:
    """Raise for a TensorFlow older than supported; warn for a newer one, which may well work."""
    release = Version(Version(version).base_version)  # 2.22.0rc1 counts as 2.22.0
    if release < OLDEST_TENSORFLOW:
        raise TensorFlowVersionError(
            f"mnist_helpers needs TensorFlow {SUPPORTED_TENSORFLOW}; this Python has {version}. "
            f"Upgrade it: {_INSTALL}"
        )
    if release >= FIRST_UNTESTED_TENSORFLOW:
        warnings.warn(
            f"TensorFlow {version} is newer than the releases the course is tested on "
            f"({SUPPORTED_TENSORFLOW}). If a chapter fails: {_INSTALL}",
            stacklevel=2,
        )
