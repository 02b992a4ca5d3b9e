"""The taught training loop: the loss, one step, one epoch, several epochs."""

import math
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_helpers import (
    MnistDataError,
    build_model,
    make_dataset,
    make_loss,
    make_train_step,
    train,
    train_distributed,
    train_epoch,
    train_with_validation,
)


@pytest.fixture
def batch(normalized):
    """A fixed batch of 64 real digits, as the dataset yields them."""
    images, labels = normalized["x_train"][:64], normalized["y_train"][:64]
    return tf.constant(images), tf.constant(labels, tf.int64)


@pytest.fixture
def small_dataset(normalized):
    """1,000 training digits in their stored order, so runs compare step by step."""
    images, labels = normalized["x_train"][:1_000], normalized["y_train"][:1_000]
    return make_dataset(images, labels, batch_size=64, shuffle_buffer=None)


def new_step(compiled: bool = True, seed: int = 0):
    model = build_model(seed=seed)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    step = make_train_step(
        model, make_loss(), keras.optimizers.Adam(1e-3), accuracy, compiled=compiled
    )
    return model, step, accuracy


def test_loss_of_uniform_logits_is_log_10():
    loss = make_loss()(np.array([3, 7]), np.zeros((2, 10), np.float32))
    assert float(loss) == pytest.approx(math.log(10), rel=1e-6)


def test_loss_takes_logits_and_integer_labels():
    logits = np.array([[2.0] + [0.0] * 9, [0.0] * 9 + [5.0]], np.float32)
    labels = np.array([0, 3])
    # Cross-entropy of the softmax: -log(e^2 / (e^2 + 9)) and -log(1 / (e^5 + 9)), averaged.
    expected = np.mean([-np.log(np.e**2 / (np.e**2 + 9)), -np.log(1 / (np.e**5 + 9))])
    assert float(make_loss()(labels, logits)) == pytest.approx(expected, rel=1e-5)


def test_train_step_lowers_the_loss_on_a_fixed_batch(batch):
    _, step, _ = new_step()
    losses = [float(step(*batch)) for _ in range(10)]
    assert losses[0] == pytest.approx(math.log(10), abs=0.3)
    assert losses[-1] < losses[0] / 4
    assert all(later < earlier for earlier, later in zip(losses, losses[1:], strict=False))


def test_train_step_counts_accuracy_before_its_update(batch):
    model, step, accuracy = new_step()
    predicted = np.argmax(model(batch[0]).numpy(), axis=1)
    step(*batch)
    assert float(accuracy.result()) == pytest.approx(np.mean(predicted == batch[1].numpy()))


def test_eager_and_compiled_steps_give_the_same_losses(batch):
    _, compiled, _ = new_step(compiled=True)
    _, eager, _ = new_step(compiled=False)
    compiled_losses = [float(compiled(*batch)) for _ in range(3)]
    eager_losses = [float(eager(*batch)) for _ in range(3)]
    # Same weights, same batch: a graph runs the same kernels as eager mode, so the same bits.
    np.testing.assert_array_equal(compiled_losses, eager_losses)


def python_runs_of_the_step_body(batch, compiled: bool, calls: int) -> int:
    """How often the step's Python body (its loss function) runs in `calls` calls."""
    runs = []
    loss = make_loss()

    def counted_loss(y, logits):
        runs.append(1)
        return loss(y, logits)

    optimizer, accuracy = keras.optimizers.Adam(1e-3), keras.metrics.SparseCategoricalAccuracy()
    step = make_train_step(build_model(seed=0), counted_loss, optimizer, accuracy, compiled)
    for _ in range(calls):
        step(*batch)
    return len(runs)


def test_compiled_step_runs_a_graph_traced_once_eager_runs_python_every_call(batch):
    # tf.function runs the Python body only to trace it (a second time when the first call
    # creates the optimizer's variables), then calls the graph; eager mode runs it every call.
    assert python_runs_of_the_step_body(batch, compiled=True, calls=6) <= 2
    assert python_runs_of_the_step_body(batch, compiled=False, calls=6) == 6


def test_train_epoch_runs_one_step_per_batch_and_averages_the_loss(normalized):
    dataset = make_dataset(
        normalized["x_test"], normalized["y_test"], batch_size=300, shuffle_buffer=None
    )
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    accuracy.update_state([1, 1], np.eye(10)[[0, 0]])  # A previous epoch's wrong guesses.
    batch_sizes = []

    def perfect_step(x, y):  # Right every time; its loss is the step's number.
        batch_sizes.append(len(y))
        accuracy.update_state(y, tf.one_hot(y, 10))
        return tf.constant(float(len(batch_sizes)))

    result = train_epoch(perfect_step, dataset, accuracy, progress=False)
    assert batch_sizes == [300, 300, 300, 100]
    assert result == {"loss": pytest.approx((1 + 2 + 3 + 4) / 4), "accuracy": 1.0}


def test_train_epoch_shows_progress_on_stderr_only_when_asked(small_dataset, capfd):
    _, step, accuracy = new_step()
    train_epoch(step, small_dataset, accuracy, progress=False)
    assert capfd.readouterr().err == ""
    train_epoch(step, small_dataset, accuracy, progress=True, description="epoch 3/5")
    progress = capfd.readouterr().err
    assert "epoch 3/5" in progress
    assert "16/16" in progress  # ceil(1,000 / 64) steps


def test_train_returns_one_loss_and_accuracy_per_epoch(small_dataset, capfd):
    model = build_model(seed=0)
    history = train(model, small_dataset, epochs=3, progress=False)
    assert set(history) == {"loss", "accuracy"}
    assert len(history["loss"]) == len(history["accuracy"]) == 3
    assert history["loss"][0] > history["loss"][1] > history["loss"][2]
    assert history["accuracy"][0] < history["accuracy"][2] <= 1
    assert capfd.readouterr().err == ""


def test_train_compiled_or_eager_gives_the_same_history(small_dataset):
    compiled = train(build_model(seed=0), small_dataset, compiled=True, progress=False)
    eager = train(build_model(seed=0), small_dataset, compiled=False, progress=False)
    np.testing.assert_allclose(compiled["loss"], eager["loss"], rtol=1e-4)
    np.testing.assert_allclose(compiled["accuracy"], eager["accuracy"], atol=2 / 1_000)


def test_train_uses_the_learning_rate(normalized):
    dataset = make_dataset(normalized["x_train"][:64], normalized["y_train"][:64])
    model = build_model(seed=0)
    before = model.get_weights()
    train(model, dataset, learning_rate=0.0, progress=False)
    for start, end in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(start, end)


@pytest.mark.parametrize("epochs", [0, -3, 2.5, "3", None, True])
def test_train_refuses_epochs_that_are_not_a_whole_number_from_1(small_dataset, epochs):
    expected = f"epochs must be a whole number, at least 1, got {epochs!r}."
    with pytest.raises(MnistDataError, match=re.escape(expected)):
        train(build_model(seed=0), small_dataset, epochs=epochs)


def test_train_epoch_refuses_an_empty_dataset(small_dataset):
    _, step, accuracy = new_step()
    with pytest.raises(MnistDataError, match="no batch"):
        train_epoch(step, small_dataset.take(0), accuracy, progress=False)


def test_train_epoch_calls_the_step_once_per_batch_from_python(small_dataset):
    calls = []
    _, step, accuracy = new_step(compiled=False)

    def counted(x, y):
        calls.append(len(y))
        return step(x, y)

    train_epoch(counted, small_dataset, accuracy, progress=False)
    assert calls == [64] * 15 + [40]  # 1,000 = 15 x 64 + 40: the loop chapter 4 teaches.


def trained_weights(model) -> list[np.ndarray]:
    return [variable.numpy() for variable in model.trainable_variables]


@pytest.fixture
def full_batches(normalized):
    """1,024 digits in their stored order: 16 full batches of 64, the same for every loop."""
    images, labels = normalized["x_train"][:1_024], normalized["y_train"][:1_024]
    return make_dataset(images, labels, batch_size=64, shuffle_buffer=None)


def test_train_validation_and_one_replica_give_the_same_weights(normalized, full_batches):
    """The three training functions run one step and one epoch loop: the same bits come out."""
    validation = (normalized["x_test"][:100], normalized["y_test"][:100])
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0"])  # One replica, under a real strategy.
    with mirrored.scope():
        replica_model = build_model(seed=0)
    models = {name: build_model(seed=0) for name in ("train", "validation", "default strategy")}
    histories = {
        "train": train(models["train"], full_batches, epochs=2, progress=False),
        "validation": train_with_validation(
            models["validation"], full_batches, validation, epochs=2
        ),
        "mirrored": train_distributed(mirrored, replica_model, full_batches, 64, epochs=2),
        "default strategy": train_distributed(
            tf.distribute.get_strategy(), models["default strategy"], full_batches, 64, epochs=2
        ),
    }
    models["mirrored"] = replica_model
    start = trained_weights(build_model(seed=0))
    expected = trained_weights(models["train"])
    moved = [np.abs(end - begin).max() for begin, end in zip(start, expected, strict=True)]
    assert min(moved) > 0.003, "32 Adam steps move every tensor"
    for name, model in models.items():
        for taught, other in zip(expected, trained_weights(model), strict=True):
            np.testing.assert_array_equal(other, taught, err_msg=name)
        history = histories[name]
        assert set(history) >= {"loss", "accuracy"}, name
        # The one-step loop sums the losses in Python floats, a graph call in float32.
        np.testing.assert_allclose(history["loss"], histories["train"]["loss"], rtol=1e-6)
        assert history["accuracy"] == histories["train"]["accuracy"], name
    assert set(histories["validation"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert set(histories["mirrored"]) == set(histories["train"]) == {"loss", "accuracy"}


@pytest.mark.parametrize("steps_per_call", [2, 5, 16, 17, 1_000_000])
def test_several_steps_per_call_train_exactly_like_one(full_batches, steps_per_call):
    """5 and 17 leave a last, smaller group of steps; a huge group is the whole epoch."""
    one, several = build_model(seed=0), build_model(seed=0)
    history = train(one, full_batches, epochs=2, progress=False)
    grouped = train(several, full_batches, epochs=2, progress=False, steps_per_call=steps_per_call)
    for expected, actual in zip(trained_weights(one), trained_weights(several), strict=True):
        np.testing.assert_array_equal(actual, expected)  # The same graph ops, in the same order.
    np.testing.assert_allclose(grouped["loss"], history["loss"], rtol=1e-6)
    assert grouped["accuracy"] == history["accuracy"]


@pytest.mark.parametrize("steps_per_call", [0, -1, 2.5, "50", None, True])
def test_train_refuses_a_steps_per_call_that_is_not_a_whole_number_from_1(
    small_dataset, steps_per_call
):
    with pytest.raises(MnistDataError, match="steps_per_call must be"):
        train(build_model(seed=0), small_dataset, steps_per_call=steps_per_call)


def test_the_eager_loop_refuses_the_graph_switches(small_dataset):
    for switches in ({"jit_compile": True}, {"steps_per_call": 50}):
        with pytest.raises(MnistDataError, match="compiled=True"):
            train(build_model(seed=0), small_dataset, compiled=False, **switches)
