"""The packaged demographic rates (`data/demography_*.csv`), each row with its vintage and source.

- mortality: annual probability of dying by sex and five-year age group (INSEE period life table);
- fertility: births a year per woman by age group of the mother and calendar year (INSEE);
- leaving home: annual rate at which adult children leave the parental home, by age (INSEE);
- activity: the share of young adults in the labour force by age (INSEE);
- mobility: the share of dwellings changing occupant in a year by tenure (RPLS, SOeS), and the
  relative moving rate by the age of the household's reference person (INSEE);
- retirement: the legal minimum age of retirement by month of birth (the 2010 and 2023 laws).

The tables are read once and checked (every row sourced, ages ascending); the model reads them
as lookup arrays (`Tables`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from .codes import OWNER, PRIVATE_TENANT, SOCIAL

MAX_AGE = 120
TENURE_KEYS = {"social_tenant": SOCIAL, "private_tenant": PRIVATE_TENANT, "owner": OWNER}


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("inclusion_sim.data") / name).read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    if not rows or not all(row["source"].strip() for row in rows):
        raise ValueError(f"{name}: expected rows, each with a source")
    return rows


def _by_age(starts: list[int], values: list[float]) -> np.ndarray:
    """A value for every age 0..MAX_AGE from the values of age groups starting at `starts`."""
    if starts != sorted(starts) or starts[0] != 0:
        raise ValueError("age groups must start at 0 and ascend")
    ages = np.arange(MAX_AGE + 1)
    return np.asarray(values, dtype=float)[np.searchsorted(starts, ages, side="right") - 1]


@dataclass(frozen=True)
class Tables:
    """Lookup arrays of the demographic rates (annual rates; the model makes them monthly)."""

    death: np.ndarray  # [sex, age] annual probability of dying
    fertility_years: np.ndarray  # calendar years of the fertility rows
    fertility: np.ndarray  # [year row, age] births a year per woman
    leaving_home: np.ndarray  # [age] annual rate at which an adult child leaves home
    activity: np.ndarray  # [age] share of the persons of that age in the labour force
    tenure_mobility: np.ndarray  # [tenure] share of dwellings changing occupant a year
    head_age_mobility: np.ndarray  # [age] relative moving rate by the reference person's age
    retirement_born: np.ndarray  # months since year 0 of the first birth month of each row
    retirement_age: np.ndarray  # legal minimum age of those rows, in months

    def fertility_in(self, year: int) -> np.ndarray:
        """Births a year per woman by age in a calendar year (the table's first or last year
        outside it)."""
        years = self.fertility_years
        return self.fertility[np.searchsorted(years, min(max(year, years[0]), years[-1]))]

    def legal_age_months(self, born: np.ndarray) -> np.ndarray:
        """Legal retirement age (months) of persons born in month `born` (months since year 0)."""
        row = np.searchsorted(self.retirement_born, born, side="right") - 1
        return self.retirement_age[np.maximum(row, 0)]


@cache
def load_tables() -> Tables:
    mortality = _rows("demography_mortality.csv")
    death = np.stack(
        [
            _by_age(
                [int(r["age_from"]) for r in mortality if r["sex"] == sex],
                [float(r["deaths_per_100000"]) / 1e5 for r in mortality if r["sex"] == sex],
            )
            for sex in ("man", "woman")
        ]
    )
    fertility_rows = _rows("demography_fertility.csv")
    years = sorted({int(r["year"]) for r in fertility_rows})
    fertility = np.zeros((len(years), MAX_AGE + 1))
    for r in fertility_rows:
        ages = slice(int(r["age_from"]), int(r["age_to"]) + 1)
        fertility[years.index(int(r["year"])), ages] = float(r["births_per_100_women"]) / 100
    leaving = _rows("demography_leaving_home.csv")
    leaving_home = np.zeros(MAX_AGE + 1)
    for r in leaving:
        leaving_home[int(r["age_from"]) : int(r["age_to"]) + 1] = float(r["annual_rate"])
    activity = np.zeros(MAX_AGE + 1)
    for r in _rows("demography_activity.csv"):
        activity[int(r["age_from"]) : int(r["age_to"]) + 1] = float(r["activity_rate"])
    mobility = _rows("demography_mobility.csv")
    tenure = np.zeros(len(TENURE_KEYS))
    for r in mobility:
        if r["table"] == "tenure":
            tenure[TENURE_KEYS[r["key"]]] = float(r["value"])
    head = [r for r in mobility if r["table"] == "head_age"]
    head_age = _by_age(
        [0] + [int(r["key"]) for r in head], [0.0] + [float(r["value"]) for r in head]
    )
    head_age[: int(head[0]["key"])] = float(head[0]["value"])  # a minor heading a household
    retirement = _rows("demography_retirement.csv")
    born = [r["born_from"].split("-") for r in retirement]
    return Tables(
        death=death,
        fertility_years=np.array(years),
        fertility=fertility,
        leaving_home=leaving_home,
        activity=activity,
        tenure_mobility=tenure,
        head_age_mobility=head_age,
        retirement_born=np.array([int(y) * 12 + int(m) - 1 for y, m in born]),
        retirement_age=np.array([int(r["legal_age_months"]) for r in retirement]),
    )


def monthly(annual: np.ndarray | float) -> np.ndarray:
    """The monthly probability of an event whose annual probability is `annual` (constant
    hazard within the year)."""
    return 1.0 - (1.0 - np.minimum(annual, 1.0)) ** (1.0 / 12.0)
