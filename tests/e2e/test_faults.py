"""Kill -9 and a Redis cut on two real ``daojia serve`` processes sharing PostgreSQL and Redis,
30 customers booking and paying through them, retrying as Telegram does (``bench/faults.py``,
the script that prints the fault table)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("fault", ["kill", "redis-cut"])
def test_thirty_customers_each_end_with_exactly_one_paid_order_through_the_fault(
    fault, postgres_url, redis_url
):
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "faults.py"),
            "--fault",
            fault,
            "--customers",
            "30",
            "--pg-url",
            PG_URL,
            "--redis-url",
            redis_url,
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    (outcome,) = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["paid"] == 30, outcome
    assert outcome["messages_lost"] == 0, outcome  # no retry answered without processing
    assert outcome["orders_duplicated"] == 0 and outcome["orphans"] == 0, outcome
    assert outcome["errors_after_back"] == 0, outcome  # no 5xx once the process is back
    assert outcome["recover_s"] < 12, outcome  # a dead turn's lease, then its retry
