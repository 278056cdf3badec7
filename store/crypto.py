"""Encryption of personal data at rest (AES-GCM) and keyed hashes to look it up."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"
STATE_FIELD = "conversation.state"
REPLIES_FIELD = "conversation.replies"
"""What ``PiiCipher.seal`` binds a conversation's state and a turn's answer to."""
OUTBOX_REPLIES_FIELD = "outbox.replies"
OUTBOX_TEMPLATE_FIELD = "outbox.template"
"""What it binds a waiting message's replies and template message to."""


class PiiKeyError(ValueError):
    """The PII key is not a base64-encoded 32-byte key."""


def decode_key(text: str) -> bytes:
    """Decode ``DAOJIA_PII_KEY`` (base64 of 32 bytes)."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PiiKeyError("must be base64") from exc
    if len(key) != 32:
        raise PiiKeyError(f"must decode to 32 bytes, got {len(key)}")
    return key


def new_key() -> str:
    """A fresh random key in the ``DAOJIA_PII_KEY`` format."""
    return base64.b64encode(os.urandom(32)).decode()


class PiiCipher:
    """Encrypts phones, addresses and locations; each value is bound to its field name."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(hashlib.sha256(b"daojia-pii-enc\x00" + key).digest())
        self._mac_key = hashlib.sha256(b"daojia-pii-mac\x00" + key).digest()

    def encrypt(self, field: str, value: str) -> bytes:
        """Ciphertext of ``value``; empty values stay empty."""
        if not value:
            return b""
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, value.encode(), field.encode())

    def decrypt(self, field: str, blob: bytes | None) -> str:
        """Plaintext of a value from :meth:`encrypt`; raises ValueError when tampered with."""
        if not blob:
            return ""
        if blob[:1] != _VERSION:
            raise ValueError(f"unknown ciphertext version for {field}")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], field.encode()).decode()
        except InvalidTag as exc:
            raise ValueError(f"{field} cannot be decrypted with this key") from exc

    def lookup_hash(self, field: str, value: str) -> str:
        """A keyed hash for equality lookups (find a customer by phone) without plaintext."""
        if not value:
            return ""
        return hmac.new(self._mac_key, f"{field}\x00{value}".encode(), "sha256").hexdigest()

    def seal(self, field: str, data: bytes) -> bytes:
        """Ciphertext of ``data`` (bytes: a conversation's state, a turn's replies)."""
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, data, field.encode())

    def unseal_state(self, blob: bytes) -> bytes | None:
        """A conversation state as ``seal`` left it; one written before states were sealed
        (plain JSON) is read as it is, and sealed again at its next save; None when it cannot
        be read (another key)."""
        if blob[:1] == b"{":
            return blob
        try:
            return self.unseal(STATE_FIELD, blob)
        except ValueError:
            return None

    def unseal(self, field: str, blob: bytes) -> bytes:
        """Plaintext of :meth:`seal`; raises ValueError when tampered with or foreign."""
        if blob[:1] != _VERSION or len(blob) < 29:
            raise ValueError(f"{field} is not sealed")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], field.encode())
        except InvalidTag as exc:
            raise ValueError(f"{field} cannot be decrypted with this key") from exc
