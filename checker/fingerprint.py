"""Stable finding fingerprints: the same violation has the same fingerprint in every run.

A fingerprint is the first 16 hex digits of a SHA-256 over

- the scheme tag ``svccheck/v1``, the rule id and the interaction id;
- the evidence text normalised with `svccheck.text.normalise` and with all whitespace removed
  (so a re-export that changes width, case, curly quotes, spacing or Traditional/Simplified
  script does not change it);
- the identity of the measured subject when the check names one: the promise id, the
  checklist item, the survey dimension (``IDENTITY_FIELDS``).

The event index, the event time, the file and the line are deliberately *not* part of it:
re-exporting the same interactions in another order, into other files, or with an extra event
earlier in a conversation gives the same fingerprints. Neither is the message, which depends on
`--lang` and on the rule's wording.

Two findings of one interaction and rule with the same material (the same utterance said
twice) are told apart by occurrence: the first keeps the plain fingerprint, the n-th (n >= 2,
in report order, i.e. event order) hashes the first one with ``#n``. Used by `--baseline`
(`svccheck.baseline`) and SARIF ``partialFingerprints``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .model import Evidence, Finding, Localised
from .text import normalise

SCHEME = "svccheck/v1"
LENGTH = 16
#: Template fields that name the measured subject, in the order they are hashed.
IDENTITY_FIELDS: tuple[str, ...] = ("promise", "item", "dimension")

_SEP = "\x1f"  # unit separator: cannot occur in normalised text or ids from JSON keys


def _digest(material: str) -> str:
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:LENGTH]


def _squeezed(text: str) -> str:
    return "".join(normalise(text).split())


def fingerprint(
    rule: str, interaction: str, evidence: Evidence, fields: Mapping[str, Any], normalised: str | None = None
) -> str:
    """The plain (first-occurrence) fingerprint of one finding. `normalised`: the evidence text
    already normalised (an utterance's `norm_text`), so it is not normalised again."""
    if normalised is not None:
        text = "".join(normalised.split())
    else:
        text = _squeezed(evidence.text) if evidence.text else ""
    material = f"{_HEAD}{rule}{_SEP}{interaction}{_SEP}{text}"
    for name in IDENTITY_FIELDS:
        if name in fields:
            material += f"{_SEP}{name}={_identity(fields[name])}"
    return _digest(material)


_HEAD = SCHEME + _SEP
_IDENTITIES: dict[str | Localised, str] = {}  # identity field value -> its squeezed text
_IDENTITIES_KEPT = 4096


def _identity(value: Any) -> str:
    """An identity field's value as hashed: its text, squeezed. Texts and `Localised` names are
    remembered, as the same few (survey dimensions, checklist items) recur in finding after
    finding. Nothing else is: equal numbers can have different texts (1, 1.0, True; 0.0, -0.0)."""
    if type(value) is not str and type(value) is not Localised:
        return _squeezed(str(value))
    said = _IDENTITIES.get(value)
    if said is None:
        said = _squeezed(str(value))
        if len(_IDENTITIES) >= _IDENTITIES_KEPT:
            _IDENTITIES.clear()
        _IDENTITIES[value] = said
    return said


def occurrence(plain: str, number: int) -> str:
    """The fingerprint of the `number`-th (1-based) finding sharing the plain fingerprint."""
    return plain if number == 1 else _digest(f"{plain}#{number}")


def disambiguate(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in their order, repeated plain fingerprints numbered by occurrence."""
    seen: Counter[str] = Counter()
    out = []
    for finding in findings:
        seen[finding.fingerprint] += 1
        number = seen[finding.fingerprint]
        out.append(finding if number == 1 else replace(finding, fingerprint=occurrence(finding.fingerprint, number)))
    return out


def is_fingerprint(value: object) -> bool:
    """A well-formed fingerprint: 16 lower-case hex digits."""
    return (
        isinstance(value, str) and len(value) == LENGTH and all(c in "0123456789abcdef" for c in value)
    )
