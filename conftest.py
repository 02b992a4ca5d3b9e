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

# Whole test modules that start TensorFlow processes or run Hypothesis for hundreds of examples.
SLOW_MODULES = {"test_distributed.py", "test_fuzz_files.py", "test_quiet.py"}
# Fixtures that start a new Python process importing TensorFlow.
SLOW_FIXTURES = {"offline_python"}


def pytest_collection_modifyitems(items):
    for item in items:
        chapter_cell = item.path.suffix == ".ipynb"
        slow_module = item.path.name in SLOW_MODULES
        if chapter_cell or slow_module or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
