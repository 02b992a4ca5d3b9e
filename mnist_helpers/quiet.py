"""Import TensorFlow without its C++ start-up notices, and without hiding anything else.

While TensorFlow loads, its C++ code prints a notice about oneDNN (and absl's "All log
messages before absl::InitializeLog()" line) to file descriptor 2, before it reads
TF_CPP_MIN_LOG_LEVEL; in Jupyter those lines land in every chapter's stored outputs. We keep
oneDNN (TF_ENABLE_ONEDNN_OPTS=0 would silence it at a cost in speed) and filter instead.

For the import only, descriptor 2 is a pipe read by a small filter process, which drops the
known start-up lines and passes every other line on to the real stderr at once. Being another
process, it still passes on what TensorFlow printed when the import raises, or when it kills
the process (an old CPU without the instructions the wheel needs): a broken install always
shows TensorFlow's own words.
"""

import contextlib
import os
import re
import subprocess
import sys

# Each line TensorFlow 2.21 prints at start-up on a CPU, and nothing else.
STARTUP_NOISE = re.compile(
    rb"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|I\d{4} [\d:.]+ +\d+ port\.cc:\d+\] oneDNN custom operations are on\."
)
# Run with sys.executable: copy stdin to stdout line by line, without the lines matching argv[1].
_FILTER = """
import re, sys
noise = re.compile(sys.argv[1].encode("latin-1"))
for line in sys.stdin.buffer:
    if not noise.match(line):
        sys.stdout.buffer.write(line)
        sys.stdout.buffer.flush()
"""
_FILTER_EXIT_SECONDS = 10


def import_tensorflow_quietly() -> None:
    """Import TensorFlow with its start-up notices filtered out of stderr."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with startup_noise_filtered():
        import tensorflow  # noqa: F401


@contextlib.contextmanager
def startup_noise_filtered():
    """Within the block, drop `STARTUP_NOISE` lines written to file descriptor 2."""
    try:
        os.fstat(2)
    except OSError:  # No stderr at all (pythonw): nothing to filter.
        yield
        return
    read_end, write_end = os.pipe()
    command = [sys.executable, "-c", _FILTER, STARTUP_NOISE.pattern.decode("latin-1")]
    try:
        # A session of its own: Ctrl-C in a terminal stops the import, not the filter.
        noise_filter = subprocess.Popen(command, stdin=read_end, stdout=2, start_new_session=True)
    except OSError:  # It cannot start: show everything rather than hide anything.
        noise_filter = None
    finally:
        os.close(read_end)
    if noise_filter is None:
        os.close(write_end)
        yield
        return
    saved = os.dup(2)
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield
    finally:
        os.dup2(saved, 2)  # Closes the pipe's last write end: the filter drains it and exits.
        os.close(saved)
        try:
            noise_filter.wait(timeout=_FILTER_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            noise_filter.kill()
            noise_filter.wait()
