"""FusedTraining, `train`'s fast path, trains exactly as the taught loop does, only faster.

benchmarks/train_loop.py measures the speed; these tests check what the speed must not change:
Keras' Adam update, the weights after an epoch, every batch trained once per epoch, the
classroom notebook's batches, no retracing after the first epoch, clear errors.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_helpers import (
    FusedTraining,
    MnistDataError,
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
from mnist_helpers.fast_training import why_not_fusable

LEARNING_RATE = 1e-3


@pytest.fixture(scope="module")
def sample():
    (x_train, y_train), (x_test, y_test) = load_mnist("sample")
    return (normalize_images(x_train), y_train), (normalize_images(x_test), y_test)


def fused(model=None, steps_per_call: int = 50) -> FusedTraining:
    model = model or build_model(seed=0)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    return FusedTraining(model, keras.optimizers.Adam(LEARNING_RATE), accuracy, steps_per_call)


def weights(model) -> list[np.ndarray]:
    return [variable.numpy() for variable in model.trainable_variables]


def test_the_xla_compiled_update_is_keras_adam_over_300_steps():
    plain_model, model = build_model(seed=0), build_model(seed=0)
    start = weights(model)
    plain_adam = keras.optimizers.Adam(LEARNING_RATE)
    variables = plain_model.trainable_variables
    plain_update = tf.function(
        lambda grads: plain_adam.apply_gradients(zip(grads, variables, strict=True))
    )
    training = fused(model)
    rng = np.random.default_rng(0)
    for _ in range(300):
        # Gradients of every scale Adam meets, from 1e-7 to 1e-1, a fifth exactly zero.
        scale = 10 ** rng.uniform(-7, -1)
        gradients = [
            tf.constant(rng.normal(0, scale, v.shape) * (rng.random(v.shape) < 0.8), tf.float32)
            for v in model.trainable_variables
        ]
        plain_update(gradients)
        training.apply_gradients(gradients)
    assert int(training.optimizer.iterations) == int(plain_adam.iterations) == 300
    for before, plain, fast in zip(start, weights(plain_model), weights(model), strict=True):
        assert np.abs(plain - before).max() > 0.01, "300 Adam steps of lr 1e-3 move the weights"
        # XLA runs Keras' own float32 operations, fused, and may contract a multiply and an add
        # into one rounding: a step can differ in the last bit of a weight (~4e-9 at 0.05), so
        # 300 steps stay far below 1e-6. A changed formula leaves more (ResourceApplyAdam,
        # which rounds 1 - beta_2 differently, drifts to about 5e-7 on this test).
        np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-7)


def test_fused_training_gives_the_taught_loops_weights(sample):
    (x, y), _ = sample

    def dataset():  # A new one each: the same first-epoch order for both.
        return make_dataset(x, y, shuffle_buffer=len(x), seed=0)

    taught_model = build_model(seed=0)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    step = make_train_step(
        taught_model, make_loss(), keras.optimizers.Adam(LEARNING_RATE), accuracy
    )
    taught = train_epoch(step, dataset(), accuracy, progress=False)
    training = fused()
    fast = training.epoch(dataset(), progress=False)
    assert fast["loss"] == pytest.approx(taught["loss"], rel=1e-5)
    assert fast["accuracy"] == taught["accuracy"]
    start = weights(build_model(seed=0))
    for before, plain, quick in zip(
        start, weights(taught_model), weights(training.model), strict=True
    ):
        assert np.abs(plain - before).max() > 0.005, "an epoch of 63 steps moves every tensor"
        # The same operations in another grouping (oneDNN's fused MatMul+BiasAdd+Relu, the
        # loss gradient from one op, XLA's update) differ by float32 rounding, under 1e-6
        # here; an update that differed in anything else (a missed bias gradient, another
        # scale) would leave differences near the lr x steps = 0.06 the weights move.
        np.testing.assert_allclose(quick, plain, rtol=0, atol=1e-5)


def test_fused_training_takes_labels_of_any_integer_type_as_keras_does(sample):
    (x, y), _ = sample
    images = x[:256].reshape(-1, 784).astype("float32") / 255
    runs = {}
    for dtype in ("uint8", "int64"):  # MNIST's own labels are uint8.
        batches = tf.data.Dataset.from_tensor_slices((images, y[:256].astype(dtype))).batch(64)
        training = fused()
        runs[dtype] = (training.epoch(batches, progress=False), weights(training.model))
    assert runs["uint8"][0] == runs["int64"][0]
    for uint8, int64 in zip(runs["uint8"][1], runs["int64"][1], strict=True):
        np.testing.assert_array_equal(uint8, int64)


def test_several_steps_per_call_train_exactly_like_one(sample):
    (x, y), _ = sample
    dataset = make_dataset(x[:1000], y[:1000], shuffle_buffer=None)
    runs = {}
    for steps_per_call in (1, 7):  # 7 does not divide the 16 steps
        training = fused(steps_per_call=steps_per_call)
        runs[steps_per_call] = (training.epoch(dataset, progress=False), weights(training.model))
    # The loss sums group per call in float32, so the mean can differ in the last digits.
    assert runs[7][0]["loss"] == pytest.approx(runs[1][0]["loss"], rel=1e-6)
    assert runs[7][0]["accuracy"] == runs[1][0]["accuracy"]
    for seven, one in zip(runs[7][1], runs[1][1], strict=True):
        np.testing.assert_array_equal(seven, one)  # the same graph ops, the same order


@pytest.mark.parametrize("steps_per_call", [1, 7, 50])
def test_each_epoch_trains_every_batch_once(sample, steps_per_call):
    (x, y), _ = sample
    dataset = make_dataset(x[:1000], y[:1000], seed=0)  # 15 batches of 64 and one of 40
    training = fused(steps_per_call=steps_per_call)
    for epoch in (1, 2):
        training.epoch(dataset, progress=False)
        assert int(training.optimizer.iterations) == 16 * epoch
        assert int(training.accuracy.count) == 1000  # this epoch's digits only


def test_no_retracing_after_the_first_epoch(sample):
    (x, y), _ = sample
    dataset = make_dataset(x[:1000], y[:1000], seed=0)  # the last batch has 40 digits, not 64
    training = fused(steps_per_call=7)
    training.epoch(dataset, progress=False)
    traces = (
        training.run_steps.experimental_get_tracing_count(),
        training.apply_gradients.experimental_get_tracing_count(),
    )
    assert traces == (1, 1)
    for _ in range(2):
        training.epoch(dataset, progress=False)
    assert training.run_steps.experimental_get_tracing_count() == 1
    assert training.apply_gradients.experimental_get_tracing_count() == 1


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
    assert abs(accuracy[True] - accuracy[False]) < 0.01  # 10 of 1,000 test digits


def other_model() -> keras.Sequential:
    """Not the course's kind: a Dropout layer between the Dense ones."""
    return keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(10),
        ]
    )


def test_why_not_fusable_names_what_the_fused_step_cannot_do():
    assert why_not_fusable(build_model(seed=0)) == ""
    assert "Dropout" in why_not_fusable(other_model())
    softmax_out = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, "softmax")])
    assert "activation 'linear'" in why_not_fusable(softmax_out)


def test_train_falls_back_to_the_taught_loop_for_other_models(sample):
    (x, y), _ = sample
    history = train(other_model(), make_dataset(x[:640], y[:640], seed=0), 2, progress=False)
    assert history["loss"][1] < history["loss"][0]


def test_fused_training_refuses_what_it_cannot_train(sample):
    (x, y), _ = sample
    adam, accuracy = keras.optimizers.Adam(), keras.metrics.SparseCategoricalAccuracy()
    with pytest.raises(MnistDataError, match="Dropout, not a Dense layer"):
        FusedTraining(other_model(), adam, accuracy)
    with pytest.raises(MnistDataError, match="SparseCategoricalAccuracy"):
        FusedTraining(build_model(seed=0), adam, keras.metrics.Accuracy())
    with pytest.raises(MnistDataError, match="steps_per_call must be at least 1"):
        FusedTraining(build_model(seed=0), adam, accuracy, steps_per_call=0)
    with pytest.raises(MnistDataError, match="no batch"):
        fused().epoch(make_dataset(x[:100], y[:100]).take(0), progress=False)
