"""A SQLite store of model evaluations, so that an interrupted calibration loses nothing.

Each evaluation is keyed by a hash of everything that determines its result (simulation setup,
targets, parameter values, seed). Calibration algorithms propose their candidates from seeded
generators, so a rerun proposes the same candidates and finds them here instead of simulating.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from os import PathLike
from pathlib import Path

import numpy as np


def evaluation_key(context: str, parameters: dict[str, float], seed: int) -> str:
    text = json.dumps([context, sorted(parameters.items()), seed], default=float)
    return hashlib.sha256(text.encode()).hexdigest()


class Store:
    """Evaluations on disk (``path``) or in memory (``None``): key -> simulated statistics."""

    def __init__(self, path: str | PathLike | None = None):
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(":memory:" if path is None else str(path))
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS evaluations "
            "(key TEXT PRIMARY KEY, parameters TEXT, seed INTEGER, statistics TEXT)"
        )
        self._db.commit()

    def get(self, key: str) -> np.ndarray | None:
        row = self._db.execute(
            "SELECT statistics FROM evaluations WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else np.array(json.loads(row[0]), dtype=float)

    def put(self, key: str, parameters: dict[str, float], seed: int, stats: np.ndarray) -> None:
        values = [None if not np.isfinite(v) else float(v) for v in stats]
        self._db.execute(
            "INSERT OR REPLACE INTO evaluations VALUES (?, ?, ?, ?)",
            (key, json.dumps(parameters, default=float), seed, json.dumps(values)),
        )
        self._db.commit()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0]

    def close(self) -> None:
        self._db.close()
