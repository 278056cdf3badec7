"""How a day or a moment is written to a person: one form on every screen, notice and
reminder, the booking's own (its day buttons and its quote) — ``12月9日 周三 14:00`` in
Chinese, ``Wed 9 Dec 14:00`` in English (a month by name: "12-09" reads as 12 September to
many English readers), the weekday always there, since a visit is planned by it.

The year is added only when the day is another year's and more than half a year from the
reader's today (``2027年12月9日 周四``, ``Thu 9 Dec 2027``): within half a year a month and a
day read as the nearest such day, the one meant. A day whose year is not known (a birthday, a
note written before notes kept years) is its month and day alone (``3月8日``, ``8 Mar``): a
weekday would be a guess.

The forms are messages of the catalogs (``i18n``, msgctxt ``date`` for the short names of
weekdays and months), so each language's is its translators' to keep. Not for stored values,
exports (the ledger's CSV stays ISO) or logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from domain.text import C_, N_, Lang, Shown, Text, translate

YEARLESS_DAYS = 183
"""How far from today a day of another year is still shown without its year: within half a
year a month and a day read as the nearest such day, the one meant."""

SHORT_WEEKDAYS = (
    C_("date", "周一"),
    C_("date", "周二"),
    C_("date", "周三"),
    C_("date", "周四"),
    C_("date", "周五"),
    C_("date", "周六"),
    C_("date", "周日"),
)
"""A weekday as a written date names it (English "Wed", where ``recurring.WEEKDAY_TEXT`` says
"Wednesday"), Monday first."""

MONTHS = (
    C_("date", "1月"),
    C_("date", "2月"),
    C_("date", "3月"),
    C_("date", "4月"),
    C_("date", "5月"),
    C_("date", "6月"),
    C_("date", "7月"),
    C_("date", "8月"),
    C_("date", "9月"),
    C_("date", "10月"),
    C_("date", "11月"),
    C_("date", "12月"),
)
"""A month as a written date names it (English "Dec"), January first."""

_DAY = N_("{month}{date.day}日 {weekday}")
_MOMENT = N_("{month}{date.day}日 {weekday} {at}")
_DAY_OF_YEAR = N_("{date.year}年{month}{date.day}日 {weekday}")
_MOMENT_OF_YEAR = N_("{date.year}年{month}{date.day}日 {weekday} {at}")
_YEARLESS_DAY = N_("{month}{date.day}日")
_YEARLESS_MOMENT = N_("{month}{date.day}日 {at}")
_SPAN = N_("{first} 至 {last}")
"""Two days or moments a span runs between, each written whole."""


def format_when(at: date, lang: Lang | str, today: date | None, *, clock: bool = True) -> str:
    """A day or a moment (already in the business time zone) as a person reads it, the one
    way every screen and notice writes one: ``12月9日 周三 14:00``, ``Wed 9 Dec 14:00``; a
    ``date``, or ``clock=False``, gives the day alone (``12月9日 周三``). ``today``, the
    reader's (business-local): the year is written when the day is far from it in another
    year; None: the day's year is not known (a birthday), month and day alone.

    Args:
        at: The day, or the moment in the business time zone.
        lang: The reader's language.
        today: The reader's today, or None for a day whose year is not known.
        clock: Whether a moment's time of day is written.
    """
    day = at.date() if isinstance(at, datetime) else at
    timed = clock and isinstance(at, datetime)
    fields: dict[str, object] = {"date": day, "month": MONTHS[day.month - 1]}
    if timed:
        fields["at"] = f"{at:%H:%M}"
    if today is None:
        form = _YEARLESS_MOMENT if timed else _YEARLESS_DAY
    else:
        fields["weekday"] = SHORT_WEEKDAYS[day.weekday()]
        if day.year == today.year or abs((day - today).days) <= YEARLESS_DAYS:
            form = _MOMENT if timed else _DAY
        else:
            form = _MOMENT_OF_YEAR if timed else _DAY_OF_YEAR
    return Text(form.msgid, tuple(fields.items())).get(lang)


def format_span(
    first: date, last: date, lang: Lang | str, today: date | None, *, clock: bool = True
) -> str:
    """From ``first`` to ``last`` as ``format_when`` writes each: within one day the day once
    and its times joined by a dash (``12月9日 周三 14:00–17:00``, ``Wed 9 Dec 14:00–17:00``);
    one day alone when both are the same day; otherwise both whole (``12月1日 周二 至 12月7日
    周一``, ``Tue 1 Dec to Mon 7 Dec``)."""
    first_day = first.date() if isinstance(first, datetime) else first
    last_day = last.date() if isinstance(last, datetime) else last
    timed = clock and isinstance(first, datetime) and isinstance(last, datetime)
    if first_day == last_day:
        shown = format_when(first, lang, today, clock=timed)
        return f"{shown}–{last:%H:%M}" if timed and last != first else shown
    ends = (("first", When(first, today, timed)), ("last", When(last, today, timed)))
    return translate(lang, _SPAN.msgid, ends)


@dataclass(frozen=True, slots=True)
class When(Shown):
    """A day or a moment to show, its language decided by the reader (``format_when``): what
    a service passes as a notice's, a view's or an error's field before it knows who reads
    it (never ``isoformat()``)."""

    at: date
    """In the business time zone; a ``date``: the day alone."""
    today: date | None
    """The business-local today it is told on (its year shown when far from it); None: a day
    whose year is not known."""
    clock: bool = True

    def get(self, lang: Lang | str) -> str:
        return format_when(self.at, lang, self.today, clock=self.clock)

    def __str__(self) -> str:
        return self.get(Lang.ZH)


def local_when(at: datetime, now: datetime, tz: tzinfo, *, clock: bool = True) -> When:
    """``at`` as told at ``now``: both put in the business time zone ``tz`` (the moment, and
    the reader's today its year is judged against)."""
    return When(at.astimezone(tz), now.astimezone(tz).date(), clock)


def clock_or_when(at: datetime, now: datetime, tz: tzinfo) -> str | When:
    """A moment close to ``now`` (an arrival, a deadline minutes away, a refund just made):
    its time of day alone on ``now``'s day (``14:00``: the day goes without saying), whole
    otherwise (``local_when``: one past midnight names its day)."""
    local, today = at.astimezone(tz), now.astimezone(tz).date()
    return f"{local:%H:%M}" if local.date() == today else When(local, today)
