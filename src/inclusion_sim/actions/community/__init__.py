"""Action 2: community action in social housing to improve the residents' quality of life
(document 3.2).

Lyon Métropole Habitat's tenants, agencies and residences (`landlord.py`); the training of agency
teams by the CCAURA under a yearly budget (`training.py`); the community actions trained teams
and residents start, who takes part and what it changes (`residents.py`). Earlier reporting of
payment difficulties reaches households through action 4's FSL take-up (`model.pathways`), never
by editing an outcome; eco-gesture workshops change energy use, which every energy indicator
reads. Monitoring criteria (3.2.8) are reported as model quantities named as such.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...declarations import Indicator
from ...indicators import per_zone, ratio, with_total
from ..base import Action, register
from .landlord import LyonMetropoleHabitat
from .residents import CommunityLife
from .training import LINE, TrainingBody, TrainingLevers


def _indicator(name: str, unit: str, kind: str, description: str, **kw) -> Indicator:
    return Indicator(f"community_{name}", unit, kind, description, **kw)


@register
class Community(Action):
    name = "community"
    lever_groups = (TrainingLevers,)
    budget_lines = (LINE,)
    outputs = (
        _indicator(
            "trained_members",
            "persons",
            "cumulative",
            "3.2.8 'number of trained team members/partners': LMH staff, partners and residents "
            "trained so far, by agency zone",
            figure=("action2.trained_people_2017", 1.0),
            headline=True,
        ),
        _indicator("trained_residents", "persons", "cumulative", "residents among them"),
        _indicator("teams_trained", "teams", "cumulative", "agency teams trained so far"),
        _indicator("training_spent", "EUR", "cumulative", "training paid so far (LMH)"),
        _indicator(
            "actions_landlord",
            "actions",
            "flow",
            "3.2.8: community actions started by the landlord's trained teams",
            headline=True,
        ),
        _indicator(
            "actions_residents",
            "actions",
            "flow",
            "3.2.8: community actions started by the inhabitants themselves",
        ),
        _indicator(
            "participation_rate",
            "%",
            "rate",
            "LMH households of trained agencies that took part in an action in the last 12 months",
            headline=True,
        ),
        _indicator(
            "participation_rate_no_diploma",
            "%",
            "rate",
            "the same among households with no adult holding a diploma (3.2.7: are participants "
            "representative?)",
        ),
        _indicator(
            "capacity_index",
            "index 0-100",
            "rate",
            "model index standing for 3.2.8's 'perception of teams about their capacity to take "
            "actions': mean perceived capacity of the trained teams",
        ),
        _indicator(
            "wellbeing_index",
            "index 0-100",
            "rate",
            "model index standing for 3.2.8's 'perception of the inhabitants about their "
            "wellbeing': mean over the LMH tenants of trained agencies (50 before any community "
            "action)",
        ),
        _indicator(
            "management_cost_avoided",
            "EUR",
            "flow",
            "model quantity: LMH management costs avoided (service providers, damage) in "
            "residences with an action in the last 12 months (3.2.7)",
        ),
        _indicator(
            "eco_households", "households", "flow", "households adopting eco-gestures at a workshop"
        ),
        _indicator(
            "reporting_earlier",
            "households",
            "stock",
            "participant households currently reporting payment difficulties earlier",
        ),
        _indicator(
            "take_up_change",
            "%",
            "rate",
            "mean change the action makes to the probability that an indebted household applies "
            "to the FSL (action 4), over all households of the zone",
        ),
    )

    def __init__(self, model, **levers: Any):
        super().__init__(model, **levers)
        params = model.params
        tenancy_rng, life_rng = self.rng.spawn(2)
        self.landlord = LyonMetropoleHabitat(model, tenancy_rng, params["community.residence_size"])
        self.training = TrainingBody(
            model, self.levers(TrainingLevers), params, self.landlord.agencies
        )
        self.life = CommunityLife(model, self.landlord, params, life_rng)

    def step(self) -> None:
        model = self.model
        year, month = model.calendar_month
        if model.steps == 1 or month == 1:
            self.training.open_year(year)
        self.life.month(model.steps)
        reporting = self.life.reporting_earlier(model.steps)
        factor = np.where(reporting, model.params["community.reporting_effect"], 1.0)
        model.pathways.contribute("fsl_take_up", self.name, factor)

    def forget(self, households: np.ndarray, persons: np.ndarray) -> None:
        self.life.forget(households)

    def indicators(self) -> dict[str, np.ndarray]:
        model, landlord, life = self.model, self.landlord, self.life
        zones, w, step = model.household_slices, model.population.zone_weight, model.steps
        n = model.n_zones
        trained = [a for a in landlord.agencies if a.trained]
        out = {f"community_{name}": model.zone_values(v) for name, v in life.flows.items()}

        def by_zone(values) -> np.ndarray:
            total = np.zeros(n)
            for agency, value in values:
                total[agency.zone] += value
            return model.zone_values(total)

        out["community_trained_members"] = by_zone((a, sum(a.members.values())) for a in trained)
        out["community_trained_residents"] = by_zone((a, a.members["residents"]) for a in trained)
        out["community_teams_trained"] = by_zone((a, 1) for a in trained)
        out["community_training_spent"] = model.zone_values(self.training.spent)
        capacity = by_zone((a, a.capacity) for a in trained)
        out["community_capacity_index"] = 100 * ratio(capacity, out["community_teams_trained"])

        trained_index = np.array([a.index for a in trained], dtype=np.int32)
        occupied = model.population.households["occupied"]
        covered = np.isin(landlord.agency, trained_index) & occupied
        took_part = life.participated_within(step)
        no_diploma = covered & ~life.graduate

        def real(values) -> np.ndarray:
            """Per-zone sums in real households, with the Territory total."""
            return with_total(per_zone(values, zones) * w)

        out["community_participation_rate"] = 100 * ratio(real(covered & took_part), real(covered))
        out["community_participation_rate_no_diploma"] = 100 * ratio(
            real(no_diploma & took_part), real(no_diploma)
        )
        out["community_wellbeing_index"] = 100 * ratio(
            real(np.where(covered, life.wellbeing, 0.0)), real(covered)
        )
        out["community_reporting_earlier"] = model.zone_values(
            per_zone(life.reporting_earlier(step), zones) * w
        )
        factor = model.pathways.contribution("fsl_take_up", self.name)
        change = np.zeros(len(occupied)) if factor is None else np.where(occupied, factor - 1, 0.0)
        raised = real(change)
        out["community_take_up_change"] = 100 * ratio(raised, real(occupied))
        return {indicator.name: out[indicator.name] for indicator in self.outputs}
