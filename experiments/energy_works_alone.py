"""What does it cost to lift a household out of energy poverty by works alone (relocation off)?

Runs renovation first with relocation switched off (8 replications by default) and reports, at
the end of the horizon, the households lifted by completed works (energy-poor under ONPE's, or
the document's, test at their need before the works and not now) and the works' subsidies and
top-ups per household lifted, each with the mean over runs and its 90% confidence
interval (Student t over replications), then the ratio of the means (the subsidies over all runs
per household lifted over all runs). Writes `works_alone.png`.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from policy import answer  # noqa: E402
from scipy import stats  # noqa: E402

from inclusion_sim.store import Store  # noqa: E402

WORKS_LINES = ("renovation aid", "renovation top-up")  # the ledger lines of the works' money
SHOWN = [
    f"energy_{what}_by_works_{test}"
    for test in ("onpe", "document")
    for what in ("households_lifted", "cost_per_household_lifted")
]


def interval(values: np.ndarray) -> tuple[float, float, float]:
    mean, n = values.mean(), len(values)
    half = stats.t.ppf(0.95, n - 1) * values.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
    return mean, mean - half, mean + half


if __name__ == "__main__":  # worker processes import this file: run only once
    comparison, out = answer(
        __doc__.splitlines()[0],
        ["energy_works_no_relocation.toml"],
        indicators=[*SHOWN, "soliha_works_completed", "soliha_relocations"],
        replications=8,
    )
    runs = Store(out).load()
    last = runs[(runs["month"] == runs["month"].max()) & (runs["zone"] == "Territory")]
    fig, axes = plt.subplots(1, len(SHOWN), figsize=(14, 3.2))
    print("\nEnd of the horizon, mean over runs [90% confidence interval]:")
    for ax, name in zip(axes, SHOWN, strict=True):
        values = last[last["indicator"] == name]["value"].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        mean, low, high = interval(values)
        print(f"  {name}: {mean:,.1f} [{low:,.1f}, {high:,.1f}] ({len(values)} runs)")
        ax.errorbar([0], [mean], yerr=[[mean - low], [high - mean]], fmt="o", capsize=6)
        ax.scatter(np.zeros(len(values)) + 0.1, values, s=8, color="grey")
        ax.set_xticks([])
        ax.set_title(name.replace("_", " "), fontsize=9)
    # The per-run ratios above weigh a run with one lifted household as much as one with fifty:
    # the ratio of the means is what the subsidies buy over all runs.
    spending = pd.read_csv(out / "spending.csv")
    works = spending[spending["line"].isin(WORKS_LINES)]["mean"].sum()
    print(
        f"Works subsidies and top-ups, mean over runs: {works:,.0f} EUR; per household lifted "
        "(ratio of the means):"
    )
    for test in ("onpe", "document"):
        lifted = last[last["indicator"] == f"energy_households_lifted_by_works_{test}"]["value"]
        print(f"  {test}: {works / lifted.mean():,.0f} EUR ({lifted.mean():,.1f} households)")
    fig.tight_layout()
    fig.savefig(out / "works_alone.png", dpi=120)
    print(f"Figure: {out / 'works_alone.png'}")
