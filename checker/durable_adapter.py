"""The only module that talks to durable-rules. Every guard against its sharp edges lives here.

svccheck asks durable-rules one question per interaction: which of these measured facts violate
their rule's condition? Python measures (normalised phrase hits, counts, lateness); the engine
decides, with every distinct condition compiled once into its ruleset (each fact names its
rule `r` and its rule's condition `c`). `violations_batch` asks the question for many
interactions in one session (each fact tagged with its interaction), which costs a third of
one session each.

What durable-rules 2.0.28 does, and what this adapter does about it (pinned by
tests/test_durable_engine_pins.py and tests/test_durable_adapter.py):

- `post()` (events) fires only one rule per message -> we assert *facts*, which fire every rule.
- A rule whose condition the engine's own state document satisfies (existence tests, `id`,
  `sid`) fires forever -> every condition starts with the marker `svck == 1`, which no state
  document has, and the drain loop refuses a match on any document without the marker and
  refuses to run more actions than facts were asserted (both raise EngineError).
- `$or` fires once per true branch -> no condition uses `$or` (a kind counts clauses instead).
- `durable.lang`'s Host starts timer threads that run actions off-thread and cannot be stopped,
  and swallows exceptions raised in actions -> we never import `durable.lang`; we call the
  `durable_rules_engine` extension directly and run no action in the engine, only read what fired.
- More than 1,024 live sessions per ruleset fail -> each interaction (or batch) gets its own
  session, which is deleted as soon as its actions are drained.
- `delete_state` crashes the process (SIGSEGV / "free(): invalid pointer") for a session in which
  no action was ever started -> every ruleset has a sentinel rule, and every session asserts one
  sentinel fact, so an action always starts before the session is deleted.
- Rulesets leak when created repeatedly -> one ruleset per distinct definition, created once per
  process and cached.
- Regexes are an anchored Lua-like dialect (`\\d` silently never matches) -> no condition uses
  `$mt`; all text matching is done in Python.
- Comparisons coerce types -> only numbers are ever compared; `evaluate` rejects anything else.
- A number written with an exponent but no decimal point (`1e+16`, `1e-07`, as orjson and json
  write 1e16 and 0.0000001) is not read: that fact *and every fact after it in the message* are
  silently dropped, and a ruleset with such a limit fails to build (error 204) -> every number
  is written with a point in its mantissa (`1.0e+16`), which the engine reads correctly, and
  every session ends with a second sentinel fact whose firing proves the engine read the whole
  message (EngineError otherwise).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Sequence
from types import ModuleType
from typing import Any, NamedTuple

import orjson

from .errors import EngineError, EngineUnavailable
from .kinds import Condition

_OPS = {">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte"}
MARKER = "svck"
SENTINEL = 2  # marker value of the sentinel facts asserted first and last in every session
SENTINEL_RULE = "sentinel"
# A number with an exponent and no decimal point after a colon ("v":1e+16): durable-rules cannot
# read it (see the module docstring), so a point is added ("v":1.0e+16). Keys and ids in the
# payload and definition hold no such text.
_BARE_EXPONENT = re.compile(rb":( ?-?[0-9]+)([eE])")


def engine_json(data: bytes) -> str:
    """JSON text as durable-rules reads it: `1e+16` written `1.0e+16` (same value)."""
    if b"e" in data or b"E" in data:
        data = _BARE_EXPONENT.sub(rb":\1.0\2", data)
    return data.decode()


def _engine() -> ModuleType:
    try:
        import durable_rules_engine
    except ImportError as err:  # e.g. Python 3.13, where durable-rules 2.0.28 does not build
        raise EngineUnavailable(
            f"the rules engine (durable-rules) cannot be imported on this Python: {err}; "
            "svccheck needs Python 3.11 or 3.12"
        ) from None
    engine: ModuleType = durable_rules_engine
    return engine


class Fact(NamedTuple):
    """One measured subject of one rule: `value` is tested against the rule's condition.

    A named tuple, not a frozen dataclass: one is made per measurement, and a tuple is made
    several times faster (measured, bench/RESULTS.md)."""

    rule: int
    subject: int
    value: float


def shared_conditions(conditions: Sequence[Condition]) -> tuple[tuple[Condition, ...], tuple[int, ...]]:
    """The distinct conditions, in first-seen order, and the number of each rule's among them.

    Rules share conditions (11 of the 24 built-in rules are `< 1`), and the engine's cost per
    fact grows with the number of rules in its ruleset (0.95 us with one, 1.47 with 25, 2.11
    with 50, measured): the ruleset has one rule per distinct condition, not per svccheck rule."""
    number_of: dict[tuple[str, float], int] = {}
    distinct: list[Condition] = []
    numbers: list[int] = []
    for condition in conditions:
        key = (condition.op, condition.limit)
        if key not in number_of:
            number_of[key] = len(distinct)
            distinct.append(condition)
        numbers.append(number_of[key])
    return tuple(distinct), tuple(numbers)


def ruleset_definition(conditions: Sequence[Condition]) -> dict[str, Any]:
    """The durable-rules ruleset: rule `c<k>` fires on a fact (of any rule whose condition is
    the k-th of `shared_conditions`) that violates distinct condition k."""
    # The sentinel rule makes sure an action starts in every session (see the module docstring).
    definition: dict[str, Any] = {SENTINEL_RULE: {"all": [{"m": {MARKER: SENTINEL}}]}}
    for index, condition in enumerate(conditions):
        if not math.isfinite(condition.limit):
            raise EngineError(f"rule {index}: limit {condition.limit} is not a finite number")
    for number, condition in enumerate(shared_conditions(conditions)[0]):
        test = {_OPS[condition.op]: {"v": condition.limit}}
        definition[f"c{number}"] = {"all": [{"m": {"$and": [{MARKER: 1}, {"c": number}, test]}}]}
    return definition


_RULESETS: dict[str, int] = {}
_session_ids = itertools.count()


def _ruleset_handle(definition: dict[str, Any]) -> int:
    text = engine_json(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode())
    name = "svccheck_" + hashlib.sha256(text.encode()).hexdigest()[:16]
    handle = _RULESETS.get(name)
    if handle is None:
        try:
            handle = _engine().create_ruleset(name, text)
        except Exception as err:  # the extension raises its own error type, with a number
            raise EngineError(f"durable-rules could not build the ruleset: {err}") from None
        _RULESETS[name] = handle
    return handle


class CompiledConditions:
    """The conditions of a rule set, compiled once into one durable-rules ruleset."""

    def __init__(self, conditions: Sequence[Condition]) -> None:
        self.conditions = tuple(conditions)
        self._condition_of = shared_conditions(self.conditions)[1]  # rule -> its distinct condition
        self._engine = _engine()
        self._handle = _ruleset_handle(ruleset_definition(self.conditions)) if self.conditions else None

    def violations(self, facts: Sequence[Fact]) -> set[tuple[int, int]]:
        """(rule, subject) of every fact whose rule condition holds, decided by durable-rules."""
        return self.violations_batch([facts])[0]

    def violations_batch(self, groups: Sequence[Sequence[Fact]]) -> list[set[tuple[int, int]]]:
        """`violations` of several groups of facts (one group per interaction), in one session.

        One engine call for many interactions: asserting costs about 35 us per session plus
        4.5 us per fact, so a batch of 64 interactions costs a third of 64 sessions (measured,
        bench/RESULTS.md). Each fact carries its group `g` and its rule `r`, which no condition
        tests: a condition tests `c`, the number of the rule's condition (`shared_conditions`)."""
        fired: list[set[tuple[int, int]]] = [set() for _ in groups]
        if self._handle is None or not any(groups):
            return fired  # no session is opened at all
        sid = f"i{next(_session_ids)}"
        payload: list[dict[str, Any]] = [{"sid": sid, MARKER: SENTINEL}]
        condition_of = self._condition_of
        for group, facts in enumerate(groups):
            for fact in facts:
                value = fact.value
                # Guard: the engine coerces types in comparisons; only finite numbers go in.
                if type(value) is not float or not math.isfinite(value):
                    raise EngineError(f"fact value {value!r} for rule {fact.rule} is not a finite float")
                payload.append({
                    "sid": sid, MARKER: 1, "c": condition_of[fact.rule], "r": fact.rule, "s": fact.subject, "g": group,
                    "v": value,
                })
        payload.append({"sid": sid, MARKER: SENTINEL, "last": 1})
        for document in self._session(sid, payload):
            fired[document["g"]].add((document["r"], document["s"]))
        return fired

    def _session(self, sid: str, payload: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Assert the facts in a new session, drain its actions, delete it: the facts that fired."""
        engine = self._engine
        state = engine.assert_facts(self._handle, engine_json(orjson.dumps(payload)))[1]
        action = engine.start_action_for_state(self._handle, state)
        if action is None:
            # Cannot happen while the sentinel fires. Deleting a session in which no action
            # started would crash the process, so this one is left alive.
            raise EngineError("durable-rules started no action for a session")
        try:
            return self._drain(state, action[1], len(payload))
        finally:
            engine.delete_state(self._handle, sid)

    def _drain(self, state: int, message: str, asserted: int) -> list[dict[str, Any]]:
        fired: list[dict[str, Any]] = []
        read_to_the_end = False
        # Guard against an unguarded rule firing forever: no more actions than facts asserted.
        for _ in range(asserted):
            for name, matched in orjson.loads(message).items():
                fact = matched["m"]
                if name == SENTINEL_RULE:
                    read_to_the_end = read_to_the_end or "last" in fact
                    continue
                if fact.get(MARKER) != 1:  # e.g. the engine's state document: an unguarded rule
                    raise EngineError(f"durable-rules fired {name} on a document that is not a measured fact")
                fired.append(fact)
            # None (or "") when no action is left: typed so, which the untyped extension hides.
            reply: str | None = self._engine.complete_and_start_action(self._handle, state)
            if not reply:
                if not read_to_the_end:
                    # The engine stopped reading the message early and said nothing: whatever
                    # came after went unjudged. Refuse the verdict rather than report too little.
                    raise EngineError("durable-rules did not read every fact of a session")
                return fired
            message = reply
        raise EngineError(f"durable-rules fired more actions than the {asserted} facts asserted")
