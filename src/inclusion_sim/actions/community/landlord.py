"""Lyon Métropole Habitat, its agencies, and which social tenants are its tenants (document 3.2.1).

LMH manages 32,000 of the Metropolis' ~150,000 social dwellings (3.2.1): each social-tenant
household of the synthetic population is an LMH tenant with that probability (the landlord is
otherwise another social landlord, not modelled further). An LMH tenant belongs to an agency of
its zone (`data/lmh_agencies.csv`: the six agencies the document names, each in the zone of its
commune, and four unnamed ones in the rest of the Metropolis), shared equally when a zone has
several, and lives in a residence of about `community.residence_size` real households of that
agency. The document's "a third in priority districts" is not imposed: it is checked (held
out) against the model's QPV flags.

Households relocated into social housing during the run (action 4) get no landlord: the
assignment is made once, when the action is built.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import mesa
import numpy as np

from ...codes import SOCIAL
from ...territory.figures import figure

NO_AGENCY = -1


@dataclass(frozen=True)
class AgencyRow:
    name: str
    zone: str
    source: str


@cache
def load_agencies() -> tuple[AgencyRow, ...]:
    """The packaged LMH agencies (read once)."""
    text = resources.files("inclusion_sim.data").joinpath("lmh_agencies.csv").read_text("utf-8")
    return tuple(
        AgencyRow(r["agency"], r["zone"], r["source"]) for r in csv.DictReader(text.splitlines())
    )


def agency_names() -> tuple[str, ...]:
    return tuple(row.name for row in load_agencies())


def lmh_share() -> float:
    """LMH's share of the Metropolis' social dwellings (3.2.1)."""
    return figure("lyon_metropole_habitat.units_managed") / figure("metro.social_housing_units")


class Agency(mesa.Agent):
    """An LMH agency: its tenants' residences and, once trained, its community-action team."""

    def __init__(self, model, index: int, row: AgencyRow, zone: int):
        super().__init__(model)
        self.index, self.name, self.zone = index, row.name, zone
        self.residences: list[np.ndarray] = []  # household rows of each residence
        self.first_residence = 0  # the model-wide index of its first residence (contiguous)
        self.trained_month = -1  # step at which its team finished the training
        self.capacity = 0.0  # the team's perceived capacity to act, 0-1 (3.2.8)
        self.members = {"staff": 0, "partners": 0, "residents": 0}

    @property
    def trained(self) -> bool:
        return self.trained_month >= 0


class LyonMetropoleHabitat(mesa.Agent):
    """The landlord: its agencies in the simulated zones and its tenants.

    `agency[h]` and `residence[h]` are the agency and residence of household h (NO_AGENCY for a
    household that is not an LMH tenant); `residence_agency[r]` is the agency of residence r.
    """

    def __init__(self, model, rng: np.random.Generator, residence_size: float):
        super().__init__(model)
        hh, n = model.population.households, model.population.n_dwellings
        rows = [row for row in load_agencies() if row.zone in model.zones]
        self.agencies = [
            Agency(model, k, row, model.zones.index(row.zone)) for k, row in enumerate(rows)
        ]
        social = hh["tenure"] == SOCIAL
        tenant = social & (rng.random(n) < lmh_share())  # one draw per household
        self.agency = np.full(n, NO_AGENCY, dtype=np.int32)
        self.residence = np.full(n, NO_AGENCY, dtype=np.int32)
        residence_agency = []
        for zone, rows_of_zone in enumerate(model.household_slices):
            size = max(1, round(residence_size / model.population.zone_weight[zone]))
            own = [a for a in self.agencies if a.zone == zone]
            members = rows_of_zone.start + np.flatnonzero(tenant[rows_of_zone])
            if not own or len(members) == 0:
                continue
            members = rng.permutation(members)
            for agency, share in zip(own, np.array_split(members, len(own)), strict=True):
                agency.first_residence = len(residence_agency)
                for start in range(0, len(share), size):
                    rows = np.sort(share[start : start + size])
                    self.residence[rows] = len(residence_agency)
                    residence_agency.append(agency.index)
                    agency.residences.append(rows)
                self.agency[share] = agency.index
        self.residence_agency = np.array(residence_agency, dtype=np.int32)

    def by_name(self, name: str) -> Agency | None:
        return next((a for a in self.agencies if a.name == name), None)

    @property
    def tenants(self) -> np.ndarray:
        return self.agency != NO_AGENCY
