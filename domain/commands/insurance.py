"""Insurance: the sweep that issues each paid order's policy and voids those of cancelled or
refunded orders."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


@dataclass(frozen=True)
class IssuePolicies(Command):
    """Scheduler sweep: ask the insurer for requested policies (each by one process, asked
    again with backoff, ops told once when every attempt failed) and void the policies of
    cancelled or refunded orders."""
