"""The dashboard's board counts the orders needing someone as they are — up to 500, then
"500+" — and lists the oldest 100 with how many more; it showed the 100 it had read (from
the 131 waiting for a worker) as the number there were."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.lifecycle import OrderStatus
from store.catalog_file import load_catalog
from store.reports_repo import Stuck, StuckOrder
from webhooks import dashboard_view as dash

CATALOG, _ = load_catalog()
NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


def stuck(n: int) -> list[StuckOrder]:
    at = NOW - timedelta(hours=1)
    return [
        StuckOrder(240000 + i, OrderStatus.DISPATCHING, "daily_cleaning", NOW, Stuck.NO_WORKER, at)
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("n", "count", "listed", "hidden"),
    [(3, "3", 3, ""), (131, "131", 100, "31"), (501, "500+", 100, "400+")],
)
def test_the_count_is_what_there_is_and_the_list_says_what_it_leaves_out(n, count, listed, hidden):
    board = dash._board(CATALOG, ZoneInfo("Asia/Shanghai"), NOW, {}, [], stuck(n), "owner", "zh")
    assert (board["stuck_count"], len(board["stuck"]), board["stuck_hidden"]) == (
        count,
        listed,
        hidden,
    )
