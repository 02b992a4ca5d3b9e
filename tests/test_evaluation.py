"""evaluate and its parts: logits, predicted digits, accuracy and the confusion matrix."""

import numpy as np
import pytest

from mnist_helpers import (
    Evaluation,
    MnistDataError,
    build_model,
    confusion_matrix,
    evaluate,
    make_dataset,
    predict_labels,
    predict_logits,
    train,
)


@pytest.fixture(scope="module")
def model(normalized):
    """The classroom notebook's model after one epoch on the sample: often right, sometimes not."""
    model = build_model(seed=0)
    dataset = make_dataset(normalized["x_train"], normalized["y_train"], seed=0)
    train(model, dataset, epochs=1, progress=False)
    return model


@pytest.fixture(scope="module")
def result(model, normalized) -> Evaluation:
    return evaluate(model, normalized["x_test"], normalized["y_test"])


def test_accuracy_is_the_share_of_right_predictions(result, normalized):
    right = result.predictions == normalized["y_test"]
    assert result.accuracy == np.mean(right)
    assert 0.8 < result.accuracy < 1  # Trained, with mistakes left for the matrix to show.


def test_predictions_are_the_largest_logits(result):
    assert result.logits.shape == (1_000, 10)
    assert result.logits.dtype == np.float32
    np.testing.assert_array_equal(result.predictions, result.logits.argmax(axis=1))


def test_confusion_counts_every_digit_once(result, normalized):
    labels = normalized["y_test"]
    assert result.confusion.shape == (10, 10)
    assert result.confusion.sum() == 1_000
    assert np.trace(result.confusion) == np.sum(result.predictions == labels)
    assert result.confusion.sum(axis=1).tolist() == [100] * 10  # Rows: the true digits.
    predicted_counts = np.bincount(result.predictions, minlength=10)
    np.testing.assert_array_equal(result.confusion.sum(axis=0), predicted_counts)  # Columns.


def test_probabilities_are_a_softmax_of_the_logits(result):
    probabilities = result.probabilities
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(probabilities.argmax(axis=1), result.predictions)
    first = np.exp(result.logits[0] - result.logits[0].max())
    np.testing.assert_allclose(probabilities[0], first / first.sum(), rtol=1e-5)


def test_evaluate_takes_square_images_too(model, normalized, result):
    square = normalized["x_test"].reshape(-1, 28, 28)
    assert evaluate(model, square, normalized["y_test"]).accuracy == result.accuracy


def test_predict_logits_matches_calling_the_model(model, normalized):
    images = normalized["x_test"][:100]
    logits = predict_logits(model, images, batch_size=32)
    np.testing.assert_allclose(logits, model(images).numpy(), rtol=1e-5, atol=1e-5)


def test_predict_labels_picks_the_largest_logit():
    logits = np.array([[0.1, 3.0, -1.0] + [0.0] * 7, [-5.0] * 9 + [-4.0]])
    assert predict_labels(logits).tolist() == [1, 9]


def test_confusion_matrix_rows_are_true_digits():
    matrix = confusion_matrix(np.array([0, 1, 1, 2, 9]), np.array([0, 1, 2, 2, 4]))
    expected = np.zeros((10, 10), int)
    expected[0, 0] = expected[1, 1] = expected[1, 2] = expected[2, 2] = expected[9, 4] = 1
    np.testing.assert_array_equal(matrix, expected)


def test_evaluate_refuses_raw_pixels(model, sample):
    with pytest.raises(MnistDataError, match=r"call normalize_images\(images\) first"):
        evaluate(model, sample["x_test"], sample["y_test"])


def test_evaluate_refuses_labels_of_another_length(model, normalized):
    with pytest.raises(MnistDataError, match="Got 1,000 images but 10 labels"):
        evaluate(model, normalized["x_test"], normalized["y_test"][:10])


def test_predict_logits_refuses_raw_pixels(model, sample):
    with pytest.raises(MnistDataError, match="normalize_images"):
        predict_logits(model, sample["x_test"])


def test_confusion_matrix_refuses_one_hot_labels():
    with pytest.raises(MnistDataError, match=r"argmax\(axis=1\)"):
        confusion_matrix(np.eye(10, dtype=int), np.arange(10))


def test_confusion_matrix_refuses_predictions_out_of_range():
    with pytest.raises(MnistDataError, match="class ids 0-9, got values from 0 to 10"):
        confusion_matrix(np.array([0, 1]), np.array([0, 10]))


def test_evaluate_refuses_zero_images(model, normalized):
    with pytest.raises(MnistDataError, match="Got 0 images: evaluate needs at least one"):
        evaluate(model, normalized["x_test"][:0], normalized["y_test"][:0])


def test_evaluate_refuses_nan_pixels(model, normalized):
    images = normalized["x_test"][:10].copy()
    images[3, 5] = np.nan
    with pytest.raises(MnistDataError, match="NaN or infinite"):
        evaluate(model, images, normalized["y_test"][:10])
