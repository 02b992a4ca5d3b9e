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
# Tests that take 5 s or more each on 2 cores (by function name): archives and images of tens
# of MB, a second run of the main job, and training runs compared side by side.
SLOW_TESTS = {
    "test_idx_folder_loads_exactly",
    "test_npz_that_inflates_beyond_the_cap_is_refused_in_bounded_memory",
    "test_gzip_bomb_is_refused_after_reading_at_most_the_declared_size",
    "test_a_huge_image_is_read_in_bounded_memory",
    "test_a_download_killed_midway_leaves_no_mnist_npz_and_the_next_one_works",
    "test_same_seed_gives_the_same_metrics",
    "test_compiled_training_reaches_the_eager_accuracy",
    "test_train_validation_and_one_replica_give_the_same_weights",
    "test_several_steps_per_call_train_exactly_like_one",
    "test_xla_makes_the_same_update_up_to_rounding",
}

# The files that take longest in `./run.sh test`, longest first (measured on 2 cores). With
# `--dist loadfile` a file's tests stay on one worker, and with `--no-loadscope-reorder` xdist
# hands out the files in collection order: the long ones start at once and the short ones
# fill in at the end, so no long chapter starts last while the other worker idles.
LONGEST_FILES = [
    "09_distributed.ipynb",
    "06_validation_and_keras.ipynb",
    "test_distributed.py",
    "04_training.ipynb",
    "07_convnet.ipynb",
    "test_training_speed.py",
    "05_evaluation.ipynb",
    "test_training.py",
    "02_normalization.ipynb",
    "03_model_and_logits.ipynb",
    "test_data.py",
    "08_saving_and_new_handwriting.ipynb",
]


def pytest_collection_modifyitems(items):
    rank = {name: position for position, name in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: cells in order
    for item in items:
        chapter_cell = item.path.suffix == ".ipynb"
        slow_module = item.path.name in SLOW_MODULES
        slow_test = getattr(item, "originalname", None) in SLOW_TESTS
        slow_fixture = SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        if chapter_cell or slow_module or slow_test or slow_fixture:
            item.add_marker(pytest.mark.slow)
