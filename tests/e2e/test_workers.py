"""``daojia serve --workers N``: N processes on one port, a dead one restarted, and SIGTERM
stopping them all gracefully — the real command, on PostgreSQL and Redis."""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp
import orjson

from store.crypto import new_key
from tests.e2e.helpers import TelegramUser, on_telegram
from tests.e2e.test_graceful_shutdown import SlowFiles, photo_update, register_up_to_the_id_photo
from tests.e2e.test_health_and_cli import clean_env, daojia, free_port
from tests.e2e.worker_targets import exit_at_once
from webhooks import workers

SERVE = [sys.executable, "-m", "webhooks.cli", "serve", "--workers", "2"]
STARTED_S = 90  # two interpreters importing everything on a busy two-core machine
STOPPED_S = 30  # webhooks.workers.STOP_TIMEOUT_S


def serve_env(database_url: str, redis_url: str, port: int, **settings: str) -> dict[str, str]:
    env = {
        "DAOJIA_DATABASE_URL": database_url,
        "DAOJIA_REDIS_URL": redis_url,
        "DAOJIA_PII_KEY": new_key(),
        "DAOJIA_PORT": str(port),
        **{f"DAOJIA_{k.upper()}": v for k, v in settings.items()},
    }
    return {**clean_env(), **env}


def healthz(port: int) -> dict | None:
    """The answer of /healthz on a new connection (so the kernel picks a worker), or None."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
            return orjson.loads(resp.read())
    except OSError:
        return None


def children(pid: int) -> set[int]:
    return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def exists(pid: int) -> bool:
    """Whether the process exists, even as a zombie (its parent has not reaped it): a killed
    process's threads, which share its sockets, may still be ending while it is a zombie."""
    return Path(f"/proc/{pid}").exists()


def running(pid: int) -> bool:
    """Whether any thread of the process still runs (not gone, not a zombie)."""
    try:
        threads = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return False
    for thread in threads:
        try:
            stat = (thread / "stat").read_text()
        except FileNotFoundError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
            return True
    return False


def until(what: str, check, seconds: float, proc: subprocess.Popen | None = None):
    """Poll ``check`` until it returns something true; fail after ``seconds`` or if the
    server exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if proc is not None:
            assert proc.poll() is None, f"the server exited ({proc.returncode}): no {what}"
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {seconds} s")


def start_two_workers(tmp_path, database_url, redis_url):
    """``daojia serve --workers 2`` logging to a file; (process, port, log path)."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            SERVE,
            cwd=tmp_path,
            env=serve_env(database_url, redis_url, port),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return proc, port, log


def answering_pids(port: int, proc: subprocess.Popen) -> set[int]:
    """The two processes that answer /healthz (new connections land on either)."""
    seen: set[int] = set()

    def two_pids():
        body = healthz(port)
        if body is not None:
            assert body["status"] == "ok", body
            seen.add(body["pid"])
        return len(seen) == 2

    until("answers from two processes", two_pids, STARTED_S, proc)
    return seen


def test_two_workers_answer_on_one_port_a_killed_one_is_restarted_and_sigterm_stops_all(
    tmp_path, own_postgres_url, redis_url
):
    proc, port, log = start_two_workers(tmp_path, own_postgres_url, redis_url)
    try:
        seen = answering_pids(port, proc)
        assert seen <= children(proc.pid)

        victim, survivor = sorted(seen)
        os.kill(victim, signal.SIGKILL)
        until("the supervisor to reap the killed worker", lambda: not exists(victim), 10, proc)
        answers: list[int] = []

        def a_new_pid():
            body = healthz(port)
            answers.append(body["pid"] if body else 0)
            return body is not None and body["pid"] not in (victim, survivor)

        until("an answer from the restarted worker", a_new_pid, STARTED_S, proc)
        assert 0 not in answers  # /healthz answered all along
        replacement = answers[-1]
        assert replacement in children(proc.pid) and victim not in children(proc.pid)

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STOPPED_S) == 0
        assert not any(exists(pid) for pid in (survivor, replacement))  # stopped and reaped
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "restarting it in" in text and "all workers stopped" in text


def _healthz_count(metrics: str) -> float:
    """``daojia_http_requests_total`` of /healthz answered 200, as one scrape says."""
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("daojia_http_requests_total{")
        and 'route="/healthz"' in line
        and 'status="200"' in line
    )


def test_any_worker_answers_metrics_for_all_of_them(tmp_path, own_postgres_url, redis_url):
    """/metrics counts every worker's requests, whichever worker answers the scrape (each
    scrape on a new connection: the kernel picks the worker); the run's counts directory
    is gone once the server stopped."""
    proc, port, _ = start_two_workers(tmp_path, own_postgres_url, redis_url)
    try:
        by_pid: dict[int, int] = {}  # every 200 from /healthz, by the process that answered

        def a_few_from_each():
            body = healthz(port)
            if body is not None:
                by_pid[body["pid"]] = by_pid.get(body["pid"], 0) + 1
            return len(by_pid) == 2 and min(by_pid.values()) >= 3

        until("a few answers from each worker", a_few_from_each, STARTED_S, proc)
        scraped = []
        for _ in range(6):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                scraped.append(_healthz_count(r.read().decode()))
        assert scraped == [sum(by_pid.values())] * 6  # each worker alone answered fewer
        environ = Path(f"/proc/{next(iter(by_pid))}/environ").read_bytes().split(b"\0")
        [shared] = [
            Path(v.split(b"=", 1)[1].decode())
            for v in environ
            if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")
        ]
        assert shared.is_dir()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STOPPED_S) == 0
        assert not shared.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_workers_stop_by_themselves_when_their_supervisor_is_killed(
    tmp_path, own_postgres_url, redis_url
):
    proc, port, log = start_two_workers(tmp_path, own_postgres_url, redis_url)
    try:
        seen = answering_pids(port, proc)
    finally:
        proc.kill()
        proc.wait()
    until("the orphaned workers to stop", lambda: not any(running(p) for p in seen), STOPPED_S)
    assert healthz(port) is None
    assert log.read_text().count("the supervisor is gone: stopping") == 2


def test_serve_refuses_several_workers_without_postgresql_and_redis(tmp_path, own_postgres_url):
    key = new_key()
    sqlite = daojia("serve", "--workers", "2", cwd=tmp_path, env={"DAOJIA_PII_KEY": key})
    assert sqlite.returncode == 2
    [line] = sqlite.stderr.strip().splitlines()
    assert line.startswith("daojia: --workers 2 needs PostgreSQL") and "SQLite" in line
    env = {"DAOJIA_PII_KEY": key, "DAOJIA_DATABASE_URL": own_postgres_url}
    no_redis = daojia("serve", "--workers", "2", cwd=tmp_path, env=env)
    assert no_redis.returncode == 2
    [line] = no_redis.stderr.strip().splitlines()
    assert line.startswith("daojia: --workers 2 needs Redis (DAOJIA_REDIS_URL)")
    zero = daojia("serve", "--workers", "0", cwd=tmp_path, env=env)
    assert zero.returncode == 2 and "1 or more" in zero.stderr


def test_the_supervisor_gives_up_when_a_worker_keeps_dying_before_it_listens(monkeypatch, caplog):
    monkeypatch.setattr(workers, "BACKOFF_FIRST_S", 0)  # restarted at once: no timer to wait for
    caplog.set_level("INFO", logger="webhooks.workers")
    assert workers.Supervisor(exit_at_once, (3,), 1).run() == 1
    deaths = [r.getMessage() for r in caplog.records if "exited with code 3" in r.getMessage()]
    assert len(deaths) == workers.MAX_FAILED_STARTS
    assert all("restarting it in" in m for m in deaths[:-1])
    assert "5 times in a row: giving up" in deaths[-1]


def test_the_back_off_doubles_up_to_its_ceiling():
    assert [workers.backoff(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert workers.backoff(20) == workers.BACKOFF_MAX_S


class Remote:
    """``TelegramUser``'s client, for a server in another process."""

    def __init__(self, session: aiohttp.ClientSession, port: int) -> None:
        self.session, self.port = session, port

    def post(self, path: str, **kw):
        return self.session.post(f"http://127.0.0.1:{self.port}{path}", **kw)


class Lines:
    """The server's log lines as they come; ``wait`` for one containing a text."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.lines: list[str] = []
        self._stream = stream
        self._changed = asyncio.Condition()
        self.task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while line := await self._stream.readline():
            async with self._changed:
                self.lines.append(line.decode(errors="replace"))
                self._changed.notify_all()

    async def wait(self, text: str, count: int = 1, seconds: float = STARTED_S) -> None:
        def seen() -> bool:
            return sum(text in line for line in self.lines) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(seen), seconds)


async def test_sigterm_lets_a_turn_in_flight_finish_before_the_workers_stop(
    tmp_path, own_postgres_url, redis_url
):
    fake = SlowFiles()
    await fake.start()
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        *SERVE,
        cwd=tmp_path,
        env=serve_env(own_postgres_url, redis_url, port, **on_telegram(fake)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    log = Lines(proc.stderr)
    try:
        await log.wait("webhooks.workers: worker", count=4)  # two started, two listening
        assert sum("listening" in line for line in log.lines) == 2, log.lines
        async with aiohttp.ClientSession() as session:
            user = TelegramUser(Remote(session, port), fake, secrets.randbelow(10**9) + 10**9)
            await register_up_to_the_id_photo(user)  # each step in either worker
            turn = asyncio.ensure_future(user.post(photo_update(user.uid, fake, "ID1")))
            await fake.requested.wait()  # the turn is fetching the photo from Telegram

            proc.send_signal(signal.SIGTERM)
            await log.wait("for the turns in flight (1)", seconds=STOPPED_S)
            fake.release.set()
            assert await turn == 200
            assert "健康证照片" in user.text()
        assert await asyncio.wait_for(proc.wait(), STOPPED_S) == 0
        assert any("the turns in flight finished" in line for line in log.lines)
        assert not any("cancelling" in line for line in log.lines)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await log.task
        fake.release.set()
        await fake.stop()
