"""The results store of an experiment: one folder per finished run, written atomically.

Layout of an experiment folder:

    runs/<run id>/indicators.parquet   month, zone, indicator, value
    runs/<run id>/spending.parquet     month, funder, line, amount
    runs/<run id>/manifest.json        run keys, spec hash, scenario text, resolved parameters,
                                       seed, package version, git revision, input data hash
    experiment.json                    the experiment's scenarios, replications, seed, texts

A folder belongs to one experiment: its experiment.json names the scenarios, and another set of
scenarios is refused (so tables are never titled with one experiment and filled with another's
rows), as is a folder that already holds other files.

A run is written into a temporary folder that is renamed into place once complete, so a run
folder either exists whole or not at all: an interrupted experiment (Ctrl-C, kill -9, a crashed
worker) resumes by skipping the runs whose folder exists, losing and duplicating nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InclusionSimError
from .files import write_folder_atomically, write_text_atomically

KEYS = ["scenario", "replication", "sample"]


class StoreError(InclusionSimError):
    """An experiment folder cannot hold this experiment (e.g. it holds a different one)."""


class Store:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.runs = self.root / "runs"

    def check(self, scenarios: Sequence[str]) -> None:
        """Refuse a folder that holds another experiment (another set of scenarios) or other
        files; reads only."""
        if not self.root.exists():
            return
        if not self.root.is_dir():
            raise StoreError(f"{self.root}: exists and is not a folder; expected a folder")
        info = self.experiment()
        if info is None:
            if any(not p.name.startswith(".") for p in self.root.iterdir()):
                raise StoreError(
                    f"{self.root}: holds other files and no experiment; expected a new or empty "
                    "folder, or one written by the same experiment"
                )
        elif set(info.get("scenarios", [])) != set(scenarios):
            raise StoreError(
                f"{self.root}: holds the experiment of scenarios {info.get('scenarios')}, not "
                f"{list(scenarios)}; use another --out or delete the folder"
            )

    def experiment(self) -> dict[str, Any] | None:
        """The folder's experiment.json, or None when it has none."""
        path = self.root / "experiment.json"
        if not path.exists():
            return None
        return _read_json(path)

    def prepare(self) -> None:
        """Create the runs folder and clear what an interrupted write left behind."""
        self.runs.mkdir(parents=True, exist_ok=True)
        for tmp in self.runs.glob(".tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)

    def finished(self) -> dict[str, str]:
        """Run id -> spec hash of every finished run."""
        if not self.runs.is_dir():
            return {}
        return {m["run_id"]: m["spec_hash"] for m in self.manifests()}

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

        def write(tmp: Path) -> None:
            indicators.to_parquet(tmp / "indicators.parquet", index=False)
            spending.to_parquet(tmp / "spending.parquet", index=False)
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, default=str))

        # No fsync: a killed process's writes still reach the disk; only a power cut could
        # lose the last runs, and fsync per run would make the parent the bottleneck.
        write_folder_atomically(final, write)

    def manifests(self) -> Iterator[dict[str, Any]]:
        if not self.runs.is_dir():
            raise StoreError(
                f"{self.root}: no runs/ folder; expected a folder written by "
                "`inclusion-sim compare` or `inclusion-sim experiment`"
            )
        for d in sorted(self.runs.iterdir()):
            if not d.name.startswith("."):
                manifest = _read_json(d / "manifest.json")
                missing = {"run_id", "spec_hash", *KEYS} - set(manifest)
                if missing:
                    raise StoreError(
                        f"{d / 'manifest.json'}: lacks {sorted(missing)}; expected a manifest "
                        "written by inclusion-sim"
                    )
                yield manifest

    def load(self, which: str = "indicators") -> pd.DataFrame:
        """Every run's `indicators` or `spending`, with the run keys, in a stable order."""
        frames = []
        for manifest in self.manifests():
            frame = pd.read_parquet(self.runs / manifest["run_id"] / f"{which}.parquet")
            for column in frame.select_dtypes("category"):
                frame[column] = frame[column].astype(str)
            for key in reversed(KEYS):
                if key not in frame:  # runs written before the files carried their keys
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
        info = self.experiment()
        if info is not None:
            return info["scenarios"]
        return sorted({m["scenario"] for m in self.manifests()})

    def write_experiment(self, info: dict[str, Any]) -> None:
        write_text_atomically(self.root / "experiment.json", json.dumps(info, indent=1))


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON file of the store; a missing or damaged one is a one-line error naming it."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(
            f"{path}: unreadable ({exc}); expected a file written by inclusion-sim"
        ) from None
    if not isinstance(data, dict):
        raise StoreError(f"{path}: expected a JSON object written by inclusion-sim")
    return data


def open_experiment(folder: str | Path) -> pd.DataFrame:
    """Every finished run of an experiment folder in one table: scenario, replication, sample,
    seed, month, zone, indicator, value (units: the folder's units.csv)."""
    return Store(folder).load("indicators")
