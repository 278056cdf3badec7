"""Links point at the server itself when ``DAOJIA_PUBLIC_URL`` is not set: a demo on another
port (``DAOJIA_PORT=8091``) sends pay links that open."""

import pytest

from webhooks.settings import Settings


@pytest.fixture(autouse=True)
def no_daojia_env(monkeypatch):
    for name in ("DAOJIA_HOST", "DAOJIA_PORT", "DAOJIA_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)


def test_the_default_is_the_loopback_on_8080():
    assert Settings(_env_file=None).public_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", "8091", "http://127.0.0.1:8091"),
        ("0.0.0.0", "9000", "http://127.0.0.1:9000"),
        ("192.168.1.20", "8080", "http://192.168.1.20:8080"),
        ("::1", "8080", "http://[::1]:8080"),
    ],
)
def test_without_a_public_url_links_follow_the_bind_address(monkeypatch, host, port, url):
    monkeypatch.setenv("DAOJIA_HOST", host)
    monkeypatch.setenv("DAOJIA_PORT", port)
    assert Settings(_env_file=None).public_url == url


def test_a_public_url_given_is_kept(monkeypatch):
    monkeypatch.setenv("DAOJIA_PORT", "8091")
    monkeypatch.setenv("DAOJIA_PUBLIC_URL", "https://daojia.example")
    assert Settings(_env_file=None).public_url == "https://daojia.example"
