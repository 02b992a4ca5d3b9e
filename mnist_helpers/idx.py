"""Read the original MNIST IDX files (`train-images-idx3-ubyte[.gz]` and friends).

The IDX format is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian uint32 per dimension, then the raw bytes. We read and check the
header first, refuse a declared size above `MAX_ARRAY_BYTES` before allocating anything, then
read at most the declared size plus one byte: a truncated, padded, foreign or hostile file
fails with a clear `MnistDataError` and never costs more memory than the array it declares.
"""

import gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from mnist_helpers.errors import MnistDataError

UNSIGNED_BYTE = 0x08
IMAGES_NDIM = 3
LABELS_NDIM = 1
# Ten times MNIST's 70,000 images of 28 x 28 bytes: room for any MNIST-like set, not for a bomb.
MAX_ARRAY_BYTES = 10 * 70_000 * 28 * 28
_CHUNK = 1 << 20
# What a corrupted file can raise while it is read: gzip's own errors, a bad deflate stream.
READ_ERRORS = (OSError, EOFError, zlib.error)


def read_idx(path: str | os.PathLike, ndim: int) -> np.ndarray:
    """Return the uint8 array stored in an IDX file (gzipped or not) with `ndim` dimensions."""
    path = Path(path)
    try:
        with open(path, "rb") as raw:
            if path.suffix.lower() != ".gz":
                return _read_idx_stream(raw, ndim, path, file_size=os.fstat(raw.fileno()).st_size)
            with gzip.GzipFile(fileobj=raw) as file:
                return _read_idx_stream(file, ndim, path, file_size=None)
    except READ_ERRORS as error:
        raise MnistDataError(
            f"{path} could not be read ({error}). Download it again: it is truncated or corrupted."
        ) from error


def read_exactly(file: BinaryIO, size: int, path: Path) -> np.ndarray:
    """Read `size` bytes into a new uint8 array, and check that nothing follows them.

    The buffer grows with the bytes that arrive, not with the size the header claims: a stream
    shorter than it says costs only what it holds, and a longer one (a gzip bomb) is cut off
    one byte past the declared size.
    """
    if size > MAX_ARRAY_BYTES:
        raise MnistDataError(
            f"{path} declares an array of {size:,} bytes, more than the {MAX_ARRAY_BYTES:,} "
            "(ten times MNIST) this package reads: it is corrupted or not an MNIST file."
        )
    data = bytearray()
    while len(data) < size:
        chunk = file.read(min(_CHUNK, size - len(data)))
        if not chunk:
            raise MnistDataError(
                f"{path} declares {size:,} bytes of data but holds {len(data):,}: "
                "it is truncated or corrupted, download it again."
            )
        data += chunk
    if file.read(1):
        raise MnistDataError(
            f"{path} declares {size:,} bytes of data but holds more: "
            "it is truncated or corrupted, download it again."
        )
    return np.frombuffer(data, dtype=np.uint8)


def _read_idx_stream(file: BinaryIO, ndim: int, path: Path, file_size: int | None) -> np.ndarray:
    header_size = 4 + 4 * ndim
    header = file.read(header_size)
    if len(header) < header_size:
        raise MnistDataError(f"{path} is too short to hold an IDX header: download it again.")
    zero, type_code, dims = struct.unpack(">HBB", header[:4])
    if zero != 0 or type_code != UNSIGNED_BYTE or dims != ndim:
        raise MnistDataError(
            f"{path} is not an IDX file of {ndim}-D unsigned bytes (magic number "
            f"0x{header[:4].hex()}, expected 0x000008{ndim:02x}): check that the images and "
            "labels files are not swapped, and download it again if needed."
        )
    shape = struct.unpack(f">{ndim}I", header[4:])
    size = math.prod(shape)  # Python integers: a hostile header cannot overflow them.
    if file_size is not None and size <= MAX_ARRAY_BYTES and file_size - header_size != size:
        # An uncompressed file tells its size up front: no need to read it to refuse it.
        raise MnistDataError(
            f"{path} declares {shape} = {size:,} bytes of data but holds "
            f"{file_size - header_size:,}: it is truncated or corrupted, download it again."
        )
    return read_exactly(file, size, path).reshape(shape)
