"""plot_probabilities: chapter 5's gallery of digits with their predicted probabilities."""

import matplotlib

matplotlib.use("Agg")  # No display needed.

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from mnist_helpers import MnistDataError, plot_probabilities  # noqa: E402

IMAGES = np.zeros((3, 28, 28), dtype=np.uint8)
LABELS = np.array([7, 2, 1])


def one_hot_ish(predicted: list[int], confidence: float = 0.8) -> np.ndarray:
    """Rows that give `confidence` to the predicted digit and share the rest equally."""
    probabilities = np.full((len(predicted), 10), (1 - confidence) / 9)
    probabilities[np.arange(len(predicted)), predicted] = confidence
    return probabilities


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_each_digit_gets_an_image_titled_label_prediction_and_confidence() -> None:
    fig = plot_probabilities(IMAGES, LABELS, one_hot_ish([7, 3, 1]), ncols=5)
    image_axes = fig.axes[:5]  # Row 0 holds the images, row 1 their bar charts.
    titles = [ax.get_title() for ax in image_axes[:3]]
    assert titles == ["7→7 80%", "2→3 80%", "1→1 80%"]
    colors = [image_axes[i].title.get_color() for i in range(3)]
    assert colors == ["black", "red", "black"]


def test_bars_show_the_probabilities_with_the_true_digit_blue_and_a_wrong_one_red() -> None:
    probabilities = one_hot_ish([7, 3, 1])
    fig = plot_probabilities(IMAGES, LABELS, probabilities, ncols=5)
    bars = fig.axes[5:8]
    for row, ax in enumerate(bars):
        heights = [patch.get_height() for patch in ax.patches]
        np.testing.assert_allclose(heights, probabilities[row])
    wrong = bars[1].patches
    assert wrong[2].get_facecolor() == to_rgba("tab:blue")  # The true digit, 2.
    assert wrong[3].get_facecolor() == to_rgba("tab:red")  # The prediction, 3.
    assert bars[0].patches[7].get_facecolor() == to_rgba("tab:blue")  # Right: blue only.


def test_unused_grid_cells_are_blank() -> None:
    fig = plot_probabilities(IMAGES, LABELS, one_hot_ish([7, 2, 1]), ncols=2)
    assert len(fig.axes) == 8  # 2 rows of digits x (image + bars) x 2 columns.
    # Rows: images 0-1, their bars, images 2-3, their bars; the 4th slot is empty.
    assert not fig.axes[5].axison and not fig.axes[7].axison
    assert not fig.axes[7].patches


def test_logits_instead_of_probabilities_are_refused_with_a_hint() -> None:
    logits = np.random.default_rng(0).normal(size=(3, 10)) * 5
    with pytest.raises(MnistDataError, match="not the logits"):
        plot_probabilities(IMAGES, LABELS, logits)


def test_probabilities_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(MnistDataError, match=r"shape \(3, 10\)"):
        plot_probabilities(IMAGES, LABELS, one_hot_ish([7, 2]))


def test_labels_of_the_wrong_length_are_refused() -> None:
    with pytest.raises(MnistDataError, match="labels"):
        plot_probabilities(IMAGES, LABELS[:2], one_hot_ish([7, 2, 1]))


def test_refuses_images_that_are_not_28_by_28(sample):
    with pytest.raises(MnistDataError, match=r"shape \(N, 28, 28\) or \(N, 784\)"):
        plot_probabilities(
            sample["x_train"][:3, :14, :14], sample["y_train"][:3], one_hot_ish([0, 1, 2])
        )


def test_refuses_a_grid_without_columns() -> None:
    with pytest.raises(MnistDataError, match="at least 1, got 0"):
        plot_probabilities(IMAGES, LABELS, one_hot_ish([7, 2, 1]), ncols=0)
