"""Priority-education schools and their class teachers (document 3.3.1-3.3.2).

Schools come from ``data/schools.csv`` (name, zone, stage, REP/REP+ status, pupils per grade,
source). Each tracked grade of a school has classes of `dropout.pupils_per_class` pupils, each
with one class teacher, the person who notices a pupil at risk; teachers are trained in half-day
sessions and replaced each September at the turnover rate, so training fades unless renewed.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import mesa
import numpy as np

from ...checks import RATE, Check, Flag, ListOf, Number
from ...declarations import LeverError, Levers, lever
from ...errors import InclusionSimError
from ...territory.zones import zone_id

PRIMARY_LEVELS = range(1, 6)  # CP-CM2 (codes.school_level)
PILOT_ZONES = ("bron", "saint_fons")  # document 3.3.1


@dataclass(frozen=True)
class SchoolRow:
    name: str
    zone: str
    stage: str  # "primary" or "secondary"
    status: str  # "REP" or "REP+"
    pupils_per_grade: float | None  # None: every QPV pupil of the zone at this stage
    source: str


@cache
def load_schools() -> tuple[SchoolRow, ...]:
    """The packaged list of priority-education schools (read once)."""
    text = resources.files("inclusion_sim.data").joinpath("schools.csv").read_text("utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        size = row["pupils_per_grade"].strip()
        rows.append(
            SchoolRow(
                row["name"],
                row["zone"],
                row["stage"],
                row["status"],
                float(size) if size else None,
                row["source"],
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class SchoolOrZone(Check):
    """A school of data/schools.csv by name, or a zone (all its priority schools)."""

    expected: str = "a school of data/schools.csv or a zone"

    def __call__(self, value: Any) -> str:
        if isinstance(value, str) and value in {s.name for s in load_schools()}:
            return value
        try:
            return zone_id(value) if isinstance(value, str) else value
        except InclusionSimError:
            pass
        raise self.fail(value)


@dataclass(frozen=True)
class SchoolLevers(Levers):
    """Which schools and grades the action covers, and how many teachers are trained."""

    schools: tuple[str, ...] = lever(
        default_factory=lambda: tuple(s.name for s in load_schools() if s.zone in PILOT_ZONES),
        unit="schools or zones",
        check=ListOf(SchoolOrZone()),
        source="document 3.3.1: Alain primary and Parmentier secondary (Bron REP+) and Saint-Fons "
        "priority schools (data/schools.csv); names or zone ids extend the action",
        description="priority-education schools covered",
    )
    first_level: int = lever(
        4,
        unit="school level (1 = CP, 6 = 6e)",
        check=Number(1, 12, integer=True),
        range=(1, 12),
        source="document 3.3.1: from the 3rd cycle, last years of primary school (CM1)",
        description="first tracked school level",
    )
    last_level: int = lever(
        7,
        unit="school level (1 = CP, 6 = 6e)",
        check=Number(1, 12, integer=True),
        range=(1, 12),
        source="document 3.3.1: the transition to secondary school (through 5e); assumption on "
        "how long pupils stay tracked",
        description="last tracked school level",
    )
    training_coverage: float = lever(
        0.5,
        unit="share of class teachers",
        check=RATE,
        range=(0.0, 1.0),
        source="assumption: the document gives half-day sessions (3.3.2), not their coverage; half "
        "of the class teachers",
        description="share of the tracked grades' class teachers trained",
    )
    training_yearly: bool = lever(
        True,
        unit="on/off",
        check=Flag(),
        source="document 3.3.2: strong yearly renewal of teaching teams; sessions repeated each "
        "September (assumption)",
        description="whether training sessions are repeated each September",
    )

    def __post_init__(self):
        if self.first_level > self.last_level:
            raise LeverError("last_level", "expected first_level <= last_level")


def stage_of(level: int) -> str:
    return "primary" if level in PRIMARY_LEVELS else "secondary"


class School(mesa.Agent):
    """A school: its zone, stage, status, whether the action covers it, and its teachers."""

    def __init__(self, model, index: int, row: SchoolRow, zone: int, covered: bool):
        super().__init__(model)
        self.index, self.row, self.zone, self.covered = index, row, zone, covered
        self.name, self.stage, self.rep_plus = row.name, row.stage, row.status == "REP+"
        self.teachers: list[Teacher] = []


class Teacher(mesa.Agent):
    """A class teacher; `trained` is stored in the staff array so updates are vectorised."""

    def __init__(self, model, staff: Staff, index: int, school: School):
        super().__init__(model)
        self.staff, self.index, self.school = staff, index, school

    @property
    def trained(self) -> bool:
        return bool(self.staff.trained[self.index])


class Staff:
    """All class teachers of the tracked grades of the covered schools."""

    def __init__(self, model, schools: list[School], pupils_per_school: dict[int, float]):
        self.school = []
        self.teachers: list[Teacher] = []
        per_class = model.params["dropout.pupils_per_class"]
        for school in schools:
            if not school.covered:
                continue
            n = max(1, math.ceil(pupils_per_school.get(school.index, 0) / per_class))
            for _ in range(n):
                teacher = Teacher(model, self, len(self.teachers), school)
                school.teachers.append(teacher)
                self.teachers.append(teacher)
                self.school.append(school.index)
        self.school = np.asarray(self.school, dtype=int)
        self.trained = np.zeros(len(self.teachers), dtype=bool)

    def turnover(self, rate: float, rng: np.random.Generator) -> None:
        """Each September a share of teachers leaves; newcomers are untrained."""
        self.trained &= rng.random(len(self.trained)) >= rate

    def train(self, coverage: float, rng: np.random.Generator) -> np.ndarray:
        """Train untrained teachers until `coverage` of them are trained; returns who."""
        target = round(coverage * len(self.trained))
        missing = max(0, target - int(self.trained.sum()))
        chosen = rng.permutation(np.flatnonzero(~self.trained))[:missing]
        self.trained[chosen] = True
        return chosen

    def class_teacher(self, schools: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A random class teacher of each pupil's school (-1 where the school is not covered)."""
        teacher = np.full(len(schools), -1)
        u = rng.random(len(schools))
        for s in np.unique(schools):
            staff = np.flatnonzero(self.school == s)
            if len(staff):
                pupils = schools == s
                teacher[pupils] = staff[(u[pupils] * len(staff)).astype(int)]
        return teacher
