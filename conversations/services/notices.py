"""Messages to people outside their own conversation turn (a worker's offer, a customer's
"your worker is on the way"): an event name and its data. They are rendered from the Jinja2
templates in ``templates/notify/<language>/<event>.j2`` (a channel may override one) in the
recipient's language and written to the outbox with the change they report (see
``conversations.services.postman``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.aftersales import stars_text
from domain.moments import When
from domain.people import Address, Worker
from domain.privacy import masked_address
from domain.text import Field, Phrase
from i18n import SOURCE, TABLES, ngettext

EVENTS: dict[str, frozenset[str]] = {
    name: frozenset(fields.split())
    for name, fields in {
        # dispatch
        "job_offered": "number item mode when where km earn minutes",
        "job_lost": "number",
        "offer_withdrawn": "number",
        "offer_expired": "number",
        "job_assigned": "number",
        "job_reassigned": "number",
        "transfer_compensated": "number amount",
        "transfer_unavailable": "number",
        "transfer_withdrawn": "number",
        "transfer_by_admin": "number",
        "transfer_unavailable_admin": "number worker_id",
        "overlap_transfer": "number other amount",
        "order_accepted": "number worker stars reviews code",
        "worker_changed": "number worker stars reviews code",
        "no_worker": "number",
        "no_worker_admin": "number reasons",
        # workers' documents
        "certificate_expiring": "document expires days",
        "certificate_renewal_admin": "worker worker_id document expires",
        "certificate_approved": "documents",
        "certificate_rejected": "documents reason",
        # the visit
        "on_the_way": "number worker stars reviews eta arrive source",
        "arrived": "number worker",
        "job_stage": "number stage_zh stage_en n total",
        "surcharge_requested": "number sid amount items_zh items_en minutes photos",
        "surcharge_approved_worker": "number amount",
        "surcharge_declined_worker": "number amount",
        "surcharge_paid_worker": "number amount",
        "surcharge_lapsed_worker": "number",
        "surcharge_lapsed": "number",
        "visit_code_failed_admin": "number worker_id misses",
        "late_deducted": "number late percent",
        "suspended_for_lateness": "count days",
        "suspended_for_lateness_admin": "worker worker_id count days",
        "finished": "number photos balance hours",
        "confirmed_worker": "number",
        "auto_confirmed": "number",
        "cancelled_worker": "number",
        # money
        "order_paid": "number amount next",
        "refund_paid": "number amount",
        "order_expired": "number item when coupon points recurring",
        "late_payment_returned": "number amount",
        "balance_waived": "number amount",
        "balance_waived_worker": "number amount",
        "waived_payment_returned": "number amount",
        "refund_by_hand_admin": "amount reference note",
        "settled": "number earn",
        "withdrawal_to_approve_admin": "withdrawal_id worker worker_id amount",
        "withdrawal_paid": "amount",
        "deposit_held": "number amount held target",
        "deposit_charged": "number amount held",
        "deposit_released": "amount",
        "worker_left": "amount days",
        "withdrawal_refused": "amount reason",
        "withdrawal_failed": "amount reason",
        "withdrawal_held": "amount name",
        "withdrawal_held_admin": "withdrawal_id worker worker_id amount holder account",
        "withdrawal_failed_admin": "withdrawal_id worker worker_id amount reason detail",
        "daily_report_admin": "day cash_in revenue subsidies owed paid payouts",
        # membership
        "points_credited": "number points balance reason months",
        "points_expired": "points balance",
        "member_level_up": "level price",
        # electronic invoices
        "invoice_issued": "number invoice_no amount url",
        "invoice_email": "number invoice_no amount url",
        "invoice_failed_admin": "id number note",
        "invoice_failed": "id number amount",
        "invoice_not_owed_admin": "id number amount full",
        "invoice_not_owed": "id number amount full",
        "invoice_refunded_admin": "id number invoice_no amount",
        # insurance
        "insurance_failed_admin": "number voiding note",
        "birthday_coupon": "amount threshold days",
        "card_active": "card_zh card_en visits until",
        "card_expiring": "card_zh card_en visits until",
        "card_expired": "card_zh card_en visits",
        "card_refunded": "card_zh card_en amount",
        # long placements
        "placement_period_due": "number seq count amount first last due",
        "placement_period_settled": "number seq earn",
        "placement_replacement_asked": "number free_left",
        "placement_replacement_admin": "number worker_id reason candidates",
        "placement_handover": "number worker on",
        "placement_handover_new": "number on",
        "placement_handover_old": "number on",
        "placement_terminated": "number on days fee refund",
        "placement_ended_worker": "number on",
        "placement_ending": "number end days",
        "placement_renewed": "number new start amount pay_by",
        "placement_interview": "number at",
        "placement_end_asked": "number on days fee refund",
        "placement_end_asked_admin": "number on days fee refund typed",
        "placement_interview_worker": "number at",
        # workers
        "worker_registered_admin": "worker worker_id skills",
        "worker_approved": "",
        "worker_rejected": "reason",
        # support
        "support_message_admin": "ticket customer_id channel text photos opened",
        "ticket_waiting_admin": "ticket customer_id minutes",
        "ticket_reply": "ticket text",
        "ticket_closed": "ticket id",
        "ticket_ended_admin": "ticket customer_id",
        # the masked relay chat between an order's customer and worker
        "relay_message": "number sender text photos where",
        "sos_admin": "who channel number address where checked_in where_error_m customer "
        "customer_phone worker "
        "worker_phone contact contact_relation contact_phone contact_texted sms",
        "sos_contact": "name number",
        # admin desk
        "broadcast": "text",
        "coupon_issued": "amount code days",
        "campaign_coupon": "amount threshold days until",
        # one person, several chat accounts
        "link_code": "code channel minutes",
        "account_linked": "channel",
        "cancelled_by_admin": "number reason refund fee why",
        "cancelled_by_admin_worker": "number",
        "rescheduled": "number when fee",
        "rescheduled_worker": "number when was",
        "rescheduled_released": "number when was",
        "worker_suspended": "reason",
        "worker_reinstated": "",
        # reminders and recurring bookings
        "reminder_day": "number item when worker",
        "reminder_day_worker": "number item when where",
        "reminder_hour": "number item when worker departed arrive",
        "reminder_hour_worker": "number item when where departed",
        "confirm_reminder": "number balance auto",
        "recurring_order": "number item when amount total pay_by",
        "recurring_skipped": "item when reason next stopped",
        "recurring_failed_admin": "booking customer when next",
        "recurring_unpaid_ended": "number weekday at_time",
        # after-sales
        "complaint_opened_admin": "complaint_id number category text photos minutes",
        "complaint_waiting_admin": "complaint_id number category text photos minutes",
        "complaint_reply": "complaint_id number text",
        "complaint_resolved": "complaint_id number resolution amount reason by_rule",
        "complaint_resolved_worker": "complaint_id number resolution amount reason by_rule",
        "complaint_auto_resolved_admin": "complaint_id number resolution amount reason by_rule",
        "complaint_compensated": "complaint_id number amount code days",
        "rating_review_admin": "number worker worker_id stars tags text",
        "level_changed": "old new score suspended",
        "levels_changed_admin": "count report",
        "spot_checks_admin": "day orders",
        "order_held": "number",
        "order_held_admin": "number reason",
        # referrals
        "referral_inviter": "amount threshold days",
        "referral_invitee": "amount threshold days",
    }.items()
}
"""Every event and the data its templates get (checked when a notice is made, and by the
test that renders every template for every channel and language)."""


@dataclass(frozen=True)
class Notice:
    """``to`` is ``customer``, ``worker`` or ``admins`` (then ``roles`` says which)."""

    to: str
    id: int
    event: str
    data: Mapping[str, Any] = field(default_factory=dict)
    roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        expected = EVENTS.get(self.event)
        if expected is None or set(self.data) != expected:
            raise ValueError(f"notice {self.event!r} takes {sorted(expected or ())}")


QUIET = frozenset({"job_stage"})
"""Events told without a sound where the channel can (Telegram's ``disable_notification``):
news, not a call to act."""


def to_customer(customer_id: int, event: str, **data: Any) -> Notice:
    return Notice("customer", customer_id, event, data)


def to_worker(worker_id: int, event: str, **data: Any) -> Notice:
    return Notice("worker", worker_id, event, data)


def to_admins(event: str, *roles: str, **data: Any) -> Notice:
    """To every admin with one of ``roles`` (owner and ops by default); owners get all."""
    return Notice("admins", 0, event, data, roles or ("owner", "ops"))


def in_both(phrase: Phrase) -> dict[str, str]:
    """``phrase`` as a notice's data carries it: in each language, for the template of the
    reader's (``{{ item.en }}``, ``{{ item.zh }}``)."""
    return {"zh": phrase.get("zh"), "en": phrase.get("en")}


def masked_where(address: Address | None) -> dict[str, str] | str:
    """A job's ``where`` for a worker who has not taken it: the address masked to its
    district and street, in each language (``where.en``: the district in pinyin); "—" when
    the order has no address."""
    if address is None:
        return "—"
    return in_both(masked_address(address.text, address.district))


def worker_rating(worker: Worker) -> dict[str, Any]:
    """A worker's rating as a customer's notice carries it: ``stars`` the mean of their
    customers' ratings ("4.8") and ``reviews`` how many rated them. A worker nobody has rated
    yet has ``reviews`` 0 and ``stars`` empty: the 5.0 dispatch starts everyone at is no rating
    to tell a customer (the templates say the worker is new)."""
    return {
        "stars": stars_text(worker.rating_x100) if worker.reviews else "",
        "reviews": worker.reviews,
    }


def for_reader(data: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A notice's data as one reader's template sees it: a moment or a day (``When``)
    written in their language, ``lang`` itself under ``lang``."""
    shown = {k: v.get(lang) if isinstance(v, When) else v for k, v in data.items()}
    return {**shown, "lang": lang}


def t(lang: str, msgid: str, /, **params: Field) -> str:
    """The message ``msgid`` in ``lang`` (see ``conversations.flows.base.tr``)."""
    text = TABLES.get(lang, SOURCE).get(msgid, msgid)  # gettext, inline
    return text.format_map(params) if params else text


def tn(lang: str, msgid: str, plural: str, n: int, /, **params: Field) -> str:
    """The form of ``msgid`` in ``lang`` for ``n`` of something (see
    ``conversations.flows.base.trn``)."""
    text = ngettext(lang, msgid, plural, n)
    return text.format_map(params) if params else text
