"""Errors the domain raises; conversations turn them into replies, webhooks into 4xx."""

from __future__ import annotations

from domain.text import N_, Bilingual, Phrase


class DomainError(Exception):
    """A business rule refused the request; ``text`` is safe to show to the person, in their
    language (``err.text.get(lang)``). ``str(err)`` is the Chinese, for logs.

    A plain ``str`` is for refusals only staff or a bug meet (English in both languages).
    """

    retry = False
    """The person may simply try again where they are (a photo that could not be used):
    a conversation keeps its step rather than leave it."""

    def __init__(self, text: Phrase | str) -> None:
        self.text: Phrase = Bilingual(text, text) if isinstance(text, str) else text
        super().__init__(self.text.get("zh"))


class CatalogError(DomainError):
    """The catalog file is invalid; ``path`` names the bad field (``categories[0].items[1]``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class QuoteError(DomainError):
    """A booking cannot be priced as asked (quantity out of range, unknown option, …)."""


class InvalidTransition(DomainError):
    """The order cannot move that way from its current status."""


class NotPermitted(DomainError):
    """The actor may not do this (wrong role, not their order)."""


class ConcurrentUpdate(DomainError):
    """Someone else changed the order first (its version moved since it was read): the
    store's conditional update found nothing to change. Reload and try again — or, for a
    race the caller knows (two workers taking one job), say who won."""

    def __init__(self, number: int) -> None:
        super().__init__(N_("订单 #{number} 刚被他人更新,请重试", number=number))


class DeliveryFailed(Exception):
    """A chat platform did not take a message. ``sent`` parts of it were delivered before the
    failure (a retry resumes after them); ``permanent`` when retrying cannot help (the person
    blocked the bot, the account is gone); ``retry_after`` seconds when the platform said so."""

    def __init__(
        self,
        reason: str,
        *,
        sent: int = 0,
        permanent: bool = False,
        retry_after: float | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = sent
        self.permanent = permanent or gone
        self.retry_after = retry_after
        self.gone = gone
        """Nothing reaches this account any more (blocked the bot, unfollowed): marketing
        leaves it out until the person writes again."""
