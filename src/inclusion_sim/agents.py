"""Mesa agents for households and persons, as thin views over the population's arrays.

The monthly update works on whole arrays; an agent reads and writes its own row, so Mesa's
AgentSets, DataCollector agent reporters and user code still see ordinary agents.
"""

from __future__ import annotations

import mesa

from .codes import school_level


class Column:
    """Attribute backed by `model.population.<table>[<name>][agent.index]`."""

    def __init__(self, table: str, key: str | None = None):
        self.table = table
        self.name = key

    def __set_name__(self, owner, name: str):
        self.name = self.name or name

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        return getattr(agent.model.population, self.table)[self.name][agent.index].item()

    def __set__(self, agent, value):
        getattr(agent.model.population, self.table)[self.name][agent.index] = value


class Household(mesa.Agent):
    """A household of the synthetic population (one agent stands for `weight` real ones)."""

    zone = Column("households")
    tenure = Column("households")
    size = Column("households")
    qpv = Column("households")
    cu = Column("households")
    income = Column("households")
    rent = Column("households")
    surface = Column("households")
    dpe = Column("households")
    heating = Column("households")
    annual_kwh = Column("households")
    energy_price = Column("households")
    arrears_rent = Column("households")
    arrears_energy = Column("households")

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def members(self) -> list[Person]:
        return self.model.members_of(self.index)


class Person(mesa.Agent):
    """A person: adult (worker or not) or child; `school_level` is derived from age."""

    household_index = Column("persons", key="household")
    age = Column("persons")
    sex = Column("persons")
    no_diploma = Column("persons")
    activity = Column("persons")
    unemployment_months = Column("persons")
    wage = Column("persons")

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def household(self) -> Household:
        return self.model.household_agents[self.household_index]

    @property
    def school_level(self) -> int:
        return int(school_level(self.age))
