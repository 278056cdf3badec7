"""A turn's hold on the person's lock: renewed while the turn runs, so the lock of a process
that died frees itself within the store's lease."""

from __future__ import annotations

import asyncio
import logging

from domain.turns import ConversationStore

log = logging.getLogger(__name__)
_RENEWING: set[asyncio.Task[None]] = set()


class Lease:
    """Renews a turn's lock every third of the store's lease while the turn runs (most turns
    end before the first renewal: then this costs one timer)."""

    def __init__(self, store: ConversationStore, channel: str, user_id: str, token: str) -> None:
        self._store, self._channel, self._user_id, self._token = store, channel, user_id, token
        self._every = store.lease_s / 3
        self._loop = asyncio.get_running_loop()
        self._timer: asyncio.TimerHandle | None = self._loop.call_later(self._every, self._due)
        self._stopped = False

    def _due(self) -> None:
        self._timer = None
        task = self._loop.create_task(self._renew())
        _RENEWING.add(task)  # a reference until it ends (the loop keeps only a weak one)
        task.add_done_callback(_RENEWING.discard)

    async def _renew(self) -> None:
        try:
            held = await self._store.renew(self._channel, self._user_id, self._token)
        except Exception:  # the store is unreachable: try again at the next tick
            held = True
            if not self._stopped:
                log.warning("renewing %s:%s's lock failed", self._channel, self._user_id)
        if self._stopped:  # the turn ended meanwhile (its commit frees the lock)
            return
        if not held:
            log.error("%s:%s's lock was lost during its turn", self._channel, self._user_id)
            return
        self._timer = self._loop.call_later(self._every, self._due)

    def stop(self) -> None:
        """No more renewals. One under way ends on its own: cancelling it would cut its Redis
        connection, and what it finds no longer matters (the turn commits, or has)."""
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
