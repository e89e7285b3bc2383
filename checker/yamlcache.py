"""A cache of parsed YAML documents, so that a command does not parse the same rule files again.

Every svccheck command loads the built-in rules, the standards catalogue and the project's rule
files: about thirty YAML files, which ruamel (pure Python) takes 0.14 s to parse, and which
jsonschema (0.05 s to import) takes 0.05 s to validate: half the start of `svccheck lint` or of
a small `svccheck audit`. A document that parsed and validated before is read back from the
cache in a fraction of a millisecond.

- **What is kept:** the value `yamlpos.load_yaml` built (mappings and sequences that know the
  line and column of every key and item), pickled, under the SHA-256 of the file's text and of
  what built it (this module's format, Python's, ruamel's and jsonschema's versions, and the
  source of `svccheck.yamlpos`). A changed file, or a new svccheck, Python or ruamel, is parsed
  afresh; nothing is ever stale. Only documents that loaded are kept: errors are always found
  anew.
- **And which values were valid:** `known_valid` remembers that a value (its pickle: types
  included, so a date is not the string it looks like) had no problems against a schema (its
  JSON), so that a command whose rules have not changed neither imports jsonschema nor runs it.
  Problems are never kept.
- **Where:** `$SVCCHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/svccheck`, else `~/.cache/svccheck`
  (in a `yaml` folder). `SVCCHECK_CACHE_DIR=` (empty) turns the cache off. Deleting the folder
  is always safe.
- **Safety:** reading a pickle can run code, so an entry is read only from a folder that this
  user owns and that nobody else may write to (like ssh's StrictModes), and only if this user
  owns the entry; anything else is ignored and the file is parsed. Entries are written to a
  temporary file and renamed, so two commands at once never read half an entry.
- **Failure is silent:** a cache that cannot be created, read or written (read-only home, full
  disk, a corrupt entry) only costs the parse it would have saved.
- **Size:** an entry is a few KiB; past `MAX_ENTRIES` the least recently written are removed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import ruamel.yaml

__all__ = ["MAX_ENTRIES", "cache_dir", "cached", "known_valid"]

T = TypeVar("T")

#: Bumped when what is pickled changes shape in a way the other parts of the key do not show.
FORMAT = "1"
MAX_ENTRIES = 2000  # past this, the oldest entries are removed down to half of it

_salt: bytes | None = None
_pruned = False  # once a process: a first run writes thirty entries


def cache_dir() -> Path | None:
    """The folder entries are kept in; None when the cache is turned off."""
    configured = os.environ.get("SVCCHECK_CACHE_DIR")
    if configured is not None:
        return Path(configured) / "yaml" if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "svccheck" / "yaml"


def cached(text: str, parse: Callable[[str], Any]) -> Any:
    """`parse(text)`, or what it gave for the same text before. `parse` raises for a document
    that does not load; nothing is kept then."""
    return _remembered(b"yaml|" + text.encode("utf-8", "surrogatepass"), lambda: parse(text), lambda _: True)


def known_valid(instance: Any, schema: Mapping[str, Any], validate: Callable[[], list[T]]) -> list[T]:
    """`validate()`: the problems of `instance` against `schema`, or no problems without
    validating when the same instance (values and their types) was valid against the same
    schema before. Only "valid" is kept: problems are always found anew."""
    try:
        material = b"valid|" + _schema_digest(schema) + pickle.dumps(instance, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an instance that does not pickle: validate it every time
        return validate()
    return list(_remembered(material, validate, lambda problems: not problems))


def _remembered(material: bytes, make: Callable[[], Any], keep: Callable[[Any], bool]) -> Any:
    folder = cache_dir() if hasattr(os, "getuid") else None  # ownership checks need POSIX
    if folder is None:
        return make()
    entry = folder / f"{_key(material)}.pickle"
    found = _read(folder, entry)
    if found is not None:
        return found[0]
    value = make()
    if keep(value):
        _write(folder, entry, value)
    return value


def _key(material: bytes) -> str:
    """An entry's name: what it was made from, and what made it (`_builder`)."""
    return hashlib.sha256(_builder() + material).hexdigest()


# Schemas by identity, kept alive here so that an id is never reused for another schema.
_schemas: dict[int, tuple[Mapping[str, Any], bytes]] = {}


def _schema_digest(schema: Mapping[str, Any]) -> bytes:
    known = _schemas.get(id(schema))
    if known is None:
        text = json.dumps(schema, sort_keys=True, ensure_ascii=False, default=repr)
        known = _schemas[id(schema)] = (schema, hashlib.sha256(text.encode("utf-8")).digest())
    return known[1]


def _builder() -> bytes:
    """What built a cached value, besides the text: a new one makes every key new."""
    global _salt
    if _salt is None:
        from . import yamlpos  # the module that parses: its source is part of the key

        try:
            source = Path(yamlpos.__file__).read_bytes()
        except OSError:  # no source beside the byte code: the version alone must do
            source = b""
        versions = f"{FORMAT}|{sys.version_info[:2]}|{ruamel.yaml.__version__}|{_jsonschema_build()}|".encode()
        _salt = versions + hashlib.sha256(source).digest()
    return _salt


def _jsonschema_build() -> str:
    """Which jsonschema is installed (it decides validity), found without importing it: the
    place, size and time of its package file, which a new version replaces."""
    spec = importlib.util.find_spec("jsonschema")
    if spec is None or spec.origin is None:
        return "none"
    try:
        info = os.stat(spec.origin)
    except OSError:
        return spec.origin
    return f"{spec.origin}:{info.st_size}:{info.st_mtime_ns}"


def _trusted(path: Path, folder: bool) -> bool:
    """Owned by this user and, for a folder, writable by nobody else."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if info.st_uid != os.getuid():
        return False
    if folder:
        return stat.S_ISDIR(info.st_mode) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return stat.S_ISREG(info.st_mode)


def _read(folder: Path, entry: Path) -> tuple[Any] | None:
    """The cached value (in a 1-tuple: it may be None), or None when there is none to trust."""
    if not (_trusted(folder, folder=True) and _trusted(entry, folder=False)):
        return None
    try:
        return (pickle.loads(entry.read_bytes()),)
    except Exception:  # a corrupt or truncated entry, or one pickled by another version
        return None


def _write(folder: Path, entry: Path, value: Any) -> None:
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(folder, folder=True):
            return
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, entry)
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(folder)
    except Exception:  # unwritable, full, unpicklable: the cache is only an optimisation
        return


def _prune(folder: Path) -> None:
    """Keep at most `MAX_ENTRIES` entries: past it, remove the oldest down to half."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    entries = [e for e in os.scandir(folder) if e.name.endswith(".pickle")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for old in entries[: len(entries) - MAX_ENTRIES // 2]:
        try:
            os.unlink(old.path)
        except OSError:
            pass
