"""The application's operational surface and the ``daojia`` command, end to end."""

import asyncio
import gc
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import uvloop
from aiohttp import web

from store.catalog_file import load_catalog
from webhooks import cli, server
from webhooks.accesslog import JsonAccessLogger
from webhooks.app import create_app
from webhooks.chat import TURN_GRACE_S
from webhooks.settings import Settings

CATALOG, RULES = load_catalog()


def make_settings(db_url, pii_key, **kw) -> Settings:
    import tempfile
    from pathlib import Path

    kw.setdefault("data_dir", Path(tempfile.mkdtemp(prefix="daojia-")))
    return Settings(_env_file=None, database_url=db_url, pii_key=pii_key, **kw)


async def test_healthz_reports_the_database_and_redis(aiohttp_client, db_url, pii_key, redis_url):
    client = await aiohttp_client(
        create_app(make_settings(db_url, pii_key, redis_url=redis_url), CATALOG, RULES)
    )
    resp = await client.get("/healthz")
    assert resp.status == 200
    body = await resp.json()
    assert body == {
        "version": "0.1.0",
        "pid": os.getpid(),  # the process that answered: --workers runs several
        "database": "ok",
        "redis": "ok",
        "status": "ok",
        "payments": "none",
        "test_mode": False,
    }


async def test_healthz_says_when_redis_is_not_configured_or_down(
    aiohttp_client, sqlite_url, pii_key
):
    client = await aiohttp_client(create_app(make_settings(sqlite_url, pii_key), CATALOG, RULES))
    assert (await (await client.get("/healthz")).json())["redis"] == "not configured"
    down = await aiohttp_client(
        create_app(
            make_settings(sqlite_url, pii_key, redis_url="redis://127.0.0.1:1/0"), CATALOG, RULES
        )
    )
    resp = await down.get("/healthz")
    assert resp.status == 503
    body = await resp.json()
    assert body["status"] == "degraded" and body["redis"].startswith("error")


async def test_metrics_are_prometheus_text(aiohttp_client, sqlite_url, pii_key):
    client = await aiohttp_client(create_app(make_settings(sqlite_url, pii_key), CATALOG, RULES))
    await client.get("/healthz")
    resp = await client.get("/metrics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain")
    text = await resp.text()
    assert 'daojia_messages_total{channel="wechat",result="duplicate"} 0.0' in text
    assert "daojia_reply_seconds_bucket" not in text or "le=" in text
    assert 'daojia_http_requests_total{route="/healthz",status="200"} 1.0' in text


async def test_unknown_routes_are_404_and_bodies_over_the_limit_are_413(
    aiohttp_client, sqlite_url, pii_key
):
    app = create_app(make_settings(sqlite_url, pii_key, max_body_bytes=1024), CATALOG, RULES)

    async def echo(request):
        return __import__("aiohttp").web.json_response({"n": len(await request.read())})

    app.router.add_post("/echo", echo)
    client = await aiohttp_client(app)
    assert (await client.get("/nowhere")).status == 404
    assert (await client.post("/echo", data=b"x" * 1000)).status == 200
    assert (await client.post("/echo", data=b"x" * 5000)).status == 413


def daojia(*args, cwd, env=None, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "webhooks.cli", *args],
        cwd=cwd,
        env={**clean_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAOJIA_")}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_serves_healthz_with_a_generated_key_and_migrated_database(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "webhooks.cli", "demo"],
        cwd=tmp_path,
        env={**clean_env(), "DAOJIA_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        assert body is not None, proc.stdout.read() if proc.poll() is not None else "no answer"
        assert '"database": "ok"' in body
        assert (tmp_path / ".daojia" / "pii.key").stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "daojia.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_the_server_runs_on_uvloop_with_start_up_frozen_and_a_larger_young_generation(
    monkeypatch,
):
    seen = []

    def run_app(app, **kw) -> None:
        records = (logging._srcfile, logging.logThreads, logging.logProcesses)
        seen.append((app, gc.get_threshold(), gc.get_freeze_count() > 0, records, kw))

    monkeypatch.setattr(server.web, "run_app", run_app)
    monkeypatch.setattr(server, "stop_on_signals", lambda loop: None)  # tested below
    for name in ("_srcfile", "logThreads", "logProcesses", "logMultiprocessing"):
        monkeypatch.setattr(logging, name, getattr(logging, name))  # put back afterwards
    before = gc.get_threshold()
    app = object()
    try:
        server.run_server(app, "127.0.0.1", 8123)
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
    kw = {
        "host": "127.0.0.1",
        "port": 8123,
        "print": None,
        "access_log_class": JsonAccessLogger,
        "handle_signals": False,  # stop_on_signals
        "shutdown_timeout": TURN_GRACE_S,
        "reuse_port": None,
    }
    [(served, thresholds, frozen, records, given)] = seen
    loop = given.pop("loop")
    loop.close()
    assert (served, thresholds, frozen, given) == (app, server.GC_THRESHOLDS, True, kw)
    assert isinstance(loop, uvloop.Loop)
    assert server.GC_THRESHOLDS[0] > before[0]
    assert records == (None, False, False)  # log records without caller, thread, process


def test_the_first_sigterm_stops_the_server_gracefully_and_later_signals_are_ignored():
    loop = uvloop.new_event_loop()
    server.stop_on_signals(loop)
    signals = []

    async def serving() -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(5)  # interrupted by GracefulExit
        signals.append("not stopped")

    async def stopping() -> None:
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10):  # a few passes of the loop: the signals are handled
            await asyncio.sleep(0)
        signals.append("shutdown went on")

    try:
        with pytest.raises(web.GracefulExit):
            loop.run_until_complete(serving())
        loop.run_until_complete(stopping())  # as run_app's clean-up would
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        loop.close()
    assert signals == ["shutdown went on"]


async def test_the_tests_run_on_the_event_loop_the_server_runs_on():
    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)


def test_serve_refuses_to_start_without_a_pii_key(tmp_path):
    result = daojia("serve", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("daojia: DAOJIA_PII_KEY:")


def test_serve_refuses_an_unmigrated_database(tmp_path):
    key = daojia("keygen", cwd=tmp_path).stdout.strip()
    result = daojia("serve", cwd=tmp_path, env={"DAOJIA_PII_KEY": key})
    assert result.returncode == 2
    assert "daojia db upgrade" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("DAOJIA_PORT", "eighty", "DAOJIA_PORT:"),
        ("DAOJIA_ADMINS", "telegram:42:boss", "DAOJIA_ADMINS: unknown role 'boss'"),
        ("DAOJIA_DATABASE_URL", "mysql://db/x", "DAOJIA_DATABASE_URL:"),
        ("DAOJIA_PII_KEY", "not-a-key", "DAOJIA_PII_KEY:"),
        ("DAOJIA_TELEGRAM_TOKEN", "123:abc", "DAOJIA_TELEGRAM_SECRET is required"),
        ("DAOJIA_WECHAT_REPLAY_WINDOW_S", "0", "DAOJIA_WECHAT_REPLAY_WINDOW_S:"),
    ],
)
def test_a_wrong_setting_stops_the_program_with_one_line_naming_it(tmp_path, name, value, needle):
    result = daojia("serve", cwd=tmp_path, env={name: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]


def test_catalog_check_names_the_bad_field(tmp_path):
    good = daojia("catalog", "check", str(load_catalog.__globals__["DEMO_CATALOG"]), cwd=tmp_path)
    assert good.returncode == 0 and "OK" in good.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\ncategories:\n  - id: cleaning\n    name: {zh: 保洁, en: Cleaning}\n"
        "    items:\n      - id: x\n        name: {zh: x, en: x}\n",
        encoding="utf-8",
    )
    result = daojia("catalog", "check", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert "categories[0].items[0].description" in result.stderr


def test_db_upgrade_migrates_the_configured_database(tmp_path):
    result = daojia(
        "db",
        "upgrade",
        cwd=tmp_path,
        env={"DAOJIA_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.db").exists()


def test_an_address_that_cannot_be_listened_on_is_one_line_not_a_traceback(monkeypatch):
    import errno

    def run_app(app, **kw) -> None:
        kw["loop"].close()
        raise OSError(errno.EADDRINUSE, "error while attempting to bind on address")

    monkeypatch.setattr(server.web, "run_app", run_app)
    monkeypatch.setattr(server, "stop_on_signals", lambda loop: None)
    for name in ("_srcfile", "logThreads", "logProcesses", "logMultiprocessing"):
        monkeypatch.setattr(logging, name, getattr(logging, name))
    before = gc.get_threshold()
    try:
        with pytest.raises(server.CannotListen) as refused:
            server.run_server(object(), "127.0.0.1", 8123)
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
    assert str(refused.value) == (
        "DAOJIA_HOST, DAOJIA_PORT: cannot listen on 127.0.0.1:8123: Address already in use"
    )


def test_a_worker_that_cannot_listen_logs_one_line_and_exits_1(monkeypatch, caplog):
    """Each of ``--workers``' five tries printed a traceback of 30 lines before the
    supervisor gave up."""

    def cannot(*args, **kw) -> None:
        raise server.CannotListen("DAOJIA_HOST, DAOJIA_PORT: cannot listen on 127.0.0.1:1: …")

    monkeypatch.setattr(cli, "configure_logging", lambda prefix="": None)
    monkeypatch.setattr(cli, "_catalog", lambda settings: (None, None))
    monkeypatch.setattr(cli, "create_app", lambda *a, **kw: object())
    monkeypatch.setattr(cli, "run_server", cannot)
    with pytest.raises(SystemExit) as exited:
        cli.serve_worker(Settings(), 1, lambda: None)
    assert exited.value.code == 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "DAOJIA_HOST, DAOJIA_PORT: cannot listen on 127.0.0.1:1: …"
    ]


def test_demo_on_a_port_another_program_holds_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = daojia("demo", cwd=tmp_path, env={"DAOJIA_PORT": str(port)}, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"daojia: DAOJIA_HOST, DAOJIA_PORT: cannot listen on 127.0.0.1:{port}: " + (
        "Address already in use"
    )
