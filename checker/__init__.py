"""svccheck: check recorded service interactions against declarative service standards."""

from __future__ import annotations

__all__ = ["__version__", "audit_partition"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("svccheck")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
        return "0.0.0"


def __getattr__(name: str) -> object:
    # `svccheck.__version__` and `svccheck.audit_partition` (see svccheck.distributed) worked out
    # on first use: importlib.metadata alone is 18 ms of every command's start, and the engine
    # is not needed to `import svccheck`.
    if name == "__version__":
        return _version()
    if name == "audit_partition":
        from .distributed import audit_partition

        return audit_partition
    raise AttributeError(f"module 'svccheck' has no attribute {name!r}")
