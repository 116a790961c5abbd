"""The cohort follow-up the document plans (3.3.6): each cohort's path from detection to outcome."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .pupils import PATH, Pupils


def cohort_table(pupils: Pupils, school_names: list[str], weight) -> pd.DataFrame:
    """One row per cohort and school: pupils, detected ... dropouts, pupils who left the
    territory before their outcome (real pupils: `weight` per pupil) and the rate.

    A cohort is the school year (its September) in which pupils entered the first tracked
    grade; `school` is the pupil's current school; the rate (%) is over pupils with an outcome.
    """
    weight = np.broadcast_to(np.asarray(weight, dtype=float), (len(pupils),))
    path = {name: getattr(pupils, name) * weight for name in PATH}
    path["done"] = (pupils.done & ~pupils.left) * weight
    frame = pd.DataFrame(
        {
            "cohort": pupils.cohort,
            "school": [school_names[i] for i in pupils.school],
            "pupils": weight,
            **path,
            "left": pupils.left * weight,
        }
    ).rename(columns={"done": "outcome_known", "dropout": "dropouts"})
    table = frame.groupby(["cohort", "school"]).sum().astype(float)
    known = table["outcome_known"].where(table["outcome_known"] > 0)
    table["dropout_rate"] = 100 * table["dropouts"] / known
    return table.reset_index()
