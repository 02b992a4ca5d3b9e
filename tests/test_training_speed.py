"""The fast training loop does what the seed's eager loop does, only faster.

benchmarks/train_loop.py measures the speed; these tests check the behaviour the speed must not
change: the same losses from the same weights and data, every batch trained exactly once per
epoch, the same batches as the seed's pipeline, no retracing after the first epoch.
"""

import keras
import numpy as np
import pytest
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
    train_epoch,
)
from mnist_helpers.training import _step_runner


@pytest.fixture(scope="module")
def sample():
    (x_train, y_train), (x_test, y_test) = load_mnist("sample")
    return (normalize_images(x_train), y_train), (normalize_images(x_test), y_test)


def fresh_step(compiled: bool, jit_compile: bool = True):
    model = build_model(seed=0)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    step = make_train_step(
        model,
        make_loss(),
        keras.optimizers.Adam(1e-3),
        accuracy,
        compiled=compiled,
        jit_compile=jit_compile,
    )
    return model, step, accuracy


@pytest.mark.parametrize("jit_compile", [True, False], ids=["XLA", "graph"])
def test_compiled_step_gives_the_eager_losses_and_weights(sample, jit_compile):
    (x, y), _ = sample
    batches = list(make_dataset(x[:640], y[:640], shuffle_buffer=None))
    runs = {}
    for compiled in (False, True):
        model, step, _ = fresh_step(compiled, jit_compile)
        losses = [float(step(images, labels)) for images, labels in batches]
        runs[compiled] = (losses, [w.numpy() for w in model.trainable_weights])
    (eager_losses, eager_weights), (fast_losses, fast_weights) = runs[False], runs[True]
    assert eager_losses[-1] < eager_losses[0] / 2, "ten Adam steps should lower the loss"
    np.testing.assert_allclose(fast_losses, eager_losses, rtol=1e-4)
    for fast, eager in zip(fast_weights, eager_weights, strict=True):
        np.testing.assert_allclose(fast, eager, atol=1e-5)


def counting_step(compiled: bool, examples: int, python_calls: list):
    """A stand-in train_step that counts how often each example id went through it."""
    seen = tf.Variable(tf.zeros(examples, tf.int32))

    def step(ids, labels):
        python_calls.append(1)
        seen.assign_add(tf.math.bincount(tf.cast(ids, tf.int32), minlength=examples))
        return tf.reduce_mean(tf.cast(labels, tf.float32))  # The "loss": the batch's mean id.

    return (tf.function(step) if compiled else step), seen


@pytest.mark.parametrize("steps_per_call", [1, 7, 50])
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "eager"])
def test_train_epoch_runs_every_batch_once(compiled, steps_per_call):
    examples, batch_size = 1000, 64  # 15 full batches and one of 40; 7 does not divide 16.
    ids = tf.data.Dataset.range(examples).batch(batch_size).map(lambda batch: (batch, batch))
    python_calls = []
    step, seen = counting_step(compiled, examples, python_calls)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    for epoch in (1, 2):
        result = train_epoch(step, ids, accuracy, progress=False, steps_per_call=steps_per_call)
        np.testing.assert_array_equal(seen.numpy(), np.full(examples, epoch))
    batch_means = [
        np.mean(batch) for batch in np.array_split(np.arange(examples), range(64, 1000, 64))
    ]
    assert result["loss"] == pytest.approx(np.mean(batch_means))
    # An eager step stays eager, Python running once per batch; a compiled one is traced once.
    assert len(python_calls) == (1 if compiled else 2 * 16)


def test_grouped_steps_train_exactly_like_one_step_per_call(sample):
    (x, y), _ = sample
    dataset = make_dataset(x[:1000], y[:1000], shuffle_buffer=None)
    results = {}
    for steps_per_call in (1, 7):
        model, step, accuracy = fresh_step(compiled=True)
        results[steps_per_call] = train_epoch(
            step, dataset, accuracy, progress=False, steps_per_call=steps_per_call
        )
        results[steps_per_call]["weights"] = model.trainable_weights[0].numpy()
    assert results[7]["loss"] == pytest.approx(results[1]["loss"], rel=1e-6)
    assert results[7]["accuracy"] == results[1]["accuracy"]
    np.testing.assert_allclose(results[7]["weights"], results[1]["weights"], atol=1e-6)


def test_make_dataset_gives_the_seed_pipelines_batches(sample):
    (x, y), _ = sample
    seed_pipeline = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1024, seed=3).batch(64)
    ours = make_dataset(x, y, batch_size=64, shuffle_buffer=1024, seed=3)
    for _epoch in range(2):  # Both reshuffle every epoch, the same way.
        for (seed_x, seed_y), (our_x, our_y) in zip(seed_pipeline, ours, strict=True):
            np.testing.assert_array_equal(our_x.numpy(), seed_x.numpy())
            np.testing.assert_array_equal(our_y.numpy(), seed_y.numpy())


def test_full_shuffle_sees_every_example_once_per_epoch_in_a_new_order(sample):
    (x, y), _ = sample
    dataset = make_dataset(x, y, batch_size=64, shuffle_buffer=len(x), seed=0)
    epochs = [list(dataset) for _ in range(2)]
    rows_in = sorted(zip(map(bytes, x), y.tolist(), strict=True))
    for batches in epochs:
        assert [len(labels) for _, labels in batches] == [64] * 62 + [32]  # 4,000 = 62 x 64 + 32
        images = np.concatenate([images for images, _ in batches])
        labels = np.concatenate([labels for _, labels in batches])
        assert sorted(zip(map(bytes, images), labels.tolist(), strict=True)) == rows_in
    first, second = (np.concatenate([labels for _, labels in b]) for b in epochs)
    assert not np.array_equal(first, second), "a new order every epoch"
    assert not np.array_equal(first[:1000], y[:1000]), "shuffled, not the stored order"


def test_make_dataset_turns_the_tf_data_autotuner_off(sample):
    # Not a timing: the setting whose absence made epochs stall to 5.1 s (see pipeline.py).
    (x, y), _ = sample
    assert make_dataset(x[:100], y[:100]).options().autotune.enabled is False


def test_no_retracing_after_the_first_epoch(sample):
    (x, y), _ = sample
    dataset = make_dataset(x[:1000], y[:1000], seed=0)  # The last batch has 40 digits, not 64.
    _, step, accuracy = fresh_step(compiled=True)
    train_epoch(step, dataset, accuracy, progress=False)
    traces = (step.experimental_get_tracing_count(), runner_traces(step))
    assert traces[0] <= 2, "one trace per batch shape at most"
    for _ in range(2):
        train_epoch(step, dataset, accuracy, progress=False)
    assert (step.experimental_get_tracing_count(), runner_traces(step)) == traces


def runner_traces(step) -> int:
    return _step_runner(step).experimental_get_tracing_count()


def test_compiled_training_reaches_the_eager_accuracy(sample):
    (x_train, y_train), (x_test, y_test) = sample
    accuracy = {}
    for compiled in (False, True):
        keras.utils.set_random_seed(0)
        dataset = make_dataset(x_train, y_train, seed=0)
        model = build_model(seed=0)
        train(model, dataset, epochs=2, compiled=compiled, progress=False)
        accuracy[compiled] = evaluate(model, x_test, y_test).accuracy
    assert accuracy[False] > 0.85, "two epochs on the sample should pass 85%"
    assert abs(accuracy[True] - accuracy[False]) < 0.015  # 15 of 1,000 test digits


def test_train_epoch_rejects_an_empty_dataset_and_a_bad_steps_per_call(sample):
    (x, y), _ = sample
    _, step, accuracy = fresh_step(compiled=True)
    dataset = make_dataset(x[:100], y[:100])
    with pytest.raises(ValueError, match="no batch"):
        train_epoch(step, dataset.take(0), accuracy, progress=False)
    with pytest.raises(ValueError, match="steps_per_call"):
        train_epoch(step, dataset, accuracy, progress=False, steps_per_call=0)
