"""requirements/ci.txt, the pinned test/CI environment, still fits pyproject.toml.

CI installs the lock and then daojia without its dependencies (``.ci/run``), so a dependency
added to pyproject.toml, or a bound moved past a pin, must reach the lock too
(``bash requirements/compile``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def pins(text: str) -> dict[str, str]:
    """``{name: version}`` of a pip-compile output's ``name==version`` lines."""
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            found[canonicalize_name(name)] = version
    return found


def unmet(requirements: list[str], pinned: dict[str, str]) -> list[str]:
    """The requirements the pinned versions do not satisfy (or that are not pinned)."""
    out = []
    for spec in requirements:
        req = Requirement(spec)
        version = pinned.get(canonicalize_name(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            out.append(f"{spec} (locked: {version})")
    return out


def test_the_lock_pins_every_dependency_and_test_tool_within_pyprojects_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    pinned = pins((ROOT / "requirements" / "ci.txt").read_text())
    assert unmet(wanted, pinned) == []


def test_a_bound_past_the_pin_or_a_new_dependency_is_reported():
    pinned = pins("sqlalchemy==2.1.9\n    # via daojia\naiosqlite==0.22.1\n")
    assert unmet(["sqlalchemy[asyncio]>=2.0.30,<2.2", "aiosqlite>=0.20"], pinned) == []
    assert unmet(["SQLAlchemy[asyncio]<2.1", "segno>=1.6"], pinned) == [
        "SQLAlchemy[asyncio]<2.1 (locked: 2.1.9)",
        "segno>=1.6 (locked: None)",
    ]
