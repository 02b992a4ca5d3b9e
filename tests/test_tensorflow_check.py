"""The package brings no TensorFlow of its own, so it says plainly when the learner's is unusable:
missing or too old is an error naming what to install, newer than tested is a warning."""

import importlib.util
import warnings

import pytest
import tensorflow as tf
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from mnist_helpers.tensorflow_check import (
    FIRST_UNTESTED_TENSORFLOW,
    OLDEST_TENSORFLOW,
    SUPPORTED_TENSORFLOW,
    TensorFlowVersionError,
    check_tensorflow_installed,
    check_tensorflow_version,
)

INSTALL_LINE = f"pip install 'tensorflow{SUPPORTED_TENSORFLOW}'"
# Releases around both ends of the supported range, named from its ends.
OLDEST, UNTESTED = OLDEST_TENSORFLOW, FIRST_UNTESTED_TENSORFLOW
OLDER = [
    f"{OLDEST.major}.{OLDEST.minor - 1}.1",
    f"{OLDEST.major}.{OLDEST.minor - 2}.0rc0",
    "1.15.0",
]
SUPPORTED = [
    f"{OLDEST}.0",
    f"{OLDEST}.0rc1",
    f"{OLDEST}.1",
    f"{UNTESTED.major}.{UNTESTED.minor - 1}.0",
]
NEWER = [f"{UNTESTED}.0", f"{UNTESTED}.0rc0", f"{UNTESTED.major + 1}.0.0"]


def test_without_tensorflow_the_error_says_what_to_install(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args):
        return None if name == "tensorflow" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(TensorFlowVersionError, match="this Python has none") as error:
        check_tensorflow_installed()
    assert INSTALL_LINE in str(error.value)
    assert isinstance(error.value, ImportError)  # What `except ImportError` expects to catch.


@pytest.mark.parametrize("version", OLDER)
def test_a_tensorflow_older_than_supported_is_an_error(version):
    with pytest.raises(TensorFlowVersionError, match=f"this Python has {version}") as error:
        check_tensorflow_version(version)
    assert INSTALL_LINE in str(error.value)


@pytest.mark.parametrize("version", SUPPORTED)
def test_a_supported_tensorflow_passes_silently(version):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_tensorflow_version(version)


@pytest.mark.parametrize("version", NEWER)
def test_a_newer_tensorflow_is_a_warning_not_an_error(version):
    with pytest.warns(UserWarning, match=f"TensorFlow {version} is newer"):
        check_tensorflow_version(version)


def test_the_range_pip_is_told_to_install_is_the_range_that_passes_silently():
    # A release candidate counts as its release: 2.22.0rc0 is 2.22, newer than supported.
    allowed = SpecifierSet(SUPPORTED_TENSORFLOW)
    for version in OLDER + SUPPORTED + NEWER:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                check_tensorflow_version(version)
                passed = True
            except (TensorFlowVersionError, UserWarning):
                passed = False
        assert passed == (Version(version).base_version in allowed), version


def test_this_venvs_tensorflow_is_supported():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_tensorflow_version(tf.__version__)
