"""Every code block of README.md and docs/ runs against the demo archive, so the docs stay true.

Which blocks run:

- ```` ```sh ```` / ```` ```bash ````: each command (a line, with ``\\`` continuations) runs in a
  shell and must exit 0 and find something: a documented example that prints nothing, no rows
  or ``[]`` is a broken example.
- ```` ```python ````: the block runs as a script and must exit 0.
- an untagged block whose lines start with ``$ ``: a transcript. Each ``$`` command runs; when the
  output shown under it starts with ``Error:`` the command must fail with that error, else it must
  succeed. Other untagged blocks (diagrams, layouts, crontab lines) are not commands.

A block that needs the internet, cron or a fresh install is marked, on the line before its
fence, with ``<!-- no-test: why -->``; the reason is required.

The commands run where a user who ran ``make demo`` stands: a directory whose
``data/archive.db`` is the demo archive (built once per session with ``archiver demo``) and
whose ``data/demo`` is the bundled demo site; ``archiver`` and ``scrapy`` on the PATH; the
demo site served on 127.0.0.1 (the docs' ``127.0.0.1:8741`` points at it).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archiver.testing.siteserver import SiteServer
from tests.conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
NO_TEST = re.compile(r"^<!--\s*no-test:\s*\S.*-->\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")
DEMO_PORT = "127.0.0.1:8741"
FOUND_NOTHING = ("", "(no rows)", "[]")


@dataclass(frozen=True)
class Block:
    doc: str
    line: int
    lang: str
    text: str
    skipped: bool

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"


def doc_blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        blocks.append(Block(str(path.relative_to(REPO)), i + 1, match.group(1),
                            "\n".join(lines[i + 1:end]), bool(NO_TEST.match(before))))
        i = end + 1
    return blocks


def runnable(block: Block) -> bool:
    if block.lang in ("sh", "bash", "python"):
        return True
    return block.lang == "" and block.text.lstrip().startswith("$ ")


BLOCKS = [b for doc in DOCS for b in doc_blocks(doc) if runnable(b)]


def commands(text: str) -> list[str]:
    """The commands of a shell block: comments dropped, ``\\`` continuations joined, a quoted
    argument that spans lines kept whole."""
    out, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # an open quote: the command goes on
            pending += "\n"
            continue
        out.append(pending)
        pending = ""
    assert not pending, f"unterminated command: {pending!r}"
    return out


def transcript(text: str) -> Iterator[tuple[str, list[str]]]:
    """(command, the output shown under it) for each ``$`` line of a transcript."""
    command, shown = None, []
    for line in text.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield command, shown
            command, shown = line[2:], []
        elif command is not None:
            shown.append(line)
    if command is not None:
        yield command, shown


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    home = tmp_path_factory.mktemp("demo-home")
    (home / "data").mkdir()
    (home / "data" / "demo").symlink_to(REPO / "data" / "demo")
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVER_DB"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    built = subprocess.run([sys.executable, "-m", "archiver", "demo", "--db", "data/archive.db"],
                           cwd=home, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr[-3000:]
    shutil.copy(REPO / "scrapy.cfg", home / "scrapy.cfg")  # `scrapy crawl` as from the checkout
    with SiteServer(REPO / "data" / "demo" / "site") as server:
        yield home, {**env, "DEMO_HOST": server.base_url.split("//", 1)[1]}


def run(command: str, home: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a documented command; one that names a host beyond loopback would leave this machine
    (the socket guard does not reach subprocesses), so it must carry the no-test mark instead."""
    away = [h for h in re.findall(r"\w+://([^/:\s'\"]+)", command) if h not in ("127.0.0.1", "localhost")]
    assert not away, f"{command!r} reaches {away}: mark its block <!-- no-test: why -->"
    command = command.replace(DEMO_PORT, env["DEMO_HOST"])
    return subprocess.run(["bash", "-c", command], cwd=home, env=env, capture_output=True,
                          text=True, timeout=180)


def test_docs_blocks_are_found_and_skips_say_why() -> None:
    every = [b for doc in DOCS for b in doc_blocks(doc)]
    assert len(BLOCKS) >= 8 and any(b.lang == "python" for b in BLOCKS)
    for block in every:
        if block.skipped:
            assert runnable(block), f"{block.id}: a no-test mark on a block that would not run anyway"


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.id)
def test_docs_block_runs(block: Block, demo_home: tuple[Path, dict[str, str]]) -> None:
    if block.skipped:
        pytest.skip("marked <!-- no-test --> in the doc")
    home, env = demo_home
    if block.lang == "python":
        script = home / "block.py"
        script.write_text(block.text, encoding="utf-8")
        result = subprocess.run([sys.executable, str(script)], cwd=home, env=env,
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, f"{block.id}:\n{result.stderr[-3000:]}"
    elif block.lang in ("sh", "bash"):
        for command in commands(block.text):
            result = run(command, home, env)
            assert result.returncode == 0, f"{block.id}: {command}\n{result.stderr[-3000:]}"
            assert result.stdout.strip() not in FOUND_NOTHING, f"{block.id}: {command} found nothing"
    else:
        for command, shown in transcript(block.text):
            result = run(command, home, env)
            assert "Traceback" not in result.stderr, f"{block.id}: {command}\n{result.stderr[-3000:]}"
            error = next((line for line in shown if line.strip()), "")
            if error.startswith("Error:"):
                expected = error.replace(DEMO_PORT, env["DEMO_HOST"])
                assert result.returncode != 0, f"{block.id}: {command} should fail"
                assert result.stderr.strip().startswith(expected[:40]), f"{block.id}: {result.stderr}"
            else:
                assert result.returncode == 0, f"{block.id}: {command}\n{result.stderr[-3000:]}"
                assert result.stdout.strip() not in FOUND_NOTHING, f"{block.id}: {command} found nothing"


def test_search_help_and_readme_agree_on_short_words() -> None:
    from click.testing import CliRunner

    from archiver.cli.main import cli

    help_text = " ".join(CliRunner().invoke(cli, ["search", "--help"]).output.split())
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "index of character pairs" in help_text and "index of character pairs" in readme
    assert "matched with LIKE" not in help_text
