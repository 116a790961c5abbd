"""The monthly committee and the educators (document 3.3.2, activity 3), as SimPy processes.

Worrying Information declarations queue for the committee of the site (a `simpy.Store`); each
sitting reviews at most `capacity` cases, first come first served, so the waiting time from
referral to review is an output. A reviewed case goes to the site's educators: a social-centre
educator (Bron) needs the family's agreement, a street educator (Saint-Fons) engages the pupil on
his own; then the pupil waits for a place in the educators' caseloads (a `simpy.Resource`).
"""

from __future__ import annotations

import mesa
import simpy

STREET, SOCIAL_CENTRE = "street", "social_centre"
DAYS_PER_MONTH = 365.25 / 12


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
        return u < self.action.settings["family_agreement_rate"]

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
