"""The community-action training of LMH agency teams (document 3.2.2, 3.2.6).

The Collège Coopératif Auvergne-Rhône-Alpes (CCAURA) trains one team per agency: ten days over
four months, three modules, teams of about ten (LMH staff, partners, residents); 2017 the Bron
and Neuville-Fontaine agencies for 20,000 EUR, 2018 the Vénissieux, Saint-Fons, Givors and
Pierre-Bénite agencies for 40,000 EUR. Each January the year's quota of agencies is taken, in
the training order, from those not trained yet; their teams queue for the trainer's places (a
SimPy resource: teams trained at once) from the training start month; a team's training is paid
in full from the year's budget line when it starts, or not at all (the agency waits for a later
year's quota), so the budget is never overspent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np
import simpy

from ...checks import AMOUNT, COUNT, Check, ListOf, Number, OneOf, TableOf
from ...clock import days_in_month
from ...declarations import Levers, lever
from ...territory.figures import figure
from .landlord import Agency, agency_names

LINE = ("Lyon Métropole Habitat", "community action training")
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Year(Check):
    """A calendar year, written as a number or a TOML key ("2018")."""

    expected: str = "a year from 1990 to 2100"

    def __call__(self, value: Any) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
            raise self.fail(value)
        return value


@dataclass(frozen=True)
class TrainingLevers(Levers):
    """Which agencies are trained, when and in what order, team size, budget and trainers."""

    training_order: tuple[str, ...] = lever(
        default_factory=lambda: agency_names()[:6],
        unit="agencies",
        check=ListOf(OneOf(agency_names())),
        source="document 3.2.2: Bron and Neuville-Fontaine (2017), then Vénissieux, Saint-Fons, "
        "Givors and Pierre-Bénite (2018); data/lmh_agencies.csv lists every agency",
        description="agencies to train, in order (agencies of zones not simulated are skipped)",
    )
    agencies_per_year: dict[int, int] = lever(
        default_factory=lambda: {2017: 2, 2018: 4},
        unit="agencies, by year",
        check=TableOf(Year(), COUNT),
        partial=True,
        source="document 3.2.2 and 3.2.6: two agencies in 2017, four in 2018",
        description="agencies whose teams start the training each year (years not listed: "
        "none; entries update the default)",
    )
    budget_per_year: dict[int, float] = lever(
        default_factory=lambda: {
            2017: figure("action2.budget_2017"),
            2018: figure("action2.budget_2018"),
        },
        unit="EUR, by year",
        check=TableOf(Year(), AMOUNT),
        partial=True,
        source="document 3.2.6: 20,000 EUR in 2017, 40,000 in 2018",
        description="training budget of each year (years not listed: none; entries update the "
        "default)",
    )
    team_size: int = lever(
        default_factory=lambda: round(figure("action2.trained_people_2017") / 2),
        unit="persons per team",
        check=Number(1, 100, integer=True),
        range=(5, 20),
        source="document 3.2.6: two teams of ten trained people in 2017",
        description="people trained per agency team (LMH staff, partners, residents)",
    )
    trainer_capacity: int = lever(
        4,
        unit="teams trained at once",
        check=COUNT,
        range=(1, 8),
        source="document 3.2.6: four teams trained in 2018 (assumption: in one session)",
        description="teams the training body can train at the same time",
    )
    training_start_month: int = lever(
        3,
        unit="calendar month",
        check=Number(1, 12, integer=True),
        range=(1, 12),
        source="document 3.2.1: the 2017 session ran from March to June",
        description="month in which each year's training starts",
    )


class TrainingBody(mesa.Agent):
    """The CCAURA: its places for teams (SimPy), the yearly schedule and the budget line."""

    def __init__(self, model, levers: TrainingLevers, params, agencies: list[Agency]):
        super().__init__(model)
        self.levers, self.params = levers, params
        self.agencies = {a.name: a for a in agencies}
        places = levers.trainer_capacity
        self.places = simpy.Resource(model.env, capacity=places) if places else None
        self.months = figure("action2.training_months")
        self.scheduled: set[str] = set()  # agencies whose team is queued or in training
        self.spent = np.zeros(model.n_zones)  # EUR paid for training so far, by agency zone

    def open_year(self, year: int) -> None:
        """January: renew the budget line and schedule this year's quota of agencies."""
        self.model.ledger.open_line(*LINE, self.levers.budget_per_year.get(year, 0.0))
        quota = self.levers.agencies_per_year.get(year, 0)
        waiting = [
            name
            for name in self.levers.training_order
            if name in self.agencies
            and not self.agencies[name].trained
            and name not in self.scheduled
        ]
        start = self._days_to_start()
        for name in waiting[:quota]:
            self.scheduled.add(name)
            self.model.env.process(self._train(self.agencies[name], start))

    def _days_to_start(self) -> float:
        """Days from now (a month's start) to the start of the training month (0 if past)."""
        year, month = self.model.calendar_month
        return float(
            sum(days_in_month(year, m) for m in range(month, self.levers.training_start_month))
        )

    def cost(self) -> float:
        return self.levers.team_size * self.params["community.cost_per_trainee"]

    def _train(self, agency: Agency, delay: float):
        """SimPy process: wait for the start month and a trainer's place; pay; train 4 months."""
        env = self.model.env
        yield env.timeout(delay)
        if self.places is None:
            return  # no trainer: the team is never trained (and stays scheduled)
        with self.places.request() as place:
            yield place
            cost, ledger = self.cost(), self.model.ledger
            if ledger.remaining(*LINE) < cost - 1e-9:  # a team is paid in full or not trained
                self.scheduled.discard(agency.name)  # a later year's quota may take it
                return
            ledger.pay(*LINE, cost, self.model.steps)
            self.spent[agency.zone] += cost
            yield env.timeout(self.months * DAYS_PER_MONTH)
        agency.trained_month = self.model.steps
        agency.capacity = self.params["community.capacity_after_training"]
        agency.members = self.composition()
        self.scheduled.discard(agency.name)

    def composition(self) -> dict[str, int]:
        """Members of one trained team by kind (3.2.2: LMH staff, partners, residents)."""
        size, p = self.levers.team_size, self.params
        residents = round(size * p["community.resident_share"])
        staff = min(round(size * p["community.staff_share"]), size - residents)
        return {"staff": staff, "partners": size - residents - staff, "residents": residents}
