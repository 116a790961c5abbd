"""The cohort follow-up the document plans (3.3.6): each cohort's path from detection to outcome."""

from __future__ import annotations

import pandas as pd

from .pupils import PATH, Pupils


def cohort_table(pupils: Pupils, school_names: list[str], weight: float) -> pd.DataFrame:
    """One row per cohort and school: pupils, detected ... dropouts (weighted) and the rate.

    A cohort is the school year (its September) in which pupils entered the first tracked
    grade; `school` is the pupil's current school; the rate (%) is over pupils with an outcome.
    """
    frame = pd.DataFrame(
        {
            "cohort": pupils.cohort,
            "school": [school_names[i] for i in pupils.school],
            "pupils": 1,
            **{name: getattr(pupils, name) for name in PATH},
        }
    ).rename(columns={"done": "outcome_known", "dropout": "dropouts"})
    table = frame.groupby(["cohort", "school"]).sum().astype(float) * weight
    known = table["outcome_known"].where(table["outcome_known"] > 0)
    table["dropout_rate"] = 100 * table["dropouts"] / known
    return table.reset_index()
