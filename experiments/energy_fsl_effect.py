"""Does the FSL lower supply cuts, arrears and cold homes? The 2017 baseline against no FSL money.

Same seeds, paired replications (8 by default): the difference (no FSL minus baseline) of each
indicator's mean over the last 12 months, with its 90% confidence interval; a positive
difference whose interval excludes 0 means the indicator is lower with the FSL. Writes
`fsl_effect.png` (the three differences with their intervals) beside the usual tables.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from policy import answer  # noqa: E402

SHOWN = ["supply_interventions", "households_in_arrears", "cold_homes"]
UNITS = {
    "supply_interventions": "households a year",
    "households_in_arrears": "points of %",
    "cold_homes": "points of %",
}


def plot(differences, out) -> None:
    rows = (
        differences[(differences["zone"] == "Territory") & differences["indicator"].isin(SHOWN)]
        .set_index("indicator")
        .loc[SHOWN]
    )
    fig, axes = plt.subplots(1, len(SHOWN), figsize=(10, 3.2))
    for ax, (name, row) in zip(axes, rows.iterrows(), strict=True):
        ax.errorbar(
            [0],
            [row["difference"]],
            yerr=[[row["difference"] - row["low"]], [row["high"] - row["difference"]]],
            fmt="o",
            capsize=6,
        )
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xticks([])
        ax.set_title(f"{name.replace('_', ' ')} ({UNITS[name]})", fontsize=10)
    fig.suptitle("No FSL minus baseline, last 12 months (90% paired CI)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "fsl_effect.png", dpi=120)


if __name__ == "__main__":  # worker processes import this file: run only once
    comparison, out = answer(
        __doc__.splitlines()[0],
        ["energy_baseline.toml", "energy_fsl_off.toml"],
        indicators=[*SHOWN, "supply_interrupted", "fsl_grants", "fsl_unpaid_for_budget"],
        replications=8,
    )
    diff = comparison.differences
    diff = diff[(diff["zone"] == "Territory") & diff["indicator"].isin(SHOWN)]
    print("\nLower with the FSL (difference > 0, 90% interval excluding 0):")
    for _, row in diff.iterrows():
        verdict = "yes" if row["low"] > 0 else "no"
        print(
            f"  {row['indicator']}: {row['difference']:,.3f} "
            f"[{row['low']:,.3f}, {row['high']:,.3f}] over {row['pairs']} pairs -> {verdict}"
        )
    plot(comparison.differences, out)
    print(f"Figure: {out / 'fsl_effect.png'}")
