"""The measuring parts of CI's chapter runs (scripts/run_chapters.py, scripts/check_full_size.py):
output lengths counted as Jupyter shows them, and a full-size stand-in that is MNIST-shaped."""

import importlib.util
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_output

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_chapters = _load("run_chapters")
check_full_size = _load("check_full_size")


def cell_with(*outputs) -> nbformat.NotebookNode:
    return new_code_cell("...", outputs=list(outputs))


def test_a_progress_bar_redrawn_in_place_is_one_line():
    bar = "".join(f"\r{step}/938 [{'=' * (step // 50)}]" for step in range(0, 939, 7)) + "\n"
    assert run_chapters.cell_output_lines(cell_with(new_output("stream", name="stderr", text=bar)))
    assert run_chapters.shown_lines(bar) == 1


def test_chunks_of_one_stream_merge_and_each_box_counts():
    cell = cell_with(
        new_output("stream", name="stdout", text="epoch 1: loss "),
        new_output("stream", name="stdout", text="0.3\nepoch 2: loss 0.2\n"),
        new_output("stream", name="stderr", text="a warning\n"),
        new_output("execute_result", data={"text/plain": "array([1,\n       2])"}),
    )
    assert run_chapters.cell_output_lines(cell) == 2 + 1 + 2


def test_a_figure_counts_no_lines_and_a_list_of_938_numbers_counts_all():
    figure = new_output(
        "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
    )
    numbers = "\n".join(str(loss) for loss in range(938))
    assert run_chapters.cell_output_lines(cell_with(figure)) == 0
    long_cell = cell_with(new_output("stream", name="stdout", text=numbers))
    assert run_chapters.cell_output_lines(long_cell) == 938


def digits(count: int) -> np.ndarray:
    """Stand-ins for sample digits: image i is a centred square of brightness i + 1."""
    images = np.zeros((count, 28, 28), np.uint8)
    images[:, 10:18, 10:18] = np.arange(1, count + 1, dtype=np.uint8)[:, None, None]
    return images


@pytest.fixture(scope="module")
def stand_in():
    sample = {
        "x_train": digits(40),
        "y_train": np.arange(40, dtype=np.uint8) % 10,
        "x_test": digits(10),
        "y_test": np.arange(10, dtype=np.uint8),
    }
    return sample, check_full_size.stand_in(sample, np.random.default_rng(1))


def test_stand_in_keeps_each_digit_with_its_label(stand_in):
    sample, arrays = stand_in
    for split in ("train", "test"):
        source = arrays[f"x_{split}"].max(axis=(1, 2)).astype(int) - 1  # which sample digit
        assert (arrays[f"y_{split}"] == sample[f"y_{split}"][source]).all()
        assert set(source) == set(range(len(sample[f"x_{split}"])))  # every digit used


def test_stand_in_has_mnist_sizes_dtypes_and_balance(stand_in):
    _, arrays = stand_in
    assert arrays["x_train"].shape == (60_000, 28, 28)
    assert arrays["x_test"].shape == (10_000, 28, 28)
    assert {array.dtype for array in arrays.values()} == {np.dtype(np.uint8)}
    assert set(np.bincount(arrays["y_train"])) == {6_000}
    assert set(np.bincount(arrays["y_test"])) == {1_000}


def test_stand_in_digits_are_sample_digits_moved_at_most_two_pixels():
    rng = np.random.default_rng(2)
    square = np.zeros((500, 28, 28), np.uint8)
    square[:, 12:16, 12:16] = 255
    moved = check_full_size.shifted(square, rng)
    rows = np.array([np.flatnonzero(image.any(axis=1))[0] for image in moved])
    columns = np.array([np.flatnonzero(image.any(axis=0))[0] for image in moved])
    assert set(rows) == set(columns) == {10, 11, 12, 13, 14}  # every shift in -2..2 occurs
    assert (moved.sum(axis=(1, 2), dtype=int) == square.sum(axis=(1, 2), dtype=int)).all()


def test_a_cells_time_comes_from_the_timestamps_nbclient_records():
    timed = new_code_cell("...")
    timed.metadata["execution"] = {
        "iopub.status.busy": "2026-11-28T05:41:28.750000Z",
        "shell.execute_reply": "2026-11-28T05:41:34.000000Z",
    }
    assert run_chapters.cell_seconds(timed) == pytest.approx(5.25)
    assert run_chapters.cell_seconds(new_code_cell("never ran")) == 0.0
