"""The sandbox payout provider (``daojia demo``, or the test mode ``DAOJIA_SANDBOX_PAYMENTS``):
every transfer is "paid" at once and no money moves. A withdrawal is paid once however often
it is sent; asked about, a transfer this process did not see is unknown to it."""

from __future__ import annotations

from domain.payouts import PayoutAccount, TransferOutcome, TransferStatus
from domain.withdrawals import Withdrawal


class SandboxPayouts:
    name = "sandbox"

    def __init__(self) -> None:
        self.paid: dict[int, int] = {}
        """Withdrawal id → amount, for what this process "paid"."""

    async def transfer(self, withdrawal: Withdrawal, account: PayoutAccount) -> TransferOutcome:
        assert withdrawal.id is not None
        self.paid.setdefault(withdrawal.id, withdrawal.amount_cents)
        return TransferOutcome(TransferStatus.PAID, f"sandbox-{withdrawal.id}")

    async def query(self, withdrawal: Withdrawal) -> TransferOutcome:
        if withdrawal.id in self.paid:
            return TransferOutcome(TransferStatus.PAID, f"sandbox-{withdrawal.id}")
        return TransferOutcome(TransferStatus.ABSENT)
