"""Counting words in sentences meant for people: "1 finding", "2 findings".

A leaf module (standard library only) so that both the formatters, which may import nothing of
svccheck but the model, and the aggregate-report renderers can share it.
"""

from __future__ import annotations


def count(number: int, noun: str, plural: str | None = None) -> str:
    """`count(1, "finding")` -> "1 finding"; `count(3, "finding")` -> "3 findings".

    Languages without a plural give the same word twice: `count(3, "次访问", "次访问")` -> "3 次访问"."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"
