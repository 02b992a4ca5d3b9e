"""split_validation, train_with_validation, best_epoch: when to stop, chosen without test digits."""

import numpy as np
import pytest

from mnist_helpers import (
    MnistDataError,
    best_epoch,
    build_model,
    make_dataset,
    split_validation,
    train_with_validation,
)


def test_split_holds_out_the_fraction_and_keeps_every_digit_once(sample):
    images, labels = sample["x_train"], sample["y_train"]
    (x_train, y_train), (x_val, y_val) = split_validation(images, labels, fraction=0.2, seed=0)
    assert (len(x_train), len(x_val)) == (3_200, 800)
    assert len(y_train) == len(x_train) and len(y_val) == len(x_val)
    # Every digit lands in exactly one part, with its own label: match them by content.
    rows = {image.tobytes(): label for image, label in zip(images, labels, strict=True)}
    parts = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])
    assert sorted(image.tobytes() for image in parts[0]) == sorted(rows)
    assert all(rows[image.tobytes()] == label for image, label in zip(*parts, strict=True))


def test_split_of_label_sorted_digits_holds_every_class(sample):
    order = np.argsort(sample["y_train"], kind="stable")
    images, labels = sample["x_train"][order], sample["y_train"][order]
    (_, y_train), (_, y_val) = split_validation(images, labels, fraction=0.2, seed=0)
    # 400 of each digit: a random fifth holds about 80 of each, never none.
    assert np.all(np.abs(np.bincount(y_val, minlength=10) - 80) < 30)
    assert np.all(np.bincount(y_train, minlength=10) > 300)


def test_split_is_repeatable_from_a_seed_and_differs_across_seeds(sample):
    first = split_validation(sample["x_train"], sample["y_train"], seed=1)
    again = split_validation(sample["x_train"], sample["y_train"], seed=1)
    other = split_validation(sample["x_train"], sample["y_train"], seed=2)
    np.testing.assert_array_equal(first[1][1], again[1][1])
    np.testing.assert_array_equal(first[1][0], again[1][0])
    assert not np.array_equal(first[1][0], other[1][0])


def test_split_leaves_the_input_unchanged(normalized):
    images = normalized["x_train"][:100].copy()
    split_validation(images, normalized["y_train"][:100], seed=0)
    np.testing.assert_array_equal(images, normalized["x_train"][:100])


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_split_refuses_a_fraction_outside_0_1(sample, fraction):
    with pytest.raises(MnistDataError, match="between 0 and 1"):
        split_validation(sample["x_train"], sample["y_train"], fraction=fraction)


def test_split_refuses_a_fraction_that_leaves_a_part_empty(sample):
    with pytest.raises(MnistDataError, match="leaves one part empty"):
        split_validation(sample["x_train"][:3], sample["y_train"][:3], fraction=0.1)


def test_split_refuses_labels_of_another_length(sample):
    with pytest.raises(MnistDataError, match="labels"):
        split_validation(sample["x_train"][:10], sample["y_train"][:9])


def test_best_epoch_counts_from_one_and_takes_the_lowest_loss():
    assert best_epoch([0.5, 0.3, 0.2, 0.25, 0.4]) == 3
    assert best_epoch([0.1]) == 1
    with pytest.raises(MnistDataError, match="at least one epoch"):
        best_epoch([])


def test_train_with_validation_measures_the_held_out_digits_each_epoch(normalized):
    (x_train, y_train), validation = split_validation(
        normalized["x_train"][:1_200], normalized["y_train"][:1_200], fraction=0.25, seed=0
    )
    model = build_model(seed=0)
    history = train_with_validation(
        model, make_dataset(x_train, y_train, seed=0), validation, epochs=3
    )
    assert sorted(history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(values) == 3 for values in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_loss"][-1] < history["val_loss"][0]
    # The last entry measures the model as it is now, on the validation digits.
    x_val, y_val = validation
    predictions = np.argmax(model.predict(x_val, verbose=0), axis=1)
    assert history["val_accuracy"][-1] == pytest.approx(np.mean(predictions == y_val))
    assert history["val_accuracy"][-1] > 0.8


def test_train_with_validation_refuses_raw_validation_pixels(sample, normalized):
    dataset = make_dataset(normalized["x_train"][:64], normalized["y_train"][:64])
    raw = (sample["x_train"][:10], sample["y_train"][:10])
    with pytest.raises(MnistDataError, match="normalize_images"):
        train_with_validation(build_model(seed=0), dataset, raw, epochs=1)


def test_train_with_validation_refuses_zero_epochs(normalized):
    dataset = make_dataset(normalized["x_train"][:64], normalized["y_train"][:64])
    validation = (normalized["x_test"][:10], normalized["y_test"][:10])
    with pytest.raises(MnistDataError, match="epochs"):
        train_with_validation(build_model(seed=0), dataset, validation, epochs=0)
