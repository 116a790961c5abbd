"""Members' projects (3.5.9): pay a debt, find a job, change housing, obtain a driving licence.

On admission the member defines a project among those the household's situation calls for, with
equal chances: paying its debt if it is in arrears, a job if a member is unemployed, social
housing if it rents privately; a household with none of these needs prepares a driving licence.
Outcomes:

- a debt is paid when the household's arrears are cleared: by the budget rule, which the
  grocery's saving feeds (nothing is drawn);
- a job is found through the labour market: the core's monthly flows, plus the support's uplift
  of the job-finding rate (a ranged prior);
- a housing change is a move to social housing at the social rent (the energy action's
  relocation), with a monthly probability (a ranged prior);
- a licence is obtained with a monthly probability (a ranged prior); it changes nothing else.
"""

from __future__ import annotations

import numpy as np

from ...codes import EMPLOYED, PRIVATE_TENANT, SOCIAL, UNEMPLOYED
from ...indicators import ARREARS_EPSILON
from ..energy_poverty.soliha import _move_to_social_housing as move_to_social_housing
from .records import PROJECTS

DEBT, JOB, HOUSING, LICENCE = range(len(PROJECTS))
ACHIEVED_FLOWS = ("debts_paid", "jobs_found", "housing_changes", "licences")  # by project


class Projects:
    """Chooses each new member's project and follows its outcome month by month."""

    def __init__(self, model, records, params, rng: np.random.Generator):
        self.model, self.records, self.params, self.rng = model, records, params, rng

    @property
    def first_member(self) -> np.ndarray:
        """Each household's registered adult: its reference person."""
        return self.model.demography.reference_persons()

    def start(self, household: int, counted: bool = True) -> None:
        """The project a new member defines, drawn among those the household's situation calls
        for (a debt if in arrears, a job if a member is unemployed, housing if a private
        tenant); a driving licence when none does. `counted`: a flow of the month."""
        population, rec = self.model.population, self.records
        hh, persons = population.households, population.persons
        first = self.model.first_slot[household]
        members = np.arange(first, first + self.model.demography.capacity[household])
        unemployed = members[persons["activity"][members] == UNEMPLOYED]
        needs = [
            hh["arrears_rent"][household] + hh["arrears_energy"][household] > ARREARS_EPSILON,
            len(unemployed) > 0,
            hh["tenure"][household] == PRIVATE_TENANT,
        ]
        draw = self.rng.random()  # always drawn: the stream stays aligned
        options = [k for k, need in zip((DEBT, JOB, HOUSING), needs, strict=True) if need]
        project = options[int(draw * len(options))] if options else LICENCE
        person = unemployed[0] if project == JOB else self.first_member[household]
        rec.project[household], rec.project_person[household] = project, person
        if counted:
            rec.count("projects_started", rec.zone[household])

    def month(self) -> None:
        """Outcomes of the current members' unfinished projects."""
        model, rec, p = self.model, self.records, self.params
        hh, persons = model.population.households, model.population.persons
        open_ = np.flatnonzero(rec.members & ~rec.achieved)
        draw = self.rng.random(len(open_))  # one draw per open project, whatever its kind
        kind, person = rec.project[open_], rec.project_person[open_]
        done = np.zeros(len(open_), dtype=bool)

        debt = kind == DEBT
        done[debt] = hh["arrears_rent"][open_[debt]] + hh["arrears_energy"][open_[debt]] <= (
            ARREARS_EPSILON
        )

        job = (kind == JOB) & (person >= 0)  # a job project whose person left stays open
        uplift = p["solidarity_space.job_finding_uplift"] * model.params["job_finding_rate"]
        activity = np.where(person >= 0, persons["activity"][person], -1)
        hired = job & (activity == UNEMPLOYED) & (draw < uplift)
        persons["activity"][person[hired]] = EMPLOYED  # the support's extra job finding
        persons["unemployment_months"][person[hired]] = 0
        done[job] = persons["activity"][person[job]] == EMPLOYED

        housing = kind == HOUSING
        moves = housing & (draw < p["solidarity_space.housing_change_rate"])
        for i in open_[moves & (hh["tenure"][open_] == PRIVATE_TENANT)]:
            move_to_social_housing(model, i, self.rng)
        done[housing] = hh["tenure"][open_[housing]] == SOCIAL

        licence = kind == LICENCE
        done[licence] = draw[licence] < p["solidarity_space.licence_rate"]

        for i, k in zip(open_[done], kind[done], strict=True):
            rec.achieved[i] = True
            rec.count("projects_achieved", rec.zone[i])
            rec.count(ACHIEVED_FLOWS[k], rec.zone[i])
