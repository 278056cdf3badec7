"""A web chat photo (``POST /web/api/photo``) leaves no file behind: bytes that are no photo
(HTML, SVG, empty) are refused with a 415 and its reply before anything is written; a photo is
kept under ``uploads/`` only for its message's turn — the main menu has no use for it, a
message over the rate limit or a duplicate is refused, and either way the file is gone after
the turn; one a turn cut short left is deleted by the unsent uploads' sweep
``execution.unsent_photo_hours`` after it was written, never a file a row names (the copy a
sign-up took). Photos are served with ``nosniff``. SQLite and PostgreSQL where the store is
involved."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from tests.e2e.helpers import STACKING, WebUser, make_app
from tests.e2e.test_unsent_uploads import files, sweep
from tests.e2e.test_web_panes import sign_up_in_web, upload
from tests.fakes.wechat import PNG
from webhooks.keys import CHANNELS, LINKS

NOT_A_PHOTO = "请发送照片(JPG/PNG/WebP)"
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def uploads(tmp_path: Path) -> set[Path]:
    return files(tmp_path, "uploads")


async def customer(aiohttp_client, app) -> WebUser:
    user = WebUser(await aiohttp_client(app))
    await user.open()
    await user.say("/start")
    return user


async def test_bytes_that_are_no_photo_are_refused_and_nothing_is_written(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    user = await customer(aiohttp_client, make_app(tmp_path, fresh_sqlite_url, pii_key))
    for data in (HTML, SVG, b"", b"RIFF\0\0\0\0WAVE"):
        replies = await upload(user, data, status=415)
        assert replies == [{"type": "text", "text": NOT_A_PHOTO}]
        assert not (tmp_path / "media" / "uploads").exists()
    replies = await upload(user, HTML, status=415, lang="en-GB")
    assert "photo" in replies[0]["text"] and "照片" not in replies[0]["text"]
    assert uploads(tmp_path) == set()


async def test_a_photo_the_main_menu_has_no_use_for_leaves_no_file(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    user = await customer(aiohttp_client, make_app(tmp_path, fresh_sqlite_url, pii_key))
    await upload(user)
    assert "没太明白" in user.text()
    assert uploads(tmp_path) == set()


async def test_a_refused_photo_leaves_no_file(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key):
    """A retry of a message already answered (a duplicate) and messages over the person's
    limit: the turn never runs, and the upload goes."""
    rules = replace(STACKING, risk=replace(STACKING.risk, messages_per_minute=2))
    user = await customer(
        aiohttp_client, make_app(tmp_path, fresh_sqlite_url, pii_key, rules=rules)
    )
    await upload(user, id="p1")
    await upload(user, id="p1")  # the same message again: its answer, no turn
    assert "没太明白" in user.text()
    assert uploads(tmp_path) == set()
    for message in ("p2", "p3"):  # over the minute's limit (with /start and p1): refused
        await upload(user, id=message)
        assert "没太明白" not in user.text()
        assert uploads(tmp_path) == set()


async def test_the_sweep_deletes_an_upload_a_turn_left_never_a_file_a_row_names(
    aiohttp_client, tmp_path, own_db_url, pii_key, clock
):
    app = make_app(tmp_path, own_db_url, pii_key, clock=clock)
    client = await aiohttp_client(app)
    await sign_up_in_web(WebUser(client, role="worker"))
    documents = files(tmp_path, "workers")
    assert len(documents) == 3  # the copies the sign-up's rows name
    assert uploads(tmp_path) == set()  # the turns took their photos
    kept = app[CHANNELS].get("web").uploads  # a process died mid-turn: its upload stayed
    left = tmp_path / "media" / "uploads" / kept.keep(PNG, clock()).removeprefix("upload:")
    half = left.with_name("cut.part")  # and a write cut short
    half.write_bytes(b"\x89PNG")
    stamp = clock().timestamp()
    os.utime(half, (stamp, stamp))
    assert await sweep(app, clock, hours=23) == 0
    assert uploads(tmp_path) == {left, half}
    newer = tmp_path / "media" / "uploads" / kept.keep(PNG, clock()).removeprefix("upload:")
    assert await sweep(app, clock, hours=1.5) == 2  # 24.5 h old; the newer one 1.5 h
    assert uploads(tmp_path) == {newer}
    assert files(tmp_path, "workers") == documents
    assert await sweep(app, clock, hours=23) == 1
    assert uploads(tmp_path) == set()
    assert files(tmp_path, "workers") == documents


@pytest.mark.parametrize("name", ["page.html", "p.png"])
async def test_a_photo_link_is_served_with_nosniff(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, clock, name
):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock)
    client = await aiohttp_client(app)
    target = tmp_path / "media" / "orders" / "1" / name
    target.parent.mkdir(parents=True)
    target.write_bytes(PNG)
    url = app[LINKS].media_url(f"orders/1/{name}")
    resp = await client.get(url.split("8080", 1)[1])
    assert resp.status == 200
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
