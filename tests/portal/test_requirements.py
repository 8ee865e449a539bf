"""`make run` installs requirements.txt only: the portal's code never imports a test-only package."""
import ast
import re
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("adr", "toil", "projects", "portal", "scripts")


def _names(requirements: str) -> set[str]:
    lines = (ROOT / requirements).read_text().splitlines()
    return {re.split(r"[\[=<>~ ]", line)[0].lower().replace("_", "-") for line in lines if line and line[0].isalnum()}


def _imported_modules() -> dict[str, str]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    found.setdefault(module.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_the_two_lists_do_not_overlap():
    assert "-r requirements.txt" in (ROOT / "requirements-test.txt").read_text()
    assert not _names("requirements.txt") & _names("requirements-test.txt")


def test_running_code_imports_nothing_only_tests_install():
    test_only = _names("requirements-test.txt")
    distributions = {module: {name.lower().replace("_", "-") for name in names} for module, names in packages_distributions().items()}
    offending = {
        module: where for module, where in _imported_modules().items() if distributions.get(module, set()) & test_only
    }
    assert offending == {}
