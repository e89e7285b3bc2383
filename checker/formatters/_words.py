"""Counting words in report sentences: "1 finding", "2 findings"."""

from __future__ import annotations


def count(number: int, noun: str, plural: str | None = None) -> str:
    """`count(1, "finding")` -> "1 finding"; `count(3, "finding")` -> "3 findings"."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"
