"""Property: whatever happens to orders — paid, cancelled with fees, refunded (also part of a
cancellation fee, after the cancellation), finished, confirmed, workers withdrawing — the
ledger balances, nothing goes negative, and no fen appears or vanishes. The operations use the
same journal builders as the service layer."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain import ledger as L
from domain.cancellation import cancellation_terms
from domain.lifecycle import OrderStatus
from domain.money import apply_rate
from domain.rules import CancellationRules, SettlementRules, WorkerLevel
from domain.settlement import commission_bp
from domain.withdrawals import available

T0 = datetime(2026, 12, 1, tzinfo=UTC)


@dataclass
class Order:
    id: int
    total: int
    deposit: int
    subsidy: int
    provider: str
    start: datetime
    status: OrderStatus = OrderStatus.AWAITING_PAYMENT
    paid: int = 0
    refunded: int = 0
    worker: int = 0
    late: bool = False
    compensation: int = 0
    settled: bool = False


@dataclass
class Book:
    entries: list[L.LedgerEntry] = field(default_factory=list)
    held: dict[int, int] = field(default_factory=dict)

    def post(self, journal: list[L.LedgerEntry]) -> None:
        assert sum(e.amount_cents for e in journal) == 0
        self.entries += journal

    def balance(self, account: str) -> int:
        return sum(e.amount_cents for e in self.entries if e.account == account)

    def prepaid(self, order_id: int) -> int:
        return L.prepaid_held(e for e in self.entries if e.order_id == order_id)


orders_st = st.lists(
    st.tuples(
        st.integers(1_000, 500_000),
        st.booleans(),
        st.integers(0, 5_000),
        st.sampled_from(["sandbox", "telegram", "wechat_pay"]),
        st.integers(1, 72),
    ),
    min_size=1,
    max_size=6,
)
ops_st = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "pay",
                "balance",
                "cancel",
                "finish",
                "confirm",
                "refund",
                "withdraw",
                "reject",
                "payout",
            ]
        ),
        st.integers(0, 5),
        st.integers(0, 1_000_000),
        st.integers(1, 4),
    ),
    max_size=40,
)


@settings(max_examples=250, deadline=None)
@given(orders_st, ops_st)
@example(  # paid, cancelled an hour before the start (30% fee kept), then ¥5 of the fee back
    [(10_000, False, 0, "wechat_pay", 3)],
    [("pay", 0, 0, 1), ("cancel", 0, 0, 1), ("refund", 0, 500, 1)],
)
def test_the_ledger_always_balances_and_no_fen_appears_or_vanishes(specs, ops):  # noqa: C901
    # the model of the money's life: one branch per operation, side by side on purpose
    book = Book()
    rules, cancel_rules = SettlementRules(), CancellationRules()
    now = T0
    orders = [
        Order(
            i + 1,
            total,
            apply_rate(total, 3_000) if dep else 0,
            min(sub, total),
            provider,
            T0 + timedelta(hours=hours),
        )
        for i, (total, dep, sub, provider, hours) in enumerate(specs)
    ]
    withdrawals: dict[int, tuple[int, int, str]] = {}
    cash_in, cash_out, payouts = defaultdict(int), defaultdict(int), 0
    for op, idx, amount, worker in ops:
        now += timedelta(hours=1)
        o = orders[idx % len(orders)]
        if op == "pay" and o.status == OrderStatus.AWAITING_PAYMENT:
            due = (o.deposit or o.total) - o.paid
            book.post(L.payment_received(f"P{o.id}{now.timestamp()}", o.provider, due, o.id, now))
            o.paid += due
            cash_in[o.provider] += due
            o.status, o.worker = OrderStatus.DISPATCHING, worker
        elif op == "balance" and o.status == OrderStatus.FINISHED and o.paid < o.total:
            due = o.total - o.paid
            book.post(L.payment_received(f"B{o.id}{now.timestamp()}", o.provider, due, o.id, now))
            o.paid += due
            cash_in[o.provider] += due
        elif op == "cancel" and o.status in (
            OrderStatus.AWAITING_PAYMENT,
            OrderStatus.DISPATCHING,
        ):
            terms = cancellation_terms(
                status=o.status,
                paid_cents=o.paid,
                deposit_cents=o.deposit,
                start_at=o.start,
                now=now,
                rules=cancel_rules,
            )
            if terms.fee_cents:
                book.post(L.fee_kept(o.id, o.id, terms.fee_cents, now))
            if terms.refund_cents:
                book.post(
                    L.refund_paid(
                        f"R{o.id}",
                        o.provider,
                        terms.refund_cents,
                        o.id,
                        now,
                        held=book.prepaid(o.id),
                    )
                )
                o.refunded += terms.refund_cents
                cash_out[o.provider] += terms.refund_cents
            o.status = OrderStatus.CANCELLED
        elif op == "finish" and o.status == OrderStatus.DISPATCHING:
            o.status, o.late = OrderStatus.FINISHED, amount % 3 == 0
            o.compensation = apply_rate(o.total, 1_000) if amount % 5 == 0 else 0
        elif op == "refund" and o.status in (OrderStatus.FINISHED, OrderStatus.CANCELLED):
            # a complaint's refund, or an admin's refund of (part of) a cancellation's fee
            part = min(amount, o.paid - o.refunded)
            if part > 0:
                ref = f"C{o.id}{now.timestamp()}"
                book.post(L.refund_paid(ref, o.provider, part, o.id, now, held=book.prepaid(o.id)))
                o.refunded += part
                cash_out[o.provider] += part
        elif op == "confirm" and o.status == OrderStatus.FINISHED and o.paid >= o.total:
            share = L.split(
                paid=o.paid - o.refunded,
                subsidy=o.subsidy,
                commission_bp=commission_bp(WorkerLevel.B, rules),
                late_deduction_bp=2_000 if o.late else 0,
                compensation=o.compensation,
            )
            book.post(
                L.settlement(
                    o.id, o.id, o.worker, share, now, worker + 10 if o.compensation else None
                )
            )
            o.status, o.settled = OrderStatus.SETTLED, True
            # worker + platform (net of what it funds) = what the customer paid, net of refunds
            assert share.worker + share.platform - share.subsidy == o.paid - o.refunded
        elif op == "withdraw":
            owed = -book.balance(L.worker_payable(worker))
            if 0 < amount <= available(owed, 0):
                wid = len(withdrawals) + 1
                book.post(L.withdrawal_held(wid, worker, amount, now))
                withdrawals[wid] = (worker, amount, "held")
        elif op in ("reject", "payout") and withdrawals:
            wid = (idx % len(withdrawals)) + 1
            w_worker, w_amount, state = withdrawals[wid]
            if state == "held":
                if op == "payout":
                    book.post(L.withdrawal_paid(wid, w_amount, now))
                    payouts += w_amount
                    withdrawals[wid] = (w_worker, w_amount, "paid")
                else:
                    book.post(L.withdrawal_released(wid, w_worker, w_amount, now))
                    withdrawals[wid] = (w_worker, w_amount, "rejected")

        # after every step: balanced, nothing negative, every fen accounted for
        assert sum(e.amount_cents for e in book.entries) == 0
        for provider in cash_in:
            assert book.balance(L.cash(provider)) == cash_in[provider] - cash_out[provider] >= 0
        assert book.balance(L.PAYOUTS) == -payouts
        for w in range(1, 15):
            assert book.balance(L.worker_payable(w)) <= 0  # the platform owes, never the worker
        assert book.balance(L.WITHDRAWALS_PENDING) <= 0
        for order in orders:
            assert sum(e.amount_cents for e in book.entries if e.order_id == order.id) == 0
            prepaid = -sum(
                e.amount_cents
                for e in book.entries
                if e.order_id == order.id and e.account == L.CUSTOMER_PREPAID
            )
            assert prepaid >= 0
            if order.settled or order.status == OrderStatus.CANCELLED:
                assert prepaid == 0  # fully released: refunded, fee or settlement
    every_amount = [e.amount_cents for e in book.entries]
    assert all(type(a) is int for a in every_amount)
