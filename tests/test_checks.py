"""The input checks every helper runs first: shape, dtype, value range, label range, length."""

import numpy as np
import pytest

from mnist_helpers import MnistDataError
from mnist_helpers.checks import (
    check_labels,
    check_normalized_images,
    check_not_empty,
    check_raw_images,
)


@pytest.mark.parametrize("shape", [(5, 28, 28), (5, 784), (0, 784)])
def test_raw_images_of_either_shape_pass_unchanged(shape):
    images = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    assert check_raw_images(images) is images


@pytest.mark.parametrize(
    ("shape", "match"),
    [
        ((28, 28), r"got \(28, 28\)\. \(A single image\? Use images\[None\]"),
        ((5, 28, 27), r"\(N, 28, 28\) or \(N, 784\), got \(5, 28, 27\)"),
        ((5, 783), r"got \(5, 783\)"),
        ((5, 28, 28, 1), r"got \(5, 28, 28, 1\)"),
    ],
)
def test_images_of_a_wrong_shape_are_refused(shape, match):
    with pytest.raises(MnistDataError, match=match):
        check_raw_images(np.zeros(shape, np.uint8))
    with pytest.raises(MnistDataError, match=match):
        check_normalized_images(np.zeros(shape, np.float32))


def test_normalized_images_passed_as_raw_say_so():
    with pytest.raises(MnistDataError, match="uint8.*got float32. They look normalized already"):
        check_raw_images(np.full((2, 784), 0.5, np.float32))


def test_wider_integers_passed_as_raw_are_refused_without_the_normalized_hint():
    with pytest.raises(MnistDataError, match=r"dtype uint8 \(0-255\), got int64\.$"):
        check_raw_images(np.full((2, 784), 7, np.int64))


def test_normalized_images_pass_unchanged():
    images = np.linspace(0, 1, 3 * 784, dtype=np.float32).reshape(3, 784)
    assert check_normalized_images(images) is images


def test_raw_images_passed_as_normalized_say_call_normalize():
    with pytest.raises(MnistDataError, match=r"raw uint8 pixels.*call normalize_images\(images\)"):
        check_normalized_images(np.zeros((2, 28, 28), np.uint8))


def test_float64_images_are_refused():
    with pytest.raises(MnistDataError, match="Expected float32 .* got dtype float64"):
        check_normalized_images(np.zeros((2, 784)))


@pytest.mark.parametrize(("low", "high"), [(0, 255), (-0.5, 0.5), (0, 1.001)])
def test_pixels_outside_0_1_are_refused_with_their_range(low, high):
    images = np.full((2, 784), low, np.float32)
    images[1, 3] = high
    with pytest.raises(MnistDataError, match=f"got values from {low:g} to {high:g}"):
        check_normalized_images(images)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64])
def test_labels_0_to_9_pass(dtype):
    labels = np.arange(10, dtype=dtype)
    np.testing.assert_array_equal(check_labels(labels, expected_length=10), np.arange(10))


def test_one_hot_labels_are_refused_with_the_fix():
    with pytest.raises(MnistDataError, match=r"shape \(3, 10\).*labels\.argmax\(axis=1\)"):
        check_labels(np.eye(10, dtype=np.uint8)[:3])


def test_float_labels_are_refused():
    with pytest.raises(MnistDataError, match="vector of integers 0-9, got shape .* dtype float32"):
        check_labels(np.array([1.0, 2.0], np.float32))


@pytest.mark.parametrize(("labels", "low", "high"), [([0, 10], 0, 10), ([-1, 3], -1, 3)])
def test_labels_outside_0_9_are_refused(labels, low, high):
    with pytest.raises(MnistDataError, match=f"class ids 0-9, got values from {low} to {high}"):
        check_labels(np.array(labels))


def test_labels_of_another_length_are_refused():
    with pytest.raises(MnistDataError, match="Got 1,000 images but 999 labels"):
        check_labels(np.zeros(999, np.uint8), expected_length=1_000)


def test_errors_are_value_errors_for_callers_who_catch_those():
    with pytest.raises(ValueError):
        check_labels([[1]])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_pixels_are_refused(bad):
    images = np.full((2, 784), 0.5, np.float32)
    images[1, 100] = bad
    with pytest.raises(MnistDataError, match="NaN or infinite.*loss nan"):
        check_normalized_images(images)


def test_an_empty_batch_is_refused_where_a_task_needs_images():
    with pytest.raises(MnistDataError, match="Got 0 images: evaluate needs at least one"):
        check_not_empty(np.zeros((0, 784), np.float32), "evaluate")
