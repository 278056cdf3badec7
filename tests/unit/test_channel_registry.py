"""webhooks.channels.Channels: made from the adapters that are configured, started in order and
stopped in reverse, all of them even when one fails."""

from __future__ import annotations

from typing import Any

import pytest

from bots.channel import Capabilities, Channel, Host, Resources
from webhooks.channels import ADAPTERS, CHANNEL_NAMES, Channels

CAN = Capabilities(
    buttons=False,
    location=False,
    contact=False,
    payments=None,
    template_messages=False,
    passive_replies=False,
    notice_overrides="x",
)


def adapter(name: str, log: list[str], *, on: bool = True, fail: str = "") -> type[Channel]:
    class Recorder(Channel):
        capabilities = CAN

        @classmethod
        def configure(cls, settings: Any, host: Host) -> Channel | None:
            return cls() if on else None

        def setup(self, app: Any) -> None:
            log.append(f"setup {name}")

        async def start(self, resources: Resources) -> None:
            if fail == "start":
                raise RuntimeError(f"{name} cannot start")
            log.append(f"start {name}")

        async def stop(self) -> None:
            log.append(f"stop {name}")
            if fail == "stop":
                raise RuntimeError(f"{name} cannot stop")

        async def send(self, user_id: str, replies: list[Any], **kw: Any) -> None:
            raise AssertionError

    Recorder.name = name
    return Recorder


def registry(*adapters: type[Channel]) -> Channels:
    return Channels(adapters, settings=None, host=None)  # type: ignore[arg-type]


async def test_only_configured_channels_serve_and_they_start_in_order_and_stop_in_reverse():
    log: list[str] = []
    channels = registry(adapter("a", log), adapter("b", log, on=False), adapter("c", log))
    assert channels.get("b") is None and [c.name for c in channels] == ["a", "c"]
    channels.setup(None)  # type: ignore[arg-type]
    await channels.start(None)  # type: ignore[arg-type]
    await channels.stop()
    assert log == ["setup a", "setup c", "start a", "start c", "stop c", "stop a"]


async def test_a_channel_that_cannot_start_stops_those_started_before_it():
    log: list[str] = []
    channels = registry(adapter("a", log), adapter("b", log, fail="start"), adapter("c", log))
    with pytest.raises(RuntimeError, match="b cannot start"):
        await channels.start(None)  # type: ignore[arg-type]
    assert log == ["start a", "stop a"]


async def test_every_channel_stops_even_when_one_fails_then_its_error_is_raised():
    log: list[str] = []
    channels = registry(adapter("a", log), adapter("b", log, fail="stop"), adapter("c", log))
    await channels.start(None)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="b cannot stop"):
        await channels.stop()
    assert log[-3:] == ["stop c", "stop b", "stop a"]


def test_a_name_is_registered_once():
    log: list[str] = []
    with pytest.raises(ValueError, match="registered twice: a"):
        registry(adapter("a", log), adapter("b", log), adapter("a", log, on=False))
    assert set(CHANNEL_NAMES) == {"telegram", "wechat", "web"} == {a.name for a in ADAPTERS}
