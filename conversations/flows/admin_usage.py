"""How each admin command is written: shown when one is malformed and in ``/help``."""

from __future__ import annotations

from domain.text import N_, Text

USAGE: dict[str, Text] = {
    "stats": N_("/stats [today|week|month]"),
    "orders": N_(
        "/orders [状态|待接单|进行中|stuck] [日期] | /orders 新单 [日期] | "
        "/orders 手机号|客户 客户ID"
    ),
    "customer": N_("/customer 手机号|客户ID(客户资料与最近订单)"),
    "order": N_("/order #订单号"),
    "audit": N_("/audit #订单号"),
    "relay": N_("/relay #订单号(顾客与师傅的聊天记录)"),
    "explain": N_("/explain #订单号"),
    "reassign": N_("/reassign #订单号 师傅ID"),
    "transfer": N_("/transfer #订单号 [师傅ID](转给附近空闲师傅或指定师傅,原师傅获补偿)"),
    "handover": N_("/handover #订单号 师傅ID [交接日期,如 12-01 或 下周一]"),
    "terminate": N_("/terminate #订单号 [终止日期,如 12-01 或 下周一]"),
    "cancel": N_("/cancel #订单号 [原因]"),
    "reschedule": N_("/reschedule #订单号 新时间(如 明天 15:00)"),
    "refund": N_("/refund #订单号 金额(元)"),
    "waive": N_("/waive #订单号 原因(免除已完工订单未付的尾款)"),
    "suspend": N_("/suspend 师傅ID 原因"),
    "unsuspend": N_("/unsuspend 师傅ID"),
    "leave": N_("/leave 师傅ID [原因](离职,保证金到期退还)"),
    "prices": N_("/price [项目]"),
    "price": N_("/price 项目 金额(元)"),
    "coupon": N_("/coupon issue 客户ID或手机号 金额(元) [天数]"),
    "promo": N_("/promo 优惠码 金额(元) [满多少元] [天数] [总张数] [每人次数]"),
    "broadcast": N_("/broadcast 内容(先预览)| /broadcast send 群发号(确认发送)"),
    "admin": N_("/admin list | add 渠道:用户ID 角色 | remove 渠道:用户ID"),
    "complaints": N_("/complaints"),
    "complaint": N_("/complaint 投诉ID"),
    "reply": N_("/reply 投诉ID|T工单号 回复内容"),
    "tickets": N_("/tickets"),
    "ticket": N_("/ticket T工单号"),
    "take": N_("/take T工单号"),
    "close": N_("/close T工单号"),
    "resolve": N_("/resolve 投诉ID partial [金额] | full | rework [same|other] | reject 原因"),
    "release": N_("/release #订单号"),
    "levels": N_("/levels [师傅ID]"),
    "spotchecks": N_("/spotchecks"),
    "checked": N_("/checked 抽检ID 结果"),
    "dashboard": N_("/dashboard"),
    "campaign": N_(
        "/campaign [等级=黄金] [沉睡=30] [区域=徐汇区] [买过=日常保洁]"
        " [金额=20] [门槛=100] [天数=14](先预览人数)| /campaign send 活动号(确认发送)"
    ),
    "campaigns": N_("/campaigns"),
}
"""How to write each command, in the admin's language (the Chinese keywords work too)."""
