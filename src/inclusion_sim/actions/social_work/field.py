"""Field experiments of the social psychologists (document 3.1.2), during phase 2.

- Outreach: social workers take the Metropolis' "health information bus" to a market day and
  meet inhabitants outside the social centre. Each event takes workers' time from casework and
  brings some households of the zone into contact with the social workers.
- The user-feedback booth: a telephone booth in a social centre gathers users' comments orally.
  Users who leave one are in contact too, and their comments reach the workshops: the centre's
  volunteers learn faster (3.1.6's second issue, including beneficiaries).

A household in contact reaches the social centre's services earlier for `contact_months`: the
action raises its pathways to the FSL and to the Space for Solidarity Making (see the action).
How many households an event or the booth reaches, and how much contact changes, are ranged
priors (parameters_social_work.toml): the document gives no figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np

from ...checks import ListOf, Number, Zone
from ...declarations import Levers, lever


@dataclass(frozen=True)
class FieldLevers(Levers):
    """How often and where the field experiments run."""

    outreach_events: int = lever(
        1,
        unit="events per year and zone",
        check=Number(0, 365, integer=True),
        range=(0, 12),
        source="document 3.1.2: one market day in Vénissieux with the health information bus is "
        "described ('among other things')",
        description="outreach events (market days) per year in each outreach zone, during phase 2",
    )
    outreach_zones: tuple[str, ...] = lever(
        default_factory=lambda: ("venissieux",),
        unit="zones",
        check=ListOf(Zone()),
        source="document 3.1.2: the market day was in Vénissieux",
        description="zones whose social workers hold outreach events",
    )
    booth_zones: tuple[str, ...] = lever(
        default_factory=lambda: ("venissieux",),
        unit="zones",
        check=ListOf(Zone()),
        source="document 3.1.2: a booth in 'a Metropolis Social Centre' (not named; assumed "
        "Vénissieux, where the other field experiment took place)",
        description="zones whose social centre has the user-feedback booth during phase 2",
    )


class FieldExperiments(mesa.Agent):
    """Outreach events and booths: who is in contact with the social workers, and until when."""

    def __init__(self, model, levers: FieldLevers, params, rng: np.random.Generator):
        super().__init__(model)
        self.levers, self.params, self.generator = levers, params, rng
        self.outreach = [model.zones.index(z) for z in levers.outreach_zones if z in model.zones]
        self.booths = [model.zones.index(z) for z in levers.booth_zones if z in model.zones]
        self.contact_until = np.zeros(model.population.n_dwellings, dtype=np.int32)

    def learning_boost(self) -> np.ndarray:
        """Per zone: how much faster volunteers learn where a booth brings users' comments in."""
        boost = np.ones(self.model.n_zones)
        boost[self.booths] = self.params["social_work.booth_learning_boost"]
        return boost

    def in_contact(self) -> np.ndarray:
        """Households currently in contact through a field experiment."""
        return self.contact_until > self.model.steps

    def month(self, workshop_month: int, flows: dict[str, np.ndarray]) -> None:
        """The field experiments of the `workshop_month`-th month of phase 2 (0 first)."""
        p, per_year = self.params, self.levers.outreach_events
        # Event k of each year of phase 2 falls in the middle of its twelfth of the events.
        events = sum(
            math.floor((k + 0.5) * 12 / per_year) == workshop_month % 12 for k in range(per_year)
        )
        hours = p["social_work.outreach_worker_hours"]
        for zone in self.outreach:
            for _ in range(events):
                self._contact(zone, p["social_work.households_per_event"], flows)
                centre = self.model.social_centres[zone]
                centre.withdraw(hours / p["social_work.hours_per_worker_month"])
                flows["casework_hours_lost"][zone] += hours
        for zone in self.booths:
            self._contact(zone, p["social_work.booth_users_per_month"], flows)

    def _contact(self, zone: int, real_households: float, flows: dict[str, np.ndarray]) -> None:
        """Bring about `real_households` households of the zone into contact (agents drawn at
        random among the zone's households, their number rounded stochastically so the real
        count holds at any scale)."""
        model, weight = self.model, self.model.population.zone_weight[zone]
        rows = model.household_slices[zone]
        living = rows.start + np.flatnonzero(model.population.households["occupied"][rows])
        agents = real_households / weight
        n = min(math.floor(agents) + int(self.generator.random() < agents % 1), len(living))
        chosen = self.generator.choice(living, n, replace=False)
        self.contact_until[chosen] = model.steps + int(self.params["social_work.contact_months"])
        flows["households_contacted"][zone] += n * weight
