"""House rules STYLE.md asks of every module that a linter does not check.

ruff and mypy run in `make lint` (and in CI), not inside pytest."""
from __future__ import annotations

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archiver", "spiders", "pipelines")


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _is_main_guard(node: ast.AST) -> bool:
    """`if __name__ == "__main__":` — a script's output is its interface there."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    names = [node.test.left, *node.test.comparators]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in names) and any(
        isinstance(n, ast.Constant) and n.value == "__main__" for n in names)


def print_calls(source: str) -> list[int]:
    """Line numbers of print(...) calls outside `if __name__ == "__main__"` blocks."""
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        if _is_main_guard(node):
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def test_print_calls_finds_only_unguarded_prints() -> None:
    source = ('print("a")\nlog = print\ndef f():\n    print("b")\n'
              'if __name__ == "__main__":\n    print("c")\n')
    assert print_calls(source) == [1, 4]


def test_no_print_in_library_code() -> None:
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in _modules()
                 for line in print_calls(p.read_text("utf-8"))]
    assert not offenders, "use logging or click.echo, not print(): " + ", ".join(offenders)


def test_no_build_artefacts_tracked() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    bad = [f for f in tracked
           if "__pycache__/" in f or f.endswith((".pyc", ".pyo", ".db", ".sqlite", ".sqlite3"))]
    assert not bad, f"artefacts under version control: {bad}"
