"""The package brings no TensorFlow of its own, so it says plainly when the learner's is unusable:
missing or too old is an error naming what to install, newer than tested is a warning."""

import importlib.util
import warnings

import pytest
import tensorflow as tf

from mnist_helpers.tensorflow_check import (
    SUPPORTED_TENSORFLOW,
    TensorFlowVersionError,
    check_tensorflow_installed,
    check_tensorflow_version,
)

INSTALL_LINE = "pip install 'tensorflow>=2.18,<2.22'"


def test_without_tensorflow_the_error_says_what_to_install(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args):
        return None if name == "tensorflow" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(TensorFlowVersionError, match="this Python has none") as error:
        check_tensorflow_installed()
    assert INSTALL_LINE in str(error.value)
    assert isinstance(error.value, ImportError)  # What `except ImportError` expects to catch.


@pytest.mark.parametrize("version", ["2.17.1", "2.16.0rc0", "1.15.0"])
def test_a_tensorflow_older_than_supported_is_an_error(version):
    with pytest.raises(TensorFlowVersionError, match=f"this Python has {version}") as error:
        check_tensorflow_version(version)
    assert INSTALL_LINE in str(error.value)


@pytest.mark.parametrize("version", ["2.18.0", "2.18.0rc1", "2.19.1", "2.21.0"])
def test_a_supported_tensorflow_passes_silently(version):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_tensorflow_version(version)


@pytest.mark.parametrize("version", ["2.22.0", "2.22.0rc0", "3.0.0"])
def test_a_newer_tensorflow_is_a_warning_not_an_error(version):
    with pytest.warns(UserWarning, match=f"TensorFlow {version} is newer"):
        check_tensorflow_version(version)


def test_this_venvs_tensorflow_is_supported():
    assert SUPPORTED_TENSORFLOW == ">=2.18,<2.22"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_tensorflow_version(tf.__version__)
