"""jsonschema's errors as messages of the catalogue (`svccheck.problems`), for every schema svccheck
validates: interactions, rules, configuration, waivers, standards, scorecards, check kinds and
test cases.

The English stays jsonschema's own message (its wording differs between versions); each keyword
with a template (`problems.CATALOGUE["schema.<keyword>"]`) also gets the values the template
names, so the message can be said in another language. A keyword without one stays verbatim,
and so does an error whose values cannot be told: wording an error never fails.

jsonschema is not imported here: the errors come from whoever validated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .problems import CATALOGUE, Param, ProblemMessage

if TYPE_CHECKING:
    import jsonschema

__all__ = ["KEYWORD_VALUES", "schema_message"]

_Values = tuple[str, dict[str, Param]] | None


def schema_message(error: jsonschema.ValidationError) -> ProblemMessage:
    """jsonschema's message for `error`, with the values of its keyword's template."""
    values = KEYWORD_VALUES.get(str(error.validator))
    found = values(error) if values is not None else None
    if found is None:
        return ProblemMessage.verbatim(error.message)
    code, params = found
    return ProblemMessage.of(code, message=error.message, **params)


def _required(error: jsonschema.ValidationError) -> _Values:
    # jsonschema says one missing property per error: the one its message starts with.
    required = error.validator_value if isinstance(error.validator_value, list) else []
    for name in required:
        if isinstance(error.instance, dict) and name not in error.instance and error.message.startswith(repr(name)):
            return "schema.required", {"property": repr(name)}
    return None


def _type(error: jsonschema.ValidationError) -> _Values:
    wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    types = tuple(
        ProblemMessage(f"json_type.{t}") if f"json_type.{t}" in CATALOGUE else ProblemMessage.verbatim(str(t))
        for t in wanted
    )
    return "schema.type", {"instance": repr(error.instance), "types": types}


def _limited(code: str, error: jsonschema.ValidationError) -> _Values:
    """minLength, minItems, minProperties: "should be non-empty" for a limit of 1, else "is too
    short"."""
    if error.validator_value == 1:
        code += ".empty"
    return code, {"instance": repr(error.instance), "limit": str(error.validator_value)}


# "Additional properties are not allowed ('a', 'b' were unexpected)", "'a' does not match any of
# the regexes: ...", "Unevaluated properties are not allowed ('a' was unexpected)": the keys.
_EXTRA_KEYS = re.compile(r"\((.+) (?:was|were) (?:unexpected|unevaluated and invalid)\)$|^(.+) (?:does|do) not match any of")


def _extra_keys(error: jsonschema.ValidationError) -> _Values:
    found = _EXTRA_KEYS.search(error.message)
    if found is None:
        return None
    return f"schema.{error.validator}", {"keys": found.group(1) or found.group(2)}


def _one_of(error: jsonschema.ValidationError) -> _Values:
    # jsonschema gives the branches' errors as the context of "is not valid under any of the
    # given schemas", and none with "is valid under each of ..." (more than one branch fits).
    return "schema.oneOf" if error.context else "schema.oneOf.many", {"instance": repr(error.instance)}


#: The values each keyword's template names, from the error (keyword -> (code, values) or None).
#: tests/test_problem_messages.py and test_rule_problem_messages.py fail when a schema svccheck
#: validates with uses a keyword that is not here, or has no zh template.
KEYWORD_VALUES: Mapping[str, Callable[[jsonschema.ValidationError], _Values]] = {
    "required": _required,
    "type": _type,
    "enum": lambda e: ("schema.enum", {"instance": repr(e.instance), "enum": repr(e.validator_value)}),
    "const": lambda e: ("schema.const", {"const": repr(e.validator_value)}),
    "minimum": lambda e: ("schema.minimum", {"instance": repr(e.instance), "minimum": repr(e.validator_value)}),
    "maximum": lambda e: ("schema.maximum", {"instance": repr(e.instance), "maximum": repr(e.validator_value)}),
    "exclusiveMinimum": lambda e: (
        "schema.exclusiveMinimum", {"instance": repr(e.instance), "minimum": repr(e.validator_value)}
    ),
    "minLength": lambda e: _limited("schema.minLength", e),
    "minItems": lambda e: _limited("schema.minItems", e),
    "minProperties": lambda e: _limited("schema.minProperties", e),
    "pattern": lambda e: ("schema.pattern", {"instance": repr(e.instance), "pattern": repr(e.validator_value)}),
    "uniqueItems": lambda e: ("schema.uniqueItems", {"instance": repr(e.instance)}),
    "additionalProperties": _extra_keys,
    "unevaluatedProperties": _extra_keys,
    "anyOf": lambda e: ("schema.anyOf", {"instance": repr(e.instance)}),
    "oneOf": _one_of,
    "not": lambda e: ("schema.not", {"instance": repr(e.instance), "schema": repr(e.validator_value)}),
}
