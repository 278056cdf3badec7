"""Unique values so tests can share one database (cosmicpython ``random_refs``)."""

import secrets


def phone() -> str:
    return "13" + "".join(secrets.choice("0123456789") for _ in range(9))


def code(prefix: str = "T") -> str:
    return f"{prefix}{secrets.token_hex(5).upper()}"


def user_id() -> str:
    return str(secrets.randbelow(10**12))
