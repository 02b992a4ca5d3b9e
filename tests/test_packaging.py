"""pyproject.toml's promises, read from the metadata pip sees: the package installs into an
environment that has TensorFlow without adding a second one, and the lower bounds it declares are
the ones CI's oldest run installs (.ci/oldest-constraints.txt), so they are tested. And the lock
files: regenerated since pyproject.toml's groups last changed, and agreeing with each other."""

import sys
from importlib.metadata import requires, version
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

import mnist_helpers
from mnist_helpers.tensorflow_check import OLDEST_TENSORFLOW, SUPPORTED_TENSORFLOW

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
GROUPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
LOCKED_GROUPS = ["runtime", "notebooks", "test", "docs", "lint"]
# Where the course venv runs and its stored outputs are made: CI's Python on Linux x86_64.
COURSE_PLATFORM = default_environment() | {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
}
DECLARED = [Requirement(line) for line in requires("mnist-helpers")]
CORE = [requirement for requirement in DECLARED if requirement.marker is None]
TENSORFLOW_DISTRIBUTIONS = {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tf-nightly"}


def requirements(lines: list[str]) -> list[Requirement]:
    """The requirements in a requirements file's lines: no comments, options or `-e .`."""
    lines = [line.strip() for line in lines]
    return [Requirement(line) for line in lines if line and not line.startswith(("#", "-"))]


def lower_bound(requirement: Requirement) -> Version:
    (bound,) = [spec.version for spec in requirement.specifier if spec.operator == ">="]
    return Version(bound)


def test_core_dependencies_bring_no_tensorflow():
    names = {requirement.name for requirement in CORE}
    assert names, "pyproject.toml lists no dependencies"
    assert not names & TENSORFLOW_DISTRIBUTIONS


def test_tensorflow_extras_allow_exactly_the_supported_range():
    tensorflows = [req for req in DECLARED if req.name in TENSORFLOW_DISTRIBUTIONS]
    for extra in ("tensorflow", "cpu"):  # Each extra installs one here.
        assert any(req.marker.evaluate({"extra": extra}) for req in tensorflows), extra
    assert {req.specifier for req in tensorflows} == {SpecifierSet(SUPPORTED_TENSORFLOW)}


def test_oldest_run_pins_every_lower_bound():
    constraints = (ROOT / ".ci" / "oldest-constraints.txt").read_text().splitlines()
    pinned = {req.name: Version(str(req.specifier)[2:]) for req in requirements(constraints)}
    expected = {req.name: lower_bound(req) for req in CORE}
    expected["tensorflow-cpu"] = OLDEST_TENSORFLOW
    assert pinned == expected


def pins(lock: Path, environment: dict = COURSE_PLATFORM) -> dict[str, Version]:
    """The release `lock` pins for each package on `environment` (the project excepted)."""
    pinned = {}
    for requirement in requirements(lock.read_text().splitlines()):
        if requirement.marker is None or requirement.marker.evaluate(environment):
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{lock.name}: {requirement} is not an exact pin"
            pinned[canonicalize_name(requirement.name)] = Version(spec.version)
    return pinned


def group_requirements(name: str) -> list[Requirement]:
    """A dependency group's requirements, its included groups' too (PEP 735)."""
    found = []
    for entry in GROUPS[name]:
        if isinstance(entry, dict):
            found += group_requirements(entry["include-group"])
        else:
            found.append(Requirement(entry))
    return found


def test_mnist_helpers_version_is_the_installed_distributions():
    assert mnist_helpers.__version__ == version("mnist-helpers")
    assert Version(mnist_helpers.__version__).release  # a release number pip can compare


def test_course_venv_pins_a_supported_tensorflow():
    tensorflows = TENSORFLOW_DISTRIBUTIONS & set(pins(ROOT / "requirements.txt"))
    assert tensorflows == {"tensorflow-cpu"}  # one TensorFlow, the CPU build on Linux x86_64
    assert pins(ROOT / "requirements.txt")["tensorflow-cpu"] in SpecifierSet(SUPPORTED_TENSORFLOW)


@pytest.mark.parametrize("group", LOCKED_GROUPS)
def test_lock_file_pins_a_release_in_every_range_of_its_group(group):
    # Fails when a range in pyproject.toml changed and ./run.sh lock was not run.
    for lock in (ROOT / "requirements" / f"{group}.txt", ROOT / "requirements.txt"):
        pinned = pins(lock)
        for requirement in group_requirements(group):
            if requirement.marker is None or requirement.marker.evaluate(COURSE_PLATFORM):
                name = canonicalize_name(requirement.name)
                assert name in pinned, f"{lock.name} lacks {requirement}: run ./run.sh lock"
                assert pinned[name] in requirement.specifier, f"{lock.name}: {name} {pinned[name]}"


@pytest.mark.parametrize("group", LOCKED_GROUPS)
def test_group_lock_pins_the_course_venvs_releases(group):
    # One venv takes the groups one after the other: no group may undo another's release.
    course = pins(ROOT / "requirements.txt")
    group_pins = pins(ROOT / "requirements" / f"{group}.txt")
    assert group_pins
    assert {name: course.get(name) for name in group_pins} == group_pins


def test_uv_lock_pins_one_uv_in_its_groups_range():
    # ./run.sh installs this file with pip, then every other lock file with that uv.
    (uv_range,) = group_requirements("uv")
    pinned = pins(ROOT / "requirements" / "uv.txt")
    assert list(pinned) == ["uv"]
    assert pinned["uv"] in uv_range.specifier


def test_training_installs_no_jupyter_tests_docs_or_linters():
    runtime = set(pins(ROOT / "requirements" / "runtime.txt"))
    assert "tensorflow-cpu" in runtime
    assert not runtime & {"jupyterlab", "ipykernel", "pytest", "sphinx", "selenium", "ruff"}


def test_locks_install_this_checkout_editable_except_the_linters():
    for group in LOCKED_GROUPS:
        lines = (ROOT / "requirements" / f"{group}.txt").read_text().splitlines()
        assert ("-e ." in lines) == (group != "lint"), group
