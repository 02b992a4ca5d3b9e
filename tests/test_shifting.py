"""shift_images: digits moved inside their frame, nothing wrapped around."""

import numpy as np
import pytest

from mnist_helpers import MnistDataError, shift_images


def one_pixel_image(row: int, col: int) -> np.ndarray:
    image = np.zeros((1, 28, 28), np.uint8)
    image[0, row, col] = 255
    return image


@pytest.mark.parametrize(("right", "down"), [(2, 0), (0, 3), (-1, 0), (0, -2), (2, -3)])
def test_a_pixel_moves_right_and_down_by_the_offsets(right, down):
    shifted = shift_images(one_pixel_image(10, 12), right=right, down=down)
    assert list(zip(*np.nonzero(shifted[0]), strict=True)) == [(10 + down, 12 + right)]


def test_pixels_pushed_past_the_border_are_lost_not_wrapped():
    shifted = shift_images(one_pixel_image(5, 27), right=1)
    assert not shifted.any()  # np.roll would have put it in column 0


def test_keeps_shape_and_dtype_flat_or_square(sample, normalized):
    raw = sample["x_test"][:4]
    flat = normalized["x_test"][:4]
    assert shift_images(raw, 1, 1).shape == raw.shape
    assert shift_images(raw, 1, 1).dtype == np.uint8
    assert shift_images(flat, 1, 1).shape == flat.shape
    assert shift_images(flat, 1, 1).dtype == np.float32
    # Flat or square, the same move.
    square = flat.reshape(-1, 28, 28)
    np.testing.assert_array_equal(
        shift_images(flat, 2, -1).reshape(-1, 28, 28), shift_images(square, 2, -1)
    )


def test_zero_shift_is_a_copy_and_input_is_unchanged(sample):
    images = sample["x_test"][:3]
    shifted = shift_images(images)
    np.testing.assert_array_equal(shifted, images)
    shifted[:] = 0
    assert images.any()


def test_shift_of_real_digits_keeps_the_ink_that_stays_inside(sample):
    # MNIST digits sit in a 20 x 20 box centred in 28 x 28: 2 pixels keep almost all the ink.
    images = sample["x_test"][:100].astype(int)
    moved = shift_images(sample["x_test"][:100], right=2, down=2).astype(int)
    assert moved.sum() > 0.97 * images.sum()
    np.testing.assert_array_equal(moved[:, 2:, 2:], images[:, :-2, :-2])


def test_refuses_a_shift_out_of_the_frame(sample):
    with pytest.raises(MnistDataError, match="fewer than 28"):
        shift_images(sample["x_test"][:1], right=28)


def test_refuses_a_single_image_without_batch_axis(sample):
    with pytest.raises(MnistDataError, match="images\\[None\\]"):
        shift_images(sample["x_test"][0], right=1)
