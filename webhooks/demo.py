"""The demo's starting data: a few approved workers across central Shanghai."""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import SecretStr

from domain.catalog import Catalog
from domain.people import Certificate, GeoPoint, ServiceArea, Worker, WorkerStatus
from domain.rules import WorkerLevel
from store.crypto import PiiCipher, new_key
from store.db import create_engine
from store.uow import Database
from webhooks.settings import Settings

log = logging.getLogger(__name__)

DEMO_WORKERS = [
    (
        "王阿姨",
        "13900000001",
        ("cleaning", "deep_cleaning"),
        ("黄浦区", "静安区"),
        GeoPoint(31.2304, 121.4737),
        WorkerLevel.A,
        490,
    ),
    (
        "李师傅",
        "13900000002",
        ("appliance_cleaning", "appliance_repair"),
        ("徐汇区", "黄浦区"),
        GeoPoint(31.1880, 121.4370),
        WorkerLevel.S,
        495,
    ),
    (
        "张阿姨",
        "13900000003",
        ("nanny", "elderly_care"),
        ("静安区", "长宁区"),
        GeoPoint(31.2286, 121.4480),
        WorkerLevel.B,
        470,
    ),
    (
        "陈月嫂",
        "13900000004",
        ("maternity", "nanny"),
        ("浦东新区", "黄浦区"),
        GeoPoint(31.2240, 121.5440),
        WorkerLevel.A,
        485,
    ),
    (
        "刘阿姨",
        "13900000005",
        ("cleaning",),
        ("徐汇区", "长宁区"),
        GeoPoint(31.2050, 121.4200),
        WorkerLevel.B,
        460,
    ),
    (
        "赵师傅",
        "13900000006",
        ("deep_cleaning", "appliance_cleaning"),
        ("浦东新区", "静安区"),
        GeoPoint(31.2400, 121.5100),
        WorkerLevel.C,
        430,
    ),
]
CERTIFICATES = {
    "maternity": "maternity_nurse",
    "appliance_repair": "electrician",
    "nanny": "childcare",
    "elderly_care": "elderly_care",
}


async def seed_demo(settings: Settings, catalog: Catalog) -> None:
    """Add the demo workers once (an existing database is left as it is)."""
    db = Database(create_engine(settings.database_url), PiiCipher(settings.pii_key_bytes()))
    try:
        async with db.uow() as uow:
            if await uow.workers.with_status(list(WorkerStatus)):
                return
            now = datetime.now(UTC)
            skills_known = {i.skill for i in catalog.items()}
            for name, phone, skills, districts, centre, level, rating in DEMO_WORKERS:
                certs = [
                    Certificate("id_card", "", None, True),
                    Certificate("health", "", date(now.year + 1, 12, 31), True),
                ]
                certs += [
                    Certificate(CERTIFICATES[s], "", None, True)
                    for s in skills
                    if s in CERTIFICATES
                ]
                await uow.workers.add(
                    Worker(
                        name=name,
                        phone=phone,
                        created_at=now,
                        skills=tuple(s for s in skills if s in skills_known),
                        certificates=tuple(certs),
                        area=ServiceArea(centre, 8000, districts),
                        status=WorkerStatus.APPROVED,
                        online=True,
                        level=level,
                        rating_x100=rating,
                        daily_cap=6,
                    )
                )
            await uow.commit()
            log.info("seeded %d demo workers", len(DEMO_WORKERS))
    finally:
        await db.dispose()


def demo_key(data_dir: Path) -> SecretStr:
    """The demo's PII key, created (mode 0600) in the data folder on first run."""
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "pii.key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(new_key() + "\n")
        log.info("created a demo PII key in %s", key_file)
    return SecretStr(key_file.read_text().strip())


def other_demo_key(data_dir: Path) -> str:
    """Why the demo will not start when its key (``demo_key``) is not the one that wrote the
    database's phones and addresses (a demo database kept from a run with another
    ``DAOJIA_DATA_DIR``, or whose key file was removed)."""
    return (
        f"DAOJIA_DATA_DIR: the demo's key ({data_dir / 'pii.key'}) does not decrypt the phones "
        "and addresses in DAOJIA_DATABASE_URL (another key wrote them): run the demo with the "
        "DAOJIA_DATA_DIR it was first run with, or remove its database to start afresh"
    )
