"""The runner: claims a message once, loads the person's conversation, routes the event through
the flow tables, runs the commands, saves the new state. Channel-neutral.

A turn's commands share one database transaction (``TurnJournal``), committed with a
checkpoint of the new state when they wrote anything; then the state is saved in the
conversation store. A turn whose process died after the first commit is finished by the next
turn of that person (``Claim.recovering``): a retry of the same message is answered with what
the first attempt answered (``conversations.resume``), another message goes on from the
checkpoint. The person's lock is a lease, renewed while the turn runs, so a dead process holds
nobody up for long. Between the two commits the channel pushes its part of the answer
(``Deliver``), the lock still held, and the store's commit notes how many parts went out: a
platform's retry sends only the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from conversations.events import (
    Failed,
    Inbound,
    LocationReported,
    PaymentReceived,
)
from conversations.flows.base import Ctx, Flow
from conversations.flows.worker_state import keep_reported_location
from conversations.lease import Lease
from conversations.message_rate import MessageRate
from conversations.replies import NO_ANSWER, Reply, Say, dump_answer, load_answer
from conversations.results.customers import AccountFound
from conversations.resume import resume
from conversations.routing import Router, RunCommand
from conversations.services.staff import AdminDirectory, LivePrices
from conversations.state import Conversation
from domain.catalog import Catalog
from domain.commands import NoteInbound, SetAdminLanguage
from domain.queries import FindCustomer
from domain.risk import RateVerdict
from domain.rules import Rules
from domain.text import N_
from domain.turns import (
    Checkpoint,
    Claim,
    ConversationStore,
    RateLimiter,
    StaleTurn,
    TurnJournal,
)

log = logging.getLogger(__name__)

BUSY_FIRST_WAIT_S = 0.01
BUSY_LONGEST_WAIT_S = 0.2
BUSY_MARGIN_S = 2.0
"""A busy person's message waits for the lock up to the store's lease and this margin: long
enough for a dead process's lease to run out, so its retry is processed, not refused."""
TOO_MANY = N_("消息太频繁,请稍后再试。")
NOTE_EVERY = timedelta(minutes=10)
"""A person's last message is noted (``NoteInbound``) at most this often by one process."""
NOTED_MAX = 10_000
Deliver = Callable[[list[Reply], str], Awaitable[int]]
"""A channel's push of a turn's answer (replies, language): the parts it sends by API call,
all but the one its webhook response carries. It returns ``sent``: how many of those parts
went out before one failed, counted in the channel's own units, which its retries get back
(``Handled.sent``) — Telegram counts its messages from the first (the last rides on the
webhook response); WeChat its texts after the first (the passive reply, and the first a retry
answers with, even when it went by customer-service message past the budget)."""


@dataclass
class Handled:
    status: str
    """``handled`` (the answer's parts but the webhook response's went through the turn's
    ``Deliver``, when it was given one; a message whose turn committed before is answered
    again so too); ``duplicate`` (a platform retry, already taken: the channel pushes what
    of the answer did not go out, from ``sent`` on); ``rejected`` (over the message rate
    limit: not processed; ``replies`` holds the one warning of the window); ``replayed`` (its
    signed request was seen with other content: not processed)."""
    replies: list[Reply] = field(default_factory=list)
    lang: str = "zh"
    sent: int = 0
    """For ``duplicate``: how many parts of the answer went out on earlier attempts, in the
    channel's own units (``Deliver``), as its commit or ``Engine.delivered`` noted them."""


class Engine:
    """Turns one inbound event into replies, exactly once per platform message."""

    def __init__(
        self,
        *,
        flows: Mapping[str, Flow],
        run: RunCommand,
        store: ConversationStore,
        catalog: Catalog,
        rules: Rules,
        clock: Callable[[], datetime],
        public_url: str,
        admins: AdminDirectory | Mapping[tuple[str, str], str] | None = None,
        demo_admin_pane: bool = False,
        turns: TurnJournal,
        limiter: RateLimiter | None = None,
        prices: LivePrices | None = None,
    ) -> None:
        self.flows = flows
        self.run = run
        self.store = store
        self.turns = turns
        self.catalog = catalog
        self.rules = rules
        self.clock = clock
        self.public_url = public_url
        self.admins = (
            admins
            if isinstance(admins, AdminDirectory)
            else AdminDirectory(bootstrap=admins or {}, clock=clock)
        )
        self.prices = prices
        self.demo_admin_pane = demo_admin_pane
        self.rate = MessageRate(limiter, rules, clock)
        self._noted: dict[tuple[str, str], datetime] = {}

    async def handle(self, event: Inbound, deliver: Deliver | None = None) -> Handled:
        """Run ``event``'s turn; ``deliver`` pushes its answer once it is committed in the
        database, before the conversation store's commit (which notes how much went out)."""
        message_id = _message_id(event)
        # the admin role from memory; when it must be read, that is done in the turn's
        # transaction (no transaction of its own), and the message is counted meanwhile
        known = self._known_role(event)
        window = self.rate.window(event, known or "")
        claim = await self._claim(event, message_id, window)
        if claim.status == "duplicate":
            replies, lang = load_answer(claim.replies)
            return Handled("duplicate", replies, lang, claim.sent)
        if claim.status == "replayed":
            return Handled("replayed")
        lease = Lease(self.store, event.channel, event.user_id, claim.token)
        try:
            return await self._turn(event, message_id, known, window, claim, lease, deliver)
        finally:
            lease.stop()

    async def delivered(self, event: Inbound, sent: int) -> None:
        """Note that the channel pushed the first ``sent`` parts of the answer to ``event``
        (its API calls besides the webhook response, in its own units: ``Deliver``), so that
        a platform retry sends only the others: for a duplicate that pushed something (a
        turn's own pushes ride on its commit), one extra round trip."""
        await self.store.delivered(event.channel, event.user_id, _message_id(event), sent)

    async def _claim(self, event: Inbound, message_id: str, window: int | None) -> Claim:
        """Claim the message, waiting while another turn of the person's holds the lock (a
        retry of a message in progress waits for its answer)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.store.lease_s + BUSY_MARGIN_S
        wait = BUSY_FIRST_WAIT_S
        while True:
            # a claimed message is counted against the rate limit (by the store when it can,
            # in the same step): a platform's retry of a message never counts twice
            claim = await self.store.begin(
                event.channel, event.user_id, message_id, window, event.nonce
            )
            if claim.status != "busy":
                return claim
            if loop.time() >= deadline:
                raise TimeoutError(f"conversation {event.channel}:{event.user_id} stayed locked")
            await asyncio.sleep(wait)
            wait = min(wait * 2, BUSY_LONGEST_WAIT_S)

    async def _turn(
        self,
        event: Inbound,
        message_id: str,
        known: str | None,
        window: int | None,
        claim: Claim,
        lease: Lease,
        deliver: Deliver | None,
    ) -> Handled:
        """The turn in one database transaction: what it reads (the admin role and the
        prices when their caches are stale, the checkpoint, the account) and what it
        writes, committed with the checkpoint of the new state."""
        conv = Conversation.loads(claim.state)
        committed, again, noted = False, None, None
        try:
            async with self.turns.transaction() as txn:
                # the cached reads first, before the turn holds a connection: a turn that
                # waited for another's refresh while holding one could leave that one none
                role = known if known is not None else await self.admin_role(event)
                catalog = await self.prices.catalog() if self.prices is not None else None
                verdict = await self.rate.verdict(event, None if role else window, claim.count)
                if verdict is not RateVerdict.ALLOW:
                    return await self._reject(event, message_id, claim, conv, verdict)
                if claim.recovering or conv is None:
                    resumed = await resume(
                        self.turns, self.store, self.clock, event, message_id, conv
                    )
                    conv, again = resumed.conv or await self._fresh(event, role), resumed.again
                    conv.version = max(conv.version, resumed.version)
                if again is not None:  # committed before: its answer again, not redone
                    state, answer = again.state, again.replies
                    replies, lang = load_answer(answer)
                else:
                    base = conv.version
                    conv.version = base + 1
                    answered = await self._answer(conv, event, role, catalog)
                    if answered is None:  # nothing to keep: nothing written, anywhere
                        await self._write_back(event, message_id, claim)
                        return Handled("handled", [], conv.lang)
                    replies, lang = answered, conv.lang
                    if role and self.admins.heard(event.channel, event.user_id, lang):
                        await self.run(SetAdminLanguage(event.channel, event.user_id, lang))
                    async with txn.unguarded():  # a failed note fails the turn: no SAVEPOINT
                        noted = await self._note(event)
                    state, answer = conv.dumps(), dump_answer(replies, lang)
                    checkpoint = Checkpoint(conv.version, message_id, state, answer, self.clock())
                    await txn.commit(event.channel, event.user_id, checkpoint, base)
            committed = True
            if noted is not None:  # kept: the next ones within NOTE_EVERY need not write it
                self._noted[noted[0]] = noted[1]
        except BaseException as exc:
            if committed:
                raise
            if claim.recovering or isinstance(exc, StaleTurn):
                await self._release(event, claim.token)  # the database may be ahead
            else:
                await self.store.abort(event.channel, event.user_id, message_id, claim.token)
            raise
        try:  # a failure here leaves the turn to be finished from its checkpoint (sent again)
            # pushed while the lease runs on, and counted by the store's commit: no round trip
            sent = await deliver(replies, lang) if deliver is not None and replies else 0
            lease.stop()  # from here the store's commit settles the lock
            saved = await self.store.commit(
                event.channel, event.user_id, message_id, claim.token, state, answer, sent
            )
        except BaseException:
            await self._release(event, claim.token)
            raise
        finally:
            await txn.after_commit()
        if not saved:  # the lock was lost (its lease ran out, or Redis lost its memory)
            await self._release(event, claim.token)
        # pushed even when the lock was lost: the answer went out, the database has the turn
        return Handled("handled", replies, lang)

    async def _answer(
        self, conv: Conversation, event: Inbound, role: str, catalog: Catalog | None
    ) -> list[Reply] | None:
        """The turn's replies; a location the platform reported by itself is answered with
        none (a worker's kept as their recent location), or None when nobody's is kept."""
        if isinstance(event, LocationReported):
            return [] if keep_reported_location(conv, event) else None
        return await self.process(conv, event, role, catalog)

    async def _note(self, event: Inbound) -> tuple[tuple[str, str], datetime] | None:
        """Note that the person wrote (WeChat's 48-hour window; an account the platform
        called unreachable is reachable again), in the turn's transaction; what to remember
        once the turn committed (None: nothing was noted). A note that failed, or a turn that
        did not commit, is not remembered, so the person's next message notes it again."""
        if isinstance(event, PaymentReceived | LocationReported):  # the platform's, not theirs
            return None
        now, key = self.clock(), (event.channel, event.user_id)
        last = self._noted.get(key)
        if last is not None and now - last < NOTE_EVERY:
            return None
        if len(self._noted) >= NOTED_MAX:
            self._noted.clear()
        results = await self.run(NoteInbound(event.channel, event.user_id, now))
        return None if any(isinstance(r, Failed) for r in results) else (key, now)

    async def _release(self, event: Inbound, token: str) -> None:
        """Best effort, after the state could not be saved: let the retry in (else it waits
        out the lease), which recovers from the checkpoint."""
        try:
            await self.store.release(event.channel, event.user_id, token)
        except Exception:
            log.warning("%s:%s's lock stays until its lease ends", event.channel, event.user_id)

    async def _reject(
        self,
        event: Inbound,
        message_id: str,
        claim: Claim,
        conv: Conversation | None,
        verdict: RateVerdict,
    ) -> Handled:
        """End a turn over the rate limit: nothing runs (``_write_back``)."""
        await self._write_back(event, message_id, claim)
        if verdict is RateVerdict.DROP:
            return Handled("rejected")
        log.info("%s:%s is over the message rate limit", event.channel, event.user_id)
        lang = conv.lang if conv is not None else "zh"
        return Handled("rejected", [Say(TOO_MANY.get(lang))], lang)

    async def _write_back(self, event: Inbound, message_id: str, claim: Claim) -> None:
        """End a turn that changed nothing: the state is written back as it was, which marks
        the message done (a retry is a duplicate) and frees the lock — or, when the person's
        last turn never ended, the lock only (the next turn recovers)."""
        if claim.recovering:
            await self.store.release(event.channel, event.user_id, claim.token)
        elif claim.state is None:  # nothing saved yet, so nothing to write back
            await self.store.abort(event.channel, event.user_id, message_id, claim.token)
        else:
            await self.store.commit(
                event.channel, event.user_id, message_id, claim.token, claim.state, NO_ANSWER
            )

    async def _fresh(self, event: Inbound, admin_role: str = "") -> Conversation:
        conv = Conversation(lang="en" if event.lang_hint.lower().startswith("en") else "zh")
        for result in await self.run(FindCustomer(event.channel, event.user_id)):
            if isinstance(result, AccountFound):
                conv.customer_id, conv.worker_id = result.customer_id, result.worker_id
                conv.lang = result.lang
        if event.role in ("worker", "admin"):
            conv.role = event.role
        elif conv.worker_id is not None and conv.customer_id is None:
            conv.role = "worker"
        elif admin_role and conv.customer_id is None:
            conv.role = "admin"  # staff who are not customers start at the admin console
        conv.flow = {"worker": "worker", "admin": "admin"}.get(conv.role, "menu")
        conv.step = str(self.flows[conv.flow].FIRST)
        return conv

    def _known_role(self, event: Inbound) -> str | None:
        """``admin_role`` from memory, or None when it takes a read."""
        role = self.admins.known(event.channel, event.user_id)
        if role is None:
            return None
        if not role and self.demo_admin_pane and event.channel == "web" and event.role == "admin":
            return "owner"
        return role

    async def admin_role(self, event: Inbound) -> str:
        role = await self.admins.role(event.channel, event.user_id)
        if not role and self.demo_admin_pane and event.channel == "web" and event.role == "admin":
            return "owner"  # the demo's admin pane: a newcomer plays the owner
        return role

    async def process(
        self, conv: Conversation, event: Inbound, admin_role: str, catalog: Catalog | None = None
    ) -> list[Reply]:
        """Route ``event`` for ``conv`` (updated in place); return the replies. ``catalog``:
        the one with the admins' prices, read at the turn's start."""
        if catalog is None:
            catalog = await self.prices.catalog() if self.prices is not None else self.catalog
        account = f"{event.channel}:{event.user_id}"
        ctx = Ctx(catalog, self.rules, self.clock(), self.public_url, admin_role, account)
        conv.channel = event.channel
        # ``self.run`` is read per turn: it is the engine's one seam to the services
        return await Router(self.flows, self.run).answer(ctx, conv, event)


def _message_id(event: Inbound) -> str:
    """The id a message is claimed by: the platform's, else its time."""
    return event.message_id or f"t{event.at.timestamp()}"
