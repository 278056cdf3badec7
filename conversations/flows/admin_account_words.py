"""Reading ``/admin list|add|remove``: an admin's account as the screens show it
(``Telegram 12345``, ``微信 o-abc``: the channel by name in either language, then the user
id) or as configured (``telegram:12345``), and a role by its key or its name (``ops``,
``调度``). Pure: no I/O."""

from __future__ import annotations

from domain import commands as c
from domain import limits
from domain.admin import ROLE_TEXT
from domain.limits import within
from domain.people import CHANNEL_TEXT

ADD = {"add", "添加", "新增"}
REMOVE = {"remove", "rm", "del", "delete", "删除", "移除"}
LIST = {"list", "ls", "列表", "全部"}


def account(words: list[str]) -> str:
    """``channel:user_id`` from the words that name an account: ``telegram:12345`` as it is,
    ``Telegram 12345`` / ``网页聊天 …`` / ``web chat …`` by the channel's name, ``loop 7`` by
    a channel's id (the service says whether that channel exists)."""
    text = " ".join(words)
    if ":" in text or " " not in text:
        return text
    lowered = text.casefold()
    for channel, name in CHANNEL_TEXT.items():
        for label in {name.get("zh").casefold(), name.get("en").casefold()}:
            if lowered.startswith(label + " "):
                return f"{channel}:{text[len(label) :].strip()}"
    first, _, rest = text.partition(" ")
    return f"{first}:{rest.strip()}"


def role(word: str) -> str:
    """A role's key from its key or its name in either language (else the word, which the
    service refuses naming the roles)."""
    want = word.casefold()
    for key, name in ROLE_TEXT.items():
        if want in (key, name.get("zh").casefold(), name.get("en").casefold()):
            return key
    return word


def build(w: list[str], by: str, admin_role: str) -> c.Command | None:
    """``/admin list``, ``/admin add ACCOUNT ROLE``, ``/admin remove ACCOUNT`` (None:
    malformed)."""
    verb = w[0].casefold() if w else ""
    if verb in LIST and len(w) == 1:
        return c.ManageAdmin(by, admin_role, "list")
    if verb in ADD and len(w) >= 3:
        typed = within(limits.ACCOUNT, account(w[1:-1]))
        return c.ManageAdmin(by, admin_role, "add", typed, role(w[-1]))
    if verb in REMOVE and len(w) >= 2:
        return c.ManageAdmin(by, admin_role, "remove", within(limits.ACCOUNT, account(w[1:])))
    return None
