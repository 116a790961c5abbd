"""Mesa agents that are views: households, persons (and the actions' pupils and workers) whose
state lives in NumPy arrays.

The monthly update works on whole arrays; a view reads and writes its own row, so Mesa's AgentSets,
DataCollector agent reporters and user code still see ordinary agents. The model builds the
household and person views only when they are first asked for (`model.agents`,
`model.household_agents`...), so a whole-Metropolis run does not pay for two million Python
objects it never reads. The behavioural agents are the organisations (social centres, the FSL,
SOLIHA, public buyers, the facilitator, schools, committees, educators).
"""

from __future__ import annotations

from collections.abc import Mapping

import mesa

from .clock import school_year
from .codes import school_level


class Column:
    """Attribute backed by row `agent.index` of the array `name` of `agent.table` (a dict of
    arrays, or an object whose attributes are arrays)."""

    def __init__(self, key: str | None = None):
        self.name = key

    def __set_name__(self, owner, name: str):
        self.name = self.name or name

    def _array(self, agent):
        table = agent.table
        return table[self.name] if isinstance(table, Mapping) else getattr(table, self.name)

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        return self._array(agent)[agent.index].item()

    def __set__(self, agent, value):
        self._array(agent)[agent.index] = value


class Household(mesa.Agent):
    """A household of the synthetic population (one agent stands for `weight` real ones)."""

    zone = Column()
    tenure = Column()
    size = Column()
    qpv = Column()
    cu = Column()
    income = Column()
    adults = Column()
    rent = Column()
    owner_costs = Column()
    mortgage = Column()
    allowance = Column()
    surface = Column()
    dpe = Column()
    heating = Column()
    annual_kwh = Column()
    arrears_rent = Column()
    arrears_energy = Column()
    cheque = Column()
    heating_kept = Column()
    supply = Column()
    cold_home = Column()

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def table(self):
        return self.model.population.households

    @property
    def members(self) -> list[Person]:
        return self.model.members_of(self.index)


class Person(mesa.Agent):
    """A person: adult (worker or not) or child; `school_level` is derived from age."""

    household_index = Column("household")
    age = Column()
    birth_month = Column()
    sex = Column()
    no_diploma = Column()
    activity = Column()
    unemployment_months = Column()
    wage = Column()
    pension = Column()

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def table(self):
        return self.model.population.persons

    @property
    def household(self) -> Household:
        return self.model.household_agents[self.household_index]

    @property
    def school_level(self) -> int:
        """The grade of the current school year (-1 if not of school age)."""
        born = self.model.birth_years(self.index)
        return int(school_level(born, school_year(*self.model.calendar_month)))
