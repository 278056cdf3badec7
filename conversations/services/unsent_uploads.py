"""Photos kept for what a person has not sent yet: stored as they come (``StoreDocument``)
and held only in their conversation until the thing they belong to is sent — an on-site
extra request (``orders/N``), a worker's sign-up or document renewal (``workers``), a
complaint (``complaints/N``); and a web chat photo (``uploads``) its turn left behind.
Left mid-way, nothing would ever delete them: the sweep does,
``execution.unsent_photo_hours`` after they were uploaded, never one what was sent names;
and what is sent later takes none the sweep may have deleted (``still_kept``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from conversations.events import Result
from conversations.results.sweeps import UnsentUploadsForgotten
from conversations.services.deps import Deps
from domain import commands as c
from domain.gateways import MediaStore
from domain.media import UPLOADS
from domain.ports import UnitOfWork
from domain.rules import Rules

NAMED = 500
"""Paths asked about at a time (the ``…named`` lookups)."""
LOOK_BACK = timedelta(days=62)
"""How far behind the unsent photos' time the sweep still looks (the months' folders it reads):
two months of a scheduler that never ran."""

Named = Callable[[UnitOfWork, Sequence[str]], Awaitable[set[str]]]
FOLDERS: dict[str, Named | None] = {
    "orders": lambda uow, paths: uow.photos.named(paths),
    "workers": lambda uow, paths: uow.workers.documents_named(paths),
    "complaints": lambda uow, paths: uow.complaints.photos_named(paths),
    UPLOADS: None,
}
"""The media folders uploads wait in, each with what names the files that must stay: an
order's photos (the job's own, a sent request's), a worker's documents (approved, waiting,
expired, a rejected applicant's), a complaint's photos. None: no row names a file there —
the web chat's uploads (``bots.web_uploads``) live only for their message's turn, which
copies the one it uses into its own folder (one of these, ``relay/N``, ``tickets/N``, a
rating's) and names that copy; one still there was left by a turn cut short."""


def unsent_after(rules: Rules) -> timedelta:
    return timedelta(hours=rules.execution.unsent_photo_hours)


def still_kept(media: MediaStore | None, rules: Rules, path: str, now: datetime) -> bool:
    """An upload the conversation holds is still on disk and younger than the sweep takes:
    what is sent with it names no file the sweep deletes (or has deleted)."""
    if media is None:
        return True
    saved = media.saved_at(path)
    return saved is not None and saved > now - unsent_after(rules)


async def forget(s: Deps, cmd: c.ForgetUnsentUploads) -> list[Result]:
    """Delete the files under each of ``FOLDERS`` older than ``execution.unsent_photo_hours``
    that nothing names — so also any other file there nothing names (a job photo whose save
    failed). Deleting is idempotent: every process may run it."""
    media = s.media
    if media is None:
        return [UnsentUploadsForgotten(0)]
    before = s.clock() - unsent_after(s.rules)
    deleted = 0
    for folder, named in FOLDERS.items():
        old = await asyncio.to_thread(media.saved_before, folder, before, before - LOOK_BACK)
        for i in range(0, len(old), NAMED):
            paths = old[i : i + NAMED]
            kept: set[str] = set()
            if named is not None:
                async with s.uow() as uow:
                    kept = await named(uow, paths)
            for path in paths:
                if path not in kept and media.discard(path):
                    deleted += 1
    return [UnsentUploadsForgotten(deleted)]
