"""How long one epoch of the classroom notebook's model takes, trained several ways, in one run.

Run from the repository root:

    ./run.sh benchmark              # or: python benchmarks/train_loop.py [--repeats N]

One epoch = 60,000 digits of 28 x 28 in batches of 64 (937 full batches and one of 32), the
classroom notebook's 784-784-256-10 model, Adam, data reshuffled every epoch. Timed:

1. the classroom notebook's eager `tf.GradientTape` loop, unchanged (its shuffle(1024) pipeline);
2. `mnist_helpers.train` with its defaults: chapter 4's step in a `tf.function`, one step per
   graph call, no XLA;
3. `train(jit_compile=True, steps_per_call=50)`: the same step, XLA, 50 steps per graph call;
4. `model.fit` at its best: `compile(jit_compile=True, steps_per_execution=50)`;
5. `model.fit` with Keras' defaults (on a CPU-only machine: no XLA, one step per call);
6. the matmul bound: the epoch's matmul FLOPs / the rate TensorFlow reaches here on exactly
   those matmuls and shapes (`epoch_matmul_flops`, `MatmulBound`);
7. the optimizer's memory traffic: Adam in float32 reads weight, gradient and both moments and
   writes weight and both moments, 28 bytes per weight per step, at the stream rate of one
   thread adding two large numpy arrays (`StreamRate`). The roofline bound is (6) + (7).

Each contender builds its model once and trains a first epoch (tracing, compilation; printed on
its own), then the contenders take turns for `--repeats` timed epochs; the medians are
reported, and their ratios against the issue's targets. The other programs on the machine move
single timings around (the load average is printed), so compare the ratios of one run. Then:
where one step's time goes, and the main job's training on the embedded sample, compilation
included, with `train` and with `FusedTraining`, the fast path `train` ran before it became one
loop (read from git history, commit `FUSED_COMMIT`).
"""

import mnist_helpers  # noqa: F401, I001  (first: imports TensorFlow with its C++ lines muted)

import argparse
import contextlib
import importlib.util
import io
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mnist_helpers import (
    build_model,
    evaluate,
    load_mnist,
    make_dataset,
    make_loss,
    make_train_step,
    normalize_images,
    train,
)
from mnist_helpers.training import make_run_steps, run_epoch

TRAIN_EXAMPLES = 60_000
BATCH_SIZE = 64
SEED = 0
STEPS_PER_CALL = 50  # For (3) and tuned fit: the same number of steps per graph call.
ADAM_BYTES_PER_WEIGHT = 28  # float32: read weight, gradient, m, v (16); write weight, m, v (12).
TARGETS = {"fit": 1.05, "roofline": 1.6, "eager": 10.0, "accuracy points": 1.0, "job": 1.5}
FUSED_COMMIT = "e7488d3"  # The last commit with mnist_helpers/fast_training.py.

Epoch = Callable[[], None]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per contender")
    parser.add_argument("--source", default="auto", help="as load_mnist: auto, keras, sample...")
    parser.add_argument(
        "--examples", type=int, default=TRAIN_EXAMPLES, help="training digits per epoch"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.examples < BATCH_SIZE:
        parser.error(f"--repeats must be at least 1 and --examples at least {BATCH_SIZE}")
    keras.utils.set_random_seed(SEED)

    (x_train, y_train), (x_test, y_test), data_note = training_digits(args.source, args.examples)
    print(f"Data: {data_note}")
    print(f"Machine: {machine()}")
    print(f"Load average (1, 5, 15 min) at start: {load()}")
    steps = -(-len(x_train) // BATCH_SIZE)
    print(
        f"One epoch: {len(x_train):,} digits, {steps} steps of batch {BATCH_SIZE}; median of "
        f"{args.repeats} timed epochs after a first epoch, contenders taking turns.\n"
    )

    dataset = make_dataset(x_train, y_train, BATCH_SIZE, shuffle_buffer=len(x_train), seed=SEED)
    names = ("eager", "train", "train XLA", "tuned fit", "default fit")
    models = {name: build_model(seed=SEED) for name in names}
    matmuls = MatmulBound(models["train"], x_train)
    traffic = StreamRate(ADAM_BYTES_PER_WEIGHT * models["train"].count_params() * steps)
    contenders = {
        "(1) classroom notebook's eager loop": classroom_eager_epoch(
            models["eager"], x_train, y_train
        ),
        "(2) train, defaults": course_epoch(models["train"], dataset, False, 1),
        "(3) train, XLA + 50 steps per call": course_epoch(
            models["train XLA"], dataset, True, STEPS_PER_CALL
        ),
        "(4) model.fit, XLA + 50 steps per call": fit_epoch(models["tuned fit"], dataset, True),
        "(5) model.fit, Keras' defaults": fit_epoch(models["default fit"], dataset, False),
        "(6) matmul bound: FLOPs / rate": matmuls,
        "(7) Adam's bytes / stream rate": traffic,
    }
    first, times = time_in_turns(contenders, args.repeats)
    print("First epoch (tracing and compilation included) and the timed epochs:")
    for name, runs in times.items():
        print(
            f"  {name:40s} first {first[name]:6.2f} s   median {statistics.median(runs):6.2f} s"
            f"   runs: {fmt_runs(runs)}"
        )
    eager, course, course_xla, tuned, default, matmul, optimizer = (
        statistics.median(runs) for runs in times.values()
    )
    roofline = matmul + optimizer
    print(f"  {'(6) + (7) roofline bound':40s}                median {roofline:6.2f} s")
    print(f"  (6): {matmuls.describe()}")
    print(f"  (7): {traffic.describe()}")
    print(f"Load average after the timed epochs: {load()}\n")
    best = min(course, course_xla)
    which = "(2)" if best == course else "(3)"
    print(f"train at its best here: {which}")
    print_ratio(f"{which} / (4)  train / tuned model.fit", best / tuned, "<=", TARGETS["fit"])
    print_ratio(
        f"{which} / roofline  train / roofline bound", best / roofline, "<=", TARGETS["roofline"]
    )
    print_ratio(f"(1) / {which}  eager loop / train", eager / best, ">=", TARGETS["eager"])
    print(
        f"(for reference: (2) / (4) {course / tuned:.2f}, (3) / (4) {course_xla / tuned:.2f}, "
        f"(2) / (5) {course / default:.2f}, (3) / (6) matmul bound {course_xla / matmul:.2f})"
    )

    epochs = args.repeats + 1
    print(f"\nTest accuracy after {epochs} epochs on {len(x_test):,} test digits (same data):")
    accuracy = {name: evaluate(model, x_test, y_test).accuracy for name, model in models.items()}
    for name, value in accuracy.items():
        print(f"  {name:12s} {value:.2%}")
    for name in ("train", "train XLA"):
        gap = 100 * max(abs(accuracy[name] - accuracy[peer]) for peer in ("eager", "tuned fit"))
        print_ratio(
            f"{name} vs eager and tuned fit (points)", gap, "<=", TARGETS["accuracy points"]
        )
    print(f"\nPeak memory of this process (ru_maxrss): {peak_megabytes():,.0f} MB")

    loop_steps = len(x_train) // BATCH_SIZE
    print(f"\nWhere one step of (3) goes (ms per step, {loop_steps} steps in one graph call each):")
    step_breakdown(models["train XLA"], x_train, y_train, args.repeats)
    print("\nThe main job's training on the embedded sample, 5 epochs, compilation included:")
    sample_main_job(args.repeats)
    print(f"\nLoad average at the end: {load()}")


def load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- The data ---------------------------------------------------------------------------------


def training_digits(source: str, examples: int) -> tuple[tuple, tuple, str]:
    """`examples` normalized training digits (the source's first, or its digits repeated), and
    a note saying which."""
    print("Loading MNIST (the full set if cached or downloadable)...", flush=True)
    muted = io.StringIO()  # Keras' download line and load_mnist's fallback line: said below.
    with contextlib.redirect_stdout(muted), contextlib.redirect_stderr(muted):
        (x_train, y_train), (x_test, y_test) = load_mnist(source)
    named_file = source not in ("auto", "keras", "sample")  # A path or URL of an .npz.
    note = (
        f"the first {examples:,} training digits of {source}"
        if named_file
        else f"the first {examples:,} MNIST training digits"
    )
    if len(x_train) < examples:
        copies = -(-examples // len(x_train))
        note = (
            f"{len(x_train):,} real MNIST digits (all that source {source!r} gave, so not the "
            f"full MNIST) repeated {copies} times to {examples:,}"
        )
        x_train, y_train = np.tile(x_train, (copies, 1, 1)), np.tile(y_train, copies)
    x_train, y_train = x_train[:examples], y_train[:examples]
    note += f"; test accuracy on {len(x_test):,} test digits"
    return (
        (normalize_images(x_train), y_train),
        (normalize_images(x_test), y_test),
        note,
    )


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)")
    return (
        f"{cores} cores, {model} ({platform.machine()}, {platform.system()}), Python "
        f"{platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}, "
        f"oneDNN {onednn}"
    )


# --- The contenders: each returns a function that trains one epoch ----------------------------


def classroom_eager_epoch(model: keras.Model, x_train: np.ndarray, y_train: np.ndarray) -> Epoch:
    """The classroom notebook's pipeline and training cell, unchanged; prints go to a buffer.

    `model` is `build_model`'s, as for the other contenders: the classroom notebook's
    architecture, and the same initial weights, so the test accuracies compare like with like.
    """
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    dataset = dataset.shuffle(buffer_size=1024).batch(64)
    loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    optimizer = tf.keras.optimizers.Adam()

    def epoch() -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            # Iterate over the batches of the dataset
            for step, (x, y) in enumerate(dataset):
                # Open a GradientTape
                with tf.GradientTape() as tape:
                    # Forward pass
                    logits = model(x)
                    # loss for this batch
                    loss_value = loss(y, logits)

                # Get gradients of weights w.r.t the loss
                gradients = tape.gradient(loss_value, model.trainable_weights)

                # Update the weights of our linear layer
                optimizer.apply_gradients(zip(gradients, model.trainable_weights))  # noqa: B905

                # Update the running accuracy
                accuracy.update_state(y, logits)

                # Logging
                if (step % 100) == 0:
                    print("step = ", step)
                    print("Loss from the last step: ", loss_value)
                    print("Total running accuracy so far: ", float(accuracy.result()))

    return epoch


def course_epoch(
    model: keras.Model, dataset: tf.data.Dataset, jit_compile: bool, steps_per_call: int
) -> Epoch:
    """One epoch of what `mnist_helpers.train` runs, built from the same pieces, once."""
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    optimizer = keras.optimizers.Adam(1e-3)
    step = make_train_step(model, make_loss(), optimizer, accuracy, jit_compile=jit_compile)
    run_steps = make_run_steps(step, steps_per_call)
    return lambda: run_epoch(run_steps, dataset, accuracy)


def fit_epoch(model: keras.Model, dataset: tf.data.Dataset, tuned: bool) -> Epoch:
    """`model.fit` tuned (XLA, 50 steps per call: its best here) or with Keras' defaults."""
    options = {"jit_compile": True, "steps_per_execution": STEPS_PER_CALL} if tuned else {}
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3), loss=make_loss(), metrics=["accuracy"], **options
    )
    # fit warns that its default shuffle=True does not apply to a tf.data.Dataset: true, and
    # the dataset reshuffles itself.
    warnings.filterwarnings("ignore", message="`shuffle=True` was passed")
    return lambda: model.fit(dataset, epochs=1, verbose=0)


# --- The lower bound --------------------------------------------------------------------------


def dense_shapes(model: keras.Model) -> list[tuple[int, int]]:
    """(inputs, outputs) of each Dense layer: the shapes of its kernel."""
    return [tuple(layer.kernel.shape) for layer in model.layers]


def epoch_matmul_flops(shapes: list[tuple[int, int]], examples: int) -> int:
    """Floating-point operations (2 per multiply-add) of the epoch's matmuls: all the bound counts.

    Per example and Dense layer (n_in, n_out): forward 2 * n_in * n_out; backward, the gradient
    of the kernel 2 * n_in * n_out and the gradient of the layer's input 2 * n_in * n_out,
    except for the first layer, whose input (the pixels) needs no gradient. Not counted: bias
    adds, ReLU, softmax and cross-entropy, Adam's update (all linear in the 818,970 weights or
    the activations, about 5% of the FLOPs, but memory-bound).
    """
    per_example = sum(
        (4 if index == 0 else 6) * n_in * n_out for index, (n_in, n_out) in enumerate(shapes)
    )
    return per_example * examples


def step_matmuls(x: tf.Tensor, kernels: list[tf.Variable]) -> tf.Tensor:
    """One training step's matmuls with its shapes: (64, in) @ (in, out) forward, and back."""
    activations = [x]
    for kernel in kernels:
        activations.append(activations[-1] @ kernel)
    gradient = activations[-1]  # stands for d loss / d logits: same shape, (64, 10)
    checksum = tf.constant(0.0)  # Uses every result, so no matmul is optimized away.
    for index in reversed(range(len(kernels))):
        kernel_gradient = tf.matmul(activations[index], gradient, transpose_a=True)
        checksum += kernel_gradient[0, 0]
        if index > 0:
            gradient = tf.matmul(gradient, kernels[index], transpose_b=True)
    return checksum


def matmul_loop(
    kernels: list[tf.Variable], batches: tf.Tensor, steps: int, jit_compile: bool
) -> Callable[[], tf.Tensor]:
    """`steps` steps' matmuls in one compiled loop cycling over `batches`, traced once."""
    one_step = tf.function(lambda x: step_matmuls(x, kernels), jit_compile=jit_compile)

    @tf.function
    def epoch() -> tf.Tensor:
        checksum = tf.constant(0.0)
        for step in tf.range(steps):
            checksum += one_step(batches[step % batches.shape[0]])
        return checksum

    epoch()  # Trace and compile outside the timing.
    return epoch


class MatmulBound:
    """The bound, measured on the batch-64 shapes of training, not a flattering big square matmul.

    The rate is the faster of TensorFlow's two ways to run the matmuls: a plain graph (oneDNN
    kernels) and XLA. Calling it returns the bound's seconds for one epoch, which
    `time_in_turns` records instead of its own timing of the measurement.
    """

    def __init__(self, model: keras.Model, x_train: np.ndarray) -> None:
        kernels = [layer.kernel for layer in model.layers]
        # 100 distinct real batches, cycled: the same work as the epoch's, without a third copy
        # of the 188 MB of images in memory.
        batches = tf.constant(x_train[: 100 * BATCH_SIZE].reshape(100, BATCH_SIZE, -1))
        shapes = dense_shapes(model)
        steps = len(x_train) // BATCH_SIZE
        self.loops = {
            name: matmul_loop(kernels, batches, steps, jit_compile)
            for name, jit_compile in (("graph", False), ("XLA", True))
        }
        self.measured_flops = epoch_matmul_flops(shapes, steps * BATCH_SIZE)
        self.epoch_flops = epoch_matmul_flops(shapes, len(x_train))
        self.rates: dict[str, list[float]] = {"graph": [], "XLA": []}

    def __call__(self) -> float:
        for name, loop in self.loops.items():
            started = time.perf_counter()
            loop().numpy()
            self.rates[name].append(self.measured_flops / (time.perf_counter() - started))
        return self.epoch_flops / max(rates[-1] for rates in self.rates.values())

    def describe(self) -> str:
        rates = ", ".join(
            f"{name} {statistics.median(runs) / 1e9:.0f} GFLOP/s"
            for name, runs in self.rates.items()
        )
        return f"{self.epoch_flops / 1e9:.1f} GFLOP per epoch; median matmul rates: {rates}"


class StreamRate:
    """Seconds to move `epoch_bytes` at the rate one thread streams memory here.

    The rate: `np.add(a, b, out=c)` on three 64 MB float32 arrays (far larger than any cache)
    reads two and writes one, 192 MB; the best of 5 adds per call, since the bound asks what the
    memory can do. Calling it returns the epoch's seconds at that rate, as `MatmulBound` does.
    """

    def __init__(self, epoch_bytes: int) -> None:
        self.epoch_bytes = epoch_bytes
        self.a, self.b, self.c = (np.full(1 << 24, value, np.float32) for value in (1, 2, 0))
        self.rates: list[float] = []

    def __call__(self) -> float:
        moved = 3 * self.a.nbytes
        fastest = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            np.add(self.a, self.b, out=self.c)
            fastest = min(fastest, time.perf_counter() - started)
        self.rates.append(moved / fastest)
        return self.epoch_bytes / self.rates[-1]

    def describe(self) -> str:
        rate = statistics.median(self.rates)
        return (
            f"{self.epoch_bytes / 1e9:.1f} GB per epoch ({ADAM_BYTES_PER_WEIGHT} bytes x weights "
            f"x steps); median stream rate (numpy add, one thread) {rate / 1e9:.1f} GB/s"
        )


# --- Timing -----------------------------------------------------------------------------------


def time_in_turns(
    contenders: dict[str, Callable], repeats: int
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """A first epoch each, then `repeats` rounds in which every contender trains an epoch.

    Returns the first epochs' seconds and the timed ones'. A contender that returns a number
    (the bound) reports its own seconds.
    """
    first: dict[str, float] = {}
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for round_ in range(repeats + 1):
        for name, epoch in contenders.items():
            started = time.perf_counter()
            result = epoch()
            elapsed = result if isinstance(result, float) else time.perf_counter() - started
            if round_ == 0:
                first[name] = elapsed
                print(f"  first epoch of {name}: {elapsed:.1f} s", flush=True)
            else:
                times[name].append(elapsed)
    return first, times


def step_breakdown(model: keras.Model, x_train: np.ndarray, y_train: np.ndarray, repeats: int):
    """The step of (3) and its parts, each alone in a loop of 937 steps over fixed batches.

    Shows what bounds the course loop: the matmuls alone (as the bound measures them), the
    forward and backward pass with bias, ReLU and loss, Adam's update alone (Keras' Adam under
    XLA, zero gradients), and the whole step as `train(jit_compile=True)` runs it. `model` is
    a fresh copy of the course's model, so nothing here changes a contender's weights.
    """
    steps = len(x_train) // BATCH_SIZE
    images = tf.constant(x_train[: 100 * BATCH_SIZE].reshape(100, BATCH_SIZE, -1))
    labels = tf.constant(y_train[: 100 * BATCH_SIZE].reshape(100, BATCH_SIZE).astype(np.int64))
    variables = model.trainable_variables
    kernels = [layer.kernel for layer in model.layers]
    loss_fn, accuracy = make_loss(), keras.metrics.SparseCategoricalAccuracy()
    adam = keras.optimizers.Adam(1e-3)
    adam.build(variables)
    zeros = [tf.zeros_like(variable) for variable in variables]
    update = tf.function(
        lambda: adam.apply_gradients(zip(zeros, variables, strict=True)), jit_compile=True
    )
    whole_step = make_train_step(
        model, loss_fn, keras.optimizers.Adam(1e-3), accuracy, jit_compile=True
    )

    def forward_backward(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        gradients = tape.gradient(loss, variables)
        return loss + sum(tf.reduce_sum(gradient[:1]) for gradient in gradients)

    parts = {
        "matmuls alone": lambda x, y: step_matmuls(x, kernels),
        "forward + backward, no update": forward_backward,
        "update alone (Keras Adam, XLA)": lambda x, y: tf.cast(update(), tf.float32),
        "whole step of (3)": whole_step,
    }
    loops = {name: fixed_batch_loop(part, images, labels, steps) for name, part in parts.items()}
    _, times = time_in_turns(loops, repeats)
    for name, runs in times.items():
        print(f"  {name:34s} {1000 * statistics.median(runs) / steps:6.3f} ms")


def fixed_batch_loop(part: Callable, images: tf.Tensor, labels: tf.Tensor, steps: int) -> Epoch:
    """`steps` calls of `part(x, y)` in one graph call, cycling over fixed batches."""

    @tf.function
    def run() -> tf.Tensor:
        checksum = tf.constant(0.0)
        for step in tf.range(steps):
            index = step % images.shape[0]
            checksum += part(images[index], labels[index])
        return checksum

    return lambda: run().numpy() and None


def fused_training_from_git():
    """`FusedTraining` as commit `FUSED_COMMIT` had it, or None outside a git checkout."""
    try:
        source = subprocess.run(
            ["git", "show", f"{FUSED_COMMIT}:mnist_helpers/fast_training.py"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    # The file stays until the process ends: AutoGraph reads a function's source when tracing.
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / "fast_training_before_one_loop.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    module.source_folder = folder  # Held by the module's functions, so not deleted before.
    spec.loader.exec_module(module)
    return module.FusedTraining


def sample_main_job(repeats: int) -> None:
    """5 epochs on the embedded sample, as `python -m mnist_helpers` trains: fresh model each.

    With `train` (its defaults) and with `FusedTraining`, the first epoch's tracing and
    compilation counted; the target: `train` takes at most 1.5x FusedTraining's time.
    """
    (x, y), _ = load_mnist("sample")
    dataset = make_dataset(normalize_images(x), y, BATCH_SIZE, shuffle_buffer=1024, seed=SEED)
    fused_training = fused_training_from_git()

    def course() -> None:
        train(build_model(seed=SEED), dataset, epochs=5, progress=False)

    def fused() -> None:
        accuracy = keras.metrics.SparseCategoricalAccuracy()
        training = fused_training(build_model(seed=SEED), keras.optimizers.Adam(1e-3), accuracy)
        for _ in range(5):
            training.epoch(dataset, progress=False)

    ways = {"train (defaults)": course}
    if fused_training is None:
        print(f"  (FusedTraining not found: needs a git checkout holding {FUSED_COMMIT})")
    else:
        ways[f"FusedTraining (from {FUSED_COMMIT})"] = fused
    first, times = time_in_turns(ways, repeats - 1)
    medians = {}
    for name in ways:
        runs = [first[name], *times[name]]
        medians[name] = statistics.median(runs)
        print(f"  {name:34s} median {medians[name]:6.2f} s   runs: {fmt_runs(runs)}")
    if len(medians) == 2:
        course_time, fused_time = medians.values()
        print_ratio(
            "train / FusedTraining, main job", course_time / fused_time, "<=", TARGETS["job"]
        )


def print_ratio(label: str, value: float, relation: str, target: float) -> None:
    met = value <= target if relation == "<=" else value >= target
    verdict = "met" if met else "NOT met"
    print(f"{label:44s} {value:6.2f}   target {relation} {target:g}: {verdict}")


def fmt_runs(runs: list[float]) -> str:
    return ", ".join(f"{run:.2f}" for run in runs)


if __name__ == "__main__":
    sys.exit(main())
