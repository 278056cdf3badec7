"""The admin web dashboard (read-only), opened by a signed, short-lived link.

An admin chat command sends ``dashboard_link(...)``: ``GET /dashboard/open/{role}/{admin}``
signed with ``MediaLinks`` and valid for ``LINK_TTL`` seconds. Opening it sets a signed
session cookie (HttpOnly, SameSite=Lax, path ``/dashboard``) whose expiry, ``SESSION_TTL``
later, is part of the signed value and checked here on every request, and redirects to
``GET /dashboard``. A forged or expired link or cookie, or an admin no longer configured with
that role, gets a 403 page. ``/dashboard/static/`` serves the page's CSS and script and the
vendored Chart.js (code only: every figure is in the signed-in page).
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote, unquote

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from domain.admin import ROLE_TEXT
from domain.people import CHANNEL_TEXT
from domain.text import named, translate
from webhooks.dashboard_view import build
from webhooks.keys import CATALOG, CLOCK, DATABASE, DEMO, LINKS, RULES, SERVICES, SETTINGS
from webhooks.media import MediaLinks
from webhooks.settings import ROLES

log = logging.getLogger(__name__)

LINK_TTL = 600
SESSION_TTL = 1800
COOKIE = "daojia_dashboard"
LANG_COOKIE = "daojia_dashboard_lang"
"""The page's language: the admin's chat language, from the link (``&lang=en``)."""
STATIC = Path(__file__).with_name("static")
STATIC_ROUTE = "dashboard-static"
TEMPLATES = Environment(
    loader=PackageLoader("webhooks"),
    autoescape=select_autoescape(),
    trim_blocks=True,
    lstrip_blocks=True,
)
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def dashboard_link(links: MediaLinks, admin: str, role: str) -> str:
    """A link that opens the dashboard for ``admin`` (``channel:user_id``) with ``role``'s
    view; it works for ``LINK_TTL`` seconds.

    Raises:
        ValueError: ``role`` is not an admin role.
    """
    if role not in ROLES:
        raise ValueError(f"unknown admin role {role!r}")
    return links.url(_subject("open", admin, role), LINK_TTL)


def _subject(kind: str, admin: str, role: str) -> str:
    """What a link (``open``) or a cookie (``session``) signs: never valid as the other."""
    return f"dashboard/{kind}/{role}/{quote(admin, safe=':')}"


async def _granted(app: web.Application, admin: str, role: str) -> bool:
    """The admin still has the role — from ``DAOJIA_ADMINS`` or added in chat (a revoked
    admin's link and session stop working)."""
    channel, _, user_id = admin.partition(":")
    if await app[SERVICES].admins.role(channel, user_id) == role:
        return True
    # the demo's web admin pane plays the owner without configuration (conversations.engine)
    return bool(app[DEMO]) and channel == "web" and role == "owner"


async def _session(request: web.Request) -> tuple[str, str] | None:
    """(admin, role) of a valid, unexpired session cookie."""
    head, _, rest = request.cookies.get(COOKIE, "").partition(".")
    quoted, expires, sig = (rest.rsplit(".", 2) + ["", ""])[:3]
    role, admin = head, unquote(quoted)
    if role not in ROLES or not request.app[LINKS].valid(
        _subject("session", admin, role), expires, sig
    ):
        return None
    return (admin, role) if await _granted(request.app, admin, role) else None


def _page(
    request: web.Request, template: str, status: int = 200, **context: object
) -> web.Response:
    router = request.app.router

    def static(name: str) -> str:
        return str(router[STATIC_ROUTE].url_for(filename=name))

    lang = _lang(request)

    def _(msgid: str, **fields: object) -> str:  # the page's one language (i18n catalogs)
        return translate(lang, msgid, fields.items())

    html = TEMPLATES.get_template(template).render(
        static=static, _=_, html_lang="en" if lang == "en" else "zh-CN", **context
    )
    return web.Response(status=status, text=html, content_type="text/html", headers=HEADERS)


def _lang(request: web.Request) -> str:
    """``en`` when the link or the session asked for English, else ``zh``."""
    asked = request.query.get("lang") or request.cookies.get(LANG_COOKIE, "")
    return "en" if asked == "en" else "zh"


def _denied(request: web.Request, *, forget_session: bool = False) -> web.Response:
    response = _page(request, "dashboard/denied.html", status=403)
    if forget_session and COOKIE in request.cookies:
        response.del_cookie(COOKIE, path="/dashboard")
    return response


async def open_link(request: web.Request) -> web.Response:
    """``GET /dashboard/open/{role}/{admin}?e=…&s=…``: swap a valid link for a session."""
    role, admin = request.match_info["role"], request.match_info["admin"]
    links = request.app[LINKS]
    if (
        role not in ROLES
        or not links.valid(
            _subject("open", admin, role), request.query.get("e", ""), request.query.get("s", "")
        )
        or not await _granted(request.app, admin, role)
    ):
        log.info("dashboard: refused a link for %s as %s", admin, role)
        return _denied(request)
    expires, sig = links.signed(_subject("session", admin, role), SESSION_TTL)
    response = web.Response(status=303, headers={**HEADERS, "Location": "/dashboard"})
    response.set_cookie(
        COOKIE,
        f"{role}.{quote(admin, safe=':')}.{expires}.{sig}",
        max_age=SESSION_TTL,
        path="/dashboard",
        httponly=True,
        samesite="Lax",
        secure=request.app[SETTINGS].public_url.startswith("https://"),
    )
    response.set_cookie(
        LANG_COOKIE, _lang(request), max_age=SESSION_TTL, path="/dashboard", samesite="Lax"
    )
    log.info("dashboard: opened by %s as %s", admin, role)
    return response


async def show(request: web.Request) -> web.Response:
    """``GET /dashboard``: the sections the session's role may see."""
    who = await _session(request)
    if who is None:
        return _denied(request, forget_session=True)
    admin, role = who
    app = request.app
    lang = _lang(request)
    view = await build(app[DATABASE], app[CATALOG], app[RULES], role, app[CLOCK](), lang)
    # who is looking as a person says it (老板 · 微信), never the ids (owner, wechat:o-…)
    looking = (
        f"{named(ROLE_TEXT, role, lang)} · {named(CHANNEL_TEXT, admin.partition(':')[0], lang)}"
    )
    return _page(request, "dashboard/page.html", who=looking, view=view)


def setup(app: web.Application) -> None:
    """Add the dashboard's routes (``create_app`` calls it)."""
    app.router.add_get("/dashboard/open/{role}/{admin}", open_link)
    app.router.add_get("/dashboard", show)
    app.router.add_static("/dashboard/static/", STATIC, name=STATIC_ROUTE, append_version=True)
