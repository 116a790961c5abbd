"""Action 1: action research "Adaptation of the intervention models into educational support"
(document 3.1).

The social workers of the Metropolis social centres are agents with a practice state (the
centres' rosters, `agencies.py`). The action research (`research.py`) runs a pre-diagnosis, then
workshops with volunteers whose time is taken from casework on the centres' one shared
capacity; field experiments (`field.py`) bring households into contact. What changes for
households goes through the other actions' mechanisms only (`model.pathways`): a centre whose
workers apply the renewed practice detects and reports energy poverty more systematically (more
indebted households apply to the FSL, more applicants are referred to SOLIHA: action 4), wins
families' agreement to an educator more often (action 3) and refers more households to the Space
for Solidarity Making (action 6). Each effect is 1 + effect x the centre's practice index, with
the effect a ranged prior: no source gives its size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...declarations import Indicator
from ...indicators import per_zone, ratio, with_total
from ..base import Action, register
from .field import FieldExperiments, FieldLevers
from .research import ActionResearch, ResearchLevers

FLOWS = ("participants", "workshops", "casework_hours_lost", "households_contacted")

# pathway -> parameter of the effect of a fully renewed practice (1 + effect x practice index)
EFFECTS = {
    "fsl_take_up": "social_work.detection_effect",
    "soliha_referral": "social_work.referral_effect",
    "educator_agreement": "social_work.agreement_effect",
    "solidarity_referral": "social_work.solidarity_effect",
}
CONTACT = ("fsl_take_up", "solidarity_referral")  # pathways that contact with households raises
CHANGES = {  # indicator -> pathway: the % change the action makes to the other actions' rates
    "social_work_take_up_change": "fsl_take_up",
    "social_work_referral_change": "soliha_referral",
    "social_work_agreement_change": "educator_agreement",
    "social_work_solidarity_change": "solidarity_referral",
}


def _criterion(name: str, unit: str, kind: str, description: str, **kw) -> Indicator:
    return Indicator(name, unit, kind, description, **kw)


@register
class SocialWork(Action):
    name = "social_work"
    lever_groups = (ResearchLevers, FieldLevers)
    outputs = (
        _criterion(
            "social_work_participants",
            "social workers",
            "stock",
            "volunteers attending this month's workshops (3.1.7: participation of social workers)",
            headline=True,
        ),
        _criterion(
            "social_work_engagement_index",
            "index 0-100",
            "rate",
            "model index standing for 3.1.7's 'social workers' satisfaction towards the project': "
            "mean engagement of the volunteers (100 at recruitment)",
        ),
        _criterion("social_work_workshops", "sessions", "flow", "workshop sessions held"),
        _criterion(
            "social_work_deliverables",
            "deliverables",
            "cumulative",
            "model count standing for 3.1.7's 'effectivity of deliverable production': "
            "pre-diagnosis, comic book and intermediary deliverables so far (the same in every "
            "zone: they serve all the covered centres)",
        ),
        _criterion(
            "social_work_practice_index",
            "index 0-100",
            "rate",
            "model index standing for 3.1.7's 'perception of new tools' efficiency and ability "
            "to implement them': mean practice state of the centre's social workers",
            headline=True,
        ),
        _criterion(
            "social_work_casework_hours_lost",
            "hours",
            "flow",
            "social workers' hours taken from casework by workshops and outreach events",
            headline=True,
        ),
        _criterion(
            "social_work_households_contacted",
            "households",
            "flow",
            "households brought into contact by outreach events and the feedback booth",
        ),
        _criterion(
            "social_work_take_up_change",
            "%",
            "rate",
            "mean change the action makes to the probability that an indebted household applies "
            "to the FSL (practice and contact; action 4)",
        ),
        _criterion(
            "social_work_referral_change",
            "%",
            "rate",
            "mean change the action makes to the probability that a social worker refers a "
            "private-stock FSL applicant to SOLIHA (action 4)",
        ),
        _criterion(
            "social_work_agreement_change",
            "%",
            "rate",
            "mean change the action makes to the probability that a family agrees to a "
            "social-centre educator (action 3)",
        ),
        _criterion(
            "social_work_solidarity_change",
            "%",
            "rate",
            "mean change the action makes to the probability that a social worker refers a "
            "household to the Space for Solidarity Making (action 6)",
        ),
    )

    def __init__(self, model, **levers: Any):
        super().__init__(model, **levers)
        params = model.params
        research_rng, field_rng = self.rng.spawn(2)
        self.field = FieldExperiments(model, self.levers(FieldLevers), params, field_rng)
        self.research = ActionResearch(
            model, self.levers(ResearchLevers), params, research_rng, self.field.learning_boost()
        )
        self.flows = {name: np.zeros(model.n_zones) for name in FLOWS}
        self._zone = model.population.households["zone"]

    def step(self) -> None:
        model, research = self.model, self.research
        for values in self.flows.values():
            values[:] = 0.0
        research.month(model.steps, self.flows)
        if research.phase(model.steps) == "workshops":
            self.field.month(model.steps - research.first_workshop, self.flows)
        self._contribute()

    def forget(self, households: np.ndarray, persons: np.ndarray) -> None:
        """A newcomer has met nobody at a market day or a booth."""
        self.field.contact_until[households] = 0

    def _contribute(self) -> None:
        """Raise the other actions' pathways by the centres' practice and by contact."""
        practice = np.array([c.practice_index for c in self.model.social_centres])
        contact = np.where(
            self.field.in_contact(), self.model.params["social_work.contact_effect"], 1.0
        )
        for pathway, effect in EFFECTS.items():
            factor = (1 + self.model.params[effect] * practice)[self._zone]
            if pathway in CONTACT:
                factor = factor * contact
            self.model.pathways.contribute(pathway, self.name, factor)

    def indicators(self) -> dict[str, np.ndarray]:
        model, slices = self.model, self.model.household_slices
        out = {f"social_work_{name}": model.zone_values(v) for name, v in self.flows.items()}
        engagement, volunteers = self.research.engagement_by_zone()
        out["social_work_engagement_index"] = 100 * ratio(
            with_total(engagement), with_total(volunteers)
        )
        deliverables = self.research.deliverables
        out["social_work_deliverables"] = np.full(len(model.zone_names), float(deliverables))
        staff = np.array([len(c.roster) for c in model.social_centres])
        practice = np.array([c.practice_index for c in model.social_centres]) * staff
        out["social_work_practice_index"] = 100 * ratio(with_total(practice), with_total(staff))
        occupied, w = model.population.households["occupied"], model.population.zone_weight
        households = per_zone(occupied, slices) * w
        for name, pathway in CHANGES.items():
            factor = model.pathways.contribution(pathway, self.name)
            change = (
                np.zeros(len(occupied)) if factor is None else np.where(occupied, factor - 1, 0)
            )
            out[name] = 100 * ratio(
                with_total(per_zone(change, slices) * w), with_total(households)
            )
        return {indicator.name: out[indicator.name] for indicator in self.outputs}
