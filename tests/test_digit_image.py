"""prepare_digit: any picture of one digit becomes MNIST's input, as MNIST's digits were made.

Light ink on black, the ink scaled to fit 20 x 20 with its aspect ratio kept, its centre of mass
at pixel (14, 14) of a 28 x 28 uint8 image; dark-on-light, colour and transparent pictures of
any size give the same; a picture without ink is a clear error.
"""

import subprocess
import sys

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


# Files as they come: every mode Pillow opens, broken files, huge images.


def digit_page(sample) -> np.ndarray:
    """A 280 x 280 grey page: dark ink of one MNIST digit on white paper."""
    return 255 - np.kron(sample["x_test"][7], np.ones((10, 10), dtype=np.uint8))


@pytest.mark.parametrize(
    ("name", "convert"),
    [
        ("one_bit.png", lambda grey: grey.point(lambda v: 255 if v > 127 else 0).convert("1")),
        ("palette.png", lambda grey: grey.convert("P")),
        ("palette_alpha.tif", lambda grey: grey.convert("PA")),
        ("grey_alpha.png", lambda grey: grey.convert("LA")),
        ("cmyk.jpg", lambda grey: grey.convert("CMYK")),
        ("cmyk.tif", lambda grey: grey.convert("CMYK")),
        ("ycbcr.jpg", lambda grey: grey.convert("YCbCr")),
        ("sixteen_bit.png", lambda grey: Image.fromarray(np.asarray(grey).astype(np.uint16) * 257)),
        ("int32.tif", lambda grey: Image.fromarray(np.asarray(grey).astype(np.int32))),
        (
            "int32_16bit_range.tif",
            lambda grey: Image.fromarray(np.asarray(grey).astype(np.int32) * 257),
        ),
        ("float.tif", lambda grey: Image.fromarray(np.asarray(grey).astype(np.float32))),
    ],
)
def test_every_mode_reads_as_its_8_bit_twin(tmp_path, sample, name, convert):
    page = digit_page(sample)
    grey = Image.fromarray(page)
    # The same picture as an 8-bit grey file; a 1-bit file holds only black and white.
    twin = prepare_digit(np.where(page > 127, 255, 0) if name == "one_bit.png" else page)
    convert(grey).save(tmp_path / name)
    from_file = prepare_digit(read_image(tmp_path / name))
    allowed = 6 if name.endswith(".jpg") else 0.5  # JPEG is lossy.
    assert np.abs(from_file.astype(int) - twin).mean() < allowed, name


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_a_truncated_download_names_the_file(tmp_path, sample, suffix, fraction):
    whole = tmp_path / f"whole.{suffix}"
    Image.fromarray(digit_page(sample)).save(whole)
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(MnistDataError, match=f"{cut}.*(cannot be read|not an image)"):
        read_image(cut)


def test_a_decompression_bomb_is_refused_by_name(tmp_path):
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20_000, 20_000)).save(bomb)  # 400 million pixels in a few kilobytes.
    assert bomb.stat().st_size < 200_000
    with pytest.raises(MnistDataError, match=f"{bomb}.*DecompressionBombError"):
        read_image(bomb)


def test_an_image_too_large_to_decode_is_refused_before_decoding(tmp_path):
    large = tmp_path / "large.png"
    Image.new("1", (10_000, 9_500)).save(large)  # 95 million pixels: under Pillow's error.
    with pytest.raises(MnistDataError, match=r"large.png is 10,000 x 9,500 pixels: too large"):
        read_image(large)


def test_a_large_image_is_shrunk_as_it_is_read(tmp_path, sample):
    page = Image.fromarray(digit_page(sample)).resize((3000, 3000))
    page.save(tmp_path / "large.png")
    pixels = read_image(tmp_path / "large.png")
    assert pixels.shape == (1024, 1024)
    twin = prepare_digit(digit_page(sample))
    assert np.abs(prepare_digit(pixels).astype(int) - twin).mean() < 3


def test_a_phone_photo_is_upright_after_shrinking(tmp_path, sample):
    upright = np.kron(as_photo(sample["x_test"][6])[..., 0], np.ones((4, 4), dtype=np.uint8))
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(np.rot90(upright)).save(tmp_path / "phone.jpg", exif=exif)
    read = read_image(tmp_path / "phone.jpg")
    assert read.shape[:2] == (1024, 768)  # 1600 x 1200 upright, shrunk to 1024 on its long side.
    assert prepare_digit(read).shape == (28, 28)
    expected = np.asarray(Image.fromarray(upright).resize((768, 1024)))
    assert np.abs(read.astype(float) - expected).mean() < 5


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_pixels_are_a_clear_error(bad):
    image = np.zeros((28, 28), dtype=np.float32)
    image[5:20, 10:15] = 1.0
    image[3, 3] = bad
    with pytest.raises(MnistDataError, match="NaN or infinite pixels"):
        prepare_digit(image)


def test_pixels_that_are_not_numbers_are_a_clear_error():
    with pytest.raises(MnistDataError, match="dtype"):
        prepare_digit(np.full((28, 28), "x"))


@pytest.mark.parametrize("dtype", [np.uint16, np.int32, np.int64, np.float64, bool])
def test_any_number_type_reads_the_same_digit(sample, dtype):
    digit = sample["x_test"][8]
    expected = prepare_digit(digit > 127)
    np.testing.assert_array_equal(prepare_digit((digit > 127).astype(dtype)), expected)


def test_a_path_the_system_refuses_is_a_clear_error(tmp_path):
    with pytest.raises(MnistDataError, match="File name too long"):
        read_image(tmp_path / ("x" * 300 + ".png"))


MEASURE_PEAK = """
import resource, sys
from mnist_helpers.digit_image import prepare_digit, read_image
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
prepare_digit(read_image(sys.argv[1]))
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""
DRAW_CIRCLE = """
import sys
from PIL import Image, ImageDraw
mode, width, height, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
image = Image.new(mode, (width, height), "white")
box = (width // 3, height // 4, 2 * width // 3, 3 * height // 4)
ImageDraw.Draw(image).ellipse(box, outline="black", width=width // 40)
image.save(path)
"""


@pytest.mark.parametrize(
    ("mode", "width", "height", "name", "limit_mib"),
    [
        ("L", 9000, 9000, "scan.png", 150),  # The decoded grey image is 77 MiB.
        ("RGB", 8660, 5774, "phone.jpg", 80),  # 50 megapixels, decoded at 1/8 scale.
    ],
)
def test_a_huge_image_is_read_in_bounded_memory(tmp_path, mode, width, height, name, limit_mib):
    path = tmp_path / name
    subprocess.run(
        [sys.executable, "-c", DRAW_CIRCLE, mode, str(width), str(height), str(path)],
        check=True,
        timeout=300,
    )
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE_PEAK, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert measured.returncode == 0, measured.stderr[-2000:]
    assert int(measured.stdout.split()[-1]) < limit_mib  # Before: 2.5 GB for the 9000 x 9000.
