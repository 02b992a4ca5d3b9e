"""MNIST from a mirror: a local HTTP server on 127.0.0.1 plays the mirror, good and bad.

The "published" hash is the hash of a file made from the embedded sample here (the real
mnist.npz is not in the repository), so each test runs the whole path: download, verify,
move into Keras' cache, load.
"""

import hashlib
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from mnist_helpers import MnistDataError, data, download, load_mnist
from mnist_helpers.data import keras_cache_path

WAIT_SECONDS = 60


class Mirror(http.server.BaseHTTPRequestHandler):
    """Serves `body` at any path; `cut` bytes short, or `stall`ing, as a test asks."""

    body = b""
    status = 200
    declared: int | None = None  # Content-Length to claim instead of the body's; -1: none.
    cut = 0  # Send that many bytes fewer than declared, then close.
    stall = False  # Send the headers and a first chunk, then wait.
    requests = 0

    def do_GET(self) -> None:  # noqa: N802  The name http.server calls.
        type(self).requests += 1
        self.send_response(self.status)
        if self.declared != -1:
            self.send_header("Content-Length", str(self.declared or len(self.body)))
        self.end_headers()
        if self.status != 200:
            return
        self.wfile.write(self.body[: len(self.body) - self.cut])
        self.wfile.flush()
        if self.stall:
            time.sleep(WAIT_SECONDS)

    def log_message(self, *args) -> None:  # Quiet: pytest shows failures, not every request.
        pass


@pytest.fixture
def published(tmp_path, sample, monkeypatch) -> bytes:
    """An npz of the sample's digits whose SHA-256 counts as the published one."""
    path = tmp_path / "served.npz"
    np.savez(path, **sample)
    body = path.read_bytes()
    monkeypatch.setattr(data, "KERAS_MNIST_SHA256", hashlib.sha256(body).hexdigest())
    return body


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """Keras' cache in a folder of the test's own."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    (tmp_path / "keras").mkdir()
    return keras_cache_path()


@pytest.fixture(autouse=True)
def _direct_to_loopback(monkeypatch):
    """The suite's dead proxy (conftest) stays for every other address."""
    monkeypatch.setenv("no_proxy", "127.0.0.1")


@pytest.fixture
def mirror(published):
    """A server on 127.0.0.1 serving `published`; its handler class is the test's to change."""
    handler = type("TestMirror", (Mirror,), {"body": published, "requests": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # A client that hung up, on purpose.
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/mnist.npz"
    server.handler = handler
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=WAIT_SECONDS)


def test_a_good_mirror_loads_the_digits_into_keras_cache(mirror, cache, sample, capsys):
    (x_train, y_train), (x_test, y_test) = load_mnist(mirror.url)
    np.testing.assert_array_equal(x_train, sample["x_train"])
    np.testing.assert_array_equal(y_test, sample["y_test"])
    assert cache.read_bytes() == mirror.handler.body
    assert "mnist.npz" in capsys.readouterr().out  # The progress bar, on stdout.
    assert sorted(p.name for p in cache.parent.iterdir()) == ["mnist.npz"]  # No temporary left.


def test_a_cached_published_file_is_used_without_downloading(mirror, cache, sample):
    load_mnist(mirror.url)
    load_mnist(mirror.url)
    assert mirror.handler.requests == 1


def test_mnist_source_may_be_a_url(mirror, cache, sample, monkeypatch):
    monkeypatch.setenv("MNIST_SOURCE", mirror.url)
    np.testing.assert_array_equal(load_mnist()[0][0], sample["x_train"])


def test_a_file_with_another_hash_is_refused_kept_and_named(mirror, cache):
    mirror.handler.body = b"not mnist" * 1000
    with pytest.raises(MnistDataError, match=r"not the published mnist.npz.*kept as (\S+)") as e:
        load_mnist(mirror.url)
    kept = Path(str(e.value).split("kept as ")[1].split(". ")[0])
    assert kept.read_bytes() == b"not mnist" * 1000
    assert not cache.exists()


def test_a_truncated_download_is_refused_and_leaves_nothing(mirror, cache):
    mirror.handler.cut = 1000
    with pytest.raises(MnistDataError, match=r"broke off after [\d,]+ of [\d,]+ bytes"):
        load_mnist(mirror.url)
    assert list(cache.parent.iterdir()) == []


def test_a_server_that_is_down_is_named(cache):
    with socket.socket() as probe:  # A port that was free a moment ago: nothing listens there.
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/mnist.npz"
    with pytest.raises(MnistDataError, match=rf"{url} cannot be reached"):
        load_mnist(url)


def test_an_http_error_is_named(mirror, cache):
    mirror.handler.status = 404
    with pytest.raises(MnistDataError, match=r"answered HTTP 404"):
        load_mnist(mirror.url)


def test_a_huge_declared_length_is_refused_before_reading(mirror, cache):
    mirror.handler.declared = 10**12
    with pytest.raises(MnistDataError, match=r"declares 1,000,000,000,000 bytes"):
        load_mnist(mirror.url)
    assert list(cache.parent.iterdir()) == []


def test_a_body_larger_than_the_cap_is_cut_off(mirror, cache, monkeypatch):
    monkeypatch.setattr(download, "MAX_DOWNLOAD_BYTES", 1000)
    mirror.handler.declared = -1  # No length declared: read until the server closes.
    with pytest.raises(MnistDataError, match=r"sends more than 1,000 bytes"):
        load_mnist(mirror.url)
    assert list(cache.parent.iterdir()) == []


def test_a_stalled_server_times_out(mirror, cache, monkeypatch):
    monkeypatch.setattr(download, "TIMEOUT_SECONDS", 1)
    mirror.handler.cut = 1000
    mirror.handler.stall = True
    with pytest.raises(MnistDataError, match=r"failed: timed out|broke off"):
        load_mnist(mirror.url)
    assert list(cache.parent.iterdir()) == []


@pytest.mark.parametrize("url", ["http://", "https:///mnist.npz"])
def test_a_url_without_a_server_is_refused(url, cache):
    with pytest.raises(MnistDataError, match=r"names no server"):
        load_mnist(url)


def test_two_downloads_at_once_both_load_and_leave_one_file(mirror, cache, sample):
    results, errors = [], []

    def load() -> None:
        try:
            results.append(load_mnist(mirror.url)[1][1])
        except Exception as error:  # Collected: a thread's exception would be lost.
            errors.append(error)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT_SECONDS)
    assert errors == []
    assert len(results) == 2
    assert all(np.array_equal(labels, sample["y_test"]) for labels in results)
    assert sorted(p.name for p in cache.parent.iterdir()) == ["mnist.npz"]


def test_a_download_killed_midway_leaves_no_mnist_npz_and_the_next_one_works(
    mirror, cache, sample, tmp_path
):
    mirror.handler.stall = True
    mirror.handler.cut = 1000
    code = (
        "import mnist_helpers.download as d, pathlib, sys; "
        "d.download_npz(sys.argv[1], pathlib.Path(sys.argv[2]), 'x' * 64, progress=False)"
    )
    child = subprocess.Popen([sys.executable, "-c", code, mirror.url, str(cache)])
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not any(cache.parent.glob(".mnist.npz.*.part")):
            assert time.monotonic() < deadline, "the download never started"
            assert child.poll() is None, "the download ended before it was killed"
            time.sleep(0.1)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=WAIT_SECONDS)
    assert not cache.exists()  # Only the hidden partial file: nothing Keras would read.
    mirror.handler.stall = False
    mirror.handler.cut = 0
    np.testing.assert_array_equal(load_mnist(mirror.url)[0][1], sample["y_train"])
