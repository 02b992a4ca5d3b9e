"""Download `mnist.npz` from a mirror into Keras' cache, verified before anything reads it.

For learners whose network cannot reach Google's storage: any HTTP(S) server holding the
published file will do (a university mirror, a classmate's `python -m http.server`). The file
is streamed to a temporary name beside the cache, hashed as it arrives, and moved into place
only if its SHA-256 is the published one, so Keras and `load_mnist` then find it as if Keras
had downloaded it. A file with another hash is kept aside under a name holding its hash, and
named in the error; an interrupted transfer leaves nothing behind.
"""

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tqdm import tqdm

from mnist_helpers.errors import MnistDataError

# The published mnist.npz is 11,490,434 bytes; anything far larger is not it.
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
TIMEOUT_SECONDS = 30  # For connecting and for each read: a stalled server is an error.
CHUNK_BYTES = 1 << 16


def is_url(source: object) -> bool:
    """True for an `http://` or `https://` address (the sources `download_npz` accepts)."""
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


def download_npz(url: str, destination: Path, sha256: str, progress: bool = True) -> Path:
    """Fetch `url` to `destination` if its SHA-256 is `sha256`; return `destination`.

    Raises `MnistDataError` naming the address when the server cannot be reached, the transfer
    breaks off, the file is too large, or its hash differs (that file is kept, and named).
    """
    if urllib.parse.urlsplit(url).hostname is None:
        raise MnistDataError(f"{url!r} names no server: give a URL like https://host/mnist.npz.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    # A name of its own beside the cache: two downloads never collide, and the move is atomic.
    with tempfile.NamedTemporaryFile(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part", delete=False
    ) as part:
        partial = Path(part.name)
        try:
            digest = _fetch(url, part, progress)
            part.close()
            if digest != sha256:
                kept = destination.with_name(f"{destination.name}.{digest[:12]}.corrupt")
                os.replace(partial, kept)
                raise MnistDataError(
                    f"The file at {url} is not the published mnist.npz (its SHA-256 is "
                    f"{digest}, not {sha256}): kept as {kept}. Check the address, or ask "
                    "whoever shared it for the original file."
                )
            os.replace(partial, destination)  # A reader sees the old file or the new.
        finally:
            partial.unlink(missing_ok=True)
    return destination


def _fetch(url: str, file, progress: bool) -> str:
    """Stream `url` into `file`; return the SHA-256 of what arrived."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            expected = _declared_length(response, url)
            received = 0
            with tqdm(
                total=expected,
                unit="B",
                unit_scale=True,
                desc="mnist.npz",
                file=sys.stdout,  # Information, not an error: Jupyter paints stderr pink.
                disable=not progress,
            ) as bar:
                while chunk := response.read(CHUNK_BYTES):
                    received += len(chunk)
                    if received > MAX_DOWNLOAD_BYTES:
                        raise MnistDataError(
                            f"{url} sends more than {MAX_DOWNLOAD_BYTES:,} bytes: that is not "
                            "mnist.npz (11.5 MB). Check the address."
                        )
                    digest.update(chunk)
                    file.write(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as error:
        raise MnistDataError(f"{url} answered HTTP {error.code} {error.reason}.") from error
    except urllib.error.URLError as error:
        raise MnistDataError(
            f"{url} cannot be reached ({error.reason}). Check the address and your network."
        ) from error
    except (OSError, http.client.HTTPException) as error:  # Reset, timeout, a bad response.
        problem = str(error) or type(error).__name__
        raise MnistDataError(f"Downloading {url} failed: {problem}.") from error
    if expected is not None and received != expected:
        raise MnistDataError(
            f"The download from {url} broke off after {received:,} of {expected:,} bytes: "
            "try again."
        )
    return digest.hexdigest()


def _declared_length(response, url: str) -> int | None:
    length = response.headers.get("Content-Length")
    if length is None:
        return None
    if not length.isdigit():
        raise MnistDataError(f"{url} declares a length of {length!r} bytes: not a file.")
    if int(length) > MAX_DOWNLOAD_BYTES:
        raise MnistDataError(
            f"{url} declares {int(length):,} bytes: that is not mnist.npz (11.5 MB). "
            "Check the address."
        )
    return int(length)
