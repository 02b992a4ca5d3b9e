"""Importing mnist_helpers hides TensorFlow's start-up chatter, and nothing else.

The lines below were copied from real runs of `tensorflow` 2.18, 2.19 and 2.21 and
`tensorflow-cpu` 2.21 on a machine without a GPU. A fake `tensorflow` package prints them, so
each test checks the filter on exactly what those releases print, when they print it.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

NOISE = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796029944.717012   32617 port.cc:153] oneDNN custom operations are on. You may "
    "see slightly different numerical results due to floating-point round-off errors.",
    "I0000 00:00:1796211694.666061    5378 cudart_stub.cc:31] Could not find cuda drivers on your"
    " machine, GPU will not be used.",
    "I0000 00:00:1796211698.985866    5378 cpu_feature_guard.cc:227] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.",
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow "
    "with the appropriate compiler flags.",
    "2026-12-02 11:48:51.148402: E external/local_xla/xla/stream_executor/cuda/cuda_fft.cc:467] "
    "Unable to register cuFFT factory: Attempting to register factory for plugin cuFFT when one "
    "has already been registered",
    "E0000 00:00:1796212131.750366    9926 cuda_dnn.cc:8579] Unable to register cuDNN factory: "
    "Attempting to register factory for plugin cuDNN when one has already been registered",
    "E0000 00:00:1796212131.897937    9926 cuda_blas.cc:1407] Unable to register cuBLAS factory: "
    "Attempting to register factory for plugin cuBLAS when one has already been registered",
    "W0000 00:00:1796212132.404862    9926 computation_placer.cc:177] computation placer already "
    "registered. Please check linkage and avoid linking the same target more than once.",
    "2026-12-02 11:49:31.407395: E external/local_xla/xla/stream_executor/cuda/"
    "cuda_platform.cc:51] failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: "
    "UNKNOWN ERROR (303)",
    "E0000 00:00:1796211759.764317    5378 cuda_platform.cc:52] failed call to cuInit: INTERNAL: "
    "CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)",
]
# What XLA 2.18/2.19 print at the first compilation, whatever TF_CPP_MIN_LOG_LEVEL says.
XLA_NOISE = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796212172.539245    9926 service.cc:152] XLA service 0x557a779a4420 initialized "
    "for platform Host (this does not guarantee that XLA will be used). Devices:",
    "I0000 00:00:1796212172.539294    9926 service.cc:160]   StreamExecutor device (0): Host, "
    "Default Version",
    "I0000 00:00:1796212173.466556    9926 device_compiler.h:188] Compiled cluster using XLA!  "
    "This line is logged at most once for the lifetime of the process.",
    # What tf.data writes when a MirroredStrategy over two devices distributes a dataset.
    "W0000 00:00:1796216385.080488   27285 dataset.cc:997] Input of GeneratorDatasetOp::Dataset "
    "will not be optimized because the dataset does not implement the AsGraphDefInternal() "
    "method needed to apply optimizations.",
    # What tf.data's autotuner writes (now and then) when an iterator is dropped mid-tuning.
    "2026-12-02 14:44:03.892509: W tensorflow/core/data/root_dataset.cc:362] Optimization loop "
    "failed: CANCELLED: Operation was cancelled",
]
# Lines that must show: a real error, a real warning, a cuInit failure of a GPU machine.
REAL = [
    "F0000 00:00:1796029944.7 1 cpu_feature_guard.cc:91] This TensorFlow binary was compiled to "
    "use AVX2.",
    "W0000 00:00:1796212132.404862    9926 op_kernel.cc:1857] OP_REQUIRES failed: out of memory",
    "E0000 00:00:1796211759.764317    5378 cuda_platform.cc:52] failed call to cuInit: "
    "CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected",
    "2026-12-02 14:44:03.892509: W tensorflow/core/data/root_dataset.cc:362] Optimization loop "
    "failed: RESOURCE_EXHAUSTED: out of memory",
]


QUIET = Path(__file__).parents[1] / "mnist_helpers" / "quiet.py"
# mnist_helpers' own first step, without the rest of the package (which needs a real TensorFlow).
IMPORT_QUIETLY = f"""
import importlib.util
spec = importlib.util.spec_from_file_location("quiet", {str(QUIET)!r})
quiet = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quiet)
quiet.import_tensorflow_quietly()
"""


def run_with_fake_tensorflow(tmp_path, at_import: str, after: str = "") -> subprocess.Popen:
    """Import TensorFlow quietly in a new process whose `tensorflow` runs `at_import`, then
    run `after`."""
    package = tmp_path / "tensorflow"
    (package / "config").mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(
        "import os, signal, sys, time\n"
        "from tensorflow import config\n"
        '__version__ = "2.21.0"\n' + at_import + "\n"
    )
    (package / "config" / "__init__.py").write_text("def list_physical_devices():\n    return []\n")
    code = f"import os, sys, time\n{IMPORT_QUIETLY}\n{textwrap.dedent(after)}"
    environment = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )


def finish(process: subprocess.Popen) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr.decode()


def write_lines(lines: list[str]) -> str:
    return f"os.write(2, {''.join(line + chr(10) for line in lines).encode()!r})"


def test_start_up_noise_is_dropped_and_real_messages_show_in_order(tmp_path):
    mixed = [NOISE[0], REAL[0], *NOISE[1:6], REAL[1], *NOISE[6:], *REAL[2:]]
    returncode, stderr = finish(run_with_fake_tensorflow(tmp_path, write_lines(mixed)))
    assert returncode == 0
    assert stderr == "".join(line + "\n" for line in REAL)


def test_xla_lines_at_a_later_first_compilation_are_dropped_too(tmp_path):
    after = f"{write_lines(XLA_NOISE)}\nprint('after', file=sys.stderr)"
    returncode, stderr = finish(run_with_fake_tensorflow(tmp_path, "", after))
    assert (returncode, stderr) == (0, "after\n")


def test_a_failing_tensorflow_import_shows_what_tensorflow_printed(tmp_path):
    at_import = f"{write_lines([*NOISE, REAL[0]])}\nraise ImportError('fake: broken install')"
    returncode, stderr = finish(run_with_fake_tensorflow(tmp_path, at_import))
    assert returncode == 1
    assert stderr.startswith(REAL[0] + "\n")
    assert "ImportError: fake: broken install" in stderr
    assert "Unable to register" not in stderr


def test_a_crash_during_the_tensorflow_import_still_shows_what_tensorflow_printed(tmp_path):
    # What an old CPU does: the wheel's first AVX instruction kills the process.
    at_import = f"{write_lines([*NOISE, REAL[0]])}\nos.kill(os.getpid(), signal.SIGILL)"
    returncode, stderr = finish(run_with_fake_tensorflow(tmp_path, at_import))
    assert (returncode, stderr) == (-signal.SIGILL, REAL[0] + "\n")


def test_a_progress_bar_without_a_newline_shows_at_once(tmp_path):
    after = "os.write(2, b'\\repoch 1/5:  50%'); time.sleep(60)"
    process = run_with_fake_tensorflow(tmp_path, "", after)
    try:
        shown = b""
        deadline = time.monotonic() + 60
        while b"50%" not in shown:
            assert time.monotonic() < deadline, f"only {shown!r} arrived"
            shown += os.read(process.stderr.fileno(), 100)
    finally:
        process.kill()
        process.communicate(timeout=60)
    assert shown == b"\repoch 1/5:  50%"


def test_the_level_is_set_only_where_the_learner_did_not_choose_one(tmp_path):
    after = "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    process = run_with_fake_tensorflow(tmp_path, "", after)
    assert process.communicate(timeout=120)[0] == b"1\n"
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"
    try:
        process = run_with_fake_tensorflow(tmp_path, "", after)
    finally:
        del os.environ["TF_CPP_MIN_LOG_LEVEL"]
    assert process.communicate(timeout=120)[0] == b"0\n"


def test_the_real_import_and_first_xla_compilation_print_nothing():
    code = (
        "import mnist_helpers, tensorflow as tf\n"
        "def double(x):\n    return x * 2\n"
        "tf.function(double, jit_compile=True, autograph=False)(tf.constant(1.0))\n"
        "print(tf.__name__)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=300)
    assert (result.stdout, result.stderr) == (b"tensorflow\n", b"")
