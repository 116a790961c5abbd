"""Reading the project's TOML files (scenarios, calibration settings, priors), one-line errors."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any


def read_toml(path: Path, error: Callable[[str], Exception]) -> tuple[dict[str, Any], str]:
    """The file's data and text; a missing, unreadable or malformed file raises `error(message)`."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise error("file not found") from None
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror})") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise error(f"malformed TOML: {exc}") from None
