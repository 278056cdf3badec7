"""WeChat template messages for notices (``DAOJIA_WECHAT_TEMPLATES``).

A template message reaches a follower outside the 48-hour customer-service window. Which
notification events go as one, with which template id and fields, is configured in a YAML file
of notification event → ``template_id``, ``fields`` (field → Jinja2 text over the event's
data, ``first``, ``keyword1``, ``thing2`` …) and an optional ``url``. The WeChat channel
renders the message when the notice is written to the outbox (``WeChatBot.prepare``) and sends
it in place of the customer-service text, which stays the fallback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, StrictUndefined, Template
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from conversations.services.notice_templates import counted_filter, when_filter
from conversations.services.notices import EVENTS, Notice, for_reader
from domain.money import format_percent, format_yuan

log = logging.getLogger(__name__)
RETIRED = frozenset({"complaint_received"})
"""Events no longer sent (a complaint is acknowledged in the turn that files it): a templates
file written for an older version may still name them, so they are ignored, not refused."""


@dataclass(frozen=True)
class WeChatTemplate:
    """``fields`` maps a template field (``first``, ``keyword1``, ``thing2`` …) to a Jinja2
    source rendered with the notice's data; ``url`` likewise (optional)."""

    template_id: str
    fields: Mapping[str, str] = field(default_factory=dict)
    url: str = ""


class _TemplateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template_id: str = Field(min_length=1)
    fields: dict[str, str] = Field(min_length=1)
    url: str = ""


def load_templates(path: Path | None) -> dict[str, WeChatTemplate]:
    """The template messages of the YAML file at ``path`` (none without one). Unknown events
    and malformed entries raise ValueError naming ``DAOJIA_WECHAT_TEMPLATES``."""
    if path is None:
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        specs = TypeAdapter(dict[str, _TemplateSpec]).validate_python(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ValueError(f"DAOJIA_WECHAT_TEMPLATES {path}: {exc}") from exc
    unknown = sorted(set(specs) - set(EVENTS) - RETIRED)
    if unknown:
        raise ValueError(f"DAOJIA_WECHAT_TEMPLATES {path}: unknown events {unknown}")
    for event in sorted(RETIRED & set(specs)):
        log.warning("DAOJIA_WECHAT_TEMPLATES %s: %s is no longer sent, ignored", path, event)
    return {
        event: WeChatTemplate(spec.template_id, dict(spec.fields), spec.url)
        for event, spec in specs.items()
        if event not in RETIRED
    }


class TemplateMessages:
    """The configured template messages, compiled once, with the notice templates' filters
    (``yuan``, ``percent``, ``local``, ``when``, ``counted``)."""

    def __init__(
        self, specs: Mapping[str, WeChatTemplate], tz: ZoneInfo, clock: Callable[[], datetime]
    ) -> None:
        """``clock``: the reader's today, a moment's year judged by (``when``)."""
        self.tz = tz
        env = Environment(
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            auto_reload=False,
        )
        env.filters.update(
            yuan=format_yuan,
            percent=format_percent,
            local=self._local,
            when=when_filter(tz, clock),
            counted=counted_filter,
        )
        self._specs: dict[str, tuple[str, dict[str, Template], Template | None]] = {
            event: (
                spec.template_id,
                {name: env.from_string(src) for name, src in spec.fields.items()},
                env.from_string(spec.url) if spec.url else None,
            )
            for event, spec in specs.items()
        }

    def _local(self, at: datetime, fmt: str) -> str:  # a fixed form; a moment: `when`
        return at.astimezone(self.tz).strftime(fmt)

    def render(self, notice: Notice, user_id: str, lang: str) -> dict[str, Any] | None:
        """The template message (WeChat's ``message/template/send`` body) for this notice,
        if one is configured for its event."""
        spec = self._specs.get(notice.event)
        if spec is None:
            return None
        template_id, fields, url = spec
        data = for_reader(notice.data, lang)
        message: dict[str, Any] = {
            "touser": user_id,
            "template_id": template_id,
            "data": {name: {"value": tpl.render(data)} for name, tpl in fields.items()},
        }
        if url is not None:
            message["url"] = url.render(data)
        return message
