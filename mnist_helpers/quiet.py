"""Import TensorFlow without its C++ start-up lines on stderr.

TensorFlow's C++ INFO and WARNING lines are noise for a learner, and in Jupyter they would land in
the notebooks' stored outputs. TF_CPP_MIN_LOG_LEVEL=2 silences most of them, but not the oneDNN
notice printed while the library loads, before its log level is read. We keep oneDNN (it makes
the small matmuls of this course about 25% faster here) and mute file descriptor 2 for the import
only. Python exceptions still propagate; errors logged after the import still show.
"""

import contextlib
import os


def import_tensorflow_quietly() -> None:
    """Import TensorFlow once with stderr muted at the file-descriptor level."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _stderr_muted():
        import tensorflow  # noqa: F401


@contextlib.contextmanager
def _stderr_muted():
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
