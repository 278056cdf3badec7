"""Neutral replies as plain data (JSON for the web chat) and as numbered text (WeChat)."""

from __future__ import annotations

from typing import Any

from conversations.replies import Ask, AskContact, AskLocation, Invoice, Link, Photo, Reply, Say
from domain.text import N_


def to_json(reply: Reply) -> dict[str, Any]:
    match reply:
        case Say(text=text):
            return {"type": "text", "text": text}
        case Ask(text=text, options=options, numbered=numbered):
            return {
                "type": "ask",
                "text": text,
                "numbered": numbered,
                "options": [{"key": o.key, "label": o.label} for o in options],
            }
        case Link(text=text, url=url, label=label):
            return {"type": "link", "text": text, "url": url, "label": label}
        case Photo(url=url, caption=caption):
            return {"type": "photo", "url": url, "caption": caption}
        case AskLocation(text=text):
            return {"type": "location_request", "text": text}
        case AskContact(text=text):
            return {"type": "contact_request", "text": text}
        case Invoice(title=title, description=description):
            return {"type": "text", "text": f"{title}: {description}"}
    raise TypeError(f"unknown reply {reply!r}")


def as_text(reply: Reply, lang: str) -> str:
    """One reply as plain text with numbered choices ("回复 1 …"), for channels without
    buttons."""
    match reply:
        case Say(text=text):
            return text
        case Ask(text=text, options=options, numbered=numbered):
            if not options:
                return text
            if not numbered:
                joined = " / ".join(o.label for o in options)
                hint = N_("可回复:").get(lang)
                return f"{text}\n{hint}{joined}"
            lines = [text]
            lines += [f"{i}. {o.label}" for i, o in enumerate(options, 1)]
            lines.append(N_("回复序号即可选择").get(lang))
            return "\n".join(lines)
        case Link(text=text, url=url, label=label):
            return f"{text}{_anchor(url, label)}"
        case Photo(caption=caption, url=url):
            return _anchor(url, caption or N_("查看照片").get(lang))
        case AskLocation(text=text):
            how = N_("(点「+」→「位置」)").get(lang)
            return f"{text}{how}"
        case AskContact(text=text):
            return text
        case Invoice(title=title, description=description):
            return f"{title}: {description}"
    raise TypeError(f"unknown reply {reply!r}")


def _anchor(url: str, label: str) -> str:
    """A link in a WeChat text message (it shows ``<a href>`` as a tappable label), never the
    bare URL. The URL goes in as it is (WeChat is not known to decode ``&amp;``, and a signed
    link's query has ``&``), only a quote, which would end the attribute, is encoded."""
    return f'<a href="{url.replace(chr(34), "%22")}">{label}</a>'
