"""Admin commands in chat (the review and dispatch part; the admin issue adds the rest):
``/workers [pending|online|suspended]``, ``/worker ID``, ``/approve ID``, ``/reject ID reason``,
``/assign #N WORKER``. Each command says which role it needs when refused."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from conversations.events import Loaded, TextReceived
from conversations.flow import Ctx, Outcome, Transitions, tr
from conversations.replies import Photo, Reply, Say
from conversations.state import Conversation
from domain import commands as c

NAME = "admin"


class Step(StrEnum):
    CONSOLE = "console"


FIRST = Step.CONSOLE
ROLES = {
    "workers": ("owner", "ops", "support"),
    "worker": ("owner", "ops", "support"),
    "approve": ("owner", "ops"),
    "reject": ("owner", "ops"),
    "assign": ("owner", "ops"),
}
HELP = {
    "workers": "/workers [pending|online|suspended]",
    "worker": "/worker ID",
    "approve": "/approve ID",
    "reject": "/reject ID 原因/reason",
    "assign": "/assign #订单号 师傅ID",
}


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    action = conv.data.pop("admin", None)
    if action is None:
        return ask(ctx, conv)
    return run(ctx, conv, action)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    mine = [HELP[n] for n, roles in ROLES.items() if ctx.admin_role in roles]
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"管理员({ctx.admin_role})可用指令:\n",
                    f"Admin ({ctx.admin_role}) commands:\n",
                )
                + "\n".join(mine)
            )
        ]
    )


def run(ctx: Ctx, conv: Conversation, action: dict[str, Any]) -> Outcome:
    name, args = action["name"], str(action.get("args", ""))
    roles = ROLES[name]
    if ctx.admin_role not in roles:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"该指令需要 {' 或 '.join(roles)} 角色。",
                        f"That command needs the {' or '.join(roles)} role.",
                    )
                )
            ]
        )
    by, role = str(action.get("by", "")), ctx.admin_role
    words = args.split(maxsplit=1)
    if name == "workers":
        return Outcome(commands=[c.ListWorkers(words[0] if words else "pending")])
    if name == "assign":
        if action.get("number") is None or not words or not words[0].isdigit():
            return _usage(conv, name)
        return Outcome(commands=[c.AssignOrder(by, role, int(action["number"]), int(words[0]))])
    if not words or not words[0].isdigit():
        return _usage(conv, name)
    worker_id = int(words[0])
    if name == "worker":
        return Outcome(commands=[c.ShowWorker(worker_id)])
    reason = words[1] if len(words) > 1 else ""
    return Outcome(commands=[c.ReviewWorker(by, role, worker_id, name == "approve", reason)])


def _usage(conv: Conversation, name: str) -> Outcome:
    return Outcome([Say(tr(conv, f"用法:{HELP[name]}", f"Usage: {HELP[name]}"))])


def on_loaded(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    d = result.data
    if result.kind == "workers":
        if not d["workers"]:
            return Outcome(
                [Say(tr(conv, f"没有状态为 {d['status']} 的师傅。", f"No {d['status']} workers."))]
            )
        lines = [
            f"{w['id']}. {w['name']} [{w['status']}{' online' if w['online'] else ''}] "
            f"{w['level']} {', '.join(w['skills'])}"
            for w in d["workers"]
        ]
        return Outcome([Say("\n".join(lines))])
    if result.kind == "worker":
        replies: list[Reply] = [
            Say(
                tr(
                    conv,
                    f"师傅 {d['id']}:{d['name']} {d['phone']}\n状态:{d['status']} 等级:"
                    f"{d['level']}\n"
                    f"技能:{', '.join(d['skills'])}\n范围:{' '.join(d['districts']) or ''}"
                    f"{d['radius_m'] // 1000} km\n{d['note']}",
                    f"Worker {d['id']}: {d['name']} {d['phone']}\nStatus: {d['status']} level "
                    f"{d['level']}\nSkills: {', '.join(d['skills'])}\nArea: "
                    f"{' '.join(d['districts'])} {d['radius_m'] // 1000} km\n{d['note']}",
                )
            )
        ]
        replies += [
            Photo(doc["url"], f"{doc['kind']} {doc['expires_on']}".strip())
            for doc in d["documents"]
        ]
        return Outcome(replies)
    if result.kind == "reviewed":
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"已处理:师傅 {d['worker_id']} → {d['status']},已通知本人。",
                        f"Done: worker {d['worker_id']} is now {d['status']}; they have "
                        "been told.",
                    )
                )
            ]
        )
    if result.kind == "assigned":
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"已将 #{d['number']} 指派给师傅 {d['worker_id']}。",
                        f"Assigned #{d['number']} to worker {d['worker_id']}.",
                    )
                )
            ]
        )
    return Outcome()


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    return ask(ctx, conv)


TRANSITIONS: Transitions = {
    (Step.CONSOLE, Loaded): on_loaded,
    (Step.CONSOLE, TextReceived): on_text,
}
