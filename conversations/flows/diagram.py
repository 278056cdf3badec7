"""Render a flow's state table as a Mermaid flowchart (docs/flows/*.mmd): steps as nodes, and
for each (step, event or result) entry an edge to every step its handler can lead to.

Where a handler leads is read from its own source: each ``Outcome(...)`` it builds goes to
``step=Step.X``, enters another flow (``goto="name"``, drawn as a flow node; a ``goto`` that
is not a literal is drawn as ``?``), or stays at the step it answered (neither). A handler that
only delegates (returns what another function built) is drawn to ``?`` too: the diagram says
what it cannot see rather than guessing.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conversations.flows.base import Flow
from conversations.flows.registry import FLOWS

UNKNOWN = "?"


def to_mermaid(flow: Flow) -> str:
    lines = [f"%% conversation flow `{flow.NAME}` (generated from TRANSITIONS)", "flowchart LR"]
    for step in flow.Step:
        shape = f'(["{step.value}"])' if step == flow.FIRST else f'["{step.value}"]'
        lines.append(f"    {step.value}{shape}")
    others: set[str] = set()
    edges: list[str] = []
    for (step, event), handler in flow.TRANSITIONS.items():
        label = f'"{event.__name__}"'
        for target in sorted(targets(flow, handler)):
            if target.startswith("flow:"):
                name = target.removeprefix("flow:")
                node = f"flow_{name}" if name != UNKNOWN else "flow_unknown"
                others.add(f'    {node}[["{name}"]]')
                edges.append(f"    {step.value} -- {label} --> {node}")
            else:
                edges.append(f"    {step.value} -- {label} --> {target or step.value}")
    return "\n".join([*lines, *sorted(others), *edges]) + "\n"


def targets(flow: Flow, handler: Callable[..., Any]) -> set[str]:
    """Where ``handler`` can lead: step values, ``""`` (stays), ``flow:<name>`` (another
    flow, ``flow:?`` when not a literal), or ``?`` (not visible in its source)."""
    try:
        source = textwrap.dedent(inspect.getsource(inspect.unwrap(handler)))
    except (OSError, TypeError):
        return {UNKNOWN}
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _called(node) == "Outcome":
            found.add(_target(flow, {k.arg: k.value for k in node.keywords if k.arg}))
    return found or {UNKNOWN}


def _called(call: ast.Call) -> str:
    func = call.func
    return (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else ""
    )


def _target(flow: Flow, keywords: dict[str, ast.expr]) -> str:
    goto = keywords.get("goto")
    if goto is not None:
        if isinstance(goto, ast.Constant) and isinstance(goto.value, str):
            return f"flow:{goto.value}"
        if isinstance(goto, ast.Name) and goto.id == "NAME":
            return f"flow:{flow.NAME}"
        return f"flow:{UNKNOWN}"
    step = keywords.get("step")
    if step is None:
        return ""
    if isinstance(step, ast.Attribute) and step.attr in flow.Step.__members__:
        return str(flow.Step[step.attr].value)
    return UNKNOWN


def main() -> None:
    """``python -m conversations.flows.diagram``: write ``docs/flows/<flow>.mmd`` for every
    customer-facing flow (the files tests/unit/test_flows.py compares with the code)."""
    docs = Path.cwd() / "docs" / "flows"
    for name, flow in sorted(FLOWS.items()):
        path = docs / f"{name}.mmd"
        if path.exists():
            path.write_text(to_mermaid(flow))


if __name__ == "__main__":
    main()
