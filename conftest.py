"""Pin the data every test run uses, whoever runs it and wherever, and mark the slow tests.

The notebooks' stored outputs were produced on the embedded sample, and nbval compares against
them, so `pytest --nbval notebooks` must load the sample too, online or not. Set here, before
nbval starts any kernel: the kernels inherit this environment.

`-m "not slow"` leaves out what takes seconds per test: every chapter nbval runs, and the tests
below that start processes (TensorFlow imports, worker clusters, JupyterLab) or fuzz.
"""

import os

import pytest

os.environ["MNIST_SOURCE"] = "sample"

# Whole test modules that start TensorFlow processes (the job's command line, its workers) or
# run Hypothesis for hundreds of examples.
SLOW_MODULES = {"test_distributed.py", "test_fuzz_files.py", "test_main.py", "test_quiet.py"}
# Fixtures that start a new Python process importing TensorFlow.
SLOW_FIXTURES = {"offline_python"}
# Tests that write or read gzips and archives of tens of MB (by function name).
SLOW_TESTS = {
    "test_idx_folder_loads_exactly",
    "test_npz_that_inflates_beyond_the_cap_is_refused_in_bounded_memory",
    "test_gzip_bomb_is_refused_after_reading_at_most_the_declared_size",
}


def pytest_collection_modifyitems(items):
    for item in items:
        chapter_cell = item.path.suffix == ".ipynb"
        slow_module = item.path.name in SLOW_MODULES
        slow_test = getattr(item, "originalname", None) in SLOW_TESTS
        slow_fixture = SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        if chapter_cell or slow_module or slow_test or slow_fixture:
            item.add_marker(pytest.mark.slow)
