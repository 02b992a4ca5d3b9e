"""load_mnist: every source gives what Keras gives, and every bad source says what is wrong."""

import gzip
import inspect
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest

from mnist_helpers import MnistDataError, load_mnist
from mnist_helpers.data import KERAS_MNIST_SHA256, keras_cache_path, sha256_of
from mnist_helpers.idx import MAX_ARRAY_BYTES

KEYS = ("x_train", "y_train", "x_test", "y_test")


def as_dict(loaded) -> dict[str, np.ndarray]:
    (x_train, y_train), (x_test, y_test) = loaded
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def assert_same_arrays(loaded, expected: dict[str, np.ndarray]) -> None:
    arrays = as_dict(loaded)
    for key in KEYS:
        assert arrays[key].dtype == np.uint8, key
        np.testing.assert_array_equal(arrays[key], expected[key], err_msg=key)


def save_npz(path: Path, arrays: dict[str, np.ndarray], **changes) -> Path:
    np.savez(path, **{**arrays, **changes})
    return path


# The embedded sample.


def test_sample_has_the_keras_shapes_and_dtypes(sample):
    assert sample["x_train"].shape == (4_000, 28, 28)
    assert sample["y_train"].shape == (4_000,)
    assert sample["x_test"].shape == (1_000, 28, 28)
    assert sample["y_test"].shape == (1_000,)
    assert all(sample[key].dtype == np.uint8 for key in KEYS)


def test_sample_is_raw_pixels_and_balanced_digits(sample):
    assert sample["x_train"].min() == 0
    assert sample["x_train"].max() == 255
    assert np.bincount(sample["y_train"]).tolist() == [400] * 10
    assert np.bincount(sample["y_test"]).tolist() == [100] * 10


def test_sample_test_digits_are_not_training_digits(sample):
    train = {image.tobytes() for image in sample["x_train"]}
    test = {image.tobytes() for image in sample["x_test"]}
    assert len(train) == 4_000
    assert len(test) == 1_000
    assert not train & test


def test_unknown_source_names_the_choices():
    with pytest.raises(MnistDataError, match=r"Unknown MNIST source 'kears'.*'auto', 'keras', "):
        load_mnist("kears")


# MNIST_SOURCE pins what "auto" means.


def test_env_pins_auto_to_the_sample_without_a_notice(monkeypatch, capfd, sample):
    monkeypatch.setenv("MNIST_SOURCE", "sample")
    assert_same_arrays(load_mnist(), sample)
    assert capfd.readouterr() == ("", "")  # No notice, on either stream.


def test_env_pins_auto_to_a_folder(monkeypatch, tmp_path, sample, write_idx_folder):
    first_digits = {key: array[:100] for key, array in sample.items()}  # Not the whole sample.
    monkeypatch.setenv("MNIST_SOURCE", str(write_idx_folder(tmp_path / "mnist", first_digits)))
    assert_same_arrays(load_mnist("auto"), first_digits)


def test_env_does_not_override_an_explicit_source(monkeypatch, sample):
    monkeypatch.setenv("MNIST_SOURCE", "kears")
    assert_same_arrays(load_mnist("sample"), sample)


# A folder of the four IDX files.


@pytest.mark.parametrize("suffix", ["", ".gz"], ids=["plain", "gzip"])
def test_idx_folder_loads_exactly(tmp_path, sample, write_idx_folder, suffix):
    folder = write_idx_folder(tmp_path / "mnist", sample, suffix)
    assert_same_arrays(load_mnist(folder), sample)
    assert_same_arrays(load_mnist(str(folder)), sample)


def test_idx_folder_may_mix_plain_and_gzip(idx_folder, sample):
    labels = idx_folder / "t10k-labels-idx1-ubyte"
    (idx_folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels.read_bytes()))
    labels.unlink()
    assert_same_arrays(load_mnist(idx_folder), sample)


def test_idx_folder_missing_a_file_names_it(idx_folder):
    (idx_folder / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(MnistDataError, match="has no t10k-labels-idx1-ubyte"):
        load_mnist(idx_folder)


def test_idx_folder_with_a_truncated_file_is_refused(idx_folder):
    images = idx_folder / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-1])
    with pytest.raises(MnistDataError, match="train-images-idx3-ubyte declares .* but holds"):
        load_mnist(idx_folder)


def test_idx_folder_with_swapped_files_is_refused(idx_folder):
    images, labels = idx_folder / "t10k-images-idx3-ubyte", idx_folder / "t10k-labels-idx1-ubyte"
    images_bytes, labels_bytes = images.read_bytes(), labels.read_bytes()
    images.write_bytes(labels_bytes)
    labels.write_bytes(images_bytes)
    with pytest.raises(MnistDataError, match="swapped"):
        load_mnist(idx_folder)


def test_idx_folder_with_labels_of_another_length_is_refused(idx_folder, sample, write_idx):
    write_idx(idx_folder / "train-labels-idx1-ubyte", sample["y_train"][:-1])
    with pytest.raises(MnistDataError, match="4,000 train images but 3,999 labels"):
        load_mnist(idx_folder)


def test_idx_folder_with_images_of_another_size_is_refused(idx_folder, sample, write_idx):
    write_idx(idx_folder / "t10k-images-idx3-ubyte", sample["x_test"][:, ::2, ::2])
    with pytest.raises(MnistDataError, match=r"x_test .* shape \(1000, 14, 14\).*\(N, 28, 28\)"):
        load_mnist(idx_folder)


def test_idx_folder_with_a_label_above_9_is_refused(idx_folder, sample, write_idx):
    labels = sample["y_test"].copy()
    labels[7] = 10
    write_idx(idx_folder / "t10k-labels-idx1-ubyte", labels)
    with pytest.raises(MnistDataError, match="y_test .* label 10 > 9"):
        load_mnist(idx_folder)


# An .npz file with the Keras keys.


def test_npz_loads_exactly(tmp_path, sample):
    path = tmp_path / "mnist.npz"
    np.savez_compressed(path, **sample)
    assert_same_arrays(load_mnist(path), sample)
    assert_same_arrays(load_mnist(str(path)), sample)


def test_missing_npz_says_it_does_not_exist(tmp_path):
    with pytest.raises(MnistDataError, match=r"mnist\.npz' \(no such file or folder\)"):
        load_mnist(tmp_path / "mnist.npz")


def test_file_that_is_not_npz_is_refused(tmp_path):
    path = tmp_path / "mnist.json"
    path.write_text(json.dumps({"x_train": []}))
    with pytest.raises(MnistDataError, match=r"\(neither a folder nor an \.npz file\)"):
        load_mnist(path)


@pytest.mark.parametrize("keep", [0.5, 0.99, 0.0001], ids=["half", "all-but-the-end", "header"])
def test_truncated_npz_is_refused(tmp_path, sample, keep):
    path = save_npz(tmp_path / "mnist.npz", sample)
    path.write_bytes(path.read_bytes()[: int(path.stat().st_size * keep)])
    with pytest.raises(MnistDataError, match="could not be read as an .npz.*corrupted"):
        load_mnist(path)


def test_npz_of_garbage_is_refused(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"<html>Not Found</html>" * 100)
    with pytest.raises(MnistDataError, match="truncated or corrupted"):
        load_mnist(path)


def test_npz_with_missing_keys_names_them(tmp_path, sample):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=sample["x_train"], y_train=sample["y_train"])
    with pytest.raises(MnistDataError, match=r"lacks the arrays \['x_test', 'y_test'\]"):
        load_mnist(path)


def test_npz_with_labels_of_another_length_is_refused(tmp_path, sample):
    path = save_npz(tmp_path / "mnist.npz", sample, y_test=sample["y_test"][:999])
    with pytest.raises(MnistDataError, match="1,000 test images but 999 labels"):
        load_mnist(path)


def test_npz_with_normalized_images_is_refused(tmp_path, sample):
    path = save_npz(tmp_path / "mnist.npz", sample, x_train=sample["x_train"] / 255)
    with pytest.raises(MnistDataError, match="x_train .* dtype float64; MNIST images are uint8"):
        load_mnist(path)


def test_npz_with_one_hot_labels_is_refused(tmp_path, sample):
    one_hot = np.eye(10, dtype=np.uint8)[sample["y_train"]]
    path = save_npz(tmp_path / "mnist.npz", sample, y_train=one_hot)
    with pytest.raises(MnistDataError, match=r"y_train .* shape \(4000, 10\).*uint8 vector"):
        load_mnist(path)


def npy_header(shape: tuple[int, ...], descr: str = "|u1") -> bytes:
    """A .npy version 1.0 header that declares `shape` and `descr`, whatever follows it."""
    buffer = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def write_npz_members(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_npy_file_named_npz_is_refused(tmp_path, sample):
    path = tmp_path / "mnist.npz"
    np.save(tmp_path / "x.npy", sample["x_test"])
    path.write_bytes((tmp_path / "x.npy").read_bytes())
    with pytest.raises(MnistDataError, match="mnist.npz could not be read as an .npz file"):
        load_mnist(path)


def test_zip_member_without_the_numpy_header_is_refused(tmp_path):
    members = {f"{key}.npy": b"PK but not NumPy" for key in KEYS}
    path = write_npz_members(tmp_path / "mnist.npz", members)
    with pytest.raises(MnistDataError, match="could not be read as an .npz file .*magic string"):
        load_mnist(path)


def test_npz_header_claiming_730_gib_is_refused_before_allocating(tmp_path):
    members = {f"{key}.npy": npy_header((1_000_000_000, 28, 28)) for key in KEYS}
    path = write_npz_members(tmp_path / "mnist.npz", members)
    with pytest.raises(MnistDataError, match=r"declares an array of 784,000,000,000 bytes"):
        load_mnist(path)


def test_npz_that_inflates_beyond_the_cap_is_refused_in_bounded_memory(tmp_path, sample):
    # One image more than the cap allows, all zeros: 549 MB of arrays in a 0.5 MB file.
    images = MAX_ARRAY_BYTES // 784 + 1
    path = tmp_path / "mnist.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("x_train.npy", "w", force_zip64=True) as member:
            member.write(npy_header((images, 28, 28)))
            for _ in range(images // 10_000 + 1):
                member.write(bytes(min(10_000, images) * 784))
        archive.writestr("y_train.npy", npy_header((images,)) + bytes(images))
        for key in ("x_test", "y_test"):
            buffer = io.BytesIO()
            np.save(buffer, sample[key])
            archive.writestr(f"{key}.npy", buffer.getvalue())
    assert path.stat().st_size < 5_000_000
    tracemalloc.start()
    try:
        with pytest.raises(MnistDataError, match="more than the 548,800,000 .ten times MNIST."):
            load_mnist(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_npz_of_pickled_objects_is_refused_without_unpickling(tmp_path):
    members = {f"{key}.npy": npy_header((2,), descr="|O") + b"\x80\x04." for key in KEYS}
    path = write_npz_members(tmp_path / "mnist.npz", members)
    with pytest.raises(MnistDataError, match="holds Python objects, which are never unpickled"):
        load_mnist(path)


def test_npz_with_an_upper_case_suffix_loads(tmp_path, sample):
    path = save_npz(tmp_path / "mnist.npz", sample).rename(tmp_path / "MNIST.NPZ")
    assert_same_arrays(load_mnist(path), sample)


def test_npz_with_no_images_is_refused(tmp_path, sample):
    path = save_npz(tmp_path / "mnist.npz", sample, x_test=sample["x_test"][:0])
    path = save_npz(
        path, {**sample, "x_test": sample["x_test"][:0], "y_test": sample["y_test"][:0]}
    )
    with pytest.raises(MnistDataError, match="holds no test images"):
        load_mnist(path)


def test_plain_idx_file_beside_its_gzip_is_refused(idx_folder):
    labels = idx_folder / "t10k-labels-idx1-ubyte"
    (idx_folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels.read_bytes()))
    with pytest.raises(MnistDataError, match="both t10k-labels-idx1-ubyte and .*gz, which may"):
        load_mnist(idx_folder)


@pytest.mark.parametrize("source", ["", None, 0, b"sample", ["sample"]])
def test_a_source_that_is_no_name_or_path_is_refused(source):
    expected = "source must be 'auto', 'keras', 'sample', a path .* or the URL"
    with pytest.raises(MnistDataError, match=expected):
        load_mnist(source)


def test_a_bad_mnist_source_in_the_environment_says_where_it_came_from(monkeypatch):
    monkeypatch.setenv("MNIST_SOURCE", "garbage")
    with pytest.raises(MnistDataError, match="^MNIST_SOURCE='garbage' in the environment: Unknown"):
        load_mnist()


# The Keras download and its cache.


def test_keras_cache_path_follows_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert keras_cache_path() == tmp_path / "datasets" / "mnist.npz"


def test_sha256_of_gives_the_published_digest(tmp_path):
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    # The SHA-256 of "abc", the first example of FIPS 180-2.
    assert sha256_of(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_published_hash_is_the_one_keras_verifies():
    # If Keras ever ships another mnist.npz, a good cached file must not be called corrupted.
    assert KERAS_MNIST_SHA256 in inspect.getsource(keras.datasets.mnist.load_data)


OFFLINE_LOAD = """
import mnist_helpers
try:
    (x_train, _), (x_test, _) = mnist_helpers.load_mnist({source!r})
except mnist_helpers.MnistDataError as error:
    print("MnistDataError:", error)
else:
    print("loaded", x_train.shape, x_test.shape)
"""


def test_keras_offline_without_cache_says_how_to_fix(offline_python):
    result = offline_python(OFFLINE_LOAD.format(source="keras"))
    assert "MnistDataError: MNIST could not be loaded with Keras (download failed:" in result.stdout
    assert str(offline_python.keras_cache) in result.stdout
    assert "load_mnist('sample')" in result.stdout
    assert result.stderr == ""


def test_keras_offline_with_corrupted_cache_keeps_the_file_and_names_it(offline_python):
    cache = offline_python.keras_cache
    cache.write_bytes(b"half an npz" * 1000)
    result = offline_python(OFFLINE_LOAD.format(source="keras"))
    (kept,) = cache.parent.glob("mnist.npz.*.corrupt")
    assert kept.read_bytes() == b"half an npz" * 1000  # Moved aside, never deleted.
    assert not cache.exists()  # So no later run loads it, or Keras deletes it.
    assert f"the cached {cache} is not the published file" in result.stdout, result.stderr
    assert f"kept as {kept}" in result.stdout


def test_auto_offline_falls_back_to_the_sample_with_one_line_on_stdout(offline_python):
    result = offline_python(OFFLINE_LOAD.format(source="auto"))
    notice, loaded = result.stdout.splitlines()  # Nothing else: no Keras "Downloading data".
    assert loaded == "loaded (4000, 28, 28) (1000, 28, 28)"
    assert notice.startswith("Full MNIST not available (download failed: ")
    assert "using the embedded sample of 5,000 real MNIST digits" in notice
    assert result.stderr == ""  # Jupyter would show stderr in a pink box, as an error.


def test_auto_offline_with_corrupted_cache_names_the_kept_file_in_its_one_line(
    monkeypatch, tmp_path, capsys, sample
):
    # In this process: offline, Keras is never called, so only mnist_helpers reads KERAS_HOME.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    cache = keras_cache_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"not mnist")
    monkeypatch.delenv("MNIST_SOURCE")
    assert_same_arrays(load_mnist(), sample)
    (kept,) = cache.parent.glob("mnist.npz.*.corrupt")
    assert kept.read_bytes() == b"not mnist"
    (notice,) = capsys.readouterr().out.splitlines()
    assert f"kept as {kept}; download failed:" in notice


def test_unreadable_cache_falls_back_to_the_sample(monkeypatch, tmp_path, capsys, sample):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv("MNIST_SOURCE")
    cache = keras_cache_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"x")

    def unreadable(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("mnist_helpers.data.sha256_of", unreadable)  # chmod 000 binds no root.
    assert_same_arrays(load_mnist(), sample)
    (notice,) = capsys.readouterr().out.splitlines()
    assert f"the cached {cache} cannot be used: Permission denied" in notice
    assert cache.read_bytes() == b"x"
    with pytest.raises(MnistDataError, match="cannot be used: Permission denied"):
        load_mnist("keras")
