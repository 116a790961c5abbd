"""The results store of an experiment: one folder per finished run, written atomically.

Layout of an experiment folder:

    runs/<run id>/indicators.parquet   month, zone, indicator, value
    runs/<run id>/spending.parquet     month, funder, line, amount
    runs/<run id>/manifest.json        run keys, spec hash, scenario text, resolved parameters,
                                       seed, package version, git revision, input data hash

A run is written into a temporary folder that is renamed into place once complete, so a run
folder either exists whole or not at all: an interrupted experiment (Ctrl-C, kill -9, a crashed
worker) resumes by skipping the runs whose folder exists, losing and duplicating nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InclusionSimError
from .files import write_text_atomically

KEYS = ["scenario", "replication", "sample"]


class StoreError(InclusionSimError):
    """An experiment folder cannot hold this experiment (e.g. it holds a different one)."""


class Store:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.runs = self.root / "runs"

    def prepare(self) -> None:
        """Create the folder and clear what an interrupted write left behind."""
        self.runs.mkdir(parents=True, exist_ok=True)
        for tmp in self.runs.glob(".tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)

    def finished(self) -> dict[str, str]:
        """Run id -> spec hash of every finished run."""
        if not self.runs.is_dir():
            return {}
        return {
            d.name: json.loads((d / "manifest.json").read_text())["spec_hash"]
            for d in sorted(self.runs.iterdir())
            if not d.name.startswith(".")
        }

    def write(
        self,
        run_id: str,
        indicators: pd.DataFrame,
        spending: pd.DataFrame,
        manifest: dict[str, Any],
    ) -> None:
        """Write one run atomically (temporary folder, then rename)."""
        final = self.runs / run_id
        if final.exists():
            return
        tmp = self.runs / f".tmp-{run_id}-{os.getpid()}"
        tmp.mkdir()
        indicators.to_parquet(tmp / "indicators.parquet", index=False)
        spending.to_parquet(tmp / "spending.parquet", index=False)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, default=str))
        # No fsync: a killed process's writes still reach the disk; only a power cut could
        # lose the last runs, and fsync per run would make the parent the bottleneck.
        os.rename(tmp, final)

    def manifests(self) -> Iterator[dict[str, Any]]:
        for d in sorted(self.runs.iterdir()):
            if not d.name.startswith("."):
                yield json.loads((d / "manifest.json").read_text())

    def load(self, which: str = "indicators") -> pd.DataFrame:
        """Every run's `indicators` or `spending`, with the run keys, in a stable order."""
        frames = []
        for manifest in self.manifests():
            frame = pd.read_parquet(self.runs / manifest["run_id"] / f"{which}.parquet")
            for column in frame.select_dtypes("category"):
                frame[column] = frame[column].astype(str)
            for key in reversed(KEYS):
                frame.insert(0, key, manifest[key])
            frames.append(frame)
        if not frames:
            raise StoreError(f"{self.root}: no finished runs")
        out = pd.concat(frames, ignore_index=True)
        order = {name: i for i, name in enumerate(self.scenario_order())}
        rest = [c for c in out.columns if c not in (*KEYS, "value", "amount")]
        out = out.sort_values(
            [*KEYS, *rest], key=lambda c: c.map(order) if c.name == "scenario" else c, kind="stable"
        )
        return out.reset_index(drop=True)

    def scenario_order(self) -> list[str]:
        """Scenario names in the order the experiment listed them (the first is the reference)."""
        path = self.root / "experiment.json"
        if path.exists():
            return json.loads(path.read_text())["scenarios"]
        return sorted({m["scenario"] for m in self.manifests()})

    def write_experiment(self, info: dict[str, Any]) -> None:
        write_text_atomically(self.root / "experiment.json", json.dumps(info, indent=1))
