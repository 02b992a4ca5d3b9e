"""How long one epoch of the seed's model takes, trained four ways, in one run on this machine.

Run from the repository root:

    ./run.sh benchmark              # or: python benchmarks/train_loop.py [--repeats N]

One epoch = 60,000 digits of 28 x 28 in batches of 64 (937 full batches and one of 32), the
seed's 784-784-256-10 model, Adam, data reshuffled every epoch. Timed:

1. the seed notebook's eager `tf.GradientTape` loop, unchanged (its shuffle(1024) pipeline);
2. the course's compiled loop: `mnist_helpers.make_train_step` + `train_epoch`, on
   `make_dataset` with a full shuffle;
3. `model.fit` on the same model, dataset and batch size, with Keras' defaults;
4. the lower bound: the epoch's matmul FLOPs divided by the rate TensorFlow reaches here on
   exactly those matmuls and shapes (see `epoch_matmul_flops` and `MatmulBound`).

Each contender builds its model once, trains one warm-up epoch (tracing, XLA compilation), then
the contenders take turns for `--repeats` timed epochs; the medians are reported. The other
machines' load moves single timings around, so compare the ratios of one run. Finally, each of
the course loop's optimizations is switched off in turn, to show what it buys.
"""

import mnist_helpers  # noqa: F401, I001  (first: imports TensorFlow with its C++ lines muted)

import argparse
import contextlib
import io
import logging
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
from mnist_helpers.training import make_train_step, train_epoch

TRAIN_EXAMPLES = 60_000
BATCH_SIZE = 64
SEED = 0
TARGETS = {"bound": 2.5, "fit": 0.6, "eager": 5.0}

Epoch = Callable[[], None]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per contender")
    parser.add_argument("--source", default="auto", help="as load_mnist: auto, keras, sample...")
    parser.add_argument(
        "--no-ablation", action="store_true", help="skip switching optimizations off one by one"
    )
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(SEED)

    (x_train, y_train), (x_test, y_test), data_note = training_digits(args.source)
    print(f"Data: {data_note}")
    print(f"Machine: {machine()}")
    steps = -(-len(x_train) // BATCH_SIZE)
    print(
        f"One epoch: {len(x_train):,} digits, {steps} steps of batch {BATCH_SIZE}; median of "
        f"{args.repeats} timed epochs after 1 warm-up epoch, contenders taking turns.\n"
    )

    dataset = make_dataset(x_train, y_train, BATCH_SIZE, shuffle_buffer=len(x_train), seed=SEED)
    eager_model, fast_model, fit_model = (build_model(seed=SEED) for _ in range(3))
    contenders = {
        "(1) seed's eager GradientTape loop": seed_eager_epoch(eager_model, x_train, y_train),
        "(2) course loop (mnist_helpers)": course_epoch(fast_model, dataset),
        "(3) model.fit": fit_epoch(fit_model, dataset),
        "(4) lower bound: matmul FLOPs / rate": MatmulBound(fast_model, x_train),
    }
    times = time_in_turns(contenders, args.repeats)
    eager, fast, fit, bound = (statistics.median(runs) for runs in times.values())
    for name, runs in times.items():
        print(f"{name:40s} {statistics.median(runs):7.2f} s   runs: {fmt_runs(runs)}")
    print()
    print_ratio("(2) / (4)  course loop / lower bound", fast / bound, "at most", TARGETS["bound"])
    print_ratio("(2) / (3)  course loop / model.fit", fast / fit, "at most", TARGETS["fit"])
    print_ratio("(1) / (2)  eager loop / course loop", eager / fast, "at least", TARGETS["eager"])

    epochs = args.repeats + 1
    print(f"\nTest accuracy after {epochs} epochs on {len(x_test):,} test digits (same data):")
    trained = {"(1) eager": eager_model, "(2) course": fast_model, "(3) fit": fit_model}
    for name, model in trained.items():
        print(f"  {name:12s} {evaluate(model, x_test, y_test).accuracy:.2%}")

    print(
        f"\nPeak memory of this process (ru_maxrss) with (1)-(4) built: {peak_megabytes():,.0f} MB"
    )
    if not args.no_ablation:
        print("\nWhat each optimization of (2) buys: the course loop with one of them undone")
        ablation(dataset, x_train, y_train, args.repeats, baseline=fast)
        print(f"\nPeak memory after the ablation's five more models: {peak_megabytes():,.0f} MB")


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
        f"oneDNN {onednn}, load average {os.getloadavg()[0]:.1f} at start"
    )


# --- The contenders: each returns a function that trains one epoch ----------------------------


def seed_eager_epoch(model: keras.Model, x_train: np.ndarray, y_train: np.ndarray) -> Epoch:
    """The seed notebook's pipeline and training cell, unchanged; its prints go to a buffer.

    `model` is `build_model`'s, as for the other contenders: the seed's architecture, and the
    same initial weights, so the test accuracies compare like with like.
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


def course_epoch(model: keras.Model, dataset: tf.data.Dataset, **options) -> Epoch:
    """`mnist_helpers`' loop as a chapter uses it; `options` undo an optimization (ablation)."""
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    step_options = {key: options.pop(key) for key in ("jit_compile",) if key in options}
    step = make_train_step(
        model, make_loss(), keras.optimizers.Adam(1e-3), accuracy, **step_options
    )
    return lambda: train_epoch(step, dataset, accuracy, progress=False, **options)


def fit_epoch(model: keras.Model, dataset: tf.data.Dataset) -> Epoch:
    """`model.fit` as a new user writes it: Keras' defaults (XLA when it can, one step a call)."""
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=make_loss(), metrics=["accuracy"])
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


def time_in_turns(contenders: dict[str, Callable], repeats: int) -> dict[str, list[float]]:
    """One warm-up epoch each, then `repeats` rounds in which every contender trains an epoch.

    A contender that returns a number (the bound) reports its own seconds.
    """
    for name, epoch in contenders.items():
        started = time.perf_counter()
        epoch()
        print(f"  warm-up {name}: {time.perf_counter() - started:.1f} s", flush=True)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, epoch in contenders.items():
            started = time.perf_counter()
            result = epoch()
            elapsed = time.perf_counter() - started
            times[name].append(result if isinstance(result, float) else elapsed)
    for name, epoch in contenders.items():
        if hasattr(epoch, "describe"):
            print(f"  {name}: {epoch.describe()}")
    print()
    return times


def ablation(
    dataset: tf.data.Dataset,
    x_train: np.ndarray,
    y_train: np.ndarray,
    repeats: int,
    baseline: float,
) -> None:
    autotuned = tf.data.Options()
    autotuned.autotune.enabled = True
    # Re-enabling an option make_dataset set logs a warning per dataset: expected here.
    logging.getLogger("absl").setLevel(logging.ERROR)
    seed_shuffle = make_dataset(x_train, y_train, BATCH_SIZE, shuffle_buffer=1024, seed=SEED)
    variants = {
        "without XLA (jit_compile=False)": course_epoch(
            build_model(seed=SEED), dataset, jit_compile=False
        ),
        "one call per step (steps_per_call=1)": course_epoch(
            build_model(seed=SEED), dataset, steps_per_call=1
        ),
        "tf.data autotuner on": course_epoch(
            build_model(seed=SEED), dataset.with_options(autotuned)
        ),
        "seed's shuffle(1024), not a full shuffle": course_epoch(
            build_model(seed=SEED), seed_shuffle
        ),
        "all undone: tf.function alone, per step": course_epoch(
            build_model(seed=SEED),
            seed_shuffle.with_options(autotuned),
            jit_compile=False,
            steps_per_call=1,
        ),
    }
    times = time_in_turns(variants, repeats)
    print(f"  {'(2) with all of them':44s} {baseline:6.2f} s")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"  {name:44s} {median:6.2f} s  ({median - baseline:+.2f} s)  runs: {fmt_runs(runs)}")


def print_ratio(label: str, value: float, bound_word: str, target: float) -> None:
    met = value <= target if bound_word == "at most" else value >= target
    verdict = "met" if met else "NOT met"
    print(f"{label:42s} {value:6.2f}   target {bound_word} {target:g}: {verdict}")


def fmt_runs(runs: list[float]) -> str:
    return ", ".join(f"{run:.2f}" for run in runs)


if __name__ == "__main__":
    sys.exit(main())
