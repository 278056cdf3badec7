"""Targets for ``webhooks.workers.Supervisor`` in tests: importable in a spawned process
(a small module, so that each start is quick)."""

from __future__ import annotations

import sys
from collections.abc import Callable


def exit_at_once(code: int, number: int, listening: Callable[[], None]) -> None:
    """A worker that can never start (as with a port another program holds)."""
    sys.exit(code)
