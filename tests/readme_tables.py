"""The README's calibration tables, made from the shipped files (one source): the posterior
predictive table of every target, the fitted parameters' identification, the held-out validation
and the "what to measure next" ranking. tests/test_validation.py checks that the README holds
them verbatim; `python tests/readme_tables.py` prints them to paste after a new run."""

from pathlib import Path

import pandas as pd

CALIBRATION = Path(__file__).parents[1] / "calibration"


def number(value: float) -> str:
    """Three significant digits, thousands separated."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def yes(flag) -> str:
    return "yes" if bool(flag) else "no"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def predictive() -> str:
    shipped = pd.read_csv(CALIBRATION / "posterior_predictive.csv")
    rows = [
        [
            f"`{r.figure_id}`",
            number(r.figure),
            f"±{r.tolerance:.0%}",
            number(r.calibrated),
            yes(r.within_tolerance),
            number(r.predictive_mean),
            f"{number(r.predictive_p5)}–{number(r.predictive_p95)}",
            yes(r.inside_90),
        ]
        for r in shipped.itertuples()
    ]
    header = ["target", "figure", "tolerance", "calibrated", "within tolerance"]
    return table([*header, "predictive mean", "90% interval", "figure inside"], rows)


def identification() -> str:
    shipped = pd.read_csv(CALIBRATION / "identification.csv")
    fitted = shipped[shipped["status"] == "fitted"]
    rows = [
        [
            f"`{r.parameter}`",
            f"{number(r.prior_low)}–{number(r.prior_high)}",
            f"{number(r.posterior_p5)}–{number(r.posterior_p95)}",
            number(r.posterior_median),
            f"{r.width_ratio:.2f}",
        ]
        for r in fitted.itertuples()
    ]
    header = ["fitted parameter", "prior", "posterior 90%", "posterior median", "width ratio"]
    return table(header, rows)


def validation() -> str:
    shipped = pd.read_csv(CALIBRATION / "validation.csv")
    rows = [
        [
            f"`{r.figure_id}`",
            number(r.figure),
            number(r.predictive_mean),
            f"{number(r.predictive_p5)}–{number(r.predictive_p95)}",
            yes(r.inside),
            r.source.split(":")[0],
        ]
        for r in shipped.itertuples()
    ]
    header = ["held-out figure", "figure", "predictive mean", "90% interval", "inside", "source"]
    return table(header, rows)


def what_to_measure() -> str:
    shipped = pd.read_csv(CALIBRATION / "what_to_measure.csv")
    status = pd.read_csv(CALIBRATION / "identification.csv").set_index("parameter")["status"]
    rows = [
        [
            r.action,
            str(r.rank),
            f"`{r.parameter}`",
            r.prior,
            status[r.parameter].split(":")[0],
            f"{r.relative_mu_star:.2f}",
            "–" if pd.isna(r.ST) else f"{r.ST:.2f}",
            "–" if pd.isna(r.S1) else f"{r.S1:.2f}",
            f"`{r.output}`",
        ]
        for r in shipped.itertuples()
    ]
    header = ["action", "rank", "parameter", "prior", "calibration", "Morris mu* / value"]
    header += ["Sobol ST", "Sobol S1"]
    return table([*header, "on"], rows)


TABLES = {
    "predictive": predictive,
    "identification": identification,
    "validation": validation,
    "what_to_measure": what_to_measure,
}

if __name__ == "__main__":
    for name, make in TABLES.items():
        print(f"<!-- {name} -->\n{make()}\n")
