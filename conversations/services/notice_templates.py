"""Notices rendered from Jinja2 templates: one per event × language
(``templates/notify/<zh-CN|en>/<event>.j2``), which a channel may override where its text must
really differ (``templates/notify/<channel>/<zh-CN|en>/<event>.j2``; none does today).

A template's output is the message text. At the top level it may also set ``buttons`` (a
list of ``[key, label]``: Telegram shows them as buttons, WeChat as words to reply with) and
``photos`` (image URLs, shown after the text as links named "查看照片" / "View photo") and
``links`` (a list of ``[url, label]``: links after the text, such as an invoice's PDF). Which
channel's overrides a channel shows is its own choice (``overrides``; the web chat shows
Telegram's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from conversations.replies import Ask, Link, Option, Reply, Say
from conversations.services.notices import Notice, for_reader, t
from domain.moments import format_when
from domain.money import format_percent, format_yuan
from domain.people import CHANNEL_TEXT
from domain.text import named

LANGUAGES = {"zh": "zh-CN", "en": "en"}


class NoticeTemplates:
    def __init__(
        self,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        """``clock``: the reader's today, a moment's year judged by (``when``);
        ``overrides``: channel → whose overrides it shows (by default its own)."""
        self.tz = tz
        self.overrides = dict(overrides or {})
        self.env = Environment(
            loader=PackageLoader("conversations", "templates/notify"),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            auto_reload=False,
        )
        self.env.filters.update(
            yuan=format_yuan,
            percent=format_percent,
            local=self._local,
            when=when_filter(tz, clock),
            channel=_channel,
            counted=counted_filter,
        )

    def _local(self, at: datetime, fmt: str) -> str:  # a fixed form; a moment: `when`
        return at.astimezone(self.tz).strftime(fmt)

    def paths(self, event: str, channel: str, lang: str) -> list[str]:
        """Where the template is looked for: the channel's override, then the shared one."""
        language = LANGUAGES.get(lang, "zh-CN")
        overrides = self.overrides.get(channel, channel)
        return [f"{overrides}/{language}/{event}.j2", f"{language}/{event}.j2"]

    def render(self, notice: Notice, channel: str, lang: str) -> list[Reply]:
        data = for_reader(notice.data, lang)
        template = self.env.select_template(self.paths(notice.event, channel, lang))
        module = template.make_module(data)
        text = str(module).strip()
        buttons = tuple(Option(str(k), str(label)) for k, label in getattr(module, "buttons", ()))
        head: Reply = Ask(text, buttons, numbered=False) if buttons else Say(text)
        photos = photo_links([str(url) for url in getattr(module, "photos", ())], lang)
        links = [Link("", str(url), str(label)) for url, label in getattr(module, "links", ())]
        return [head, *photos, *links]


def when_filter(tz: ZoneInfo, now: Callable[[], datetime]) -> Callable[..., str]:
    """The templates' ``when`` filter: ``{{ at | when }}`` is ``at`` in ``tz`` as the
    reader's language (the template's ``lang``) writes a moment (``format_when``: ``12月7日
    周一 18:26``, ``Mon 7 Dec 18:26``, its year when far from ``now``'s day);
    ``when(false)``, the day alone."""

    @pass_context
    def when(context: Context, at: datetime, clock: bool = True) -> str:
        today = now().astimezone(tz).date()
        return format_when(at.astimezone(tz), context.get("lang", "zh"), today, clock=clock)

    return when


def counted_filter(n: int, one: str, many: str) -> str:
    """An English template's count with its noun: ``{{ visits | counted("visit", "visits")
    }}`` is "1 visit", "3 visits" (a Chinese template writes ``{{ visits }} 次``)."""
    return f"{n} {one if n == 1 else many}"


def _channel(name: str, lang: str) -> str:
    """A channel's name in ``lang`` ("微信", "WeChat"), never its id."""
    return named(CHANNEL_TEXT, name, lang)


def photo_links(urls: list[str], lang: str) -> list[Reply]:
    """A notice's photos as links named in the reader's language ("查看照片", "查看照片 2"),
    after its text: never a bare signed URL (WeChat would show one as the message's first
    line), and nothing a platform must fetch to deliver the notice (Telegram's sendPhoto by URL
    fails for good when our media host is not reachable from Telegram's servers)."""
    if len(urls) == 1:
        return [Link("", urls[0], t(lang, "查看照片"))]
    return [Link("", url, t(lang, "查看照片 {n}", n=n)) for n, url in enumerate(urls, 1)]
