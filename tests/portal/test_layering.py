"""The apps stand on each other in one direction: projects at the bottom, then adr, toil, and portal at the top.
A lower app neither imports a higher one nor loads its template tags or includes its templates: what it shows
from above comes through a registry (project cards, evidence sections, finished remediation statuses)."""
import ast
import re
from pathlib import Path

import pytest
from django.template.backends.django import get_installed_libraries

ROOT = Path(__file__).resolve().parents[2]
LEVEL = {"projects": 0, "adr": 1, "toil": 2, "portal": 3}
# Template folders by the app that renders them (the projects app also renders the ledger and decommission pages).
TEMPLATE_OWNERS = {
    "projects": "projects", "ledger": "projects", "decommission": "projects", "common": "projects",
    "adr": "adr", "toil": "toil", "portal": "portal", "registration": "portal",
}
LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
INCLUDE = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"'/]+)/""")


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names & set(LEVEL)


@pytest.mark.parametrize("app", list(LEVEL))
def test_no_app_imports_one_above_it(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(other for other in _imported_apps(path) if LEVEL[other] > LEVEL[app])
        for path in (ROOT / app).rglob("*.py")
    }
    assert {path: apps for path, apps in wrong.items() if apps} == {}


def _library_owners() -> dict[str, str]:
    return {name: module.split(".")[0] for name, module in get_installed_libraries().items()}


@pytest.mark.parametrize("folder", list(TEMPLATE_OWNERS))
def test_no_template_loads_tags_or_includes_templates_of_an_app_above_its_own(folder):
    owner = TEMPLATE_OWNERS[folder]
    libraries = _library_owners()
    wrong = []
    for path in (ROOT / "templates" / folder).rglob("*.html"):
        text = path.read_text()
        for names in LOAD.findall(text):
            for name in names.split():
                library_app = libraries.get(name, "django")
                if library_app in LEVEL and LEVEL[library_app] > LEVEL[owner]:
                    wrong.append(f"{path.relative_to(ROOT)} loads {name} ({library_app})")
        for included in INCLUDE.findall(text):
            included_app = TEMPLATE_OWNERS.get(included)
            if included_app and LEVEL[included_app] > LEVEL[owner]:
                wrong.append(f"{path.relative_to(ROOT)} includes {included}/ ({included_app})")
    assert wrong == []


def test_the_check_sees_a_template_that_reaches_up():
    libraries = _library_owners()
    assert libraries["common"] == "projects" and libraries["adr_tags"] == "adr"
    assert LOAD.findall("{% load i18n adr_tags %}") == ["i18n adr_tags"]
    assert INCLUDE.findall('{% include "portal/_x.html" with a=1 %}') == ["portal"]


def _views_with_untyped_request(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    untyped = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.args.args and node.args.args[0].arg == "request":
            annotation = node.args.args[0].annotation
            if not (isinstance(annotation, ast.Name) and annotation.id == "HtmxHttpRequest"):
                untyped.append(f"{path.relative_to(root)}:{node.name}")
    return untyped


def test_every_page_view_takes_the_htmx_aware_request():
    views = [path for app in LEVEL for path in (ROOT / app).rglob("views.py")]
    assert len(views) == 6
    assert [name for path in views for name in _views_with_untyped_request(path)] == []


def test_the_check_sees_an_untyped_view(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("def page(request, slug):\n    pass\n\ndef typed(request: HtmxHttpRequest):\n    pass\n")
    assert _views_with_untyped_request(module, tmp_path) == ["views.py:page"]
