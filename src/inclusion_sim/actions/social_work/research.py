"""The action research itself (document 3.1.2): phases, volunteer workshops, practice change.

Phase 1 is a pre-diagnosis (6 months) by sociologists, fed by thematic conferences; it produces
the first deliverable and takes no modelled casework time. Phase 2 recruits volunteer social
workers (about fifty) from the rosters of the covered social centres and runs thematic workshops
with them (two research teams: sociologists co-producing the diagnosis, social psychologists
running workshops and field experiments). Each workshop month:

- a volunteer attends with probability equal to their engagement; engagement decays every month
  (the document's first issue: keeping social workers taking part), and gathering feedback,
  when switched on, wins back part of what was lost every `feedback_interval` months;
- the hours of the attending volunteers are WITHDRAWN FROM CASEWORK: each centre's share is
  held on its shared social-worker resource, ahead of the waiting cases, so FSL sheets and every
  other case queue longer in those months;
- attending volunteers close part of the gap between their practice and the renewed one
  (`learning_rate`, faster where a user-feedback booth brings users' comments in);
- sessions accumulate into deliverables (the comic book and intermediary deliverables, 3.1.6),
  each spreading part of the renewed practice to every worker of the covered centres.

Practice erodes slowly in every month once phase 2 starts (`practice_decay`). No source gives
the size of any of these behaviours: each is a ranged prior in parameters_social_work.toml.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np

from ...agencies import SocialWorker
from ...checks import COUNT, Flag, ListOf, Number, Zone
from ...declarations import Levers, lever
from ...territory.figures import figure
from ...territory.zones import ALL_ZONES


@dataclass(frozen=True)
class ResearchLevers(Levers):
    """Where the action research runs, how long, with how many volunteers and how much time."""

    zones: tuple[str, ...] = lever(
        default_factory=lambda: ALL_ZONES,
        unit="zones",
        check=ListOf(Zone()),
        source="document 3.1.5: implemented within the Metropolis' social centres (which ones "
        "is not said; volunteers came from all of them)",
        description="zones whose social centres' workers may volunteer and receive deliverables",
    )
    prediagnosis_months: int = lever(
        default_factory=lambda: int(figure("action1.prediagnosis_duration")),
        unit="months",
        check=Number(0, 60, integer=True),
        range=(3, 12),
        source="document 3.1.2: phase 1, pre-diagnosis of 6 months",
        description="months of pre-diagnosis before the workshops start (from the run's start)",
    )
    workshop_months: int = lever(
        12,
        unit="months",
        check=Number(0, 240, integer=True),
        range=(6, 36),
        source="assumption: from the pre-diagnosis' end (mid-2017 for a January 2017 start) to "
        "the evaluative appraisal planned for the end of June 2018 (3.1.6)",
        description="duration of phase 2 (workshops and field experiments)",
    )
    volunteers: int = lever(
        default_factory=lambda: int(figure("action1.social_workers_participating")),
        unit="social workers",
        check=COUNT,
        range=(0, 300),
        source="document 3.1.2: about fifty social workers took part in the focus groups and "
        "thematic workshops",
        description="volunteer social workers recruited (at most the covered centres' rosters)",
    )
    workshop_hours: float = lever(
        3.0,
        unit="hours per volunteer per month",
        check=Number(0.0, 80.0),
        range=(0.0, 14.0),
        source="assumption, not in the document: one half-day thematic workshop a month",
        description="workshop time each attending volunteer spends, taken from casework",
    )
    participant_feedback: bool = lever(
        False,
        unit="on/off",
        check=Flag(),
        source="document 3.1.6: continuous participation is an issue; gathering feedback along "
        "the way is the proposed improvement, not the practice described (off)",
        description="gather volunteers' feedback regularly to win back falling participation",
    )


class ActionResearch(mesa.Agent):
    """The two research teams with their volunteers, across the covered social centres."""

    def __init__(self, model, levers: ResearchLevers, params, rng: np.random.Generator, boost):
        super().__init__(model)
        self.levers, self.params, self.generator = levers, params, rng
        self.zones = [model.zones.index(z) for z in levers.zones if z in model.zones]
        self.boost = boost  # per zone: learning multiplier where a feedback booth runs
        self.volunteers: list[SocialWorker] = []
        self.volunteer_zone = np.zeros(0, dtype=int)
        self.engagement = np.zeros(0)
        self.attending = np.zeros(0, dtype=bool)
        self.sessions = 0
        self.deliverables = 0
        self.first_workshop = levers.prediagnosis_months + 1  # step of the first workshop month
        self.last_workshop = levers.prediagnosis_months + levers.workshop_months

    def phase(self, step: int) -> str:
        if step < self.first_workshop:
            return "prediagnosis"
        return "workshops" if step <= self.last_workshop else "after"

    def covered_workers(self) -> list[SocialWorker]:
        return [w for z in self.zones for w in self.model.social_centres[z].roster]

    def month(self, step: int, flows: dict[str, np.ndarray]) -> None:
        """One month of the action research; adds the month's counts to `flows` (per zone)."""
        if step == self.first_workshop - 1 and self.first_workshop > 1:
            self.deliverables += 1  # the pre-diagnosis report
        if self.phase(step) == "prediagnosis":
            return
        if step == self.first_workshop and self.levers.workshop_months > 0:
            self._recruit()
        if self.phase(step) == "after":
            self._erode()
            return
        self._workshops(step - self.first_workshop, flows)

    def _recruit(self) -> None:
        """Volunteers: the first `volunteers` of a random order of the covered workers (so more
        volunteers always include the same first ones)."""
        pool = self.covered_workers()
        order = self.generator.permutation(len(pool))[: self.levers.volunteers]
        self.volunteers = [pool[k] for k in order]
        self.volunteer_zone = np.array([w.centre.zone for w in self.volunteers], dtype=int)
        self.engagement = np.ones(len(self.volunteers))

    def _workshops(self, month: int, flows: dict[str, np.ndarray]) -> None:
        p, hours = self.params, self.levers.workshop_hours
        self.attending = (self.generator.random(len(self.volunteers)) < self.engagement) & (
            hours > 0
        )
        self._erode()
        attending = np.bincount(
            self.volunteer_zone[self.attending], minlength=self.model.n_zones
        ).astype(float)
        sessions_each = max(1, round(hours / p["social_work.session_hours"])) if hours > 0 else 0
        groups = np.ceil(attending / p["social_work.group_size"])
        flows["workshops"] += groups * sessions_each
        flows["participants"] += attending
        for zone in np.flatnonzero(attending):
            lost = attending[zone] * hours
            self.model.social_centres[zone].withdraw(lost / p["social_work.hours_per_worker_month"])
            flows["casework_hours_lost"][zone] += lost
        rate = p["social_work.learning_rate"]
        for k in np.flatnonzero(self.attending):
            worker = self.volunteers[k]
            gain = min(rate * self.boost[worker.centre.zone], 1.0)
            worker.practice += gain * (1 - worker.practice)
        self.engagement *= 1 - p["social_work.engagement_decay"]
        interval = int(p["social_work.feedback_interval"])
        if self.levers.participant_feedback and (month + 1) % interval == 0:
            self.engagement += p["social_work.feedback_recovery"] * (1 - self.engagement)
        before = self.sessions
        self.sessions += int(groups.sum()) * sessions_each
        per = p["social_work.sessions_per_deliverable"]
        for _ in range(math.floor(self.sessions / per) - math.floor(before / per)):
            self._deliver()

    def _deliver(self) -> None:
        """A deliverable spreads part of the renewed practice to every covered worker."""
        self.deliverables += 1
        share = self.params["social_work.diffusion_per_deliverable"]
        for worker in self.covered_workers():
            worker.practice += share * (1 - worker.practice)

    def _erode(self) -> None:
        decay = self.params["social_work.practice_decay"]
        for worker in self.covered_workers():
            worker.practice *= 1 - decay

    def engagement_by_zone(self) -> tuple[np.ndarray, np.ndarray]:
        """Sum of engagement and number of volunteers per zone."""
        n = self.model.n_zones
        return (
            np.bincount(self.volunteer_zone, weights=self.engagement, minlength=n),
            np.bincount(self.volunteer_zone, minlength=n).astype(float),
        )
