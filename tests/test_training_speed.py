"""`train`'s speed switches change how fast it runs, not what it computes.

benchmarks/train_loop.py measures the speed; these tests check what the speed must not change:
every batch trained once per epoch, the weights of the one-step loop, no retracing after the
first epoch, the classroom notebook's batches, the eager loop's accuracy.
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
)
from mnist_helpers.training import make_run_steps, run_epoch


@pytest.fixture(scope="module")
def sample():
    (x_train, y_train), (x_test, y_test) = load_mnist("sample")
    return (normalize_images(x_train), y_train), (normalize_images(x_test), y_test)


def weights(model) -> list[np.ndarray]:
    return [variable.numpy() for variable in model.trainable_variables]


def course_loop(steps_per_call: int, jit_compile: bool = False):
    """`train`'s pieces, kept at hand: the model, its optimizer, accuracy, step and run_steps."""
    model, optimizer = build_model(seed=0), keras.optimizers.Adam(1e-3)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    step = make_train_step(model, make_loss(), optimizer, accuracy, jit_compile=jit_compile)
    return model, optimizer, accuracy, step, make_run_steps(step, steps_per_call)


@pytest.mark.parametrize("steps_per_call", [1, 7, 50])
def test_each_epoch_trains_every_batch_once(sample, steps_per_call):
    (x, y), _ = sample
    dataset = make_dataset(x[:1000], y[:1000], seed=0)  # 15 batches of 64 and one of 40
    _, optimizer, accuracy, _, run_steps = course_loop(steps_per_call)
    for epoch in (1, 2):
        run_epoch(run_steps, dataset, accuracy)
        assert int(optimizer.iterations) == 16 * epoch
        assert int(accuracy.count) == 1000  # this epoch's digits only


def test_no_retracing_after_the_first_epoch(sample):
    (x, y), _ = sample
    dataset = make_dataset(x[:1000], y[:1000], seed=0)  # the last batch has 40 digits, not 64
    _, _, accuracy, step, run_steps = course_loop(steps_per_call=7)
    run_epoch(run_steps, dataset, accuracy)
    # One trace of the group of steps; the step inside it traced for 64 digits and for 40.
    assert run_steps.experimental_get_tracing_count() == 1
    traced_step = step.experimental_get_tracing_count()
    for _ in range(2):
        run_epoch(run_steps, dataset, accuracy)
    assert run_steps.experimental_get_tracing_count() == 1
    assert step.experimental_get_tracing_count() == traced_step


def test_xla_makes_the_same_update_up_to_rounding(sample):
    (x, y), _ = sample
    first_batch = make_dataset(x, y, shuffle_buffer=None).take(1)
    plain, compiled = build_model(seed=0), build_model(seed=0)
    train(plain, first_batch, progress=False)
    train(compiled, first_batch, progress=False, jit_compile=True)
    start = weights(build_model(seed=0))
    for before, expected, actual in zip(start, weights(plain), weights(compiled), strict=True):
        # Adam's first step moves a weight by about the learning rate, 1e-3, whatever its
        # gradient's size: a changed update (a missed bias gradient, another scale) differs by
        # that much. XLA fuses the same float32 operations and may round a multiply-add once,
        # not twice: about 3e-7 here. (Over an epoch Adam amplifies such roundings, wherever
        # a gradient is near zero, into differences of 1e-2: compare accuracies there.)
        assert np.abs(expected - before).max() > 5e-4, "one Adam step moves every tensor"
        np.testing.assert_allclose(actual, expected, rtol=0, atol=2e-6)


def test_labels_of_any_integer_type_train_alike(sample):
    (x, y), _ = sample
    runs = {}
    for dtype in ("uint8", "int64"):  # MNIST's own labels are uint8.
        batches = tf.data.Dataset.from_tensor_slices((x[:256], y[:256].astype(dtype))).batch(64)
        model = build_model(seed=0)
        runs[dtype] = (train(model, batches, progress=False, steps_per_call=3), weights(model))
    assert runs["uint8"][0] == runs["int64"][0]
    for uint8, int64 in zip(runs["uint8"][1], runs["int64"][1], strict=True):
        np.testing.assert_array_equal(uint8, int64)


def test_make_dataset_gives_the_classroom_pipelines_batches(sample):
    (x, y), _ = sample
    classroom = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1024, seed=3).batch(64)
    ours = make_dataset(x, y, batch_size=64, shuffle_buffer=1024, seed=3)
    for _epoch in range(2):  # Both reshuffle every epoch, the same way.
        for (their_x, their_y), (our_x, our_y) in zip(classroom, ours, strict=True):
            np.testing.assert_array_equal(our_x.numpy(), their_x.numpy())
            np.testing.assert_array_equal(our_y.numpy(), their_y.numpy())


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
    # Not a timing: the setting whose absence stalled epochs (see pipeline.py).
    (x, y), _ = sample
    assert make_dataset(x[:100], y[:100]).options().autotune.enabled is False


@pytest.mark.parametrize("switches", [{}, {"jit_compile": True, "steps_per_call": 50}])
def test_compiled_training_reaches_the_eager_accuracy(sample, switches):
    (x_train, y_train), (x_test, y_test) = sample
    accuracy = {}
    for compiled in (False, True):
        keras.utils.set_random_seed(0)
        dataset = make_dataset(x_train, y_train, seed=0)
        model = build_model(seed=0)
        options = switches if compiled else {}
        train(model, dataset, epochs=2, compiled=compiled, progress=False, **options)
        accuracy[compiled] = evaluate(model, x_test, y_test).accuracy
    assert accuracy[False] > 0.85, "two epochs on the sample should pass 85%"
    assert abs(accuracy[True] - accuracy[False]) < 0.01  # 10 of 1,000 test digits


def test_other_models_train_through_the_same_loop(sample):
    """A Dropout layer or a convnet: the step is chapter 4's, whatever the model."""
    (x, y), _ = sample
    dropout = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(10),
        ]
    )
    history = train(dropout, make_dataset(x[:640], y[:640], seed=0), 2, progress=False)
    assert history["loss"][1] < history["loss"][0]
