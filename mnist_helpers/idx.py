"""Read the original MNIST IDX files (`train-images-idx3-ubyte[.gz]` and friends).

The IDX format is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian uint32 per dimension, then the raw bytes. We check every part
of that header, so a truncated or foreign file fails loudly instead of loading half a dataset.
"""

import gzip
import os
import struct
from pathlib import Path

import numpy as np

from mnist_helpers.errors import MnistDataError

UNSIGNED_BYTE = 0x08
IMAGES_NDIM = 3
LABELS_NDIM = 1


def read_idx(path: str | os.PathLike, ndim: int) -> np.ndarray:
    """Return the uint8 array stored in an IDX file (gzipped or not) with `ndim` dimensions."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as file:
            raw = file.read()
    except (OSError, EOFError) as error:
        raise MnistDataError(
            f"{path} could not be read ({error}). Download it again: it is truncated or corrupted."
        ) from error
    return _parse_idx(raw, ndim, path)


def _parse_idx(raw: bytes, ndim: int, path: Path) -> np.ndarray:
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise MnistDataError(f"{path} is too short to hold an IDX header: download it again.")
    zero, type_code, dims = struct.unpack(">HBB", raw[:4])
    if zero != 0 or type_code != UNSIGNED_BYTE or dims != ndim:
        raise MnistDataError(
            f"{path} is not an IDX file of {ndim}-D unsigned bytes (magic number "
            f"0x{raw[:4].hex()}, expected 0x000008{ndim:02x}): check that the images and labels "
            "files are not swapped, and download it again if needed."
        )
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    expected = int(np.prod(shape))
    found = len(raw) - header_size
    if found != expected:
        raise MnistDataError(
            f"{path} declares {shape} = {expected:,} bytes of data but holds {found:,}: "
            "it is truncated or corrupted, download it again."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape)
