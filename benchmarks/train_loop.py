"""How long one epoch of the classroom notebook's model takes, trained five ways, in one run.

Run from the repository root:

    ./run.sh benchmark              # or: python benchmarks/train_loop.py [--repeats N]

One epoch = 60,000 digits of 28 x 28 in batches of 64 (937 full batches and one of 32), the
classroom notebook's 784-784-256-10 model, Adam, data reshuffled every epoch. Timed:

1. the classroom notebook's eager `tf.GradientTape` loop, unchanged (its shuffle(1024) pipeline);
2. the course loop, what `mnist_helpers.train` runs: `FusedTraining` on `make_dataset`;
3. `model.fit` at its best: `compile(jit_compile=True, steps_per_execution=50)`;
4. `model.fit` with Keras' defaults (on a CPU-only machine: no XLA, one step per call);
5. the lower bound: the epoch's matmul FLOPs divided by the rate TensorFlow reaches here on
   exactly those matmuls and shapes (see `epoch_matmul_flops` and `MatmulBound`).

Each contender builds its model once and trains a first epoch (tracing, compilation; printed on
its own), then the contenders take turns for `--repeats` timed epochs; the medians are
reported, and their ratios against the targets of the "Performance" issue. The other programs
on the machine move single timings around (the load average is printed), so compare the ratios
of one run. Then: where one step's time goes, and the main job's training on the embedded
sample, compilation included, with `FusedTraining` and with the taught loop in a `tf.function`.
"""

import mnist_helpers  # noqa: F401, I001  (first: imports TensorFlow with its C++ lines muted)

import argparse
import contextlib
import io
import os
import platform
import resource
import statistics
import sys
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
    normalize_images,
)
from mnist_helpers.fast_training import STEPS_PER_CALL, FusedTraining
from mnist_helpers.training import make_train_step, train_epoch

TRAIN_EXAMPLES = 60_000
BATCH_SIZE = 64
SEED = 0
TARGETS = {"fit": 0.8, "bound": 1.6, "eager": 10.0, "accuracy points": 1.0}

Epoch = Callable[[], None]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per contender")
    parser.add_argument("--source", default="auto", help="as load_mnist: auto, keras, sample...")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(SEED)

    (x_train, y_train), (x_test, y_test), data_note = training_digits(args.source)
    print(f"Data: {data_note}")
    print(f"Machine: {machine()}")
    print(f"Load average (1, 5, 15 min) at start: {load()}")
    steps = -(-len(x_train) // BATCH_SIZE)
    print(
        f"One epoch: {len(x_train):,} digits, {steps} steps of batch {BATCH_SIZE}; median of "
        f"{args.repeats} timed epochs after a first epoch, contenders taking turns.\n"
    )

    dataset = make_dataset(x_train, y_train, BATCH_SIZE, shuffle_buffer=len(x_train), seed=SEED)
    models = {name: build_model(seed=SEED) for name in ("eager", "course", "tuned", "default")}
    contenders = {
        "(1) classroom notebook's eager loop": classroom_eager_epoch(
            models["eager"], x_train, y_train
        ),
        "(2) course loop (train: FusedTraining)": course_epoch(models["course"], dataset),
        "(3) model.fit, XLA + 50 steps per call": fit_epoch(models["tuned"], dataset, tuned=True),
        "(4) model.fit, Keras' defaults": fit_epoch(models["default"], dataset, tuned=False),
        "(5) lower bound: matmul FLOPs / rate": MatmulBound(models["course"], x_train),
    }
    first, times = time_in_turns(contenders, args.repeats)
    print("First epoch (tracing and compilation included) and the timed epochs:")
    for name, runs in times.items():
        print(
            f"  {name:40s} first {first[name]:6.2f} s   median {statistics.median(runs):6.2f} s"
            f"   runs: {fmt_runs(runs)}"
        )
    eager, course, tuned, default, bound = (statistics.median(runs) for runs in times.values())
    print(f"  {contenders['(5) lower bound: matmul FLOPs / rate'].describe()}")
    print(f"Load average after the timed epochs: {load()}\n")
    print_ratio("(2) / (3)  course loop / tuned model.fit", course / tuned, "<=", TARGETS["fit"])
    print_ratio("(2) / (5)  course loop / lower bound", course / bound, "<=", TARGETS["bound"])
    print_ratio("(1) / (2)  eager loop / course loop", eager / course, ">=", TARGETS["eager"])
    print(f"(for reference: (2) / (4) course loop / default model.fit {course / default:.2f})")

    epochs = args.repeats + 1
    print(f"\nTest accuracy after {epochs} epochs on {len(x_test):,} test digits (same data):")
    accuracy = {name: evaluate(model, x_test, y_test).accuracy for name, model in models.items()}
    for name, value in accuracy.items():
        print(f"  {name:8s} {value:.2%}")
    gap = 100 * max(abs(accuracy["course"] - accuracy[peer]) for peer in ("eager", "tuned"))
    print_ratio("course vs eager and tuned fit (points)", gap, "<=", TARGETS["accuracy points"])
    print(f"\nPeak memory of this process (ru_maxrss): {peak_megabytes():,.0f} MB")

    print("\nWhere one step of (2) goes (ms per step, 937 steps in one graph call each):")
    step_breakdown(models["course"], x_train, y_train, args.repeats)
    print("\nThe main job's training on the embedded sample, compilation included:")
    sample_main_job(args.repeats)
    print(f"\nLoad average at the end: {load()}")


def load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- The data ---------------------------------------------------------------------------------


def training_digits(source: str) -> tuple[tuple, tuple, str]:
    """60,000 normalized training digits (the full MNIST, or real digits repeated), and a note."""
    print("Loading MNIST (the full set if cached or downloadable)...", flush=True)
    muted = io.StringIO()  # Keras' download line and load_mnist's fallback line: said below.
    with contextlib.redirect_stdout(muted), contextlib.redirect_stderr(muted):
        (x_train, y_train), (x_test, y_test) = load_mnist(source)
    note = f"the first {TRAIN_EXAMPLES:,} MNIST training digits"
    if len(x_train) < TRAIN_EXAMPLES:
        copies = -(-TRAIN_EXAMPLES // len(x_train))
        note = (
            f"{len(x_train):,} real MNIST digits (all that source {source!r} gave, so not the "
            f"full MNIST) repeated {copies} times to {TRAIN_EXAMPLES:,}"
        )
        x_train, y_train = np.tile(x_train, (copies, 1, 1)), np.tile(y_train, copies)
    x_train, y_train = x_train[:TRAIN_EXAMPLES], y_train[:TRAIN_EXAMPLES]
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


def course_epoch(model: keras.Model, dataset: tf.data.Dataset) -> Epoch:
    """What `mnist_helpers.train` runs for each epoch of the course's model."""
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    fused = FusedTraining(model, keras.optimizers.Adam(1e-3), accuracy)
    return lambda: fused.epoch(dataset, progress=False)


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
    """The step of (2) and its parts, each alone in a loop of 937 steps over fixed batches.

    Shows what bounds the course loop: the matmuls alone (as the bound measures them), the
    forward and backward pass with bias, ReLU and loss, the optimizer's update alone (XLA-fused
    Keras Adam), and the whole step.
    """
    steps = len(x_train) // BATCH_SIZE
    images = tf.constant(x_train[: 100 * BATCH_SIZE].reshape(100, BATCH_SIZE, -1))
    labels = tf.constant(y_train[: 100 * BATCH_SIZE].reshape(100, BATCH_SIZE).astype(np.int64))
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    fused = FusedTraining(model, keras.optimizers.Adam(1e-3), accuracy)
    fixed_gradients = [tf.zeros_like(variable) for variable in model.trainable_variables]
    kernels = [layer.kernel for layer in model.layers]

    def forward_backward(x, y):
        weights = [(kernel.value, bias.value) for kernel, bias in fused.layers]
        losses, _, gradients = fused.forward_backward(x, y, weights)
        return tf.reduce_sum(losses) + sum(tf.reduce_sum(g[:1]) for g in gradients)

    def whole_step(x, y):
        return fused.step(x, y, after=tf.constant(0.0))[0]

    parts = {
        "matmuls alone": lambda x, y: step_matmuls(x, kernels),
        "forward + backward, no update": forward_backward,
        "update alone (Keras Adam, XLA)": lambda x, y: tf.cast(
            fused.apply_gradients(fixed_gradients), tf.float32
        ),
        "whole step of (2)": whole_step,
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


def sample_main_job(repeats: int) -> None:
    """5 epochs on the embedded sample, as `python -m mnist_helpers` trains: fresh model each.

    With `train` (FusedTraining) and with the taught step in a plain `tf.function`, so the
    first epoch's tracing and compilation count.
    """
    (x, y), _ = load_mnist("sample")
    dataset = make_dataset(normalize_images(x), y, BATCH_SIZE, shuffle_buffer=1024, seed=SEED)

    def fused() -> None:
        model = build_model(seed=SEED)
        accuracy = keras.metrics.SparseCategoricalAccuracy()
        training = FusedTraining(model, keras.optimizers.Adam(1e-3), accuracy)
        for _ in range(5):
            training.epoch(dataset, progress=False)

    def taught() -> None:
        model = build_model(seed=SEED)
        accuracy = keras.metrics.SparseCategoricalAccuracy()
        step = make_train_step(model, make_loss(), keras.optimizers.Adam(1e-3), accuracy)
        for _ in range(5):
            train_epoch(step, dataset, accuracy, progress=False)

    ways = {"train (FusedTraining)": fused, "taught loop in a tf.function": taught}
    first, times = time_in_turns(ways, repeats - 1)
    for name in ways:
        runs = [first[name], *times[name]]
        print(f"  {name:34s} median {statistics.median(runs):6.2f} s   runs: {fmt_runs(runs)}")


def print_ratio(label: str, value: float, relation: str, target: float) -> None:
    met = value <= target if relation == "<=" else value >= target
    verdict = "met" if met else "NOT met"
    print(f"{label:42s} {value:6.2f}   target {relation} {target:g}: {verdict}")


def fmt_runs(runs: list[float]) -> str:
    return ", ".join(f"{run:.2f}" for run in runs)


if __name__ == "__main__":
    sys.exit(main())
