"""The media store keeps each file's time as the app's clock gave it (``save``'s ``now``), so
the sweeps that delete by age (``ForgetUnsentUploads``) agree with an injected clock,
and lists what is older by reading only the months' folders it is asked about, in a folder
(``workers``) or its subfolders (``orders/N``)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from store.media import MediaStore

NEW_YEAR = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)


def test_a_file_keeps_the_time_it_was_saved_at(tmp_path):
    media = MediaStore(tmp_path)
    path = media.save("orders/7", b"x", "jpg", NEW_YEAR)
    assert media.saved_at(path) == NEW_YEAR
    assert media.saved_at("orders/7/202701/none.jpg") is None


def test_older_files_are_listed_across_a_year_and_newer_ones_not(tmp_path):
    media = MediaStore(tmp_path / "media")
    december = media.save("orders/7", b"x", "jpg", NEW_YEAR - timedelta(hours=2))
    january = media.save("orders/8", b"x", "jpg", NEW_YEAR - timedelta(minutes=30))
    media.save("orders/8", b"x", "jpg", NEW_YEAR)  # not before
    being_written = tmp_path / "media/orders/8/202701/now.part"
    being_written.write_bytes(b"x")
    os.utime(being_written, (NEW_YEAR.timestamp(), NEW_YEAR.timestamp()))
    cut_short = tmp_path / "media/orders/8/202701/crashed.part"  # a write a crash cut short
    cut_short.write_bytes(b"x")
    hour_ago = (NEW_YEAR - timedelta(hours=1)).timestamp()
    os.utime(cut_short, (hour_ago, hour_ago))
    crashed = "orders/8/202701/crashed.part"
    MediaStore(tmp_path).save("other", b"x", "jpg", NEW_YEAR - timedelta(hours=2))  # not below
    long_ago = media.save("orders/9", b"x", "jpg", NEW_YEAR - timedelta(days=90))
    media.save("complaints/7", b"x", "jpg", NEW_YEAR - timedelta(hours=2))  # another folder

    month_ago = NEW_YEAR - timedelta(days=30)
    assert media.saved_before("orders", NEW_YEAR, month_ago) == sorted(
        [december, january, crashed]
    )
    # the months before ``since``'s are not looked in
    everything = media.saved_before("orders", NEW_YEAR, NEW_YEAR - timedelta(days=120))
    assert everything == sorted([december, january, crashed, long_ago])
    assert media.saved_before("../", NEW_YEAR, month_ago) == []


def test_files_saved_straight_into_a_folder_are_listed_as_those_of_its_subfolders(tmp_path):
    media = MediaStore(tmp_path)
    december = media.save("workers", b"x", "jpg", NEW_YEAR - timedelta(hours=2))
    january = media.save("workers", b"x", "jpg", NEW_YEAR - timedelta(minutes=30))
    media.save("workers", b"x", "jpg", NEW_YEAR)  # not before
    month_ago = NEW_YEAR - timedelta(days=30)
    assert media.saved_before("workers", NEW_YEAR, month_ago) == sorted([december, january])
    # an order numbered like a month: its own month folder, its file listed once
    odd = media.save("orders/202612", b"x", "jpg", NEW_YEAR - timedelta(hours=2))
    assert media.saved_before("orders", NEW_YEAR, month_ago) == [odd]
