"""The chat channels: the one place a channel is registered, and the registry the rest of the
application reads (the messenger, the media fetcher, payments, notice templates, metrics).

Adding a channel is its adapter module in ``bots/`` (a ``bots.channel.Channel``) plus its line
in ``ADAPTERS`` (plus its settings in ``webhooks.settings``, if it has any).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from aiohttp import web

from bots.channel import Channel, Host, Resources
from bots.telegram import TelegramBot
from bots.web import WebChannel
from bots.wechat import WeChatBot
from domain.referrals import InviteLink

log = logging.getLogger(__name__)

ADAPTERS: tuple[type[Channel], ...] = (WebChannel, TelegramBot, WeChatBot)
"""Every channel daojia can serve, in the order their routes are added."""

CHANNEL_NAMES = tuple(adapter.name for adapter in ADAPTERS)
"""The channels ``DAOJIA_ADMINS`` may name."""


class Channels:
    """The configured channels by name, made from the settings through each adapter's
    ``configure`` (an adapter that is not configured is left out).

    Args:
        adapters: the registered channel classes (``ADAPTERS``).
        settings: the application's settings; each adapter reads its own.
        host: what the application lends every channel.
    """

    def __init__(self, adapters: Sequence[type[Channel]], settings: Any, host: Host) -> None:
        self.adapters = tuple(adapters)
        names = [adapter.name for adapter in self.adapters]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"channels registered twice: {', '.join(twice)}")
        self._running: dict[str, Channel] = {}
        for adapter in self.adapters:
            channel = adapter.configure(settings, host)
            if channel is not None:
                self._running[adapter.name] = channel
        self._started: list[Channel] = []

    def get(self, name: str) -> Channel | None:
        """The channel serving ``name``, or None when it is not configured."""
        return self._running.get(name)

    def __getitem__(self, name: str) -> Channel:
        return self._running[name]

    def __iter__(self) -> Iterator[Channel]:
        return iter(self._running.values())

    async def invite_link(self, channel: str, scene: str) -> InviteLink | None:
        """The invitation ``channel`` makes for ``scene`` (a deep link, a QR code), or None
        when it is not configured, has none, or its platform failed to make one (logged: the
        screen says to try later)."""
        serving = self.get(channel)
        if serving is None:
            return None
        try:
            return await serving.invite_link(scene)
        except Exception as exc:  # the platform's API: its errors, timeouts, connections
            log.warning("invitation on %s failed: %r", channel, exc)
            return None

    def notice_overrides(self) -> dict[str, str]:
        """Every registered channel (configured or not) → whose channel-specific notice
        templates it shows."""
        return {a.name: a.capabilities.notice_overrides for a in self.adapters}

    def payment_providers(self) -> dict[str, str | None]:
        """Every registered channel (configured or not: its old orders may still be paid) →
        the payment provider its customers pay with when that provider runs."""
        return {a.name: a.capabilities.payments for a in self.adapters}

    def setup(self, app: web.Application) -> None:
        """Add every configured channel's routes."""
        for channel in self:
            channel.setup(app)

    async def start(self, resources: Resources) -> None:
        """Start the configured channels in order; one that fails to start stops those
        started before it."""
        for channel in self:
            try:
                await channel.start(resources)
            except BaseException:
                await self.stop()
                raise
            self._started.append(channel)

    async def stop(self) -> None:
        """Stop the started channels in reverse order; when one fails the rest still stop,
        then its error is raised."""
        failed: BaseException | None = None
        while self._started:
            channel = self._started.pop()
            try:
                await channel.stop()
            except BaseException as exc:
                failed = failed or exc
        if failed is not None:
            raise failed
