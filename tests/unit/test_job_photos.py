"""When a worker may add each kind of job photo, and the true reason when not: check in
first, the before photos first, or the order is past photos (``domain.execution``)."""

import pytest

import i18n  # noqa: F401 - installs the translations Text.get reads
from domain.execution import PHOTO_STATUSES, photo_refusal
from domain.lifecycle import OrderStatus as S
from domain.media import PhotoKind as K


@pytest.mark.parametrize("kind", list(K))
@pytest.mark.parametrize("status", list(S))
def test_a_photo_is_taken_exactly_in_the_statuses_of_its_kind(kind, status):
    refused = photo_refusal(status, kind, 7)
    assert (refused is None) == (status in PHOTO_STATUSES[kind])


@pytest.mark.parametrize(
    ("status", "kind", "said"),
    [
        (S.ARRIVED, K.AFTER, "订单 #7 还没有服务前照片,请先上传服务前照片。"),
        (S.ON_THE_WAY, K.AFTER, "订单 #7 现在不能上传这类照片(请先打卡)"),
        (S.ACCEPTED, K.BEFORE, "订单 #7 现在不能上传这类照片(请先打卡)"),
        (S.FINISHED, K.AFTER, "订单 #7 现在是「服务完成,待确认」,不能上传照片。"),
        (S.CANCELLED, K.BEFORE, "订单 #7 现在是「已取消」,不能上传照片。"),
    ],
)
def test_a_refused_photo_gives_the_true_reason(status, kind, said):
    refused = photo_refusal(status, kind, 7)
    assert refused is not None and refused.get("zh") == said


def test_the_door_photo_needs_the_location_first():
    assert photo_refusal(S.ON_THE_WAY, K.DOOR, 7, checked_in=True) is None
    refused = photo_refusal(S.ON_THE_WAY, K.DOOR, 7, checked_in=False)
    assert refused is not None and "请先打卡" in refused.get("zh")
