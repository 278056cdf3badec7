"""``/admin list|add|remove``: the owner's hand on the admins table."""

from __future__ import annotations

from typing import Any

from conversations.events import Result
from conversations.results.admin_people import (
    AdminGranted,
    AdminLine,
    AdminRemoved,
    AdminsListed,
    account_name,
)
from conversations.services.deps import Deps
from conversations.services.staff import authorize
from domain import commands as c
from domain.admin import AdminGrant, parse_account, parse_role
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.text import N_


class StaffDesk:
    """``/admin list|add|remove``: the owner's hand on the admins table."""

    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.ManageAdmin: self.manage_admin}

    async def manage_admin(self, cmd: c.ManageAdmin) -> list[Result]:
        now = self.s.clock()
        directory = self.s.admins
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "admin", cmd.admin)
            if cmd.action == "list":
                added = await uow.admins.all()
                fixed = [AdminGrant(ch, uid, r) for (ch, uid), r in directory.bootstrap.items()]
                return [
                    AdminsListed(
                        tuple(AdminLine(g.key, g.role) for g in fixed),
                        tuple(AdminLine(g.key, g.role) for g in added),
                    )
                ]
            channel, user_id = parse_account(cmd.account, self.s.channels)
            key = f"{channel}:{user_id}"
            if directory.configured(channel, user_id):
                raise DomainError(
                    N_("{key} 配置在 DAOJIA_ADMINS 中,请在配置里修改", key=account_name(key))
                )
            existing = await uow.admins.get(channel, user_id)
            had = existing.role if existing else ""
            if cmd.action == "add":
                if key == cmd.admin:  # the demo's own pane too: it stays the owner
                    raise DomainError(N_("不能更改自己的角色"))
                new_role = parse_role(cmd.new_role)
                await uow.admins.put(AdminGrant(channel, user_id, new_role), cmd.admin, now)
            else:
                if key == cmd.admin:
                    raise DomainError(N_("不能移除自己"))
                if not await uow.admins.remove(channel, user_id):
                    raise DomainError(N_("{key} 不是管理员", key=account_name(key)))
                new_role = ""
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    f"admin_{cmd.action}",
                    f"admin:{key}",
                    role,
                    {"role": had},
                    {"role": new_role},
                )
            )
            await uow.commit()
        directory.changed()  # this process sees it at once; the others within the cache TTL
        return [AdminGranted(key, new_role) if cmd.action == "add" else AdminRemoved(key, had)]
