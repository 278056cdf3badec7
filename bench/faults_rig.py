"""The rig of ``bench/faults.py``: a load balancer's choice of process, a Redis proxy that
can cut connections, starting ``daojia serve`` and waiting for it, the admin SQL to make and
drop the bench's database."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp


class Balancer:
    """Round robin over the processes that accept connections."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.down_until = dict.fromkeys(ports, 0.0)
        self._next = 0

    def pick(self) -> int:
        now = time.monotonic()
        for _ in self.ports:
            port = self.ports[self._next % len(self.ports)]
            self._next += 1
            if self.down_until[port] <= now:
                return port
        return self.ports[self._next % len(self.ports)]

    def down(self, port: int) -> None:
        self.down_until[port] = time.monotonic() + 1.0


class RedisProxy:
    """A TCP proxy to Redis that can cut every connection and refuse new ones for a while."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.refuse_until = 0.0
        self.pipes: set[asyncio.StreamWriter] = set()
        self.server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if time.monotonic() < self.refuse_until:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.pipes |= {writer, up_writer}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        self.pipes -= {writer, up_writer}

    def cut(self, seconds: float) -> None:
        self.refuse_until = time.monotonic() + seconds
        for pipe in list(self.pipes):
            pipe.transport.abort()
        self.pipes.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    daojia = Path(sys.executable).with_name("daojia")
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(daojia), "serve"],
            env={**env, "DAOJIA_PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=log.parent,
        )


async def healthy(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"daojia on port {port} did not become healthy")


def redis_target(url: str) -> tuple[str, int]:
    from redis.connection import parse_url

    parts = parse_url(url)
    return str(parts.get("host", "127.0.0.1")), int(parts.get("port", 6379))


async def admin_sql(url: str, sql: str) -> None:
    from sqlalchemy import text

    from store.db import create_engine

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()
