"""What the invoice flow says: the orders to choose from, the questions (title kind, company
name, tax id, email), the summary to confirm, and the answers to wrong input."""

from __future__ import annotations

from typing import NamedTuple

from conversations.flows.base import Ctx, tr, trn
from conversations.replies import Ask, Option, Reply, Say
from conversations.state import Conversation
from domain.catalog import Catalog
from domain.invoices import KIND_TEXT, TitleKind, named_title
from domain.money import format_yuan
from domain.text import named

ALL = "all"
PERSONAL, COMPANY, SAME = "personal", "company", "same"
EMAIL_SAME = "email_same"
YES, QUIT = "yes", "menu"
LISTED = 10
"""Orders offered as choices (the newest); older ones by their number."""


def _quit(conv: Conversation) -> Option:
    return Option(QUIT, tr(conv, "不开了"))


def item_name(catalog: Catalog, item_id: str, lang: str) -> str:
    try:
        return catalog.item(item_id).name.get(lang)
    except Exception:  # an item since removed from the catalog: its stored name
        return ""


class Row(NamedTuple):
    """An order that may be invoiced: its number, item, the amount not invoiced yet and what
    its earlier invoices cover."""

    number: int
    item_id: str
    amount_cents: int
    invoiced_cents: int = 0


def _label(ctx: Ctx, conv: Conversation, row: Row) -> str:
    label = (
        f"#{row.number} {item_name(ctx.catalog, row.item_id, conv.lang)}"
        f" {format_yuan(row.amount_cents)}"
    )
    if row.invoiced_cents:
        label += tr(conv, "(另有 {amount} 已开票)", amount=format_yuan(row.invoiced_cents))
    return label


def choose(ctx: Ctx, conv: Conversation, orders: tuple[Row, ...]) -> list[Reply]:
    """``orders``: the orders that may be invoiced."""
    options = [Option(f"o:{row.number}", _label(ctx, conv, row)) for row in orders[:LISTED]]
    if len(orders) > 1:
        total = format_yuan(sum(row.amount_cents for row in orders))
        options.append(
            Option(
                ALL,
                trn(
                    conv,
                    "全部 {count} 个订单({total})",
                    "全部 {count} 个订单({total})",
                    len(orders),
                    count=len(orders),
                    total=total,
                ),
            )
        )
    options.append(_quit(conv))
    return [
        Ask(
            tr(
                conv,
                "要为哪个订单开电子发票?(金额为已付减去退款和已开过发票的部分)也可以回复订单号。",
            ),
            tuple(options),
        )
    ]


def none_to_invoice(conv: Conversation, done: tuple[tuple[int, int, int], ...]) -> list[Reply]:
    """``done``: (number, amount invoiced, invoices) of paid orders already invoiced in full."""
    lines = [tr(conv, "目前没有可以开发票的金额:已支付、且还没申请过发票的金额才能开票。")]
    lines += [
        trn(
            conv,
            "订单 #{number}:已申请发票 {count} 张,共 {amount}",
            "订单 #{number}:已申请发票 {count} 张,共 {amount}",
            count,
            number=number,
            count=count,
            amount=format_yuan(cents),
        )
        for number, cents, count in done[:LISTED]
    ]
    return [Say("\n".join(lines))]


def all_invoiced(
    conv: Conversation, number: int, paid_cents: int, invoiced_cents: int, count: int
) -> list[Reply]:
    return [
        Say(
            trn(
                conv,
                "订单 #{number} 已付 {paid} 已全部申请过发票({count} 张,共 {invoiced}),"
                "目前没有新的可开票金额;之后再付的款可以再申请。",
                "订单 #{number} 已付 {paid} 已全部申请过发票({count} 张,共 {invoiced}),"
                "目前没有新的可开票金额;之后再付的款可以再申请。",
                count,
                number=number,
                paid=format_yuan(paid_cents),
                count=count,
                invoiced=format_yuan(invoiced_cents),
            )
        )
    ]


def not_invoiceable(conv: Conversation, number: int) -> list[Reply]:
    return [
        Say(tr(conv, "订单 #{number} 不能开发票(未支付、已全额退款或已申请过)。", number=number))
    ]


def kind(conv: Conversation, last_kind: str, last_title: str) -> list[Reply]:
    options = []
    if last_kind and last_title:
        title = named_title(last_kind, last_title) or named(KIND_TEXT, last_kind, conv.lang)
        options.append(Option(SAME, tr(conv, "和上次一样:{title}", title=title)))
    options += [
        Option(PERSONAL, tr(conv, "个人")),
        Option(COMPANY, tr(conv, "单位(公司)")),
        _quit(conv),
    ]
    return [Ask(tr(conv, "发票抬头是个人还是单位?"), tuple(options))]


def company_name(conv: Conversation) -> list[Reply]:
    return [Ask(tr(conv, "请输入单位名称(发票抬头):"), (_quit(conv),))]


def tax_id(conv: Conversation) -> list[Reply]:
    return [
        Ask(
            tr(conv, "请输入单位的税号(统一社会信用代码,18 位):"),
            (_quit(conv),),
        )
    ]


def email(conv: Conversation, last_email: str) -> list[Reply]:
    options = []
    if last_email:
        options.append(Option(EMAIL_SAME, tr(conv, "发到 {email}", email=last_email)))
    options.append(_quit(conv))
    return [Ask(tr(conv, "发票开好后发到哪个邮箱?请输入邮箱地址:"), tuple(options))]


def confirm(
    conv: Conversation,
    numbers: tuple[int, ...],
    amount_cents: int,
    kind: str,
    title: str,
    tax_id: str,
    email: str,
) -> list[Reply]:
    lines = [
        tr(conv, "请确认发票信息:"),
        tr(conv, "订单:{numbers}", numbers=" ".join(f"#{n}" for n in numbers)),
        tr(conv, "金额:{amount}", amount=format_yuan(amount_cents)),
        tr(conv, "抬头类型:{kind}", kind=named(KIND_TEXT, kind, conv.lang)),
    ]
    if kind == TitleKind.COMPANY:
        lines.append(tr(conv, "抬头:{title}", title=title))
        lines.append(tr(conv, "税号:{tax_id}", tax_id=tax_id))
    lines.append(tr(conv, "邮箱:{email}", email=email))
    options = (Option(YES, tr(conv, "确认开票")), _quit(conv))
    return [Ask("\n".join(lines), options)]


def requested(conv: Conversation, numbers: tuple[int, ...], emailed: bool) -> list[Reply]:
    if not emailed:
        return [
            Say(
                tr(
                    conv,
                    "已提交开票申请({count} 张),正在开具。开好后会把发票 PDF 链接发到这里。",
                    count=len(numbers),
                )
            )
        ]
    return [
        Say(
            tr(
                conv,
                "已提交开票申请({count} 张),正在开具。开好后会把发票 PDF 链接发到这里,"
                "并发送到您的邮箱。",
                count=len(numbers),
            )
        )
    ]


def bad_choice(conv: Conversation) -> Reply:
    return Say(tr(conv, "请点选要开票的订单,或回复列表里的订单号。"))


def bad_kind(conv: Conversation) -> Reply:
    return Say(tr(conv, "请选择「个人」或「单位」。"))


def bad_title(conv: Conversation) -> Reply:
    return Say(tr(conv, "单位名称应为 2 到 100 个字,请重新输入。"))


def bad_tax_id(conv: Conversation) -> Reply:
    return Say(
        tr(
            conv,
            "税号不对:统一社会信用代码是 18 位数字和大写字母(最后一位是校验码),请核对后重新输入。",
        )
    )


def bad_email(conv: Conversation) -> Reply:
    return Say(tr(conv, "邮箱地址格式不对,请重新输入,例如 name@example.com。"))


def press_a_button(conv: Conversation) -> Reply:
    return Say(tr(conv, "请点选「确认开票」,或发送「取消」。"))


def stopped(conv: Conversation) -> list[Reply]:
    return [Say(tr(conv, "好的,没有开发票。"))]
