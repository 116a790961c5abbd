"""The shipped calibration targets, for fit checks: a test that re-asserts a fitted figure reads
its value and tolerance from calibration/targets.csv (one source), and is marked `fit_check`."""

from pathlib import Path

from inclusion_sim.calibration.targets import Target, load_targets

TARGETS = Path(__file__).parents[1] / "calibration" / "targets.csv"


def fit_target(figure_id: str) -> Target:
    """The shipped target of `figure_id` (its value and tolerance)."""
    return {t.figure_id: t for t in load_targets(TARGETS)}[figure_id]
