"""No product text is written as one "中文 / English" literal shown to both languages (#16):
a phrase for people is a ``Bilingual(zh, en)`` pair (or ``tr(conv, zh, en)``), and whoever reads it
gets their own language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conversations.engine import TOO_MANY
from conversations.events import Failed
from domain.errors import DomainError
from domain.text import Bilingual

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("conversations", "bots", "webhooks", "scheduler", "domain", "store")
HAN = re.compile(r"[\u4e00-\u9fff]")
SLASH = re.compile(r"\s?/ ")
ENGLISH = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")
EXEMPT: set[tuple[str, str]] = set()
"""(file, text) a person may see that looks bilingual but is not, each with a comment saying
why (none so far)."""


def bilingual(text: str) -> bool:
    """Chinese, then ``/ `` and an English sentence with no Chinese after it."""
    if not HAN.search(text):
        return False
    for slash in SLASH.finditer(text):
        before, after = text[: slash.start()], text[slash.end() :]
        if HAN.search(before) and not HAN.search(after) and ENGLISH.search(after):
            return True
    return False


def _texts(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal but docstrings (an f-string's fields as ``{}``), with its line."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    inner = {
        id(value)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for value in node.values
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings or id(node) in inner:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            found.append((node.lineno, "".join(str(p) for p in parts)))
    return found


def bilingual_literals() -> list[str]:
    found = []
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if path.suffix == ".py":
                texts = _texts(ast.parse(path.read_text(encoding="utf-8")))
            elif path.suffix in (".html", ".js", ".j2", ".yaml"):
                lines = path.read_text(encoding="utf-8").splitlines()
                texts = list(enumerate(lines, 1))
            else:
                continue
            found += [
                f"{rel}:{line}: {text!r}"
                for line, text in texts
                if bilingual(text) and (rel, text) not in EXEMPT
            ]
    return found


def test_the_check_finds_a_bilingual_text_and_passes_one_language():
    assert bilingual("订单 #{} 不是您的任务 / order #{} is not assigned to you")
    assert bilingual("图片太大(最多 {} MB)/ the photo is too large")
    assert not bilingual("订单 #{} 不是您的任务")
    assert not bilingual("Order #{} is not assigned to you")
    assert not bilingual("完整记录:/audit #{}")
    assert not bilingual("请写明拒绝原因:/reject ID 原因")


def test_no_product_text_shows_chinese_and_english_split_by_a_slash():
    assert bilingual_literals() == []


def test_a_refusal_carries_both_languages_and_each_reader_gets_one():
    error = DomainError(Bilingual("找不到订单 #7", "No order #7"))
    assert str(error) == "找不到订单 #7"  # logs read the Chinese
    failed = Failed(error.text)
    assert failed.message.get("zh") == "找不到订单 #7"
    assert failed.message.get("en") == "No order #7"
    assert DomainError("a bug: checked before").text == Bilingual(
        "a bug: checked before", "a bug: checked before"
    )
    assert not bilingual(TOO_MANY.get("zh")) and not bilingual(TOO_MANY.get("en"))
