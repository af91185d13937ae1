"""The shape of the code: imports between the project's modules (read from the source, including
imports inside functions, which hide a cycle without removing it)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each may import the earlier ones; nothing imports the buyer's space.
APPS = [
    "cooperatives", "engagements", "enquetes", "chantiers", "sav", "rapports", "rgpd", "espace",
]  # fmt: skip
PACKAGES = ["coopqualite", *APPS, "demo"]


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _graph() -> dict[str, set[str]]:
    """{module: the project modules it imports}; `from a import b` counts as importing a.b when
    a.b is a module."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        targets = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {resolve(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets |= {resolve(f"{node.module}.{alias.name}") for alias in node.names}
        graph[name] = targets - {None, name}
    return graph


def _runtime_nodes(tree: ast.AST):
    """Every node, except under `if TYPE_CHECKING:` (imports for annotations only, never run)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            test = getattr(child, "test", None) if isinstance(child, ast.If) else None
            if test is not None and "TYPE_CHECKING" in ast.unparse(test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return cycles


def test_the_project_modules_import_each_other_without_a_cycle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert _cycles(graph) == [["a", "b", "c"]]


def test_imports_for_annotations_only_are_not_counted():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "import enquetes.models\n"
        "if TYPE_CHECKING:\n"
        "    import enquetes.selectors\n"
        "def f():\n"
        "    import rapports.models\n"
    )

    imported = {
        alias.name for node in _runtime_nodes(tree) if isinstance(node, ast.Import)
        for alias in node.names
    }  # fmt: skip
    assert imported == {"enquetes.models", "rapports.models"}


def test_apps_import_only_the_project_package_and_the_apps_they_build_on():
    wrong = []
    for module, targets in _graph().items():
        app = module.split(".")[0]
        if app not in APPS:
            continue
        allowed = {"coopqualite", *APPS[: APPS.index(app) + 1]}
        wrong += [(module, t) for t in sorted(targets) if t.split(".")[0] not in allowed]

    assert wrong == []


def test_only_service_modules_queue_tasks():
    """Views, commands and periodic tasks call a service; the service queues the task."""
    wrong = [
        (module, target)
        for module, targets in _graph().items()
        for target in sorted(targets)
        if target.endswith(".tasks") and ".services." not in module
    ]

    assert wrong == []


def test_the_outbox_imports_no_app():
    """Features register their kind with the outbox (coopqualite.outbox.kinds); the outbox
    knows none of them."""
    wrong = [
        (module, target)
        for module, targets in _graph().items()
        if module.startswith("coopqualite.outbox")
        for target in sorted(targets)
        if target.split(".")[0] in APPS
    ]

    assert wrong == []
