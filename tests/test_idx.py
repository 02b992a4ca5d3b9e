"""read_idx: the original MNIST files, read back exactly, and every broken one refused."""

import gzip

import numpy as np
import pytest

from mnist_helpers.errors import MnistDataError
from mnist_helpers.idx import read_idx


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
