"""Configuration from ``DAOJIA_*`` environment variables (and a ``.env`` file), checked at start.

A wrong value stops the program with one line naming the variable (``settings_error``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bots.mail import parse_smtp_url
from bots.wechat_templates import load_templates
from store.crypto import PiiKeyError, decode_key
from webhooks.channels import CHANNEL_NAMES

ROLES = ("owner", "ops", "finance", "support")


@dataclass(frozen=True, slots=True)
class AdminGrant:
    channel: str
    user_id: str
    role: str


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DAOJIA_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    database_url: str = "sqlite+aiosqlite:///./daojia.db"
    redis_url: str | None = None
    catalog: Path | None = None
    admins: Annotated[tuple[AdminGrant, ...], NoDecode] = ()
    pii_key: SecretStr | None = None
    public_url: str = "http://127.0.0.1:8080"
    data_dir: Path = Path(".daojia")
    media_dir: Path = Path("media")
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)

    wechat_appid: str | None = None
    wechat_secret: SecretStr | None = None
    wechat_token: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None
    wechat_api_base: str = "https://api.weixin.qq.com/cgi-bin/"
    wechat_qr_base: str = "https://mp.weixin.qq.com/cgi-bin/"
    """Where WeChat shows a QR code by its ticket (``showqrcode?ticket=``): invitations."""
    wechat_replay_window_s: int = Field(default=300, gt=0, le=86400)
    """How far a WeChat request's timestamp may be from our clock, either way; its nonce is
    remembered that long. At most a day: the message dedupe that answers a repeated request
    ``success`` remembers message ids for a day."""

    telegram_token: SecretStr | None = None
    telegram_secret: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org/bot"
    telegram_file_base: str = "https://api.telegram.org/file/bot"
    telegram_payment_token: SecretStr | None = None
    telegram_rate_per_second: int = Field(default=30, ge=1, le=1000)

    wechat_pay_mch_id: str | None = None
    wechat_pay_key: SecretStr | None = None
    wechat_pay_api_base: str = "https://api.mch.weixin.qq.com/"
    wechat_pay_cert: Path | None = None
    wechat_pay_cert_key: Path | None = None
    wechat_pay_transfer_api_base: str = "https://api.mch.weixin.qq.com/"
    """WeChat Pay's transfer API (企业付款) for worker payouts, with the merchant above."""
    wechat_templates: Path | None = None
    """YAML file: per notification event, the WeChat template id and its fields."""

    invoice_api_base: str | None = None
    """The electronic invoice (发票) provider's API (``bots.invoicing``); unset: the sandbox
    issues where it runs (the demo, the sandbox test mode), else requests wait."""
    invoice_key: SecretStr | None = None
    insurer_api_base: str | None = None
    """The insurer issuing a policy per paid order (``bots.insurer``); unset: the sandbox
    issues where it runs (the demo, the sandbox test mode), else no policies."""
    insurer_key: SecretStr | None = None
    sms_api_base: str | None = None
    """The SMS provider telling emergency contacts of an SOS (``bots.sms``); unset: the
    sandbox under ``demo`` (it logs, without the number), else no SMS."""
    sms_key: SecretStr | None = None
    smtp_url: SecretStr | None = None
    """``smtp[s]://user:password@host:port``: email (invoices) goes out; unset: chat only."""
    mail_from: str | None = None
    geocoder: Literal["amap", "tencent", "offline"] = "offline"
    """Where a typed address is looked up: a map web service (with ``geocoder_key``), or the
    offline district table alone; the table answers whenever the service does not."""
    geocoder_key: SecretStr | None = None
    geocoder_api_base: str | None = None
    """The map service's base URL (its own when unset)."""
    geocoder_city: str = Field(default="上海", min_length=2, max_length=20)
    """The city the service runs in, assumed when an address names none."""

    sandbox_payments: bool | None = None
    """The sandbox payment provider and its routes (no real money). Unset: on under
    ``daojia demo``, off under ``daojia serve``; on under ``serve`` it is a test mode."""
    web_chat: bool | None = None
    """The web chat at ``/``. Unset: on under ``daojia demo``, off under ``daojia serve``."""

    @field_validator("wechat_templates")
    @classmethod
    def _wechat_templates(cls, value: Path | None) -> Path | None:
        load_templates(value)  # refuse a broken file at start, naming the variable
        return value

    @field_validator("sandbox_payments", "web_chat", "geocoder_api_base", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL") from None
        backend = url.get_backend_name()
        # the driver only of a backend we take: naming it loads the dialect, and an unknown
        # one ("foo://") is an exception of its own (NoSuchModuleError), not a ValueError
        driver = url.get_driver_name() if backend in ("postgresql", "sqlite") else ""
        if backend == "postgresql" and driver in ("psycopg", "psycopg2", "asyncpg"):
            return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
        if backend == "sqlite":
            return url.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
        raise ValueError("use sqlite+aiosqlite:///FILE or postgresql+asyncpg://USER@HOST/DB")

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> tuple[AdminGrant, ...]:
        if isinstance(value, tuple):
            return value
        grants = []
        for part in str(value or "").split(","):
            if not part.strip():
                continue
            fields = part.strip().split(":")
            if len(fields) != 3 or not all(fields):
                raise ValueError(f"{part.strip()!r} is not channel:user_id:role")
            channel, user_id, role = fields
            if channel not in CHANNEL_NAMES:
                names = ", ".join(CHANNEL_NAMES)
                raise ValueError(f"unknown channel {channel!r} (use {names})")
            if role not in ROLES:
                raise ValueError(f"unknown role {role!r} (use {', '.join(ROLES)})")
            grants.append(AdminGrant(channel, user_id, role))
        return tuple(grants)

    @field_validator("pii_key")
    @classmethod
    def _pii_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                decode_key(value.get_secret_value())
            except PiiKeyError as exc:
                raise ValueError(f"{exc} (make one: daojia keygen)") from None
        return value

    @field_validator(
        "public_url",
        "wechat_api_base",
        "wechat_qr_base",
        "telegram_api_base",
        "telegram_file_base",
        "wechat_pay_api_base",
        "wechat_pay_transfer_api_base",
        "geocoder_api_base",
    )
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("invoice_api_base", "insurer_api_base", "sms_api_base")
    @classmethod
    def _invoice_api(cls, value: str | None) -> str | None:
        if value and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL")
        return value or None

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        try:
            parse_smtp_url(value.get_secret_value())
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str | None) -> str | None:
        if value and "@" not in value:
            raise ValueError("must be an email address, e.g. 到家 <invoice@example.com>")
        return value or None

    @field_validator("wechat_aes_key")
    @classmethod
    def _aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9]{43}", value.get_secret_value()):
            raise ValueError("must be the 43-character EncodingAESKey from the WeChat console")
        return value

    @field_validator("telegram_secret")
    @classmethod
    def _tg_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _own_address(self) -> Settings:
        """Without ``DAOJIA_PUBLIC_URL``, links point at this server's own bind address and
        port (a demo on ``DAOJIA_PORT=8091`` links to 8091; any address: the loopback)."""
        if "public_url" not in self.model_fields_set:
            host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
            host = f"[{host}]" if ":" in host else host
            self.public_url = f"http://{host}:{self.port}"
        return self

    @model_validator(mode="after")
    def _complete_channels(self) -> Settings:
        groups = {
            "wechat_appid": ("wechat_appid", "wechat_secret", "wechat_token"),
            "telegram_token": ("telegram_token", "telegram_secret"),
            "wechat_pay_mch_id": ("wechat_pay_mch_id", "wechat_pay_key", "wechat_appid"),
            "invoice_api_base": ("invoice_api_base", "invoice_key"),
            "insurer_api_base": ("insurer_api_base", "insurer_key"),
            "sms_api_base": ("sms_api_base", "sms_key"),
            "smtp_url": ("smtp_url", "mail_from"),
        }
        if self.geocoder != "offline" and self.geocoder_key is None:
            raise ValueError(
                f"DAOJIA_GEOCODER_KEY is required when DAOJIA_GEOCODER={self.geocoder}"
            )
        for trigger, needed in groups.items():
            if getattr(self, trigger) is None:
                continue
            for name in needed:
                if getattr(self, name) is None:
                    raise ValueError(
                        f"DAOJIA_{name.upper()} is required when DAOJIA_{trigger.upper()} is set"
                    )
        return self

    @property
    def wechat_enabled(self) -> bool:
        return self.wechat_appid is not None

    @property
    def wechat_pay_enabled(self) -> bool:
        return self.wechat_pay_mch_id is not None

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_token is not None

    def sandbox_on(self, demo: bool) -> bool:
        """Whether the sandbox provider runs: ``DAOJIA_SANDBOX_PAYMENTS``, else only in the
        demo."""
        return demo if self.sandbox_payments is None else self.sandbox_payments

    def web_chat_on(self, demo: bool) -> bool:
        """Whether the web chat is served: ``DAOJIA_WEB_CHAT``, else only in the demo."""
        return demo if self.web_chat is None else self.web_chat

    def pii_key_bytes(self) -> bytes:
        if self.pii_key is None:
            raise RuntimeError("DAOJIA_PII_KEY is not set")
        return decode_key(self.pii_key.get_secret_value())


def settings_error(exc: ValidationError) -> str:
    """One line naming the variable that is wrong."""
    err = exc.errors(include_url=False)[0]
    loc = err.get("loc") or ()
    msg = str(err["msg"]).removeprefix("Value error, ")
    if loc:
        return f"DAOJIA_{str(loc[0]).upper()}: {msg}"
    return msg
