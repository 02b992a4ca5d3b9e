"""Property-based fuzz of the file readers: every mutated MNIST file loads right or is refused
with MnistDataError, and reading it never costs more memory than the data it holds.

Hypothesis mutates valid IDX, .gz and .npz files (bit flips, truncation, extension, header
fields), either as stored on disk or inside the compression (then recompressed, so only our
checks can catch it). The oracle: a load that succeeds gives exactly the arrays the mutated
content holds (read by the plain reference parsers below); anything else must be
MnistDataError.

Memory: the fuzz runs in a child process, which reports how far its peak resident memory
(`ru_maxrss`) rose during the fuzz above its peak after warming up on the valid files. The
files hold about 80 KB of digits while mutated headers declare up to 2**96 bytes, so a reader
that trusts a header, or inflates a stream past its declared size, shows as hundreds of MB;
the bound is `MAX_RSS_GROWTH_MIB`. The examples are derandomized: the same on every run.
"""

import gzip
import io
import json
import math
import resource
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnist_helpers import MnistDataError, load_mnist

EXAMPLES = 500
MAX_RSS_GROWTH_MIB = 64
KEYS = ("x_train", "y_train", "x_test", "y_test")
IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
FORMATS = ("idx", "idx.gz", "idx.gz inside", "npz", "npz inside")


def originals() -> dict[str, np.ndarray]:
    """A small valid dataset: the first 64 training and 32 test digits of the sample."""
    (x_train, y_train), (x_test, y_test) = load_mnist("sample")
    return {
        "x_train": x_train[:64],
        "y_train": y_train[:64],
        "x_test": x_test[:32],
        "y_test": y_test[:32],
    }


def idx_bytes(array: np.ndarray) -> bytes:
    header = struct.pack(">I", 0x800 | array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def reference_idx(content: bytes) -> np.ndarray | None:
    """The array an IDX file of unsigned bytes holds, or None if it is not a well-formed one."""
    if len(content) < 4 or content[:3] != b"\x00\x00\x08":
        return None
    ndim = content[3]
    if len(content) < 4 + 4 * ndim:
        return None
    shape = struct.unpack(f">{ndim}I", content[4 : 4 + 4 * ndim])
    data = content[4 + 4 * ndim :]
    return np.frombuffer(data, np.uint8).reshape(shape) if len(data) == math.prod(shape) else None


def reference_npy(content: bytes) -> np.ndarray:
    """The array a .npy member holds, as NumPy reads it (called only on members we accepted)."""
    return np.lib.format.read_array(io.BytesIO(content), allow_pickle=False)


@st.composite
def mutations(draw, size: int):
    """A function bytes -> bytes: bit flips, a truncation, an extension or new header fields."""
    kind = draw(st.sampled_from(["flip", "truncate", "extend", "header"]))
    if kind == "flip":
        flips = draw(
            st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, 7)), min_size=1, max_size=8)
        )

        def mutate(data: bytes) -> bytes:
            out = bytearray(data)
            for position, bit in flips:
                out[position % len(out)] ^= 1 << bit
            return bytes(out)
    elif kind == "truncate":
        keep = draw(st.integers(0, size - 1))

        def mutate(data: bytes) -> bytes:
            return data[:keep]
    elif kind == "extend":
        tail = draw(
            st.one_of(st.binary(min_size=1, max_size=64), st.integers(1, 1 << 20).map(bytes))
        )

        def mutate(data: bytes) -> bytes:
            return data + tail
    else:  # A header field: one of the first five big-endian words, or a .npy header's text.
        word = draw(st.integers(0, 4))
        value = draw(
            st.one_of(st.integers(0, 2**32 - 1), st.sampled_from([0, 1, 28, 2**31, 2**32 - 1]))
        )
        shape = draw(st.lists(st.one_of(st.integers(0, 70_000), st.integers(0, 2**32)), max_size=3))
        descr = draw(st.sampled_from(["|u1", "<f8", "|O", ">u4", "<i8", "|b1"]))
        fortran = draw(st.booleans())

        def mutate(data: bytes) -> bytes:
            if data.startswith(b"\x93NUMPY"):
                header = {"descr": descr, "fortran_order": fortran, "shape": tuple(shape)}
                buffer = io.BytesIO()
                np.lib.format.write_array_header_1_0(buffer, header)
                old_length = 10 + int.from_bytes(data[8:10], "little")
                return buffer.getvalue() + data[old_length:]
            out = bytearray(data.ljust(20, b"\x00"))
            out[4 * word : 4 * word + 4] = struct.pack(">I", value)
            return bytes(out)

    return mutate


def write_files(
    folder: Path, arrays: dict[str, np.ndarray], fmt: str, key: str, mutate
) -> tuple[Path, dict]:
    """Write `arrays` in format `fmt`, with member `key` mutated; return the source to load and
    what the mutated content holds per key (None: refused by the reference, so must be refused)."""
    expected = dict(arrays)
    if fmt.startswith("idx"):
        folder.mkdir()
        for name_key, array in arrays.items():
            content = idx_bytes(array)
            if fmt == "idx":
                if name_key == key:
                    content = mutate(content)
                    expected[key] = reference_idx(content)
                (folder / IDX_NAMES[name_key]).write_bytes(content)
            else:
                if name_key == key and fmt == "idx.gz inside":
                    content = mutate(content)
                    expected[key] = reference_idx(content)
                stored = gzip.compress(content, mtime=0)
                if name_key == key and fmt == "idx.gz":
                    stored = mutate(stored)
                (folder / f"{IDX_NAMES[name_key]}.gz").write_bytes(stored)
        return folder, expected
    members = {name_key: npy_bytes(array) for name_key, array in arrays.items()}
    if fmt == "npz inside":
        members[key] = mutate(members[key])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name_key, content in members.items():
            archive.writestr(f"{name_key}.npy", content)
    stored = buffer.getvalue()
    if fmt == "npz":
        stored = mutate(stored)
    path = folder.with_suffix(".npz")
    path.write_bytes(stored)
    if fmt == "npz inside":
        expected[key] = members[key]  # Bytes: parsed by NumPy only if we accepted them.
    return path, expected


def check_one(arrays: dict[str, np.ndarray], fmt: str, key: str, mutate) -> str:
    """Load one mutated file; return "loaded" or "refused", or fail the example."""
    with tempfile.TemporaryDirectory() as tmp:
        source, expected = write_files(Path(tmp) / "mnist", arrays, fmt, key, mutate)
        try:
            (x_train, y_train), (x_test, y_test) = load_mnist(source)
        except MnistDataError:
            return "refused"
    loaded = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for name_key, array in loaded.items():
        want = expected[name_key]
        if isinstance(want, bytes):
            want = reference_npy(want)
        assert want is not None, f"{fmt} {key}: accepted a file the reference refuses"
        assert array.dtype == want.dtype and array.shape == want.shape, (fmt, name_key)
        np.testing.assert_array_equal(array, want, err_msg=f"{fmt} {name_key}")
    return "loaded"


def run_fuzz() -> dict:
    """Run the fuzz in this process; return the outcomes and the growth of peak memory."""
    arrays = originals()
    for fmt in FORMATS:  # Warm up: every valid file once, and the peak memory that costs.
        assert check_one(arrays, fmt, "x_train", lambda data: data) == "loaded"
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcomes = {"loaded": 0, "refused": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        fmt=st.sampled_from(FORMATS),
        key=st.sampled_from(KEYS),
        mutate=st.data(),
    )
    def fuzz(fmt, key, mutate):
        size = 2_000 if fmt.startswith("npz") or fmt == "idx.gz" else 64 * 784
        outcomes[check_one(arrays, fmt, key, mutate.draw(mutations(size)))] += 1

    fuzz()
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    return {**outcomes, "rss_growth_mib": growth / 1024}  # ru_maxrss is in KiB on Linux.


def test_every_mutated_file_loads_right_or_is_refused_in_bounded_memory():
    tests = Path(__file__).parent
    code = (
        f"import json, sys; sys.path.insert(0, {str(tests)!r}); import {Path(__file__).stem} as f; "
    )
    command = [sys.executable, "-c", code + "print(json.dumps(f.run_fuzz()))"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-5000:]
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["loaded"] + report["refused"] == EXAMPLES
    assert report["refused"] > EXAMPLES // 2  # Most mutations break the file; few slip by.
    assert report["rss_growth_mib"] < MAX_RSS_GROWTH_MIB, report
