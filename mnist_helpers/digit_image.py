"""Turn any picture of one digit into MNIST's input, the way MNIST itself was made.

MNIST's digits are light ink on black, scaled to fit a 20 x 20 box (aspect ratio kept) and
placed in a 28 x 28 image so that their centre of mass sits at pixel (14, 14). A model trained
on MNIST has only seen digits like that: a dark digit on white paper, or one drawn across a
whole photo, is something it has never seen. `prepare_digit` makes any image look like MNIST.
"""

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from mnist_helpers.checks import IMAGE_SIDE
from mnist_helpers.errors import MnistDataError

INK_BOX = 20  # MNIST scaled each digit to fit 20 x 20 ...
CENTRE = 14  # ... and put its centre of mass here (measured on the sample: 14.0, 14.0).
INK_LEVEL = 0.2  # Fraction of the ink's contrast above which a pixel counts as ink.
MAX_SIDE = 1024  # Longer side an image is shrunk to as it is read: a digit needs far fewer.
MAX_DECODED_PIXELS = 90_000_000  # About Pillow's own limit: 90 MB as grey, 360 MB as RGBA.
LUMA = np.array([0.299, 0.587, 0.114])  # Grey from red, green, blue (ITU-R 601).


def read_image(path: str | Path) -> np.ndarray:
    """The pixels of an image file (PNG, JPEG, ...) upright, as a phone's EXIF tag says: uint8.

    Grey images come back as (height, width), colour ones as (height, width, 3 or 4). Every
    mode Pillow opens reads as its 8-bit twin (16-bit grey keeps its top 8 bits, palettes and CMYK
    as RGB). An image larger than 1024 pixels on its longer side is shrunk to that as it is
    read (a JPEG is decoded at a reduced scale), so memory stays bounded; an image that would
    take more than 90 million pixels to decode is refused. Any file Pillow cannot read raises
    MnistDataError naming it.
    """
    path = Path(path)
    try:
        found = path.is_file()
    except OSError as error:  # A name too long, for one.
        raise MnistDataError(f"{path} cannot be read: {error.strerror}.") from None
    if not found:
        raise MnistDataError(f"No image file at {path}: check the path.")
    try:
        with warnings.catch_warnings():
            # Pillow warns above 89 million pixels; `_shrunk` refuses what is too large to decode.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return np.asarray(ImageOps.exif_transpose(_shrunk(image, path)))
    except UnidentifiedImageError:
        raise MnistDataError(
            f"{path} is not an image file Pillow can read: save the digit as PNG or JPEG."
        ) from None
    except MnistDataError:
        raise
    except Exception as error:  # noqa: BLE001  Pillow's decoders raise many kinds.
        first_line = (str(error).strip().splitlines() or [""])[0][:200]
        raise MnistDataError(
            f"{path} cannot be read as an image ({type(error).__name__}: {first_line}): is it "
            "whole? Save the digit again as PNG or JPEG."
        ) from None


def _shrunk(image: Image.Image, path: Path) -> Image.Image:
    """`image` decoded at most MAX_SIDE on its longer side, in L, RGB or RGBA."""
    image.draft(image.mode, (MAX_SIDE, MAX_SIDE))  # JPEG: decode at 1/2, 1/4 or 1/8 scale.
    width, height = image.size
    if width * height > MAX_DECODED_PIXELS:
        raise MnistDataError(
            f"{path} is {width:,} x {height:,} pixels: too large to read (at most "
            f"{MAX_DECODED_PIXELS / 1e6:.0f} million). Crop it to the digit or save it smaller."
        )
    image = _eight_bit(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def _eight_bit(image: Image.Image) -> Image.Image:
    """The image in L, RGB or RGBA, as an 8-bit file of the same picture would be."""
    if image.mode.startswith("I") and image.mode != "I;8":  # 16- or 32-bit grey (PNG, TIFF).
        pixels = np.clip(np.asarray(image), 0, 65535)
        if image.mode.startswith("I;16") or pixels.max() > 255:  # 16-bit values: 257 v >> 8 == v.
            pixels = pixels >> 8
        grey = Image.fromarray(pixels.astype(np.uint8), "L")
        grey.info = image.info  # The EXIF orientation, for exif_transpose.
        return grey
    if image.mode in ("1", "L", "I;8", "F"):  # F: floats from 0 to 255, as Pillow reads them.
        mode = "L"
    elif "A" in image.getbands() or "a" in image.getbands() or "transparency" in image.info:
        mode = "RGBA"
    else:
        mode = "RGB"
    return image if image.mode == mode else image.convert(mode)  # No copy of a huge image.


def prepare_digit(image: np.ndarray) -> np.ndarray:
    """One image of one digit as MNIST would have stored it: (28, 28) uint8, light ink on black.

    Takes grey (H, W) or (H, W, 1), grey + alpha, RGB or RGBA pixels of any size and range,
    dark ink on light paper or the reverse (the border's colour decides which is paper).
    Crops to the ink, scales it to fit 20 x 20 keeping its aspect ratio, and moves its centre
    of mass to pixel (14, 14). An image without ink raises MnistDataError.
    """
    ink = _ink(_grey(image))
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    cropped = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scaled = _fit_in_box(cropped)
    return _to_uint8(_centre_by_mass(scaled))


def prepare_digits(images: np.ndarray) -> np.ndarray:
    """`prepare_digit` for each image of a batch: (N, 28, 28) uint8."""
    return np.stack([prepare_digit(image) for image in images])


def _grey(image: np.ndarray) -> np.ndarray:
    """Grey levels as float; transparent pixels become white paper."""
    image = np.asarray(image)
    if image.dtype.kind == "f" and not np.isfinite(image).all():
        raise MnistDataError(
            "The image has NaN or infinite pixels: replace them (np.nan_to_num) or check how "
            "it was computed."
        )
    if image.dtype.kind not in "biuf":
        raise MnistDataError(f"Expected pixels of numbers, got dtype {image.dtype}.")
    full = np.iinfo(image.dtype).max if np.issubdtype(image.dtype, np.integer) else 1.0
    image = image.astype(np.float64)
    if image.ndim == 3 and image.shape[2] in (2, 4):  # With an alpha channel.
        alpha = image[..., -1:] / full
        image = image[..., :-1] * alpha + full * (1 - alpha)
    if image.ndim == 3 and image.shape[2] == 3:
        image = image @ LUMA
    elif image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim != 2 or min(image.shape) < 1:
        raise MnistDataError(
            f"Expected one image, grey (H, W) or colour (H, W, 3 or 4), got shape {image.shape}."
        )
    return image


def _ink(grey: np.ndarray) -> np.ndarray:
    """Ink in [0, 1] on a background of exactly 0, whichever way round the image was."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    paper = np.median(border)
    # The ink is whichever extreme lies further from the paper: dark on light, or light on dark.
    darkest, lightest = grey.min(), grey.max()
    ink_level = darkest if paper - darkest > lightest - paper else lightest
    contrast = abs(ink_level - paper)
    if contrast == 0:
        raise MnistDataError(
            "The image has no ink: every pixel is the same colour. Is it the right file, and "
            "is the digit drawn on it?"
        )
    ink = np.clip((grey - paper) / (ink_level - paper), 0, 1)
    ink[ink < INK_LEVEL] = 0  # Paper grain and shadows are not ink.
    return ink


def _fit_in_box(ink: np.ndarray) -> np.ndarray:
    """Scale so the longer side is 20 pixels and the shorter keeps the aspect ratio."""
    height, width = ink.shape
    scale = INK_BOX / max(height, width)
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    # Lanczos: antialiased when shrinking a photo, sharpest when enlarging a small scan.
    resized = Image.fromarray(ink.astype(np.float32)).resize(size[::-1], Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized, dtype=np.float64), 0, None)  # Lanczos undershoots a bit.


def _centre_by_mass(patch: np.ndarray) -> np.ndarray:
    """A 28 x 28 canvas with `patch` placed so its centre of mass is at (14, 14), if it fits."""
    height, width = patch.shape
    total = patch.sum()
    centre_row = (patch.sum(axis=1) @ np.arange(height)) / total
    centre_col = (patch.sum(axis=0) @ np.arange(width)) / total
    # Keep the whole digit on the canvas even when its mass sits far off its box's centre.
    top = int(np.clip(round(CENTRE - centre_row), 0, IMAGE_SIDE - height))
    left = int(np.clip(round(CENTRE - centre_col), 0, IMAGE_SIDE - width))
    canvas = np.zeros((IMAGE_SIDE, IMAGE_SIDE))
    canvas[top : top + height, left : left + width] = patch
    return canvas


def _to_uint8(canvas: np.ndarray) -> np.ndarray:
    """Stretch so the strongest ink is 255, as in MNIST, and round to uint8."""
    return np.round(canvas * (255 / canvas.max())).astype(np.uint8)
