"""Helpers to drive the app like a person would."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from store.catalog_file import load_catalog
from webhooks.app import create_app
from webhooks.settings import Settings

CATALOG, RULES = load_catalog()
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


class Clock:
    """A controllable clock for the app."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def make_settings(tmp_path, db_url, pii_key, **kw) -> Settings:
    return Settings(
        _env_file=None,
        database_url=db_url,
        pii_key=pii_key,
        data_dir=tmp_path / "data",
        media_dir=tmp_path / "media",
        **kw,
    )


def make_app(tmp_path, db_url, pii_key, clock=None, **kw):
    return create_app(
        make_settings(tmp_path, db_url, pii_key, **kw), CATALOG, RULES, clock=clock or Clock()
    )


_ids = itertools.count(1)


class WebUser:
    """A person in the web chat; ``say`` returns the replies as JSON dicts."""

    def __init__(self, client, role: str = "customer") -> None:
        self.client = client
        self.role = role
        self.last: list[dict[str, Any]] = []

    async def open(self) -> None:
        resp = await self.client.get("/")
        assert resp.status == 200

    async def send(self, **message: Any) -> list[dict[str, Any]]:
        message.setdefault("id", f"m{next(_ids)}")
        resp = await self.client.post("/web/api/send", json={"role": self.role, **message})
        assert resp.status == 200, await resp.text()
        self.last = (await resp.json())["replies"]
        return self.last

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.send(type="text", text=text)

    async def choose(self, label_part: str) -> list[dict[str, Any]]:
        """Press the option whose label contains ``label_part`` in the last question."""
        options = [o for r in self.last if r["type"] == "ask" for o in r["options"]]
        matches = [o for o in options if label_part in o["label"]]
        assert matches, f"no option with {label_part!r} in {[o['label'] for o in options]}"
        return await self.send(type="choice", key=matches[0]["key"])

    def text(self) -> str:
        """Everything the last replies showed: texts and option labels."""
        parts = []
        for r in self.last:
            parts.append(r.get("text", ""))
            parts += [o["label"] for o in r.get("options", ())]
        return "\n".join(parts)
