"""svccheck: check recorded service interactions against declarative service standards."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("svccheck")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
    __version__ = "0.0.0"

__all__ = ["__version__", "audit_partition"]


def __getattr__(name: str) -> object:
    # `svccheck.audit_partition` (see svccheck.distributed) without importing the engine on
    # `import svccheck`.
    if name == "audit_partition":
        from .distributed import audit_partition

        return audit_partition
    raise AttributeError(f"module 'svccheck' has no attribute {name!r}")
