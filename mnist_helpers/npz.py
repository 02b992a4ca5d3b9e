"""Read named arrays from an `.npz` file with bounded memory, never unpickling anything.

`np.load` trusts each array's header: a 1.7 MB file can declare, and inflate to, an array of
gigabytes. Here each member's `.npy` header is read and checked first (no Python objects, a
size below `MAX_ARRAY_BYTES`), then at most that many bytes plus one are read.
"""

import zipfile
from pathlib import Path

import numpy as np

from mnist_helpers.errors import MnistDataError
from mnist_helpers.idx import READ_ERRORS, read_exactly

# What a corrupted zip or .npy header can raise: zipfile's errors, an encrypted or
# unsupported member, NumPy's ValueError for a header it cannot parse.
NPZ_ERRORS = (*READ_ERRORS, zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError)


def read_npz(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Return the arrays `keys` of the `.npz` file at `path`, or raise `MnistDataError`."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            missing = [key for key in keys if f"{key}.npy" not in names]
            if missing:
                raise MnistDataError(f"{path} lacks the arrays {missing}: it holds {list(keys)}.")
            return {key: _read_member(archive, f"{key}.npy", path) for key in keys}
    except NPZ_ERRORS as error:
        if isinstance(error, MnistDataError):
            raise
        raise MnistDataError(
            f"{path} could not be read as an .npz file ({error}): it is truncated or corrupted."
        ) from error


def _read_member(archive: zipfile.ZipFile, name: str, path: Path) -> np.ndarray:
    where = f"{path} ({name})"
    with archive.open(name) as member:
        version = np.lib.format.read_magic(member)
        if version not in ((1, 0), (2, 0)):
            raise MnistDataError(f"{where} is a .npy of version {version}, not 1.0 or 2.0.")
        read_header = {
            (1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0,
        }[version]
        try:
            shape, fortran_order, dtype = read_header(member)
        except Exception as error:  # NumPy's parser of the header text raises several kinds.
            raise MnistDataError(f"{where} has a corrupted .npy header ({error!r}).") from error
        if dtype.hasobject:
            raise MnistDataError(f"{where} holds Python objects, which are never unpickled here.")
        count = int(np.prod(shape, dtype=object))  # Python integers: no overflow.
        data = read_exactly(member, count * dtype.itemsize, Path(where))
    if fortran_order:
        return data.view(dtype).reshape(shape[::-1]).transpose()
    return data.view(dtype).reshape(shape)
