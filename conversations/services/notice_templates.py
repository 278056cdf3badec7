"""Notices rendered from Jinja2 templates: one per event × language
(``templates/notify/<zh-CN|en>/<event>.j2``), which a channel may override where its text must
really differ (``templates/notify/<channel>/<zh-CN|en>/<event>.j2``; none does today).

A template's output is the message text. At the top level it may also set ``buttons`` (a
list of ``[key, label]``: Telegram shows them as buttons, WeChat as words to reply with) and
``photos`` (image URLs sent after the text). The web chat simulator shows what Telegram shows.

WeChat template messages (they reach a follower outside the 48-hour customer-service window)
are configured per event: a template id and its fields, each a Jinja2 expression over the
same data; the customer-service text stays the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from conversations.replies import Ask, Option, Photo, Reply, Say
from conversations.services.notices import Notice
from domain.money import format_percent, format_yuan

LANGUAGES = {"zh": "zh-CN", "en": "en"}
CHANNELS = ("telegram", "wechat", "web")
OVERRIDES_OF = {"telegram": "telegram", "wechat": "wechat", "web": "telegram"}
"""Whose overrides a channel uses (the web chat shows what Telegram shows)."""


@dataclass(frozen=True)
class WeChatTemplate:
    """``fields`` maps a template field (``first``, ``keyword1``, ``thing2`` …) to a Jinja2
    source rendered with the notice's data; ``url`` likewise (optional)."""

    template_id: str
    fields: Mapping[str, str] = field(default_factory=dict)
    url: str = ""


class NoticeTemplates:
    def __init__(self, tz: ZoneInfo, wechat: Mapping[str, WeChatTemplate] | None = None) -> None:
        self.tz = tz
        self.env = Environment(
            loader=PackageLoader("conversations", "templates/notify"),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            auto_reload=False,
        )
        self.env.filters.update(yuan=format_yuan, percent=format_percent, local=self._local)
        self.wechat: dict[str, tuple[str, dict[str, Template], Template | None]] = {
            event: (
                spec.template_id,
                {name: self.env.from_string(src) for name, src in spec.fields.items()},
                self.env.from_string(spec.url) if spec.url else None,
            )
            for event, spec in (wechat or {}).items()
        }

    def _local(self, at: datetime, fmt: str = "%m-%d %H:%M") -> str:
        return at.astimezone(self.tz).strftime(fmt)

    def paths(self, event: str, channel: str, lang: str) -> list[str]:
        """Where the template is looked for: the channel's override, then the shared one."""
        language = LANGUAGES.get(lang, "zh-CN")
        overrides = OVERRIDES_OF.get(channel, "telegram")
        return [f"{overrides}/{language}/{event}.j2", f"{language}/{event}.j2"]

    def render(self, notice: Notice, channel: str, lang: str) -> list[Reply]:
        data = {**notice.data, "lang": lang}
        template = self.env.select_template(self.paths(notice.event, channel, lang))
        module = template.make_module(data)
        text = str(module).strip()
        buttons = tuple(Option(str(k), str(label)) for k, label in getattr(module, "buttons", ()))
        photos = [Photo(str(url)) for url in getattr(module, "photos", ())]
        head: Reply = Ask(text, buttons, numbered=False) if buttons else Say(text)
        return [*photos, head] if photos else [head]

    def template_message(self, notice: Notice, user_id: str, lang: str) -> dict[str, Any] | None:
        """The WeChat template message for this notice, if one is configured."""
        spec = self.wechat.get(notice.event)
        if spec is None:
            return None
        template_id, fields, url = spec
        data = {**notice.data, "lang": lang}
        message: dict[str, Any] = {
            "touser": user_id,
            "template_id": template_id,
            "data": {name: {"value": tpl.render(data)} for name, tpl in fields.items()},
        }
        if url is not None:
            message["url"] = url.render(data)
        return message
