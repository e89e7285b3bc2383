"""Words in sentences meant for people: counting ("1 finding", "2 findings") and `Phrasebook`,
the fixed text of a report in one language.

A leaf module (standard library only) so that both the formatters, which may import nothing of
svccheck but the model, and the aggregate-report renderers can share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


def count(number: int, noun: str, plural: str | None = None) -> str:
    """`count(1, "finding")` -> "1 finding"; `count(3, "finding")` -> "3 findings".

    Languages without a plural give the same word twice: `count(3, "次访问", "次访问")` -> "3 次访问"."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


class Phrasebook:
    """A report's fixed text in one language, from tables a subclass names: `TEXT` (templates by
    language and key), `NOUNS` (singular and plural by language and noun), and for Chinese
    `COLUMNS_ZH` (table headers by their English) and `NAMES_ZH` (named values by kind). English
    shows headers and values as they are. Subclasses are frozen dataclasses with a `lang` field."""

    __slots__ = ()
    lang: str
    TEXT: ClassVar[Mapping[str, Mapping[str, str]]]
    NOUNS: ClassVar[Mapping[str, Mapping[str, tuple[str, str]]]]
    COLUMNS_ZH: ClassVar[Mapping[str, str]]
    NAMES_ZH: ClassVar[Mapping[str, Mapping[str, str]]]

    def __call__(self, key: str, **fields: object) -> str:
        """A heading or sentence; `fields` fill its {placeholders} (a template may leave some out)."""
        return self.TEXT[self.lang][key].format(**fields)

    def count(self, number: int, noun: str) -> str:
        """"1 finding", "2 findings"; "2 条问题"."""
        return count(number, *self.NOUNS[self.lang][noun])

    def column(self, header: str) -> str:
        return self.COLUMNS_ZH[header] if self.lang == "zh" else header

    def name(self, kind: str, value: str) -> str:
        """A named value (a severity, dimension, gap...); an unknown one is shown as it is."""
        return self.NAMES_ZH[kind].get(value, value) if self.lang == "zh" else value

    def join(self, parts: list[str]) -> str:
        return self("list").join(parts)
