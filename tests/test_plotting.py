"""The plots: which digits, titles and numbers each figure shows (what nbval cannot compare)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from mnist_helpers import MnistDataError, plot_confusion_matrix, plot_digits, plot_history


def titles(figure: Figure) -> list[str]:
    return [ax.get_title() for ax in figure.axes]


def test_plot_digits_titles_each_digit_with_its_label(sample):
    images, labels = sample["x_train"][:12], sample["y_train"][:12]
    figure = plot_digits(images, labels)
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 20  # 2 rows of 10, the last 8 left empty
    assert titles(figure) == [str(label) for label in labels] + [""] * 8
    shown = [ax.images[0].get_array() for ax in figure.axes[:12]]
    np.testing.assert_array_equal(np.stack(shown), images)
    assert all(not ax.images for ax in figure.axes[12:])


def test_plot_digits_takes_flat_normalized_images(sample, normalized):
    figure = plot_digits(normalized["x_test"][:3], sample["y_test"][:3], ncols=3)
    assert len(figure.axes) == 3
    np.testing.assert_array_equal(
        figure.axes[2].images[0].get_array(), normalized["x_test"][2].reshape(28, 28)
    )


def test_plot_digits_marks_wrong_predictions_in_red(sample):
    labels = sample["y_test"][:4]
    predictions = labels.copy()
    predictions[1] = (labels[1] + 1) % 10
    figure = plot_digits(sample["x_test"][:4], labels, predictions, ncols=4)
    assert titles(figure) == [f"{labels[i]}→{predictions[i]}" for i in range(4)]
    colors = [ax.title.get_color() for ax in figure.axes]
    assert colors == ["black", "red", "black", "black"]


def test_plot_digits_refuses_labels_of_another_length(sample):
    with pytest.raises(MnistDataError, match="Got 5 images but 4 labels"):
        plot_digits(sample["x_test"][:5], sample["y_test"][:4])


def test_plot_digits_refuses_predictions_of_another_length(sample):
    with pytest.raises(MnistDataError, match="Got 5 images but 3 labels"):
        plot_digits(sample["x_test"][:5], sample["y_test"][:5], sample["y_test"][:3])


def test_plot_history_draws_loss_and_accuracy_per_epoch():
    history = {"loss": [0.6, 0.2, 0.1], "accuracy": [0.82, 0.94, 0.97]}
    figure = plot_history(history)
    assert titles(figure) == ["Training loss", "Running training accuracy"]
    for ax, key in zip(figure.axes, ("loss", "accuracy"), strict=True):
        (line,) = ax.get_lines()
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
        np.testing.assert_array_equal(line.get_ydata(), history[key])


def test_plot_confusion_matrix_writes_every_count():
    confusion = np.arange(100).reshape(10, 10)
    figure = plot_confusion_matrix(confusion)
    (ax,) = figure.axes
    assert ax.get_title() == "Confusion matrix"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted digit", "true digit")
    # Text at (x, y) = (column, row) of the image.
    written = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
    }
    assert written == {(row, col): str(count) for (row, col), count in np.ndenumerate(confusion)}


def test_plot_confusion_matrix_refuses_another_shape():
    with pytest.raises(MnistDataError, match=r"10 x 10 confusion matrix, got shape \(9, 9\)"):
        plot_confusion_matrix(np.zeros((9, 9), int))


def test_plot_digits_refuses_images_that_are_not_28_by_28(sample):
    with pytest.raises(MnistDataError, match=r"shape \(N, 28, 28\) or \(N, 784\)"):
        plot_digits(sample["x_train"][:4, :14, :14], sample["y_train"][:4])


@pytest.mark.parametrize("ncols", [0, -1, 2.5])
def test_plot_digits_refuses_a_grid_without_columns(sample, ncols):
    with pytest.raises(MnistDataError, match=f"at least 1, got {ncols}"):
        plot_digits(sample["x_train"][:4], sample["y_train"][:4], ncols=ncols)


@pytest.mark.parametrize(
    "history",
    [{}, {"loss": []}, {"loss": [], "accuracy": []}, {"loss": [0.5], "accuracy": [0.9, 0.95]}],
    ids=["empty", "no-accuracy", "no-epochs", "unequal"],
)
def test_plot_history_refuses_what_train_does_not_return(history):
    with pytest.raises(MnistDataError, match="needs the history train\\(\\) returns"):
        plot_history(history)
