"""Reading the project's TOML files (scenarios, calibration settings, priors), one-line errors.

A file is refused before parsing when it is not a regular file, is larger than `MAX_BYTES`, or is
not UTF-8 text (a byte-order mark, UTF-16, Latin-1 bytes, NUL bytes); after parsing when tables
or arrays nest deeper than `MAX_DEPTH`. Every refusal is one line saying what was expected.
"""

from __future__ import annotations

import codecs
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_BYTES = 1_000_000  # the largest shipped TOML file is ~20 kB
MAX_DEPTH = 16  # a scenario nests 4 deep (actions.<name>.<lever>.<zone>)

_UTF16_32 = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


def read_toml(path: Path, error: Callable[[str], Exception]) -> tuple[dict[str, Any], str]:
    """The file's data and text; a missing, unreadable or malformed file raises `error(message)`."""
    text = _read_text(Path(path), error)
    too_deep = f"arrays or tables nest too deep; expected at most {MAX_DEPTH} levels"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"malformed TOML: {exc}") from None
    except RecursionError:
        raise error(too_deep) from None
    if _depth(data) > MAX_DEPTH:
        raise error(too_deep)
    return data, text


def _read_text(path: Path, error: Callable[[str], Exception]) -> str:
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise error("is a folder; expected a TOML file")
        if not stat.S_ISREG(mode):
            raise error("is not a regular file (a device or a pipe?); expected a TOML file")
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise error("file not found") from None
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise error(f"larger than {MAX_BYTES:,} bytes; expected a small TOML text file")
    for bom, encoding in _UTF16_32.items():
        if raw.startswith(bom):
            raise error(f"is {encoding} text; expected UTF-8 (save it as UTF-8)")
    if raw.startswith(codecs.BOM_UTF8):
        raise error("starts with a UTF-8 byte-order mark; expected UTF-8 without one")
    if b"\x00" in raw:
        raise error("contains NUL bytes (UTF-16 or a binary file?); expected UTF-8 text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(
            f"byte 0x{raw[exc.start]:02x} at line {line}, column {column} is not UTF-8 "
            "(Latin-1 or Windows-1252?); expected UTF-8 text"
        ) from None


def _depth(data: Any) -> int:
    """Nesting depth of tables and arrays, without recursion (dotted keys can nest deeply)."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest
