"""Where a command's report goes: standard output, or a file replaced only once the report is whole.

`output_stream(path)` gives the text stream to write a report to (UTF-8, `\\n` line ends):

- standard output for None or `-`, and for a path that *is* standard output or standard error
  (`-o /dev/stdout`, or the very file a shell redirected standard output to);
- for a report file, a temporary file beside it (`.NAME.` and tempfile's random letters, then
  `.tmp`: a name no audit reads as an input), moved onto the file when the report is whole: a run that
  stops on an error (a full disk, an interrupt, an audit that stops while a streamed report is
  being written) leaves the previous report as it was, or none. Through a symbolic link the
  file it names is replaced and the link kept. A new report gets the permissions of any new file
  (0666 less the umask), an existing one keeps its own;
- the path itself, written in place, when replacing it would change more than its content or
  cannot be done: a device or named pipe (/dev/null, a FIFO), a file that is not ours, is
  read-only to us, has other hard links, or sits in a directory we may not create files in. A
  regular file written in place is emptied if the run stops on an error, so that no report cut
  short is left to be read as a whole one.

A file that cannot be opened or written is a one-line user error naming the path, never a
traceback. A file name that is not UTF-8, quoted in a report, is written with U+FFFD for each
of its odd bytes (`SHOWN`), not refused.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ..errors import SvccheckError
from ..formatters.json_format import shown
from ..problems import ProblemMessage, os_reason

SHOWN = "svccheck.shown"  # the codec error handler every report stream is opened with


def _shown(err: UnicodeError) -> tuple[bytes, int]:
    """Lone surrogates (bytes of a file name that is not UTF-8, as Python reads them) written as
    `json_format.shown` shows them in JSON; any other character a stream cannot encode is an
    error as usual. Bytes: the UTF-8 encoder takes only ASCII text from a handler."""
    if isinstance(err, UnicodeEncodeError) and all(0xD800 <= ord(c) <= 0xDFFF for c in err.object[err.start:err.end]):
        return shown(err.object[err.start:err.end]).encode("utf-8"), err.end
    raise err


codecs.register_error(SHOWN, _shown)


def to_file(path: Path | None) -> Path | None:
    """`--output -` means standard output, as for most tools: None for it (and for None)."""
    return None if path is None or str(path) == "-" else path


@contextlib.contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """The stream to write a report to: standard output for None or `-`, else the file (see the
    module)."""
    file = to_file(path)
    if file is None:
        with _written_to(sys.stdout) as handle:
            yield handle
        return
    standard = _standard_stream(file)
    replaceable = _replaceable(file) if standard is None else None
    temporary = _temporary(file, *replaceable) if replaceable is not None else None
    if standard is not None or replaceable is None or temporary is None:
        with _written_to(standard) if standard is not None else _written_in_place(file) as handle:
            yield handle
        return
    fd, name = temporary
    try:
        with open(fd, "w", encoding="utf-8", newline="\n", errors=SHOWN) as handle:
            yield handle
        os.replace(name, replaceable[0])
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(name)
        if isinstance(err, OSError):
            raise _cannot_write(file, err) from None
        raise


def _temporary(file: Path, target: Path, found: os.stat_result | None) -> tuple[int, str] | None:
    """A new file beside `target` (`found`: its status, None if there is none yet) for the report,
    as its descriptor and name, with the target's permissions and group, or a new file's; None
    where the file is to be written in place instead (a directory we may not create files in, a
    group we cannot give the file)."""
    # At most 200 bytes of the name: with tempfile's own, within a file system's 255.
    prefix = "." + os.fsdecode(os.fsencode(target.name)[:200]) + "."
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    except OSError as err:
        if isinstance(err, PermissionError) and found is not None:
            return None
        raise _cannot_write(file, err) from None
    try:
        if found is not None:
            os.fchmod(fd, stat.S_IMODE(found.st_mode))
            if found.st_gid != os.fstat(fd).st_gid:
                os.fchown(fd, -1, found.st_gid)
        else:
            os.fchmod(fd, _new_file_mode())
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
        return None
    return fd, name


def _standard_stream(file: Path) -> TextIO | None:
    """Standard output or error, when `file` is the same file (`-o /dev/stdout`, or `-o log > log`)."""
    try:
        named = os.stat(file)
    except OSError:
        return None
    for stream in (sys.stdout, sys.stderr):
        try:
            opened = os.fstat(stream.fileno())
        except (AttributeError, OSError, ValueError):  # no file descriptor (a test runner's buffer)
            continue
        if (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino):
            return stream
    return None


@contextlib.contextmanager
def _written_to(stream: TextIO | None) -> Iterator[TextIO]:
    if stream is None:  # closed by the caller (`svccheck audit ... >&-`)
        raise SvccheckError(ProblemMessage.of("output.stdout", reason=os_reason(OSError(errno.EBADF, os.strerror(errno.EBADF)))))
    if isinstance(stream, io.TextIOWrapper) and codecs.lookup(stream.encoding).name == "utf-8":
        stream.reconfigure(errors=SHOWN)
    try:
        yield stream
        stream.flush()
    except BrokenPipeError:  # not an error: it goes up to `Svccheck`, which stops quietly
        raise
    except OSError as err:  # a full disk under `> report.txt`
        raise SvccheckError(ProblemMessage.of("output.stdout", reason=os_reason(err))) from None


def _replaceable(file: Path) -> tuple[Path, os.stat_result | None] | None:
    """The file to replace with the finished report (`file`, through any symbolic links) and its
    status (None: it does not exist yet), or None to write `file` in place."""
    try:
        found = os.stat(file)
    except FileNotFoundError:
        return Path(os.path.realpath(file)), None  # a new file (where a dangling link points, too)
    except OSError:
        return None  # said by opening it in place (a link loop, a directory we may not enter...)
    mine = found.st_uid == os.geteuid() if hasattr(os, "geteuid") else True
    if stat.S_ISREG(found.st_mode) and found.st_nlink == 1 and mine and os.access(file, os.W_OK) and not _xattrs(file):
        return Path(os.path.realpath(file)), found
    return None


def _xattrs(file: Path) -> bool:
    """Whether the file has extended attributes a new file would lack (an ACL, a user's note).
    `security.*` ones (an SELinux label) are given to the new file by the system itself: were they
    counted, no report would ever be replaced whole on such a system."""
    try:
        names = os.listxattr(file) if hasattr(os, "listxattr") else []
    except OSError:  # a file system without them
        return False
    return any(not name.startswith("security.") for name in names)


def _new_file_mode() -> int:
    """The permissions `open(..., "w")` gives a new file: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def _written_in_place(file: Path) -> Iterator[TextIO]:
    try:
        handle = file.open("w", encoding="utf-8", newline="\n", errors=SHOWN)
    except OSError as err:
        raise _cannot_write(file, err) from None
    # Kept to empty a regular file after closing it, when the report is cut short: closing may
    # still write what was buffered (or fail to: a full disk).
    regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    spare = os.dup(handle.fileno()) if regular else None
    try:
        try:
            with handle:
                yield handle
        except BaseException:
            if spare is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(spare, 0)  # handle is closed by now: nothing more is written
            raise
        finally:
            if spare is not None:
                os.close(spare)
    except OSError as err:
        raise _cannot_write(file, err) from None


def _cannot_write(file: Path, err: OSError) -> SvccheckError:
    return SvccheckError(ProblemMessage.of("output.file", file=str(file), reason=os_reason(err)))
