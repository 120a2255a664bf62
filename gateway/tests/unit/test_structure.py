"""The gateway's modules import one another without a circle, and each imports on its own."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "gateway"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "." in path.stem:  # gunicorn.conf.py: a settings file, not a module
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _imports(name, path):
    """The gateway modules ``name`` imports, at module level or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base]).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_no_module_of_the_gateway_takes_part_in_an_import_circle():
    modules = dict(_modules())
    graph = {name: sorted(_imports(name, path) & set(modules) - {name}) for name, path in modules.items()}
    # The application factory and the gunicorn entry point are the top: nothing below imports them.
    for name, imported in graph.items():
        if name not in ("gateway.app", "gateway.wsgi"):
            assert "gateway.app" not in imported, f"{name} imports gateway.app"

    state, cycles = {}, []

    def visit(name, trail):
        state[name] = "open"
        for target in graph[name]:
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target) :] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_every_module_imports_on_its_own():
    names = [name for name, _ in _modules() if name != "gateway.wsgi"]  # wsgi builds the app from the environment
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'gateway' or m.startswith('gateway.')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
