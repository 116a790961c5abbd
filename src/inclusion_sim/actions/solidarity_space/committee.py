"""The admission committee (3.5.9): social workers of the city, the Metropolis and the grocery
examine every application, as a SimPy process sitting on a schedule.

Each sitting first admits approved applicants waiting for a place, oldest first, as places free
up; then it reviews up to `committee_capacity` new files in the order they arrived. A file is
refused when the household's 'reste à vivre' (income less rent and energy, per consumption unit
and day) is at or above `admission_threshold`; otherwise the household is admitted if the grocery
has a place, or joins the approved waiting list. An applicant still waiting after
`solidarity_space.max_wait_days` (for review or for a place) gives up.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import mesa
import numpy as np

from ...agencies import scaled_capacity
from ...checks import AMOUNT, COUNT, Number
from ...declarations import Levers, lever

DAYS_PER_MONTH = 365 / 12


@dataclass(frozen=True)
class CommitteeLevers(Levers):
    """How often the admission committee sits, how many files it reviews, and its rule."""

    committee_interval_days: float = lever(
        14.0,
        unit="days",
        check=Number(1.0, 365.0),
        range=(7.0, 60.0),
        source="assumption: 3.5.9 says an admission committee examines all applications, not "
        "how often it sits; social groceries' committees commonly sit every two weeks to monthly",
        description="days between two sittings of a site's admission committee",
    )
    committee_capacity: int = lever(
        20,
        unit="files per sitting",
        check=COUNT,
        range=(0, 60),
        source="assumption, not in the document: enough to review the baseline's applications "
        "(about 30 a month) at two sittings a month",
        description="new applications a sitting reviews at most",
    )
    admission_threshold: float = lever(
        12.0,
        unit="EUR per day per consumption unit",
        check=AMOUNT,
        range=(8.0, 16.0),
        source="prior from grocery-network practice: ceilings of 5 EUR a day per person (L'Epi "
        "vert, Caen) to 7.20 EUR (FAGE Agoraé), after all fixed charges; the model deducts only "
        "rent and energy and divides by consumption units, so the equivalent is higher (about "
        "5 EUR a day of other charges: insurance, transport, phone)",
        description="largest 'reste à vivre' (income less rent and energy, per consumption unit "
        "and day) the committee admits",
    )


def reste_a_vivre(model, idx=slice(None)) -> np.ndarray:
    """EUR per consumption unit and day left after rent and the year's energy bill (at normal
    comfort and this month's prices, a twelfth a month); infinite for a vacant dwelling, which
    no rule admits."""
    households = model.population.households
    left = households["income"][idx] - households["rent"][idx] - model.annual_energy_cost(idx) / 12
    rav = left / households["cu"][idx] / DAYS_PER_MONTH
    return np.where(households["occupied"][idx], rav, np.inf)


class AdmissionCommittee(mesa.Agent):
    """One site's admission committee: a queue of files and a queue of approved applicants."""

    def __init__(self, model, records, zone: int, levers: CommitteeLevers, grocery, max_wait):
        super().__init__(model)
        self.records, self.zone, self.grocery = records, zone, grocery
        self.threshold, self.interval = levers.admission_threshold, levers.committee_interval_days
        real = levers.committee_capacity
        self.capacity = scaled_capacity(real / records.zone_weight[zone]).servers  # agents
        self.max_wait = max_wait  # days
        self.files: deque[tuple[int, float]] = deque()  # (household, referral day)
        self.approved: deque[tuple[int, float]] = deque()
        model.env.process(self._sittings())

    def receive(self, household: int, referred_day: float) -> None:
        self.files.append((household, referred_day))

    def forget(self, households: set[int]) -> None:
        """Files of households that left the territory are closed without a decision."""
        for queue in (self.files, self.approved):
            kept = [(h, day) for h, day in queue if h not in households]
            queue.clear()
            queue.extend(kept)

    def _sittings(self):
        while True:
            yield self.model.env.timeout(self.interval)
            self.sit()

    def sit(self) -> None:
        self._give_up()
        while self.approved and self.grocery.has_place(self.zone):
            self.grocery.admit(*self.approved.popleft())
        for _ in range(min(self.capacity, len(self.files))):
            household, day = self.files.popleft()
            rav = reste_a_vivre(self.model, household)
            if rav >= self.threshold:
                self._close(household, "refusals")
            elif self.grocery.has_place(self.zone):
                self.grocery.admit(household, day)
            else:
                self.approved.append((household, day))

    def _give_up(self) -> None:
        """Applicants who waited longer than `max_wait` days leave both queues."""
        now = self.model.env.now
        for queue in (self.files, self.approved):
            kept = [(h, day) for h, day in queue if now - day <= self.max_wait]
            for h, day in queue:
                if now - day > self.max_wait:
                    self._close(h, "gave_up")
            queue.clear()
            queue.extend(kept)

    def _close(self, household: int, outcome: str) -> None:
        rec = self.records
        rec.pending[household] = False
        rec.last_decision[household] = self.model.steps
        rec.count(outcome, self.zone)

    @property
    def waiting(self) -> int:
        return len(self.files) + len(self.approved)
