"""The root conftest.py's lists name tests, modules and files that exist: the quick subset
(`-m "not slow"`) leaves out exactly the slow ones, and the longest files start first."""

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def root_conftest():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def defined_functions() -> set[str]:
    return {
        node.name
        for path in (ROOT / "tests").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef)
    }


def test_every_slow_test_module_and_fixture_named_exists():
    conftest = root_conftest()
    functions = defined_functions()
    assert conftest.SLOW_TESTS - functions == set()
    assert conftest.SLOW_FIXTURES - functions == set()
    assert {name for name in conftest.SLOW_MODULES if not (ROOT / "tests" / name).exists()} == set()


def test_every_file_run_first_exists():
    # A renamed chapter or module would silently go back to starting wherever it falls.
    files = {path.name for folder in ("tests", "notebooks") for path in (ROOT / folder).iterdir()}
    assert set(root_conftest().LONGEST_FILES) - files == set()
