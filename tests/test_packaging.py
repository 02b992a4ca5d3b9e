"""pyproject.toml's promises, read from the metadata pip sees: the package installs into an
environment that has TensorFlow without adding a second one, and the lower bounds it declares are
the ones CI's oldest run installs (.ci/oldest-constraints.txt), so they are tested."""

from importlib.metadata import requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

from mnist_helpers.tensorflow_check import OLDEST_TENSORFLOW, SUPPORTED_TENSORFLOW

ROOT = Path(__file__).resolve().parents[1]
DECLARED = [Requirement(line) for line in requires("mnist-helpers")]
CORE = [requirement for requirement in DECLARED if requirement.marker is None]
TENSORFLOW_DISTRIBUTIONS = {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tf-nightly"}


def requirements(lines: list[str]) -> list[Requirement]:
    return [Requirement(line) for line in lines if line.strip() and not line.startswith(("#", "-"))]


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
    assert {str(requirement.specifier) for requirement in tensorflows} == {"<2.22,>=2.18"}
    assert SUPPORTED_TENSORFLOW == ">=2.18,<2.22"


def test_oldest_run_pins_every_lower_bound():
    constraints = (ROOT / ".ci" / "oldest-constraints.txt").read_text().splitlines()
    pinned = {req.name: Version(str(req.specifier)[2:]) for req in requirements(constraints)}
    expected = {req.name: lower_bound(req) for req in CORE}
    expected["tensorflow-cpu"] = OLDEST_TENSORFLOW
    assert pinned == expected


def test_course_venv_pins_a_supported_tensorflow():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    pins = [req for req in requirements(lines) if req.name in TENSORFLOW_DISTRIBUTIONS]
    assert pins
    for requirement in pins:
        assert lower_bound(requirement) >= OLDEST_TENSORFLOW
        assert requirement.specifier.contains("2.21.0")
        assert not requirement.specifier.contains("2.22.0")
