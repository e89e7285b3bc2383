"""A progress bar on standard error, for long audits and imports run at a terminal.

Shown only when the stream is a terminal (`isatty()`) and the job is big: more than
`THRESHOLD` items, or, when the total is unknown (streamed input), once that many items have
gone by. It writes only to standard error, one line redrawn in place with carriage returns,
and clears that line when done, so reports on standard output, files written with
``--output``, and anything piped or captured stay byte-for-byte the same with or without it.

    items = track(read_inputs(paths), total=None, label=progress_label("auditing", lang))
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from .problems import ProblemMessage

T = TypeVar("T")

#: Jobs up to this many items finish too fast to need a bar.
THRESHOLD = 2000
#: Redraw at most this often (seconds); drawing every item would slow big jobs down.
INTERVAL = 0.1
_WIDTH = 30


class Progress:
    """Counts items and redraws `label [#####.....] done/total pct` (or `label: done items`)."""

    def __init__(
        self,
        total: int | None,
        label: str,
        stream: TextIO | None = None,
        threshold: int | None = None,
        interval: float | None = None,
    ) -> None:
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.threshold = THRESHOLD if threshold is None else threshold
        self.interval = INTERVAL if interval is None else interval
        self.done = 0
        self._terminal = isatty(self.stream)
        self._drawn = False
        self._last = float("-inf")

    @property
    def active(self) -> bool:
        """Whether the bar is (or may become) visible: a terminal, and a big enough job."""
        if not self._terminal:
            return False
        return self.total is None or self.total > self.threshold

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.active or (self.total is None and self.done <= self.threshold):
            return
        now = time.monotonic()
        if now - self._last >= self.interval or self.done == self.total:
            self._last = now
            self._draw()

    def line(self) -> str:
        """The text of the bar for the current count."""
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = round(share * _WIDTH)
            bar = "#" * filled + "." * (_WIDTH - filled)
            return f"{self.label} [{bar}] {self.done:,}/{self.total:,} {share:.0%}"
        return f"{self.label}: {self.done:,}"

    def _draw(self) -> None:
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar, leaving the cursor at the start of a clean line."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False


def progress_label(job: str, lang: str) -> str:
    """The bar's label for `job` ("auditing", "reading", "importing") in `lang`: "审核中"..."""
    return ProblemMessage.of(f"progress.{job}").text(lang)


def isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or file-like objects without a terminal
        return False


def track(
    items: Iterable[T],
    total: int | None,
    label: str,
    stream: TextIO | None = None,
    threshold: int | None = None,
    interval: float | None = None,
) -> Iterator[T]:
    """Yield `items` unchanged, advancing a `Progress` per item and erasing it at the end."""
    progress = Progress(total, label, stream, threshold, interval)
    if not progress.active:
        # No bar will ever be drawn: nothing to count (counting cost 0.5 us an item, 50 ms of
        # the main process at 100,000).
        yield from items
        return
    try:
        for item in items:
            yield item
            progress.advance()
    finally:
        progress.close()
