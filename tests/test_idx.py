"""read_idx: the original MNIST files, read back exactly, and every broken one refused."""

import gzip
import struct
import tracemalloc

import numpy as np
import pytest

from mnist_helpers.errors import MnistDataError
from mnist_helpers.idx import MAX_ARRAY_BYTES, read_idx


def test_test_writer_follows_the_published_header(tmp_path, sample, write_idx):
    # 0x00000803: unsigned bytes in 3 dimensions, then 4,000 x 28 x 28 as big-endian uint32.
    path = write_idx(tmp_path / "images", sample["x_train"])
    header = bytes.fromhex("0000080300000fa00000001c0000001c")
    assert path.read_bytes()[:16] == header
    assert path.stat().st_size == 16 + 4_000 * 28 * 28


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_images_and_labels_read_back_exactly(tmp_path, sample, write_idx, suffix):
    images = read_idx(write_idx(tmp_path / f"images{suffix}", sample["x_test"]), ndim=3)
    labels = read_idx(write_idx(tmp_path / f"labels{suffix}", sample["y_test"]), ndim=1)
    assert images.dtype == labels.dtype == np.uint8
    np.testing.assert_array_equal(images, sample["x_test"])
    np.testing.assert_array_equal(labels, sample["y_test"])


def test_truncated_file_is_refused_with_sizes(tmp_path, sample, write_idx):
    path = write_idx(tmp_path / "images", sample["x_test"])
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(MnistDataError, match=r"declares .*784,000 bytes of data but holds 783,900"):
        read_idx(path, ndim=3)


def test_trailing_garbage_is_refused(tmp_path, sample, write_idx):
    path = write_idx(tmp_path / "labels", sample["y_test"])
    path.write_bytes(path.read_bytes() + b"\x00" * 3)
    with pytest.raises(MnistDataError, match="truncated or corrupted"):
        read_idx(path, ndim=1)


def test_truncated_gzip_is_refused(tmp_path, sample, write_idx):
    path = write_idx(tmp_path / "images.gz", sample["x_test"])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(MnistDataError, match="could not be read.*truncated or corrupted"):
        read_idx(path, ndim=3)


def test_file_that_is_not_gzip_is_refused(tmp_path):
    path = tmp_path / "images.gz"
    path.write_bytes(b"<html>Not Found</html>")
    with pytest.raises(MnistDataError, match="could not be read"):
        read_idx(path, ndim=3)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(MnistDataError, match="could not be read"):
        read_idx(tmp_path / "train-images-idx3-ubyte", ndim=3)


def test_labels_read_as_images_say_swapped(tmp_path, sample, write_idx):
    path = write_idx(tmp_path / "train-images-idx3-ubyte", sample["y_train"])
    with pytest.raises(MnistDataError, match=r"0x00000801, expected 0x00000803.*swapped"):
        read_idx(path, ndim=3)


def test_other_element_type_is_refused(tmp_path, sample):
    # Type code 0x0d is float32 in the IDX format: the right shape, the wrong kind of file.
    labels = sample["y_test"].astype(">f4")
    path = tmp_path / "labels"
    path.write_bytes(bytes.fromhex("00000d01") + len(labels).to_bytes(4, "big") + labels.tobytes())
    with pytest.raises(MnistDataError, match="not an IDX file of 1-D unsigned bytes"):
        read_idx(path, ndim=1)


def test_file_shorter_than_a_header_is_refused(tmp_path):
    path = tmp_path / "images"
    path.write_bytes(bytes.fromhex("00000803"))
    with pytest.raises(MnistDataError, match="too short to hold an IDX header"):
        read_idx(path, ndim=3)


def test_gzipped_file_truncated_inside_is_refused(tmp_path, sample, write_idx):
    # A complete gzip stream of an incomplete IDX file: gzip is happy, the size check is not.
    raw = gzip.decompress(write_idx(tmp_path / "x.gz", sample["x_test"]).read_bytes())
    path = tmp_path / "images.gz"
    path.write_bytes(gzip.compress(raw[:-784]))
    with pytest.raises(MnistDataError, match="declares"):
        read_idx(path, ndim=3)


# Hostile files: refused with MnistDataError, in memory bounded by the declared size.


def test_invalid_deflate_stream_is_refused(tmp_path):
    # A gzip header, then a deflate block of the reserved type 11: zlib.error inside gzip.
    path = tmp_path / "images.gz"
    path.write_bytes(bytes.fromhex("1f8b0800000000000003") + b"\x07" + b"\x00" * 20)
    with pytest.raises(MnistDataError, match="images.gz could not be read .*invalid block type"):
        read_idx(path, ndim=3)


def test_dimensions_whose_product_overflows_int64_are_refused(tmp_path):
    # 2**31 x 2**31 x 4 = 2**64 bytes, which wraps to 0 in int64: the file "matches" with no data.
    path = tmp_path / "images"
    path.write_bytes(bytes.fromhex("00000803") + struct.pack(">3I", 2**31, 2**31, 4))
    with pytest.raises(MnistDataError, match=f"declares an array of {2**64:,} bytes, more than"):
        read_idx(path, ndim=3)


def test_size_above_the_cap_is_refused_before_reading(tmp_path):
    images = MAX_ARRAY_BYTES // 784 + 1
    path = tmp_path / "images.gz"
    path.write_bytes(gzip.compress(bytes.fromhex("00000803") + struct.pack(">3I", images, 28, 28)))
    with pytest.raises(MnistDataError, match=r"more than the 548,800,000 \(ten times MNIST\)"):
        read_idx(path, ndim=3)


def peak_memory_of(function, *args) -> int:
    """Peak bytes allocated while `function(*args)` runs (NumPy arrays included)."""
    tracemalloc.start()
    try:
        function(*args)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_gzip_bomb_is_refused_after_reading_at_most_the_declared_size(tmp_path):
    # 1,000 labels declared, 100 MB of zeros behind them, 100 KB on disk.
    path = tmp_path / "labels.gz"
    header = bytes.fromhex("00000801") + struct.pack(">I", 1_000)
    path.write_bytes(gzip.compress(header + bytes(100_000_000), compresslevel=1))
    assert path.stat().st_size < 1_000_000

    def load():
        with pytest.raises(MnistDataError, match="declares 1,000 bytes of data but holds more"):
            read_idx(path, ndim=1)

    assert peak_memory_of(load) < 5_000_000  # Not the 100 MB the stream inflates to.


def test_huge_sparse_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "labels"
    with path.open("wb") as file:
        file.write(bytes.fromhex("00000801") + struct.pack(">I", 1_000))
        file.truncate(1 << 30)  # 1 GiB, sparse: costs no disk, but reading it costs 1 GiB.

    def load():
        with pytest.raises(MnistDataError, match=f"declares .* but holds {(1 << 30) - 8:,}"):
            read_idx(path, ndim=1)

    assert peak_memory_of(load) < 5_000_000
