"""The shape of the package: no import cycles, one writer, and it installs and runs as a wheel.

Cycles are counted over every import, deferred ones inside functions included: an import moved
into a function to dodge a cycle still ties the two modules together."""
from __future__ import annotations

import ast
import os
import re
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where each installed package's source sits in the checkout (pyproject's package-dir).
SOURCES = {"archiver": ROOT / "archiver", "archiver.spiders": ROOT / "spiders",
           "archiver.pipelines": ROOT / "pipelines"}


def module_files() -> dict[str, Path]:
    found: dict[str, Path] = {"archiver.data": ROOT / "data" / "__init__.py"}
    for package, folder in SOURCES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """Project modules that `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_only(node):
            return
        if isinstance(node, ast.Import):
            targets.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in modules else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text("utf-8")))
    return {t for t in targets if t in modules and t != name}


def import_cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    files = module_files()
    graph = {name: imports_of(name, path, set(files)) for name, path in files.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return cycles


def test_module_map_sees_every_package() -> None:
    files = module_files()
    for name in ("archiver.process", "archiver.spiders.site", "archiver.pipelines.store",
                 "archiver.encoding.decoder", "archiver.store.writer"):
        assert name in files


def test_no_import_cycles() -> None:
    assert import_cycles() == []


# Layers that must not reach up (docs/architecture.md): the stages know no crawl, storage or
# terminal; storage knows no crawl, terminal or health.
LAYERS = {
    ("archiver.encoding", "archiver.mojibake", "archiver.extraction", "archiver.listings",
     "archiver.textmodel", "archiver.process"):
        ("archiver.crawl", "archiver.store", "archiver.cli", "archiver.health",
         "archiver.spiders", "archiver.pipelines"),
    ("archiver.store",): ("archiver.crawl", "archiver.cli", "archiver.health",
                          "archiver.spiders", "archiver.pipelines"),
}


def _under(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_imports_point_down_the_layers() -> None:
    files = module_files()
    upward = {name: sorted(t for t in imports_of(name, path, set(files)) if _under(t, above))
              for name, path in files.items()
              for lower, above in LAYERS.items() if _under(name, lower)}
    assert {k: v for k, v in upward.items() if v} == {}


# The modules allowed to change the archive: the writer, and the migrations of the schema.
# textindex fills the full-text indexes for the writer (ArchiveWriter.index): the writer's
# half that knows FTS5, called by nothing else in the package (checked below).
WRITERS = {"archiver.store.writer", "archiver.store.schema", "archiver.store.textindex"}
# SQL that changes rows, wherever it sits in a string (case-insensitive, SQL is too).
SQL_WRITE = re.compile(
    r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|REPLACE\s+INTO)\s+[\w.\"{}]+"
    r"|\bUPDATE\s+(OR\s+\w+\s+)?[\w.\"{}]+\s+SET\b"
    r"|\bDELETE\s+FROM\s+[\w.\"{}]+(\s+WHERE\b|\s*;|\s*$)", re.I)
# sqlite-utils' table writes: db["t"].insert(...), db.table("t").upsert(...) (a Redis
# client's delete() or a dict's update() is called on a name, not on a table).
TABLE_WRITES = {"insert", "insert_all", "upsert", "upsert_all", "update", "delete", "delete_where",
                "add_column", "transform", "drop"}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string statements that are docstrings or bare strings (prose, not SQL)."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)}


def sql_writes(source: str) -> list[str]:
    """The statements in ``source`` that write to a database: SQL in string literals
    (f-strings read with their placeholders as ``{}``), comments and docstrings aside, and
    sqlite-utils table writes."""
    tree = ast.parse(source)
    prose = _docstrings(tree)
    inside_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in prose and id(node) not in inside_fstring):
            text = node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in TABLE_WRITES
              and (isinstance(node.func.value, ast.Subscript)
                   or (isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Attribute)
                       and node.func.value.func.attr == "table"))):
            found.append((node.lineno, ast.unparse(node)[:80]))
        if text is not None and (match := SQL_WRITE.search(text)):
            found.append((node.lineno, match.group(0)))
    return [f"line {line}: {what}" for line, what in sorted(found)]


def test_sql_writes_are_found_in_code_not_in_prose() -> None:
    code = '''
"""INSERT INTO articles (url) VALUES (?) in a docstring is prose."""
# UPDATE articles SET title = ? in a comment is prose
def f(db, r, record, assignments):
    """DELETE FROM runs WHERE id = ?, described."""
    r.delete("archiver:queue")                      # a Redis command
    r.hset("k", "UPDATE", 1)
    record.update(title="x")
    log.info("could not delete from the queue")
    db.execute("insert or replace into frontier (site) values (?)")
    db.execute(f"UPDATE articles SET {assignments} WHERE id = ?")
    db.execute("DELETE FROM runs")
    db.execute("REPLACE INTO ingest_state VALUES (?, ?)")
    db["articles"].upsert(record, pk="id")
    db.table("runs").delete_where("id = ?", [1])
'''
    assert [w.split(":")[0] for w in sql_writes(code)] == [f"line {n}" for n in (10, 11, 12, 13, 14, 15)]


def test_only_the_writer_writes_to_the_archive() -> None:
    """One class owns every write (store.writer.ArchiveWriter; schema.py's migrations aside):
    other modules compute what to write and call it."""
    strays = {name: found for name, path in sorted(module_files().items())
              if name not in WRITERS and (found := sql_writes(path.read_text("utf-8")))}
    assert strays == {}
    index_writes = re.compile(r"\bimport\b[^\n]*\b(index_all|index_some)\b")
    callers = {name for name, path in module_files().items()
               if index_writes.search(path.read_text("utf-8"))}
    assert callers == {"archiver.store.writer"}


def test_wheel_installs_outside_the_checkout_and_runs_the_demo(tmp_path: Path) -> None:
    """Built as a wheel and installed into a fresh environment: profiles and the demo site come
    with it, and nothing lands in site-packages under a generic top-level name."""
    dist, env, work = tmp_path / "dist", tmp_path / "env", tmp_path / "work"
    work.mkdir()
    # --no-build-isolation: the test environment's setuptools builds it, so no index is asked.
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(dist), str(ROOT))
    [wheel] = dist.glob("gov_archiver-*.whl")
    _run(sys.executable, "-m", "venv", "--without-pip", str(env))
    site = Path(_run(str(env / "bin" / "python"), "-c",
                     "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    # The dependencies come from the test environment's site-packages (a plain path line: the
    # .pth files there, the editable install of this checkout among them, are not processed).
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install",
         "--quiet", "--no-deps", str(wheel))
    top_level = {p.name for p in site.iterdir()}
    assert "archiver" in top_level and not top_level & {"spiders", "pipelines", "data", "tests"}

    archiver = str(env / "bin" / "archiver")
    assert "pingtan" in _run(archiver, "sites", cwd=work)
    _run(archiver, "demo", "--db", str(work / "demo.db"), cwd=work)
    with sqlite3.connect(work / "demo.db") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] == 70
    where = _run(str(env / "bin" / "python"), "-c", "import archiver; print(archiver.__file__)", cwd=work)
    assert where.startswith(str(site))


def _run(*args: str, cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ARCHIVER_DB")}
    proc = subprocess.run(args, cwd=cwd or ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout
