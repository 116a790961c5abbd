"""The monthly committee and the educators (document 3.3.2, activity 3), as SimPy processes.

Worrying Information declarations queue for the committee of the site (a `simpy.Store`); each
sitting reviews at most `capacity` cases, first come first served, so the waiting time from
referral to review is an output. A reviewed case goes to the site's educators: a social-centre
educator (Bron) needs the family's agreement, a street educator (Saint-Fons) engages the pupil on
his own; then the pupil waits for a place in the educators' caseloads (a `simpy.Resource`).
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import simpy

from ...checks import AMOUNT, COUNT, RATE, Number, OneOf, TableOf, Zone
from ...declarations import Levers, lever

STREET, SOCIAL_CENTRE = "street", "social_centre"
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class CommitteeLevers(Levers):
    """How often the committee sits and how many cases a sitting reviews (3.3.2)."""

    committee_interval_months: int = lever(
        1,
        unit="months",
        check=Number(1, 24, integer=True),
        range=(1, 6),
        source="document 3.3.2: a monthly body at the social centre",
        description="months between two sittings of each site's committee",
    )
    committee_capacity: int = lever(
        5,
        unit="cases per sitting",
        check=COUNT,
        range=(0, 20),
        source="assumption: the document says cases are presented one by one (3.3.2, 3.3.6 'case "
        "by case'), not how many per sitting",
        description="cases a committee sitting reviews at most",
    )


@dataclass(frozen=True)
class EducatorLevers(Levers):
    """The educators of each site, their model, and the budget for more (3.3.2, 3.3.6)."""

    educators: dict[str, int] = lever(
        default_factory=lambda: {"bron": 1, "saint_fons": 1},
        unit="educators, by zone",
        check=TableOf(Zone(), COUNT),
        partial=True,
        source="document 3.3.2: one specialised educator per site",
        description="educators provided in kind by the partners, by site (entries update the "
        "default; 0 removes a site's educator)",
    )
    educator_model: dict[str, str] = lever(
        default_factory=lambda: {"bron": SOCIAL_CENTRE, "saint_fons": STREET},
        unit="model, by zone",
        check=TableOf(Zone(), OneOf((STREET, SOCIAL_CENTRE))),
        partial=True,
        source="document 3.3.2: street educator (Sauvegarde 69) in Saint-Fons, social-centre "
        "educator in Bron",
        description="street educators engage pupils on their own; social-centre ones need the "
        "family's agreement",
    )
    family_agreement_rate: float = lever(
        0.5,
        unit="share of families",
        check=RATE,
        range=(0.3, 0.7),
        source="assumption, range 0.3-0.7: the document says Bron's model needs the family's "
        "agreement and initiative (3.3.2), not how often it is given",
        description="share of families agreeing to a social-centre educator",
    )
    budget: float = lever(
        0.0,
        unit="EUR/yr",
        check=AMOUNT,
        range=(0.0, 500_000.0),
        source="document 3.3.6: no budget is dedicated to the action",
        description="dedicated yearly budget paying extra educators (Metropolis)",
    )
    funded_educators: dict[str, int] = lever(
        default_factory=dict,
        unit="educators, by zone",
        check=TableOf(Zone(), COUNT),
        source="document 3.3.6 (no dedicated budget): none",
        description="extra educators wanted by site, paid by the budget as far as it goes",
    )


class Committee(mesa.Agent):
    """One site's monthly committee at the Metropolis social centre."""

    def __init__(self, model, action, zone: int, capacity: int, educators: Educators):
        super().__init__(model)
        self.action, self.zone, self.capacity, self.educators = action, zone, capacity, educators
        self.queue = simpy.Store(model.env)
        self.reviews_per_sitting: list[int] = []

    def refer(self, pupil: int, delay: float):
        """SimPy process: the declaration reaches the committee after `delay` days."""
        yield self.model.env.timeout(delay)
        self.action.pupils.referral_day[pupil] = self.model.env.now
        yield self.queue.put(pupil)

    def sitting(self, day: float):
        """SimPy process: sit on `day` of the month, review up to `capacity` cases in order.

        Cases of pupils who reached the outcome age while waiting are closed unreviewed.
        """
        env, pupils = self.model.env, self.action.pupils
        yield env.timeout(day)
        n = 0
        while n < self.capacity and self.queue.items:
            pupil = yield self.queue.get()
            if pupils.done[pupil]:
                continue
            n += 1
            pupils.reviewed[pupil] = True
            pupils.waiting_days[pupil] = env.now - pupils.referral_day[pupil]
            env.process(self.educators.follow(pupil))
        self.reviews_per_sitting.append(n)


class Educator(mesa.Agent):
    """A specialised educator of one site; `pupils` is the current caseload."""

    def __init__(self, model, zone: int, kind: str, funded: bool):
        super().__init__(model)
        self.zone, self.kind, self.funded = zone, kind, funded
        self.pupils: set[int] = set()


class Educators:
    """A site's educators: their model, and their pooled caseload places as a SimPy resource."""

    def __init__(self, model, action, members: list[Educator], kind: str, places: int):
        self.model, self.action, self.members, self.kind = model, action, members, kind
        self.places = simpy.Resource(model.env, capacity=places) if places > 0 else None

    def engaged(self, pupil: int) -> bool:
        """Street educators reach the pupil themselves; others need the family's agreement."""
        u = self.action.pupils.agree_u[pupil]
        if self.kind == STREET:
            return u < self.model.params["dropout.street_engagement"]
        household = self.model.population.persons["household"][self.action.pupils.person[pupil]]
        rate = self.action.educator_levers.family_agreement_rate
        return u < self.model.pathways.probability("educator_agreement", rate, household)

    def follow(self, pupil: int):
        """SimPy process: engage the pupil, wait for a caseload place, follow for months."""
        pupils, env = self.action.pupils, self.model.env
        if not self.engaged(pupil):
            pupils.refused[pupil] = True
            return
        if self.places is None:
            return
        with self.places.request() as place:
            yield place
            if pupils.done[pupil]:  # reached the outcome age while waiting
                return
            educator = min(self.members, key=lambda e: len(e.pupils))
            educator.pupils.add(pupil)
            pupils.supported[pupil] = pupils.in_support[pupil] = True
            yield env.timeout(self.model.params["dropout.support_months"] * DAYS_PER_MONTH)
            pupils.in_support[pupil] = False
            educator.pupils.discard(pupil)
