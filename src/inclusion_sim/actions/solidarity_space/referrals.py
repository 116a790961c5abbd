"""How households reach the grocery: social workers of the city and the Metropolis direct them
(3.5.8: people 'are generally directed towards the Space by social workers').

Each month a household of a served zone that is in difficulty (below the poverty line or in
arrears), not a member, not already applying and not refused or out of a membership for
`solidarity_space.months_before_reapplying` months, is referred with the monthly probability

    referral_rate x factor x (1 if its reste a vivre is under the admission threshold,
                              referral_outside_threshold otherwise) x pathway


(social workers know the household's budget roughly, so most files they send meet the rule). The
file is a case for one of the zone's social workers (the social centre shared with the other
actions, so a busy centre delays it); then it goes to the site's admission committee.

Entry point for other actions: the household's "solidarity_referral" factor of `model.pathways`
(1 unless action 1, the action research with social workers, raises it by the centre's practice
and by contact at field experiments); the lever `referral_factor` sets `factor`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...checks import Number
from ...declarations import Levers, lever


@dataclass(frozen=True)
class ReferralLevers(Levers):
    """How readily social workers direct households to the Space."""

    referral_factor: float = lever(
        1.0,
        unit="factor",
        check=Number(0.0, 100.0),
        range=(0.0, 5.0),
        source="1 = the referral probability of parameter solidarity_space.referral_rate; "
        "outreach or social workers' practice (action 1) raises it",
        description="multiplier of the monthly probability that social workers direct a "
        "household in difficulty to the grocery's admission committee",
    )


class Referrals:
    """Social workers' referrals to the grocery, month by month."""

    def __init__(self, model, records, params, levers: ReferralLevers, committees, rng):
        self.model, self.records, self.params, self.rng = model, records, params, rng
        self.committees = committees  # zone -> AdmissionCommittee
        self.factor = levers.referral_factor

    def month(self, eligible: np.ndarray, difficulty: np.ndarray) -> None:
        """Draw the month's referrals; each file then waits for a social worker (SimPy). Only
        the sites' zones are tested (households elsewhere are never referred), in household
        order."""
        model, rec, p = self.model, self.records, self.params
        draw = self.rng.random(len(rec.zone))  # every household, every month: aligned streams
        base = p["solidarity_space.referral_rate"] * self.factor
        outside = p["solidarity_space.referral_outside_threshold"]
        wait = p["solidarity_space.months_before_reapplying"]
        for zone in self.committees:
            rows = model.household_slices[zone]
            chance = base * np.where(eligible[rows], 1.0, outside)
            chance = model.pathways.probability("solidarity_referral", chance, rows)  # action 1
            gap = model.steps - rec.last_decision[rows] >= wait
            free = ~rec.members[rows] & ~rec.solidarity_members[rows] & ~rec.pending[rows]
            referred = difficulty[rows] & free & gap & (draw[rows] < chance)
            for household in np.flatnonzero(referred) + rows.start:
                model.env.process(self._file(household))

    def _file(self, household: int):
        """SimPy process: the social worker's file, then the committee's queue."""
        rec, env = self.records, self.model.env
        zone, referred = rec.zone[household], env.now
        generation = self.model.population.households["generation"]
        referred_generation = generation[household]
        rec.pending[household] = True
        rec.count("referrals", zone)
        yield env.process(self.model.social_centres[zone].case_work())
        if generation[household] == referred_generation:  # not if the household left
            self.committees[zone].receive(household, referred)
