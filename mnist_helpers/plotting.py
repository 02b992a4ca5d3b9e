"""Pictures that say more than numbers: digits, their predicted probabilities, training curves,
confusion matrix."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from mnist_helpers.checks import IMAGE_SIDE, NUM_CLASSES, check_image_shape, check_labels
from mnist_helpers.errors import MnistDataError


def plot_digits(
    images: np.ndarray,
    labels: np.ndarray,
    predictions: np.ndarray | None = None,
    ncols: int = 10,
) -> Figure:
    """A grid of digits titled with their label, or `label -> prediction` (red when wrong).

    Takes raw or normalized images, square (N, 28, 28) or flat (N, 784).
    """
    _check_ncols(ncols)
    images = check_image_shape(images).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    labels = check_labels(labels, expected_length=len(images))
    if predictions is not None:
        predictions = check_labels(predictions, expected_length=len(images))
    nrows = max(1, -(-len(images) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.4 * nrows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(images):
            continue
        ax.imshow(images[index], cmap="gray_r")
        if predictions is None:
            ax.set_title(str(labels[index]))
        else:
            wrong = predictions[index] != labels[index]
            ax.set_title(f"{labels[index]}→{predictions[index]}", color="red" if wrong else "black")
    fig.tight_layout()
    return fig


def plot_probabilities(
    images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray, ncols: int = 5
) -> Figure:
    """Each digit above a bar chart of its 10 predicted probabilities.

    Shows how sure the model was, and whether the true digit (blue bar) came close to a wrong
    prediction (red bar). `probabilities` is `Evaluation.probabilities`: one row per image.
    """
    _check_ncols(ncols)
    images = check_image_shape(images).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    labels = check_labels(labels, expected_length=len(images))
    probabilities = _check_probabilities(probabilities, expected_length=len(images))
    predictions = np.argmax(probabilities, axis=1)
    nrows = max(1, -(-len(images) // ncols))
    fig, axes = plt.subplots(
        2 * nrows,
        ncols,
        figsize=(1.8 * ncols, 3.2 * nrows),
        squeeze=False,
        gridspec_kw={"height_ratios": [3, 2] * nrows},
    )
    for index in range(nrows * ncols):
        image_ax = axes[2 * (index // ncols), index % ncols]
        bars_ax = axes[2 * (index // ncols) + 1, index % ncols]
        image_ax.axis("off")
        if index >= len(images):
            bars_ax.axis("off")
            continue
        label, prediction = labels[index], predictions[index]
        image_ax.imshow(images[index], cmap="gray_r")
        image_ax.set_title(
            f"{label}→{prediction} {probabilities[index, prediction]:.0%}",
            color="red" if prediction != label else "black",
        )
        colors = ["lightgray"] * NUM_CLASSES
        colors[prediction] = "tab:red"
        colors[label] = "tab:blue"  # Drawn last: a right prediction is all blue.
        bars_ax.bar(range(NUM_CLASSES), probabilities[index], color=colors)
        bars_ax.set(ylim=(0, 1), xticks=range(NUM_CLASSES), yticks=[0, 1])
        bars_ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def plot_history(history: dict[str, list[float]]) -> Figure:
    """Loss and accuracy per epoch, side by side, from the history `train` returns."""
    _check_history(history)
    fig, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(10, 3.5))
    epochs = np.arange(1, len(history["loss"]) + 1)
    loss_ax.plot(epochs, history["loss"], marker="o")
    loss_ax.set(title="Training loss", xlabel="epoch", ylabel="mean cross-entropy")
    accuracy_ax.plot(epochs, history["accuracy"], marker="o")
    accuracy_ax.set(title="Running training accuracy", xlabel="epoch", ylabel="accuracy")
    for ax in (loss_ax, accuracy_ax):
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(confusion: np.ndarray) -> Figure:
    """The confusion matrix as a heat map with its counts written in each cell."""
    confusion = np.asarray(confusion)
    if confusion.shape != (NUM_CLASSES, NUM_CLASSES):
        raise MnistDataError(f"Expected a 10 x 10 confusion matrix, got shape {confusion.shape}.")
    fig, ax = plt.subplots(figsize=(6, 5.5))
    ax.imshow(confusion, cmap="Blues")
    threshold = confusion.max() / 2
    for (row, col), count in np.ndenumerate(confusion):
        color = "white" if count > threshold else "black"
        ax.text(col, row, str(count), ha="center", va="center", color=color, fontsize=8)
    ticks = np.arange(NUM_CLASSES)
    ax.set(xticks=ticks, yticks=ticks, xlabel="predicted digit", ylabel="true digit")
    ax.set_title("Confusion matrix")
    fig.tight_layout()
    return fig


def _check_probabilities(probabilities: object, expected_length: int) -> np.ndarray:
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.shape != (expected_length, NUM_CLASSES):
        raise MnistDataError(
            f"Expected probabilities of shape ({expected_length}, {NUM_CLASSES}), one row per "
            f"image, got {probabilities.shape}."
        )
    valid = np.all(probabilities >= 0) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-3)
    if not valid:
        raise MnistDataError(
            "Each row of probabilities must be >= 0 and sum to 1: pass Evaluation.probabilities "
            "(the softmax of the logits), not the logits."
        )
    return probabilities


def _check_ncols(ncols: object) -> None:
    if not isinstance(ncols, int) or ncols < 1:
        raise MnistDataError(
            f"ncols is the number of columns of the grid: at least 1, got {ncols!r}."
        )


def _check_history(history: object) -> None:
    keys = ("loss", "accuracy")
    shapes = [np.shape(history.get(key)) for key in keys] if isinstance(history, dict) else []
    if len(shapes) != 2 or shapes[0] != shapes[1] or len(shapes[0]) != 1 or not shapes[0][0]:
        raise MnistDataError(
            "plot_history needs the history train() returns: a dict with lists 'loss' and "
            f"'accuracy' of one value per epoch, at least one; got {_describe(history)}."
        )


def _describe(history: object) -> str:
    if not isinstance(history, dict):
        return type(history).__name__
    return "{" + ", ".join(f"{key!r}: {np.shape(value)}" for key, value in history.items()) + "}"
