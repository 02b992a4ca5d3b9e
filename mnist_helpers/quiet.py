"""Keep TensorFlow's C++ start-up chatter out of the chapters, and hide nothing else.

TensorFlow's C++ code writes log lines straight to file descriptor 2, where Jupyter shows them
in every chapter's outputs. Two settings keep them out:

- `TF_CPP_MIN_LOG_LEVEL=1` (unless the learner chose a level): TensorFlow's C++ INFO lines are
  dropped, its warnings and errors still show.
- Some lines ignore that level, because TensorFlow writes them before its logging is set up
  or through a second copy of absl's logger: the notice that absl is not initialised, the
  oneDNN and CPU-instruction notices, the CUDA libraries' probing on a machine without a GPU
  ("Could not find cuda drivers", cuInit error 303, "Unable to register cuDNN factory"), and
  on TensorFlow 2.18-2.19 XLA's start-up lines at the first compilation, and the warning
  tf.data writes each time a `MirroredStrategy` over several devices distributes a dataset
  (its own internal generator "will not be optimized": nothing a caller can act on, and
  `TF_CPP_MIN_LOG_LEVEL` set after the import no longer hides it), and the warning tf.data's
  autotuner sometimes writes when a dataset's iterator is dropped while it is tuning
  ("Optimization loop failed: CANCELLED": the tuning of an iterator that is gone stopped). Each
  of those exact lines is dropped by a small filter process that file descriptor 2 passes
  through for the life of the process; every other byte goes on at once, in order.

Being another process, the filter still passes on what TensorFlow printed when the import
raises or when it kills the process (an old CPU without the instructions the wheel needs): a
broken install always shows TensorFlow's own words.
"""

import os
import re
import subprocess
import sys

# A C++ log line's prefix: absl's ("I0000 00:00:1796211694.666061    5378 file.cc:31] ") or
# TensorFlow's older one ("2026-12-02 11:48:51.148402: E external/.../file.cc:467] ").
_PREFIX = rb"(?:[IWEF]\d{4} [\d:.]+ +\d+ |\d{4}-\d\d-\d\d [\d:.]+: [IWEF] )\S*?"
# Each line TensorFlow 2.18-2.21 (`tensorflow` and `tensorflow-cpu`) prints unasked on a CPU
# machine, seen in real runs; nothing else.
NOISE = re.compile(
    rb"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|To enable the following instructions: .*rebuild TensorFlow with the appropriate compiler"
    rb"|" + _PREFIX + rb"(?:"
    rb"port\.cc:\d+\] oneDNN custom operations are on\."
    rb"|cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized to use available CPU"
    rb"|cudart_stub\.cc:\d+\] Could not find cuda drivers on your machine, GPU will not be used\."
    rb"|cuda_\w+\.cc:\d+\] Unable to register cu\w+ factory: Attempting to register factory "
    rb"for plugin cu\w+ when one has already been registered"
    rb"|computation_placer\.cc:\d+\] computation placer already registered\."
    rb"|cuda_\w+\.cc:\d+\] failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: "
    rb"UNKNOWN ERROR \(303\)"
    rb"|service\.cc:\d+\] XLA service 0x[0-9a-f]+ initialized for platform Host "
    rb"|service\.cc:\d+\]   StreamExecutor (?:device \(0\)|\[0\]): Host, Default Version"
    rb"|device_compiler\.h:\d+\] Compiled cluster using XLA!  This line is logged at most once"
    rb"|dataset\.cc:\d+\] Input of GeneratorDatasetOp::Dataset will not be optimized because the "
    rb"dataset does not implement the AsGraphDefInternal\(\) method needed to apply optimizations\."
    rb"|root_dataset\.cc:\d+\] Optimization loop failed: CANCELLED: Operation was cancelled$"
    rb")"
)
# The start of a line that may turn out to be noise: held back until its end arrives. Any
# other partial line (a progress bar redrawn with "\r") goes on at once.
MAYBE_NOISE = re.compile(rb"(?:W|To|[IWEF]\d|\d{4}-)")
# Run with sys.executable: copy stdin to stdout, without the lines matching argv[1].
_FILTER = """
import os, re, sys
noise = re.compile(sys.argv[1].encode("latin-1"))
maybe_noise = re.compile(sys.argv[2].encode("latin-1"))
pending = b""
while chunk := os.read(0, 65536):
    *lines, pending = (pending + chunk).split(b"\\n")
    out = b"".join(line + b"\\n" for line in lines if not noise.match(line))
    if pending and not maybe_noise.match(pending):
        out, pending = out + pending, b""
    if out:
        os.write(1, out)
if pending and not noise.match(pending):
    os.write(1, pending)
"""
_filter_process: subprocess.Popen | None = None  # Kept: it runs as long as this process.


def import_tensorflow_quietly() -> None:
    """Import TensorFlow with its start-up chatter filtered out of stderr from now on."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    filter_stderr()
    import tensorflow  # noqa: F401


def filter_stderr() -> None:
    """Send file descriptor 2 through the `NOISE` filter for the rest of this process's life."""
    try:
        os.fstat(2)
    except OSError:  # No stderr at all (pythonw): nothing to filter.
        return
    read_end, write_end = os.pipe()
    patterns = [pattern.pattern.decode("latin-1") for pattern in (NOISE, MAYBE_NOISE)]
    global _filter_process
    try:
        # A session of its own: Ctrl-C stops the program, and the filter still passes on its
        # last words; it ends when the last writer (this process and its children) is gone.
        _filter_process = subprocess.Popen(
            [sys.executable, "-c", _FILTER, *patterns],
            stdin=read_end,
            stdout=2,
            start_new_session=True,
        )
    except OSError:  # It cannot start: show everything rather than hide anything.
        os.close(write_end)
        return
    finally:
        os.close(read_end)
    sys.stderr.flush()
    os.dup2(write_end, 2)
    os.close(write_end)
