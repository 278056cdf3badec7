"""What the after-sales flow (complain, rate, rework, rate the customer) keeps between turns:
its own data, in ``conv.data["feedback"]``, reset when the flow is entered."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from conversations.flows.flow_state import StaleState, load
from conversations.state import Conversation
from conversations.understanding.days import iso_day
from domain.text import N_

NAME = "feedback"


class Step(StrEnum):
    CHECKING = "checking"
    CATEGORY = "category"
    TEXT = "text"
    PHOTOS = "photos"
    SCORE = "score"
    TAGS = "tags"
    REVIEW = "review"
    REVIEW_PHOTO = "review_photo"
    REWORK_DAY = "rework_day"
    REWORK_TIME = "rework_time"
    CUSTOMER_SCORE = "customer_score"
    CUSTOMER_NOTE = "customer_note"


@dataclass(frozen=True, slots=True)
class FeedbackData:
    """Other flows enter the flow with the ``action`` (``complain``, ``rate``, ``rework``,
    ``rate_customer``) on order ``number``; the rest is what the person answered."""

    action: str = ""
    number: int | None = None
    category: str = ""
    text: str = ""
    photos: tuple[str, ...] = ()
    """A complaint's photos as platform references, unchecked: what a draft saved before
    photos were checked on arrival holds (``photo_paths`` now); tried once, on filing."""
    scores: tuple[int, ...] = ()
    """The stars given so far, one per ``domain.aftersales.DIMENSIONS``, in its order."""
    tags: tuple[str, ...] = ()
    day: str = ""
    """The rework's day (ISO), chosen before its time."""
    stars: int | None = None
    """The worker's stars for the customer."""
    photo_paths: tuple[str, ...] = ()
    """A complaint's photos, checked when they arrived and kept in the media store."""

    @property
    def photo_count(self) -> int:
        return len(self.photos) + len(self.photo_paths)

    @property
    def order(self) -> int:
        """The order the feedback is about; ``StaleState`` when there is none (the flow is
        always entered with one)."""
        if self.number is None:
            raise StaleState(NAME)
        return self.number

    @property
    def day_on(self) -> date | None:
        return iso_day(self.day)

    def with_tag_toggled(self, tag: str) -> FeedbackData:
        if tag in self.tags:
            return replace(self, tags=tuple(t for t in self.tags if t != tag))
        return replace(self, tags=(*self.tags, tag))


def feedback(conv: Conversation) -> FeedbackData:
    """The flow's data (the defaults when there is none yet); ``StaleState`` when what is
    stored has another shape."""
    f = load(conv, NAME, FeedbackData)
    if f is None:
        raise StaleState(NAME)
    return f


CATEGORIES = (  # a complaint's kinds, named
    ("late", N_("迟到")),
    ("incomplete", N_("没做完 / 不干净")),
    ("damage", N_("物品损坏")),
    ("attitude", N_("服务态度")),
    ("other", N_("其他")),
)
DIMENSION_TEXT = {  # what a rating's stars are for, named
    "response": N_("响应速度(准时、沟通)"),
    "skill": N_("专业水平"),
    "attitude": N_("服务态度"),
    "care": N_("爱护物品"),
}
