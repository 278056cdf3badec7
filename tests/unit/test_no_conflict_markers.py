"""No merge conflict is ever committed half-resolved: a line that starts a conflict block
(``<<<<<<< ``, ``>>>>>>> ``) or is its divider (``=======``) in any source or document file
fails here — one once sat in the README unnoticed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", ".git", ".daojia", "node_modules", "media", ".mypy_cache", ".ruff_cache"}
SUFFIXES = {
    ".py",
    ".md",
    ".yaml",
    ".yml",
    ".toml",
    ".po",
    ".pot",
    ".j2",
    ".mmd",
    ".html",
    ".js",
    ".css",
    ".cfg",
    ".txt",
    ".sh",
    ".json",
}
MARKER = re.compile(r"^(<{7} |>{7} |={7}$|\|{7} )", re.M)


def sources() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if SKIP.intersection(path.relative_to(ROOT).parts):
            continue
        if path.is_file() and (path.suffix in SUFFIXES or path.name in {"run", "catalogs"}):
            found.append(path)
    return found


def test_no_file_holds_a_conflict_marker():
    assert len(sources()) > 300  # the walk found the project
    marked = [
        str(path.relative_to(ROOT))
        for path in sources()
        if MARKER.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert marked == []
