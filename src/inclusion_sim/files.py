"""Writing outputs safely: folders checked before anything runs, files and folders written whole
or not at all (never a temporary left behind), and one writer at a time in a folder.

A folder is locked by `writer_lock`: an exclusive `flock` on a lock file inside it, which the
operating system releases if the process dies, and which is deleted when the writer is done. A
second writer gets a one-line error naming the folder and the first writer's process.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InclusionSimError

LOCK_NAME = ".inclusion-sim.lock"
_held: dict[Path, int] = {}  # folders this process has locked -> nesting depth


class OutputError(InclusionSimError):
    """An output folder or file cannot be written (not a folder, unwritable, busy)."""


def write_atomically(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call `write(temporary path)` beside `path`, then rename it into place; on any error the
    temporary file is removed and `path` is left as it was (a failing disk is a one-line
    OutputError). The temporary name keeps the suffix: writers such as matplotlib choose the
    format by it."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write it ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text_atomically(path: str | os.PathLike, text: str) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_folder_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """`write_atomically` for a folder: built in a hidden temporary folder, then renamed."""
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}")
    try:
        tmp.mkdir()
        write(tmp)
        os.rename(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write it ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def prepare_folder(path: str | Path, option: str = "--out") -> Path:
    """Create the folder (and its parents) or check the existing one; refuse a path that is not a
    folder or that this process cannot write into."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{option} {path}: exists and is not a folder; expected a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise OutputError(
            f"{option} {path}: cannot write there ({exc.strerror}); expected a writable folder"
        ) from None
    return path


@contextmanager
def writer_lock(folder: str | Path) -> Iterator[None]:
    """Hold the folder's writer lock (re-entrant within a process); the folder must exist."""
    key = Path(folder).resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    fd = _acquire(Path(folder))
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        (Path(folder) / LOCK_NAME).unlink(missing_ok=True)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _acquire(folder: Path) -> int:
    path = folder / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"{folder}: cannot lock it for writing ({exc.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise OutputError(
                f"{folder}: another inclusion-sim (process {owner}) is writing here; "
                "expected one writer at a time: wait for it or use another --out"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file its previous holder deleted after we opened it
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            return fd
        os.close(fd)
