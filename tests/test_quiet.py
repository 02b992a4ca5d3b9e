"""Importing mnist_helpers hides TensorFlow's start-up notices, and nothing else: when the
TensorFlow import fails or kills the process, what TensorFlow printed reaches the user."""

import os
import signal
import subprocess
import sys
import textwrap

# The two lines TensorFlow 2.21 prints at start-up here, copied from a real run.
NOISE = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1796029944.717012   32617 port.cc:153] oneDNN custom operations are on. You may "
    "see slightly different numerical results due to floating-point round-off errors.\n"
)
REAL_MESSAGE = "F0000 cpu_feature_guard.cc:91] This TensorFlow binary was compiled to use AVX2.\n"


def import_with_fake_tensorflow(tmp_path, ending: str) -> subprocess.CompletedProcess:
    """`import mnist_helpers` in a new process whose `tensorflow` prints, then does `ending`."""
    package = tmp_path / "tensorflow"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(f"""
            import os, signal
            os.write(2, {(NOISE + REAL_MESSAGE).encode()!r})
            {ending}
        """)
    )
    environment = {**os.environ, "PYTHONPATH": str(tmp_path)}
    command = [sys.executable, "-c", "import mnist_helpers"]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)


def assert_only_the_real_message(stderr: str) -> None:
    assert REAL_MESSAGE in stderr
    assert "oneDNN custom operations" not in stderr
    assert "absl::InitializeLog" not in stderr


def test_a_failing_tensorflow_import_shows_what_tensorflow_printed(tmp_path):
    result = import_with_fake_tensorflow(tmp_path, "raise ImportError('fake: broken install')")
    assert result.returncode == 1
    assert_only_the_real_message(result.stderr)
    assert "ImportError: fake: broken install" in result.stderr


def test_a_crash_during_the_tensorflow_import_still_shows_what_tensorflow_printed(tmp_path):
    # What an old CPU does: the wheel's first AVX instruction kills the process.
    result = import_with_fake_tensorflow(tmp_path, "os.kill(os.getpid(), signal.SIGILL)")
    assert result.returncode == -signal.SIGILL
    assert_only_the_real_message(result.stderr)


def test_the_real_import_prints_nothing():
    command = [sys.executable, "-c", "import mnist_helpers, tensorflow; print(tensorflow.__name__)"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert (result.stdout, result.stderr) == ("tensorflow\n", "")
