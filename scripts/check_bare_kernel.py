"""Run every chapter in a fresh venv with TensorFlow and a Jupyter kernel but no mnist_helpers.

    python scripts/check_bare_kernel.py                    # requirements.txt's TensorFlow
    python scripts/check_bare_kernel.py --package tensorflow   # the same, `tensorflow` build
    python scripts/check_bare_kernel.py --constraints .ci/oldest-constraints.txt   # the oldest

That is the kernel a learner meets in Colab or in their own Jupyter (Colab and GPU machines have
the `tensorflow` build, whose CUDA libraries log more at start-up: --package tensorflow), so each
chapter's setup cell has to install the package itself. Here it installs a wheel built from this
checkout (MNIST_HELPERS_INSTALL), the chapters load the embedded sample (MNIST_SOURCE=sample), and
every chapter in notebooks/ must run top to bottom without error (scripts/run_chapters.py; outputs
are not compared, asserts run). With --constraints, the venv and the setup cell's pip both keep to
the pinned releases (PIP_CONSTRAINT), so the package's lower bounds are what runs.

Also fails when building the wheel prints a setuptools warning, when the venv could import
mnist_helpers before the chapters ran, and when it holds more than one TensorFlow distribution
afterwards (the package must not add one next to the learner's).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
# What the kernel needs besides TensorFlow: the course venv's ipykernel, and nbclient to drive it.
KERNEL_REQUIREMENTS = ["ipykernel>=7,<8", "nbclient>=0.10,<1"]
BUILD_WARNING = re.compile(r"\b\w*Warning\b")  # setuptools warnings (pip says WARNING)
SHOWN = re.compile(r"(tensorflow|tf-|keras|numpy|matplotlib|tqdm|packaging|ipykernel|nbclient)\b")
PROBE_TENSORFLOW = (
    "import importlib.metadata as m; "
    "print(' '.join(sorted(set(m.packages_distributions().get('tensorflow', [])))))"
)


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(str(part) for part in command), flush=True)
    return subprocess.run(command, check=True, text=True, **kwargs)


def pinned_tensorflow() -> str:
    """The TensorFlow line of requirements.txt that applies to this machine."""
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.startswith("tensorflow"):
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate():
                return str(requirement).split(";")[0]
    raise SystemExit("requirements.txt pins no TensorFlow for this platform")


def build_wheel(folder: Path) -> Path:
    """A wheel of the checkout as it is now (tracked and new files), built from a copy of it."""
    source = folder / "source"
    files = run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    build = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", folder / "dist", source],
        capture_output=True,
    )
    warnings = [line for line in build.stderr.splitlines() if BUILD_WARNING.search(line)]
    if warnings:
        raise SystemExit("Building the wheel printed warnings:\n" + "\n".join(warnings))
    (wheel,) = (folder / "dist").glob("mnist_helpers-*.whl")
    return wheel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--constraints", type=Path, help="pip constraints for the venv")
    parser.add_argument(
        "--package",
        choices=["tensorflow-cpu", "tensorflow"],
        help="the TensorFlow distribution to install (default: requirements.txt's)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bare-kernel-") as temporary:
        folder = Path(temporary)
        wheel = build_wheel(folder)
        env = dict(os.environ, MNIST_HELPERS_INSTALL=str(wheel), MNIST_SOURCE="sample")
        if args.constraints:
            env["PIP_CONSTRAINT"] = str(args.constraints.resolve())
            tensorflow = Requirement(pinned_tensorflow()).name  # its version from the constraints
        else:
            tensorflow = pinned_tensorflow()
        if args.package:  # The same version of another build.
            tensorflow = args.package + tensorflow[len(Requirement(tensorflow).name) :]

        python = folder / "venv" / "bin" / "python"
        run([sys.executable, "-m", "venv", folder / "venv"])
        run([python, "-m", "pip", "install", "--quiet", tensorflow, *KERNEL_REQUIREMENTS], env=env)
        probe = "import importlib.util as u; print(u.find_spec('mnist_helpers') is None)"
        bare = run([python, "-c", probe], cwd=folder, capture_output=True).stdout.strip()
        if bare != "True":
            raise SystemExit("The fresh venv can already import mnist_helpers: not a bare kernel")
        installed = run([python, "-m", "pip", "list"], env=env, capture_output=True).stdout
        print(*(line for line in installed.splitlines() if SHOWN.match(line)), sep="\n")

        chapters = sorted((ROOT / "notebooks").glob("*.ipynb"))
        result = subprocess.run(
            [python, ROOT / "scripts" / "run_chapters.py", *chapters], env=env, cwd=folder
        )

        distributions = run([python, "-c", PROBE_TENSORFLOW], capture_output=True).stdout.split()
        print(f"TensorFlow distributions in the venv afterwards: {distributions}")
        if len(distributions) != 1:
            print("Expected exactly one TensorFlow distribution", file=sys.stderr)
            return 1
        return result.returncode


if __name__ == "__main__":
    sys.exit(main())
