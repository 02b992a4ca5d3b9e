"""prepare_digit: any picture of one digit becomes MNIST's input, as MNIST's digits were made.

Light ink on black, the ink scaled to fit 20 x 20 with its aspect ratio kept, its centre of mass
at pixel (14, 14) of a 28 x 28 uint8 image; dark-on-light, colour and transparent pictures of
any size give the same; a picture without ink is a clear error.
"""

import numpy as np
import pytest
from PIL import Image

from mnist_helpers import MnistDataError, prepare_digit, prepare_digits, read_image

ROWS = np.arange(28)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    image = image.astype(float)
    return (image.sum(axis=1) @ ROWS / image.sum(), image.sum(axis=0) @ ROWS / image.sum())


def ink_extent(image: np.ndarray, level: int = 128) -> tuple[int, int]:
    """Rows and columns that hold ink at least `level` bright."""
    ink = image >= level
    return int(ink.any(axis=1).sum()), int(ink.any(axis=0).sum())


def as_photo(digit: np.ndarray) -> np.ndarray:
    """An MNIST digit as a phone photo of paper might show it: 10x larger, dark ink on light
    grey paper, off centre in a 400 x 300 colour picture."""
    large = np.kron(digit.astype(float), np.ones((10, 10)))
    page = np.full((400, 300), 230.0)
    page[30:310, 5:285] = 230 - large * (200 / 255)
    return np.repeat(page[..., None], 3, axis=2).round().astype(np.uint8)


def test_returns_one_28_by_28_uint8_image_with_ink_at_255(sample):
    prepared = prepare_digit(sample["x_test"][0])
    assert prepared.shape == (28, 28)
    assert prepared.dtype == np.uint8
    assert prepared.max() == 255
    assert prepared[0].max() == prepared[-1].max() == 0  # A margin of black, as in MNIST.


def test_dark_ink_on_light_paper_is_inverted_to_light_on_black(sample):
    digit = sample["x_test"][1]
    np.testing.assert_array_equal(prepare_digit(255 - digit), prepare_digit(digit))


def test_an_mnist_digit_comes_back_almost_as_it_was(sample):
    digits = sample["x_test"][:100]
    difference = np.abs(prepare_digits(digits).astype(int) - digits.astype(int))
    assert difference.mean() < 3  # Out of 255: already prepared this way, only resampled.


def test_a_large_dark_on_light_colour_photo_gives_the_mnist_digit(sample):
    digit = sample["x_test"][2]
    from_photo = prepare_digit(as_photo(digit)).astype(float)
    original = prepare_digit(digit).astype(float)
    assert np.corrcoef(from_photo.ravel(), original.ravel())[0, 1] > 0.95
    assert np.abs(from_photo - original).mean() < 10


def test_grey_colour_and_transparent_versions_agree(sample):
    digit = sample["x_test"][3]
    grey = prepare_digit(digit)
    np.testing.assert_array_equal(prepare_digit(digit[..., None]), grey)
    np.testing.assert_array_equal(prepare_digit(np.stack([digit] * 3, axis=2)), grey)
    # Black strokes on a transparent background, as drawing apps export them.
    strokes = np.zeros((28, 28, 4), dtype=np.uint8)
    strokes[..., 3] = digit
    np.testing.assert_array_equal(prepare_digit(strokes), grey)


def test_the_longer_side_is_scaled_to_20_pixels_keeping_the_aspect_ratio():
    wide = np.zeros((300, 500), dtype=np.uint8)
    wide[100:140, 200:300] = 255  # 100 wide, 40 tall: 20 x 8 once scaled.
    tall = np.zeros((64, 64), dtype=np.uint8)
    tall[2:62, 30:50] = 255  # 20 wide, 60 tall: 7 x 20 (6.7 rounded) once scaled.
    assert ink_extent(prepare_digit(wide)) == (8, 20)
    assert ink_extent(prepare_digit(tall)) == (20, 7)


def test_small_images_are_enlarged_to_fill_the_box():
    tiny = np.zeros((8, 8), dtype=np.uint8)
    tiny[1:7, 3:6] = 16  # 3 wide, 6 tall, ink counts 0-16 like the UCI digits.
    assert ink_extent(prepare_digit(tiny)) == (20, 10)


@pytest.mark.parametrize("corner", [(0, 0), (250, 0), (0, 350), (250, 350)])
def test_the_centre_of_mass_lands_on_pixel_14_14_wherever_the_digit_was(sample, corner):
    page = np.zeros((300, 400), dtype=np.uint8)
    row, col = corner
    page[row : row + 28, col : col + 28] = sample["x_test"][4]
    centre_row, centre_col = centre_of_mass(prepare_digit(page))
    assert abs(centre_row - 14) <= 0.5 and abs(centre_col - 14) <= 0.5


def test_a_lopsided_digit_stays_whole_on_the_canvas():
    # All the mass at the top of the box: centring it exactly would push the box off the canvas.
    lopsided = np.zeros((40, 40), dtype=np.uint8)
    lopsided[0:4, :] = 255
    lopsided[4:40, 19:21] = 80
    prepared = prepare_digit(lopsided)
    assert ink_extent(prepared, level=1)[0] == 20  # All 20 rows of the T are there ...
    assert prepared[-1].max() > 0  # ... moved down only as far as the canvas allows.


@pytest.mark.parametrize("colour", [0, 255, 128])
def test_an_image_without_ink_is_a_clear_error(colour):
    with pytest.raises(MnistDataError, match="no ink"):
        prepare_digit(np.full((50, 40), colour, dtype=np.uint8))


def test_a_fully_transparent_image_has_no_ink():
    with pytest.raises(MnistDataError, match="no ink"):
        prepare_digit(np.zeros((30, 30, 4), dtype=np.uint8))


@pytest.mark.parametrize("shape", [(28,), (2, 28, 28, 1), (28, 28, 5), (0, 5)])
def test_not_one_image_is_a_clear_error(shape):
    with pytest.raises(MnistDataError, match="Expected one image"):
        prepare_digit(np.zeros(shape, dtype=np.uint8))


@pytest.mark.parametrize(
    ("name", "mode"), [("grey.png", "L"), ("colour.jpg", "RGB"), ("strokes.png", "RGBA")]
)
def test_image_files_read_back_to_the_same_digit(tmp_path, sample, name, mode):
    digit = sample["x_test"][5]
    photo = Image.fromarray(as_photo(digit))
    if mode == "RGBA":  # Dark strokes, the paper made transparent.
        photo = photo.convert("RGBA")
        alpha = 255 - np.asarray(photo.convert("L"))
        photo.putalpha(Image.fromarray(np.where(alpha > 40, 255, 0).astype(np.uint8)))
    photo.convert(mode).save(tmp_path / name)
    pixels = read_image(tmp_path / name)
    assert pixels.dtype == np.uint8
    assert pixels.shape[:2] == (400, 300)
    from_file = prepare_digit(pixels).astype(float)
    original = prepare_digit(digit).astype(float)
    assert np.corrcoef(from_file.ravel(), original.ravel())[0, 1] > 0.9


def test_a_phone_photo_is_turned_upright_by_its_exif_tag(tmp_path, sample):
    upright = as_photo(sample["x_test"][6])
    stored = Image.fromarray(np.rot90(upright))  # Phones store the sensor's rotation ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... and an Orientation tag saying how to turn it back (90° clockwise).
    stored.save(tmp_path / "phone.jpg", exif=exif)
    read = read_image(tmp_path / "phone.jpg")
    assert read.shape[:2] == upright.shape[:2]
    assert np.abs(read.astype(float) - upright).mean() < 5


def test_a_missing_or_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(MnistDataError, match="No image file"):
        read_image(tmp_path / "missing.png")
    (tmp_path / "notes.png").write_text("not an image")
    with pytest.raises(MnistDataError, match="not an image file"):
        read_image(tmp_path / "notes.png")
