"""Phrase-list parameters shared by the phrase-based kinds (phrases, phrase files, speakers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..paths import builtin_rules_dir
from ..text import PhraseError, PhraseMatcher, load_phrase_file
from . import CompileContext, CompileError

SPEAKERS = ("agent", "customer", "system")
SPEAKER_NAMES_ZH = {"agent": "坐席", "customer": "客户", "system": "系统"}

PHRASES_SCHEMA: Mapping[str, Any] = {
    "type": "array",
    "items": {"type": "string", "minLength": 1},
}
PHRASE_FILES_SCHEMA: Mapping[str, Any] = {
    "type": "array",
    "items": {"type": "string", "minLength": 1},
    "description": "Phrase files, one phrase a line; relative to the rule file, or builtin:NAME.",
}
SPEAKERS_SCHEMA: Mapping[str, Any] = {
    "type": "array",
    "items": {"enum": list(SPEAKERS)},
    "minItems": 1,
    "uniqueItems": True,
}


def resolve_phrase_file(name: str, context: CompileContext) -> Path:
    """`builtin:forbidden-zh` is a built-in list; anything else is relative to the rule file."""
    if name.startswith("builtin:"):
        return builtin_rules_dir() / "phrases" / f"{name.removeprefix('builtin:')}.txt"
    return (context.rule_file.parent / name).resolve()


def collect_phrases(
    params: Mapping[str, Any], context: CompileContext, key: str = "phrases", files_key: str = "phrase-files"
) -> list[str]:
    phrases = list(params.get(key, ()))
    for index, name in enumerate(params.get(files_key, ())):
        path = resolve_phrase_file(name, context)
        try:
            phrases.extend(load_phrase_file(path))
        except OSError as err:
            raise CompileError([files_key, index], f"cannot read phrase file {name}: {err.strerror or err}") from None
        except PhraseError as err:
            raise CompileError([files_key, index], f"{name}: {err}") from None
    return phrases


def compile_matcher(
    phrases: Sequence[str], key_path: Sequence[str | int], context: CompileContext
) -> PhraseMatcher:
    if not phrases:
        raise CompileError(key_path, "no phrases given (use phrases or phrase-files)")
    try:
        return PhraseMatcher(phrases)
    except PhraseError as err:
        raise CompileError(key_path, str(err)) from None


def matcher_from(params: Mapping[str, Any], context: CompileContext) -> PhraseMatcher:
    phrases = collect_phrases(params, context)
    inline = list(params.get("phrases", ()))
    try:
        return compile_matcher(phrases, ["phrases"], context)
    except CompileError as err:
        # Point at the offending phrase itself when it was written inline in the rule.
        culprit = next((i for i, p in enumerate(inline) if str(err).startswith(f'phrase "{p}"')), None)
        if culprit is None:
            raise
        raise CompileError(["phrases", culprit], str(err)) from None


def speakers_from(params: Mapping[str, Any], default: Sequence[str] = ("agent",)) -> frozenset[str]:
    return frozenset(params.get("speakers", default))


def quote(text: str, limit: int = 200) -> str:
    """Evidence text: the utterance, shortened only when very long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
