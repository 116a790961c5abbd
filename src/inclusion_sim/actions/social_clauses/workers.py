"""Clause workers: hiring, the months of work, and each worker's pathway afterwards.

While in a contract a person is held out of the labour market's random flows, counts as
employed and earns the contract's pay. When it ends the person follows a pathway (3.5.2, 'job
first'): another clause contract, an ordinary job, training, or back to unemployment; former
workers who are unemployed keep an extra chance of finding a job for a while.

Counterfactual (`additional_employment`): what the same person would have done without any
clause. From their first hire, a job seeker would have moved between unemployment and work at the
core labour market's rates of their group (a shadow two-state Markov chain, `shadow_employment`);
a person hired from inactivity would have stayed inactive, unless an adult child living with their
parents, who would have entered the labour force at a later birthday (the demography's rule,
`Demography.labour_force_entry`) and moved on the same chain from then. Employment that the
shadow chain would have had anyway is deadweight.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from ...codes import EMPLOYED, INACTIVE, UNEMPLOYED
from .contracts import Position

NEXT_CLAUSE, ORDINARY_JOB, TRAINING, UNEMPLOYMENT = range(4)
PATHWAYS = ("another clause contract", "ordinary job", "training", "unemployment")
FOLLOW_UPS = (6, 12)  # months after a contract at which employment is observed


@dataclass
class Contract:
    position: Position
    person: int  # the person's slot
    start: int  # model step of the hire; work starts the next month
    waited: float  # days the position waited for an adviser
    zone: int
    qpv: bool
    woman: bool
    key: int = -1  # the person (slot and occupant: a slot may later hold someone else)


class Worker(mesa.Agent):
    """A person who held a clause contract: a view on the person row plus its history."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index
        self.contracts: list[Contract] = []
        self.pathways: list[str] = []

    @property
    def person(self):
        return self.model.person_agents[self.index]


class Workforce:
    """Per-person contract state as arrays (vectorised monthly work and pathways)."""

    def __init__(self, model, rng: np.random.Generator):
        self.model, self.rng = model, rng
        params = model.params
        n = model.population.n_slots
        self.pay = params["social_clauses.hourly_pay"]
        self.months_left = np.zeros(n, dtype=np.int64)
        self.monthly_hours = np.zeros(n)
        self.started = np.zeros(n, dtype=np.int64)  # contract months, for the pathway
        self.was_inactive = np.zeros(n, dtype=bool)
        self.restore_months = np.zeros(n, dtype=np.int64)
        self.restore_wage = np.zeros(n)
        self.repeat_until = np.full(n, -1)
        self.boost_until = np.full(n, -1)
        self.training_until = np.full(n, -1)
        self.ended: dict[int, np.ndarray] = {}  # step -> persons whose contract ended then
        self.checked = {m: np.zeros(model.n_zones) for m in FOLLOW_UPS}
        self.employed_after = {m: np.zeros(model.n_zones) for m in FOLLOW_UPS}
        self.first_hire = np.full(n, -1)  # step of the person's first clause hire
        self.was_searching = np.zeros(n, dtype=bool)  # unemployed (not inactive) at first hire
        self.entry_step = np.full(n, -1)  # inactive at first hire: step of their shadow entry
        self.entry_unemployed = np.zeros(n, dtype=bool)  # ... entering unemployed
        self.workers: dict[int, Worker] = {}  # by slot, persons living in the territory
        self.departed: list[Worker] = []  # workers who left the territory (their histories)
        self._former = np.empty(0, dtype=np.int64)  # `former_workers()`, kept between hires
        self.zone = model.population.households["zone"][model.population.persons["household"]]
        self.weight = model.population.zone_weight[self.zone]  # real persons per agent
        self.worked_hours = 0.0  # real hours
        self.left_hours = 0.0  # real hours of contracts cut short: the worker left

    def former_workers(self) -> np.ndarray:
        """Persons who ever held a clause contract, in person order: the only ones whose
        contract, training or extra job finding the monthly updates need to look at."""
        if len(self._former) != len(self.workers):
            hired = np.fromiter(self.workers, dtype=np.int64, count=len(self.workers))
            self._former = np.sort(hired)
        return self._former

    def working(self) -> np.ndarray:
        """Persons working a clause contract now, in person order."""
        former = self.former_workers()
        return former[self.months_left[former] > 0]

    def in_contract(self) -> np.ndarray:
        """Mask of the persons working a clause contract now."""
        mask = np.zeros(len(self.months_left), dtype=bool)
        mask[self.working()] = True
        return mask

    def hire(self, person: int, position: Position) -> Worker:
        persons, labour = self.model.population.persons, self.model.labour
        if self.months_left[person] > 0:
            raise RuntimeError(f"person {person} already holds a clause contract")
        self.was_inactive[person] = persons["activity"][person] == INACTIVE
        if self.first_hire[person] < 0:
            self.first_hire[person] = self.model.steps
            self.was_searching[person] = persons["activity"][person] == UNEMPLOYED
            months, unemployed = self.model.demography.labour_force_entry(np.array([person]))
            if months[0] >= 0:
                self.entry_step[person] = self.model.steps + months[0]
                self.entry_unemployed[person] = unemployed[0]
        self.restore_months[person] = persons["unemployment_months"][person]
        self.restore_wage[person] = persons["wage"][person]
        persons["activity"][person] = EMPLOYED
        persons["unemployment_months"][person] = 0
        persons["wage"][person] = self.pay * position.monthly_hours
        labour.hold(np.array([person]))
        self.months_left[person] = self.started[person] = position.months
        self.monthly_hours[person] = position.monthly_hours
        self.repeat_until[person] = -1
        worker = self.workers.get(person)
        if worker is None:
            worker = self.workers[person] = Worker(self.model, person)
        return worker

    def forget(self, persons: np.ndarray) -> None:
        """Persons who left the territory (moved away or died): a contract under way stops,
        its hours not worked counted apart, and nobody follows them up any more (their
        additional employment so far stays counted; none is counted for them from now on)."""
        gone = [int(p) for p in persons if int(p) in self.workers]
        if not gone:
            return
        gone = np.array(gone, dtype=np.int64)
        self.left_hours += float(
            (self.months_left[gone] * self.monthly_hours[gone] * self.weight[gone]).sum()
        )
        for values, empty in (
            (self.months_left, 0),
            (self.monthly_hours, 0.0),
            (self.started, 0),
            (self.was_inactive, False),
            (self.restore_months, 0),
            (self.restore_wage, 0.0),
            (self.repeat_until, -1),
            (self.boost_until, -1),
            (self.training_until, -1),
            (self.first_hire, -1),
            (self.was_searching, False),
            (self.entry_step, -1),
            (self.entry_unemployed, False),
        ):
            values[gone] = empty
        for person in gone:
            self.departed.append(self.workers.pop(int(person)))
        self._former = np.empty(0, dtype=np.int64)  # rebuilt on next use

    def work_month(self, step: int) -> None:
        """Every worker in a contract works its monthly hours; finished contracts end."""
        working = self.working()
        self.worked_hours += float((self.monthly_hours[working] * self.weight[working]).sum())
        self.months_left[working] -= 1
        done = working[self.months_left[working] == 0]
        self.model.labour.hold(done, False)
        self._pathways(done, step)

    def _pathways(self, done: np.ndarray, step: int) -> None:
        params, persons = self.model.params, self.model.population.persons
        p = [params[f"social_clauses.p_{k}"] for k in ("next_clause", "ordinary_job", "training")]
        outcome = np.searchsorted(np.cumsum(p), self.rng.random(len(done)), side="right")
        self._back_to_search(done[(outcome == NEXT_CLAUSE) | (outcome == UNEMPLOYMENT)])
        job = done[outcome == ORDINARY_JOB]
        persons["wage"][job] = np.maximum(self.restore_wage[job], persons["wage"][job])
        training = done[outcome == TRAINING]
        persons["activity"][training] = INACTIVE
        self.model.labour.hold(training)
        self.training_until[training] = step + params["social_clauses.training_months"]
        self.repeat_until[done[outcome == NEXT_CLAUSE]] = (
            step + params["social_clauses.repeat_wait_months"]
        )
        self.boost_until[done] = step + params["social_clauses.extra_job_finding_months"]
        generation = self.model.population.persons["generation"]
        self.ended[step] = (done, generation[done].copy())  # followed up if still there
        for person, k in zip(done, outcome, strict=True):
            self.workers[int(person)].pathways.append(PATHWAYS[k])

    def _back_to_search(self, idx: np.ndarray) -> None:
        """Back to where the person was: two months of work open no insurance rights (2017
        rules: 4 months), so a job seeker's spell and benefit go on, and a person hired from
        inactivity (e.g. on RSA, kept in the household's other income) is inactive again; the
        contract's pay stays their wage for a later job."""
        persons = self.model.population.persons
        inactive = self.was_inactive[idx]
        persons["activity"][idx] = np.where(inactive, INACTIVE, UNEMPLOYED)
        months = self.restore_months[idx] + self.started[idx]
        persons["unemployment_months"][idx] = np.where(inactive, 0, months)
        restored = self.restore_wage[idx]
        persons["wage"][idx] = np.where(restored > 0, restored, persons["wage"][idx])

    def after_contracts(self, step: int) -> None:
        """Training ends; the 'job first' extra job finding; employment 6 and 12 months on."""
        params, persons = self.model.params, self.model.population.persons
        former = self.former_workers()
        back = former[self.training_until[former] == step]
        self._back_to_search(back)
        self.model.labour.hold(back, False)
        activity = persons["activity"][former]
        searching = (activity == UNEMPLOYED) | ((activity == INACTIVE) & self.was_inactive[former])
        boosted = (self.boost_until[former] >= step) & ~self.model.labour.held[former]
        seekers = former[boosted & searching]
        found = seekers[self.rng.random(len(seekers)) < params["social_clauses.extra_job_finding"]]
        persons["activity"][found] = EMPLOYED
        persons["unemployment_months"][found] = 0
        n = self.model.n_zones
        for months in FOLLOW_UPS:
            cohort, generation = self.ended.get(step - months, (np.empty(0, dtype=np.int64), 0))
            cohort = cohort[persons["generation"][cohort] == generation]  # not those who left
            zone = self.zone[cohort]
            employed = persons["activity"][cohort] == EMPLOYED
            self.checked[months] += np.bincount(zone, minlength=n)
            self.employed_after[months] += np.bincount(zone, weights=employed, minlength=n)

    def additional_employment(self, step: int) -> np.ndarray:
        """Per person ever hired: employed now (1/0) less the chance they would be employed
        without the clauses (`shadow`); 0 for everyone else."""
        hired = self.former_workers()
        employed = self.model.population.persons["activity"][hired] == EMPLOYED
        out = np.zeros(len(self.first_hire))
        out[hired] = employed - self.shadow(hired, step)
        return out

    def shadow(self, hired: np.ndarray, step: int) -> np.ndarray:
        """Chance that persons `hired` would be employed at `step` without the clauses: a job
        seeker on the chain from their first hire; an inactive adult child at home on the chain
        from their shadow entry into the labour force (employed or unemployed as the
        demography would have placed them); any other inactive person never."""
        labour = self.model.labour
        finding, losing = labour.job_finding_rate, labour.job_loss_rate[hired]
        searching = shadow_employment(step - self.first_hire[hired], finding, losing)
        since_entry = step - self.entry_step[hired]
        entered = (self.entry_step[hired] >= 0) & (since_entry >= 0)
        months = np.maximum(since_entry, 0)
        from_unemployment = shadow_employment(months, finding, losing)
        from_work = 1 - shadow_employment(months, losing, finding)
        entrant = np.where(self.entry_unemployed[hired], from_unemployment, from_work)
        return np.where(self.was_searching[hired], searching, np.where(entered, entrant, 0.0))

    def remaining_hours(self) -> float:
        """Real hours of running contracts not yet worked."""
        return float((self.months_left * self.monthly_hours * self.weight).sum())


def shadow_employment(months, finding: float, losing) -> np.ndarray:
    """Probability of being employed `months` after starting unemployed, in a two-state chain
    with monthly job-finding `finding` and job-loss `losing` probabilities."""
    months, losing = np.asarray(months, dtype=float), np.asarray(losing, dtype=float)
    rates = finding + losing
    steady = np.divide(finding, rates, out=np.zeros_like(rates), where=rates > 0)
    return steady * (1 - (1 - rates) ** months)
