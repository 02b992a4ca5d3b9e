"""normalize_images: raw uint8 pixels in, float32 in [0, 1] out, the input left alone."""

import numpy as np
import pytest

from mnist_helpers import MnistDataError, normalize_images


def test_flattens_to_784_float32_pixels(sample):
    images = normalize_images(sample["x_test"])
    assert images.shape == (1_000, 784)
    assert images.dtype == np.float32


def test_scales_0_255_to_exactly_0_1(sample):
    images = normalize_images(sample["x_test"])
    assert images.min() == 0.0
    assert images.max() == 1.0
    expected = sample["x_test"].reshape(1_000, 784).astype(np.float32) / np.float32(255)
    np.testing.assert_array_equal(images, expected)


def test_keeps_each_pixel_in_place(sample):
    raw = sample["x_test"][:3]
    images = normalize_images(raw)
    row, col = 14, 9  # Pixel (14, 9) of a 28 x 28 image is number 14 * 28 + 9 when flattened.
    np.testing.assert_array_equal(images[:, row * 28 + col], raw[:, row, col] / np.float32(255))


def test_can_keep_the_square_shape(sample):
    images = normalize_images(sample["x_test"], flatten=False)
    assert images.shape == (1_000, 28, 28)
    np.testing.assert_array_equal(images.reshape(1_000, 784), normalize_images(sample["x_test"]))


def test_accepts_flat_raw_images(sample):
    flat = sample["x_test"].reshape(1_000, 784)
    np.testing.assert_array_equal(normalize_images(flat), normalize_images(sample["x_test"]))


def test_leaves_its_input_untouched(sample):
    raw = sample["x_test"].copy()
    images = normalize_images(raw)
    np.testing.assert_array_equal(raw, sample["x_test"])
    assert raw.dtype == np.uint8
    assert not np.shares_memory(images, raw)


def test_refuses_images_normalized_twice(sample):
    once = normalize_images(sample["x_test"])
    with pytest.raises(MnistDataError, match="look normalized already"):
        normalize_images(once)


def test_refuses_a_single_image(sample):
    with pytest.raises(MnistDataError, match=r"images\[None\]"):
        normalize_images(sample["x_test"][0])
