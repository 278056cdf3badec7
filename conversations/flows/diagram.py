"""Render a flow's state table as a Mermaid flowchart (docs/flows/*.mmd)."""

from __future__ import annotations

from conversations.flows.base import Flow


def to_mermaid(flow: Flow) -> str:
    """Steps as nodes, each (step, event) entry as an edge to the handler that answers it."""
    lines = [f"%% conversation flow `{flow.NAME}` (generated from TRANSITIONS)", "flowchart LR"]
    for step in flow.Step:
        shape = f'(["{step.value}"])' if step == flow.FIRST else f'["{step.value}"]'
        lines.append(f"    {step.value}{shape}")
    for (step, event), handler in flow.TRANSITIONS.items():
        lines.append(
            f"    {step.value} -- {event.__name__} --> {handler.__name__}"
            f'{{{{"{handler.__name__}"}}}}'
        )
    return "\n".join(lines) + "\n"
