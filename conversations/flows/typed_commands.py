"""Typed commands: ``/accept #240117``, WeChat's slash-less ``accept 240117`` and Chinese
keywords (``接单 240117``, ``出发 #240117``, ``上线``). A keyword only counts as a command when
it stands alone or is followed by an order number, so free text is never hijacked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.understanding.intents import ORDER_NUMBER

WORKER = {
    "register": ("register", "注册师傅", "师傅注册", "我要当师傅"),
    "online": ("online", "上线", "开工"),
    "offline": ("offline", "下线", "收工"),
    "jobs": ("jobs", "schedule", "任务", "我的任务", "日程"),
    "earnings": ("earnings", "收入", "我的收入"),
    "accept": ("accept", "接单", "抢单"),
    "decline": ("decline", "拒单", "拒绝"),
    "onway": ("onway", "on my way", "set off", "出发"),
    "checkin": ("checkin", "check in", "arrived", "打卡", "到达"),
    "photo": ("photo", "拍照", "照片"),
    "finish": ("finish", "完工"),
    "transfer": ("transfer", "转单"),
    "cancel_transfer": ("cancel_transfer", "cancel transfer", "取消转单", "撤回转单"),
    "withdraw": ("withdraw", "提现"),
    "payout_account": ("payout_account", "payout account", "收款账户", "银行卡"),
    "rate_customer": ("rate_customer", "评价客户", "rate the customer"),
    "renew": ("renew", "更新证书", "上传证书", "renew a document"),
    "stage": ("stage", "进度"),
    "contact_customer": (
        "contact_customer",
        "联系顾客",
        "回复顾客",
        "contact customer",
        "reply to customer",
    ),
    "surcharge": ("surcharge", "extra", "加价", "申请加价", "现场加价"),
}
CUSTOMER = {
    "confirm": ("confirm", "确认完成"),
    "pay": ("pay", "pay balance", "支付", "支付尾款", "付款"),
    "complain": ("complain", "投诉"),
    # a button's label is also its words (WeChat shows "可回复:评价本次服务 #N")
    "rate": ("rate", "评价", "评价本次服务", "rate the service", "rate it"),
    "rework": ("rework", "预约返工", "返工", "book the rework"),
    "chat_support": ("chat_support", "回复客服", "reply to support"),
    "end_support": ("end_support", "结束咨询", "end support"),
    "rate_support": ("rate_support", "客服评分", "rate support"),
    "contact_worker": (
        "contact_worker",
        "联系师傅",
        "回复师傅",
        "contact worker",
        "reply to worker",
    ),
    "surcharge_yes": ("surcharge_yes", "approve extra", "同意加价"),
    "surcharge_no": ("surcharge_no", "decline extra", "拒绝加价"),
    "replace": ("replace", "更换师傅", "换阿姨", "换师傅"),
    "renew_placement": ("renew_placement", "续约", "续签", "renew contract"),
    "interview": ("interview", "面试", "约面试"),
    "end_contract": ("end_contract", "终止合同", "解约", "end contract"),
    # with an order number only (``WITH_NUMBER_ONLY``): alone, the invoice flow's own words
    "invoice": ("invoice", "发票", "开发票", "开票", "电子发票", "申请发票"),
}
ADMIN = {
    "workers": ("workers", "师傅列表"),
    "worker": ("worker", "查看师傅"),
    "approve": ("approve", "通过"),
    "reject": ("reject", "驳回"),
    "assign": ("assign", "指派"),
    "withdrawals": ("withdrawals", "提现审批"),
    "payout": ("payout", "打款"),
    "reject_withdrawal": ("reject_withdrawal",),
    "refunded": ("refunded", "已退款"),
    "waive": ("waive", "免除尾款"),
    "refund_card": ("refund_card", "退次卡"),
    "ledger": ("ledger", "账本"),
    "stats": ("stats", "统计"),
    "orders": ("orders", "订单列表"),
    "order": ("order", "订单详情"),
    "customer": ("customer", "客户", "查客户", "客户资料"),
    "audit": ("audit", "订单日志"),
    "explain": ("explain", "派单说明"),
    "renewals": ("renewals", "待审证书"),
    "approve_cert": ("approve_cert", "通过证书"),
    "reject_cert": ("reject_cert", "驳回证书"),
    "reassign": ("reassign", "改派"),
    "handover": ("handover", "交接"),
    "terminate": ("terminate", "提前终止"),
    "cancel": ("cancel", "取消订单"),
    "reschedule": ("reschedule", "改期"),
    "refund": ("refund", "退款"),
    "suspend": ("suspend", "暂停接单"),
    "unsuspend": ("unsuspend", "恢复接单"),
    "leave": ("leave", "离职"),
    "price": ("price", "改价"),
    "prices": ("prices", "价格表"),
    "coupon": ("coupon", "发券"),
    "promo": ("promo", "优惠码"),
    "broadcast": ("broadcast", "群发"),
    "admin": ("admin", "管理员"),
    "complaints": ("complaints", "投诉列表"),
    "complaint": ("complaint", "投诉详情"),
    "reply": ("reply", "回复投诉", "回复工单"),
    "tickets": ("tickets", "工单列表"),
    "ticket": ("ticket", "查看工单", "工单详情"),
    "take": ("take", "接工单"),
    "close": ("close", "关闭工单"),
    "resolve": ("resolve", "处理投诉"),
    "release": ("release", "放行"),
    "levels": ("levels", "师傅评级"),
    "spotchecks": ("spotchecks", "抽检任务"),
    "checked": ("checked", "抽检完成"),
    "dashboard": ("dashboard", "看板", "仪表盘"),
    "invoices": ("invoices", "发票列表"),
    "campaign": ("campaign", "营销活动"),
    "campaigns": ("campaigns", "活动列表"),
    "relay": ("relay", "聊天记录"),
}
NEEDS_NUMBER = {
    "accept",
    "decline",
    "onway",
    "checkin",
    "photo",
    "finish",
    "transfer",
    "cancel_transfer",
    "confirm",
    "pay",
    "assign",
    "complain",
    "rate",
    "rework",
    "rate_customer",
    "surcharge",
    "surcharge_yes",
    "surcharge_no",
}
_WORDS = sorted(
    (
        (w, name, group)
        for group, table in (("worker", WORKER), ("customer", CUSTOMER), ("admin", ADMIN))
        for name, words in table.items()
        for w in words
    ),
    key=lambda x: -len(x[0]),
)
_BY_FIRST: dict[str, list[tuple[str, str, str, str]]] = {}
"""The words by the first character of their casefolded form, longest first: a message is
checked against a handful of them, not all (this runs on every message)."""
for _word, _name, _group in _WORDS:
    _folded = _word.casefold()
    _BY_FIRST.setdefault(_folded[:1], []).append((_folded, _word, _name, _group))
WITH_NUMBER_ONLY = frozenset(
    {
        "on my way",
        "set off",
        "check in",
        "arrived",
        "rate it",
        "rate the service",
        "rate the customer",
        "book the rework",
        *CUSTOMER["invoice"],
    }
)
"""Words that are a command only with an order number (``on my way #240117``, as the job's
button reads): alone they are what a worker writes to a customer in the relay chat — or, for
"invoice" (发票), a whole message the invoice flow is opened by (``global_words``)."""
BARE_ADMIN = {
    "workers",
    "stats",
    "orders",
    "withdrawals",
    "admin",
    "prices",
    "complaints",
    "spotchecks",
    "levels",
    "dashboard",
    "invoices",
    "campaigns",
    "renewals",
    "tickets",
}
"""Admin words that are commands on their own, typed without a slash (WeChat)."""
_NUMBER = re.compile(rf"{ORDER_NUMBER}(?!\d)")  # a phone number is not an order number
BEFORE = {"before", "服务前", "前"}
AFTER = {"after", "服务后", "后"}


@dataclass(frozen=True, slots=True)
class Typed:
    group: str  # worker, customer or admin
    name: str
    args: str
    number: int | None


def parse(text: str, slash: bool = False) -> Typed | None:
    """The command in ``text`` (``slash``: it came as a /command), or None for free text."""
    raw = text.strip()
    if raw.startswith("/"):
        raw, slash = raw[1:], True
    low = raw.casefold()
    for folded, word, name, group in _BY_FIRST.get(low[:1], ()):
        if not low.startswith(folded):
            continue
        rest = raw[len(word) :]
        if rest and not (rest[0].isspace() or rest[0] in "#0123456789@"):
            continue  # "registered", "photos of my kitchen"
        args = rest.strip()
        m = _NUMBER.match(args)
        number = int(m.group(1)) if m else None
        if (
            not slash
            and group != "admin"
            and args
            and m is None
            and name not in ("photo", "withdraw", "rate_support")
        ):
            return None
        if not slash and group == "admin" and not args and name not in BARE_ADMIN:
            return None
        if not slash and m is None and word in WITH_NUMBER_ONLY:
            return None
        if not slash and name == "pay" and m is None:
            return None  # a bare "支付" answers the flow it is typed in (e.g. the checkout)
        return Typed(group, name, args[m.end() :].strip() if m else args, number)
    return None


def photo_kind(args: str) -> str | None:
    word = args.strip().casefold()
    if word in BEFORE:
        return "before"
    if word in AFTER:
        return "after"
    return None
