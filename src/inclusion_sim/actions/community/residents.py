"""Community actions in the residences of trained agencies, and what they change (document 3.2).

A trained team starts community actions (meetings, shared gardens, shared decisions, eco-gesture
workshops) in its agency's residences at a rate that grows with its perceived capacity to act;
the capacity fades month by month and each action renews part of it. Residents who took part
start their own initiatives in their residence for a year. In each action every household of
the residence takes part with a probability that is higher when one of its adults holds a
diploma: the document's second issue, participation of residents with the most cultural capital.

Effects, each a ranged prior (no source gives their size, literature.md):
- payment difficulties reported earlier: a participant household applies to the FSL more readily
  for `effect_months` (the "fsl_take_up" pathway of action 4, through model.pathways);
- eco-gesture workshops: a participant adopts eco-gestures with a probability and saves a share
  of its energy use drawn from the published range (literature.md: 1.3-7%);
- management costs avoided: fewer service providers and less damage in residences with a
  community life (an amount per household and year, a model quantity, not a payment);
- residents' perceived wellbeing: a model index (50 before any action) that participation raises,
  neighbours of participants feel in part, and that fades back to 50.
"""

from __future__ import annotations

import mesa
import numpy as np

from ..energy_poverty.ranges import draw
from .landlord import LyonMetropoleHabitat

NEVER = -(10**6)
BASELINE = 0.5  # wellbeing index before any community action (50 on the 0-100 scale)
FLOWS = (
    "actions_landlord",
    "actions_residents",
    "participants",
    "eco_households",
    "management_cost_avoided",
)


def graduates(model, rows: np.ndarray) -> np.ndarray:
    """Whether households `rows` have an adult holding a diploma (cultural capital, 3.2.7)."""
    persons = model.population.persons
    graduate = persons["present"] & (persons["age"] >= 18) & ~persons["no_diploma"]
    return model.member_sums(graduate, rows) > 0


class CommunityLife(mesa.Agent):
    """Community actions, participation and their effects, per household and residence."""

    def __init__(self, model, landlord: LyonMetropoleHabitat, params, rng: np.random.Generator):
        super().__init__(model)
        self.landlord, self.params, self.generator = landlord, params, rng
        n = model.population.n_dwellings
        self.graduate = graduates(model, np.arange(n))
        self.wellbeing = np.full(n, BASELINE)
        self.took_part = np.full(n, NEVER, dtype=np.int32)  # step of the last participation
        self.eco_done = np.zeros(n, dtype=bool)
        self.residence_action = np.full(len(landlord.residence_agency), NEVER, dtype=np.int32)
        self.flows = {name: np.zeros(model.n_zones) for name in FLOWS}

    def participation(self, rows: np.ndarray) -> np.ndarray:
        """Probability that each household of `rows` takes part in an action of its residence."""
        p = self.params
        base = p["community.participation_no_diploma"]
        odds = (
            base
            / (1 - base)
            * np.where(self.graduate[rows], p["community.diploma_participation_odds"], 1.0)
        )
        return odds / (1 + odds)

    def month(self, step: int) -> None:
        p, rng = self.params, self.generator
        for values in self.flows.values():
            values[:] = 0.0
        tenants = self.landlord.tenants
        self.wellbeing[tenants] += (BASELINE - self.wellbeing[tenants]) * p[
            "community.wellbeing_decay"
        ]
        active_before = self.residence_action > step - 12
        for agency in self.landlord.agencies:
            if not agency.trained or agency.trained_month >= step:
                continue
            agency.capacity *= 1 - p["community.capacity_decay"]
            rate = p["community.actions_per_team_year"] / 12 * agency.capacity
            for _ in range(rng.poisson(rate) if agency.residences else 0):
                residence = int(rng.integers(len(agency.residences)))
                eco = rng.random() < p["community.eco_workshop_share"]
                index = agency.first_residence + residence
                self._action(index, agency.residences[residence], eco, "actions_landlord", step)
                agency.capacity += p["community.capacity_gain_per_action"] * (1 - agency.capacity)
            for residence, rows in enumerate(agency.residences):
                index = agency.first_residence + residence
                if not active_before[index]:
                    continue
                for _ in range(rng.poisson(p["community.resident_initiatives_per_year"] / 12)):
                    self._action(index, rows, False, "actions_residents", step)
        self._costs_avoided(step)

    def _action(self, index: int, rows: np.ndarray, eco: bool, kind: str, step: int) -> None:
        """One community action in a residence: who takes part, and its effects on them."""
        p, rng, model = self.params, self.generator, self.model
        hh = model.population.households
        zone = hh["zone"][rows[0]]
        weight = model.population.zone_weight[zone]
        # One draw per dwelling of the residence (common random numbers); nobody in a vacant one.
        part = (rng.random(len(rows)) < self.participation(rows)) & hh["occupied"][rows]
        self.flows[kind][zone] += 1
        self.flows["participants"][zone] += part.sum() * weight
        self.residence_action[index] = step
        gain = p["community.wellbeing_gain"]
        lift = np.where(part, gain, gain * p["community.wellbeing_spillover"])
        self.wellbeing[rows] += lift * (1 - self.wellbeing[rows])
        self.took_part[rows[part]] = step
        if eco:
            adopts = (
                part & ~self.eco_done[rows] & (rng.random(len(rows)) < p["community.eco_adoption"])
            )
            kwh = model.population.households["annual_kwh"]
            for i in rows[adopts]:
                kwh[i] *= 1 - draw(p, "community.eco_gesture_saving", rng)
            self.eco_done[rows[adopts]] = True
            self.flows["eco_households"][zone] += adopts.sum() * weight

    def _costs_avoided(self, step: int) -> None:
        """Management costs avoided this month in residences with an action in the last year."""
        per_household = self.params["community.management_cost_avoided"] / 12
        weight = self.model.population.zone_weight
        hh = self.model.population.households
        for agency in self.landlord.agencies:
            for residence, rows in enumerate(agency.residences):
                if self.residence_action[agency.first_residence + residence] > step - 12:
                    zone = hh["zone"][rows[0]]
                    households = np.count_nonzero(hh["occupied"][rows])
                    self.flows["management_cost_avoided"][zone] += (
                        households * weight[zone] * per_household
                    )

    def forget(self, households: np.ndarray) -> None:
        """Households that left or arrived: a newcomer has taken part in nothing yet."""
        self.wellbeing[households] = BASELINE
        self.took_part[households] = NEVER
        self.eco_done[households] = False
        self.graduate[households] = graduates(self.model, households)

    def reporting_earlier(self, step: int) -> np.ndarray:
        """Households who took part recently enough to report payment difficulties earlier."""
        return self.took_part > step - int(self.params["community.effect_months"])

    def participated_within(self, step: int, months: int = 12) -> np.ndarray:
        return self.took_part > step - months
