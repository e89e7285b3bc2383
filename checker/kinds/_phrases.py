"""Phrase-list parameters shared by the phrase-based kinds (phrases, phrase files, speakers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..paths import builtin_rules_dir
from ..problems import ProblemMessage, os_reason
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


class CompileErrors(CompileError):
    """Several problems of one check, all reported in one run (every bad file of a phrase-files
    list, say). The first is also this error's own path and message, for callers that show one."""

    def __init__(self, errors: Sequence[CompileError]) -> None:
        super().__init__(errors[0].path, errors[0].said)
        self.errors = tuple(errors)


def collect_phrases(
    params: Mapping[str, Any], context: CompileContext, key: str = "phrases", files_key: str = "phrase-files"
) -> list[str]:
    """The inline phrases and those of every phrase file; a file that cannot be read or holds a
    bad phrase raises CompileError, or CompileErrors naming each such file."""
    phrases = list(params.get(key, ()))
    errors = []
    for index, name in enumerate(params.get(files_key, ())):
        path = resolve_phrase_file(name, context)
        try:
            phrases.extend(load_phrase_file(path))
        except OSError as err:
            said = ProblemMessage.of("check.cannot_read_phrase_file", name=name, reason=os_reason(err))
            errors.append(CompileError([files_key, index], said))
        except PhraseError as err:
            errors.append(CompileError([files_key, index], _file_problem(err, path, name)))
    if errors:
        raise _grouped(errors)
    return phrases


def _file_problem(err: PhraseError, path: Path, name: str) -> ProblemMessage:
    """`lists/bad.txt:2: phrase "赔(偿": unbalanced '('...`: the file as the rule names it (the
    error names the resolved path), its line, then the phrase."""
    said = err.said_reason
    params = dict(said.params)
    if said.code == "phrase.file_not_utf8":
        params["file"] = name
    elif said.code == "phrase.in_file":  # a phrase of the file: named after the file and line
        phrase = dict(err.said.params)["phrase"]
        params["file"] = name
        params["reason"] = ProblemMessage.of("phrase.error", phrase=phrase, reason=params["reason"])
    else:
        return ProblemMessage.verbatim(err.reason.replace(str(path), name))
    return ProblemMessage(said.code, tuple(params.items()))


def _grouped(errors: Sequence[CompileError]) -> CompileError:
    return errors[0] if len(errors) == 1 else CompileErrors(errors)


def compile_matcher(
    phrases: Sequence[str], key_path: Sequence[str | int], context: CompileContext
) -> PhraseMatcher:
    if not phrases:
        raise CompileError(key_path, ProblemMessage.of("check.no_phrases"))
    try:
        return PhraseMatcher(phrases)
    except PhraseError as err:
        raise CompileError(key_path, err.said) from None


def matcher_from(params: Mapping[str, Any], context: CompileContext) -> PhraseMatcher:
    """The matcher of `phrases` and `phrase-files`; every bad file and every bad inline phrase
    (at its own index) is reported at once."""
    inline = list(params.get("phrases", ()))
    try:
        phrases = collect_phrases(params, context)
    except CompileError as err:
        files = list(err.errors) if isinstance(err, CompileErrors) else [err]
        raise _grouped([*_inline_errors(inline), *files]) from None
    try:
        return compile_matcher(phrases, ["phrases"], context)
    except CompileError as err:
        raise _grouped(_inline_errors(inline) or [err]) from None


def _inline_errors(inline: Sequence[str]) -> list[CompileError]:
    """Each inline phrase that does not compile on its own, located at its index."""
    errors = []
    for index, phrase in enumerate(inline):
        try:
            PhraseMatcher([phrase])
        except PhraseError as err:
            errors.append(CompileError(["phrases", index], err.said))
    return errors


def speakers_from(params: Mapping[str, Any], default: Sequence[str] = ("agent",)) -> frozenset[str]:
    return frozenset(params.get("speakers", default))


def quote(text: str, limit: int = 200) -> str:
    """Evidence text: the utterance, shortened only when very long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
