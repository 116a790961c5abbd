"""Action 5, social clauses in public procurement (document 3.5.1-3.5.7).

Public buyers award, month by month, positions for their clause hours (`contracts`); the
facilitator matches eligible job seekers to them (`facilitator`, SimPy); workers work their
contract and then follow a pathway (`workers`). The Metropolis's hours are shared with the
simulated zones in proportion to their population. Indicators cover the last 12 months, so at
month 12 of a run starting in January they are the calendar year's figures.

Real units when zones have different scales. Candidates come from every simulated zone, and an
agent of zone z stands for w_z real persons. The month's real hours are awarded as
agent-positions of W real positions each, W the mean weight of the month's candidates (by their
targeting weight: the weight a draw of a candidate has in expectation); the facilitator draws a
candidate as usual, and once filled by a person of zone z the position stands for w_z real
positions, hours and persons (one real person a real position). Real hours filled are therefore
the awarded ones in expectation, and hours, persons and contracts always agree: a contract's
real hours are its person's real count times its hours. At one scale W = w_z = 1/scale.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...clock import days_in_month
from ...codes import INACTIVE
from ...declarations import Indicator
from ...indicators import percent
from ...territory.figures import figure
from ..base import Action, register
from .contracts import (
    BUYERS,
    RATES_2017,
    SECTORS,
    TOOLS,
    Position,
    ProcurementLevers,
    PublicBuyer,
    hours_2017,
)
from .facilitator import (
    BACKLOG,
    NO_CANDIDATE,
    Facilitator,
    FacilitatorLevers,
    TargetingLevers,
    eligible,
)
from .records import ContractTable, MonthTotals
from .workers import FOLLOW_UPS, Contract, Workforce

WINDOW = 12  # months covered by the indicators

FIGURES = {  # the indicators cover the last 12 months: the 2017 figures are yearly
    "clause_hours": "action5.hours_all_buyers",
    "clause_hours_metropolis": "action5.hours_metropolis",
    "clause_persons_employed": "action5.persons_employed",
    "clause_contract_months": "action5.contract_duration",
}
FACILITATOR_LINE = ("Metropolis", "clause facilitator")  # paid monthly from a yearly line
HEADLINE = ("clause_hours", "clause_persons_employed", "clause_women_share")


def _year(name: str, unit: str, description: str) -> Indicator:
    """An indicator over the last 12 months (the calendar year's figure in December)."""
    figure_id = FIGURES.get(name)
    return Indicator(
        name,
        unit,
        "trailing_year",
        description,
        figure=(figure_id, 1.0) if figure_id else None,
        headline=name in HEADLINE,
    )


OUTPUTS: tuple[Indicator, ...] = (
    _year(
        "clause_hours",
        "hours",
        "clause hours of contracts awarded in the last 12 months to residents",
    ),
    *(
        _year(f"clause_hours_{key}", "hours", f"clause hours of the last 12 months, {kind} {key}")
        for kind, keys in (("buyer", BUYERS), ("sector", SECTORS), ("tool", TOOLS))
        for key in keys
    ),
    _year(
        "clause_hours_unfilled",
        "hours",
        "clause hours of the last 12 months not filled (no eligible candidate or facilitator "
        "backlog); Territory only",
    ),
    _year(
        "clause_persons_employed", "persons", "distinct persons hired by a clause, last 12 months"
    ),
    Indicator(
        "clause_persons_employed_total",
        "persons",
        "cumulative",
        "distinct persons hired by a clause since the start of the run (gross: with deadweight)",
    ),
    Indicator(
        "clause_additional_employed",
        "persons",
        "stock",
        "persons ever hired by a clause who are employed now, less those the same persons' "
        "chances without the clauses would have employed (deadweight) and less displacement",
        headline=True,
    ),
    Indicator(
        "clause_additional_employment_years",
        "person-years",
        "cumulative",
        "years of employment the clauses added since the start of the run, net of deadweight and "
        "displacement (clause_additional_employed summed over months / 12)",
        outcome="increase",
        headline=True,
    ),
    _year(
        "clause_hours_per_person",
        "hours/person",
        "clause hours per person employed, last 12 months",
    ),
    _year(
        "clause_contract_months", "months", "mean duration of the contracts of the last 12 months"
    ),
    _year("clause_women_share", "%", "women among the persons employed, last 12 months"),
    _year("clause_skilled_share", "%", "contracts of the last 12 months that required a diploma"),
    _year("clause_hours_share", "%", "share of the territory's clause hours going to the zone"),
    _year(
        "clause_persons_share", "%", "share of the territory's clause persons living in the zone"
    ),
    _year("clause_qpv_hours_share", "%", "share of the zone's clause hours going to QPV residents"),
    _year("clause_qpv_persons_share", "%", "share of the zone's clause persons living in a QPV"),
    *(
        Indicator(
            f"clause_employed_{m}m",
            "%",
            "cumulative",
            f"former clause workers employed {m} months after a contract (all contracts so far)",
        )
        for m in FOLLOW_UPS
    ),
    _year("clause_wait_days", "days", "mean wait of the last 12 months' positions for an adviser"),
    _year("clause_facilitator_cost_per_hour", "EUR/hour", "facilitator cost per clause hour"),
    _year(
        "clause_facilitator_cost_per_person", "EUR/person", "facilitator cost per person employed"
    ),
    Indicator(
        "clause_workers_in_contract",
        "persons",
        "stock",
        "persons currently working a clause contract",
    ),
)


@register
class SocialClauses(Action):
    name = "social_clauses"
    lever_groups = (ProcurementLevers, TargetingLevers, FacilitatorLevers)
    budget_lines = (FACILITATOR_LINE,)
    outputs = OUTPUTS

    def __init__(self, model, **levers: Any):
        super().__init__(model, **levers)
        params = model.params
        procurement = self.levers(ProcurementLevers)
        targeting, facilitator = self.levers(TargetingLevers), self.levers(FacilitatorLevers)
        rate, tools = procurement.clause_rate, procurement.tool_shares
        tool_share = np.array([tools[t] for t in TOOLS]) / sum(tools.values())
        factor = np.array([rate[k] / RATES_2017[k] for k in SECTORS])
        hours = hours_2017() * factor
        hours[0] += np.array([procurement.new_labour_hours.get(k, 0.0) * rate[k] for k in SECTORS])
        population = sum(m.population for m in model.marginals)
        self.population_share = population / figure("metro.population_2018")
        self.buyers = [
            PublicBuyer(model, b, np.outer(hours[b], tool_share) * (name in procurement.buyers))
            for b, name in enumerate(BUYERS)
        ]
        persons, households = model.population.persons, model.population.households
        self.disabled = (
            self.rng.random(len(persons["age"])) < params["social_clauses.disabled_share"]
        )
        priority_codes = [
            model.zones.index(z) for z in targeting.priority_zones if z in model.zones
        ]
        zone = households["zone"][persons["household"]]
        priority = np.isin(zone, priority_codes)
        if targeting.priority_qpv:
            priority |= households["qpv"][persons["household"]]
        self.priority_weight = np.where(priority, targeting.priority_weight, 1.0)
        self.person_weight = model.population.zone_weight[zone]  # real persons per agent
        self.workforce = Workforce(model, self.rng)
        # The facilitator's servers handle agent-positions: the real advisers' throughput
        # translated with the candidates' mean weight at the start.
        start_pool = eligible(model, self.disabled, np.zeros(len(persons["age"]), dtype=bool))
        self.position_weight = self._mean_weight(start_pool)
        advisers = facilitator.facilitator_advisers
        agent_share = self.population_share / self.position_weight
        self.facilitator = Facilitator(model, advisers, agent_share, self.rng)
        self.yearly_cost = (
            advisers * facilitator.facilitator_cost_per_adviser * self.population_share
        )
        self.mean_months = int(figure("action5.contract_duration"))
        self.contracts: list[Contract] = []  # the agents' histories; `table` for indicators
        self.table = ContractTable()
        self.ever_hired = np.zeros(model.n_zones)  # distinct persons hired since the start
        self.unfilled: list[tuple[int, float, str]] = []  # step, agent-hours, reason
        self.unfilled_hours, self.paid = MonthTotals(), MonthTotals()  # real hours, EUR
        self.generated_hours = 0.0  # real hours (each position at its current weight)
        self.additional_years = np.zeros(model.n_zones)  # agent-years, months counted so far
        self._counted_through = 0  # last step whose additional employment is in the years

    def _mean_weight(self, pool: np.ndarray) -> float:
        """Real positions an agent-position stands for: the candidates' mean weight, by their
        targeting weight (the zone weight of a drawn candidate, in expectation)."""
        chance = self.priority_weight[pool]
        if chance.sum() <= 0:
            return float(self.person_weight.mean()) if len(self.person_weight) else 1.0
        return float(chance @ self.person_weight[pool] / chance.sum())

    # --- the monthly mechanism --------------------------------------------------------------
    def step(self) -> None:
        model, step = self.model, self.model.steps
        self.workforce.work_month(step)
        self.workforce.after_contracts(step)
        self._pay_facilitator(step)
        former = self.workforce.former_workers()  # only they can wait for another contract
        repeat = np.zeros(model.population.n_slots, dtype=bool)
        repeat[former[self.workforce.repeat_until[former] >= step]] = True
        pool = eligible(model, self.disabled, repeat)
        # Inactive candidates join the labour force now, in one batch, so that a hire's pay
        # counts in the household's income from the contract's first month.
        model.labour.enter(pool[model.population.persons["activity"][pool] == INACTIVE])
        self.facilitator.set_pool(pool, self.priority_weight[pool], repeat[pool])
        self._month_days = days_in_month(*model.calendar_month)
        if len(pool):
            self.position_weight = self._mean_weight(pool)
        share, weight = self.population_share, self.position_weight
        positions = [p for b in self.buyers for p in b.award(share, weight, self._draw_position)]
        for position in positions:
            self.generated_hours += position.hours * position.weight
        self.facilitator.receive(positions, self._hire, self._unfilled)

    def forget(self, households: np.ndarray, persons: np.ndarray) -> None:
        """Workers who left the territory: their contract stops (its remaining hours are
        counted apart, `left_hours`) and nobody follows them up."""
        self.workforce.forget(persons)

    def _draw_position(self, buyer: int, cumulative: np.ndarray) -> Position:
        """A position in a sector x tool cell drawn by its share (`cumulative`: the cells'
        cumulative shares; one uniform, the draw Generator.choice(p=shares) makes)."""
        params, rng = self.model.params, self.rng
        cell = int(cumulative.searchsorted(rng.random(), side="right"))
        sector, tool = divmod(cell, len(TOOLS))
        spread = params["social_clauses.contract_months_spread"]
        name = SECTORS[sector]
        return Position(
            buyer=buyer,
            sector=sector,
            tool=tool,
            months=int(rng.integers(self.mean_months - spread, self.mean_months + spread + 1)),
            monthly_hours=params["social_clauses.monthly_hours"],
            skilled=bool(rng.random() < params[f"social_clauses.skilled_share_{name}"]),
            woman_share=params[f"social_clauses.women_share_{name}"],
            created=self.model.env.now + rng.uniform(0, self._month_days),
        )

    def _hire(self, person: int, position: Position, waited: float) -> None:
        hh = self.model.population.households
        household = self.model.population.persons["household"][person]
        first_hire = person not in self.workforce.workers
        # Filled by a person of zone z, the position stands for w_z real positions.
        weight = float(self.person_weight[person])
        self.generated_hours += position.hours * (weight - position.weight)
        position.weight = weight
        worker = self.workforce.hire(person, position)
        contract = Contract(
            position=position,
            person=person,
            start=self.model.steps,
            waited=waited,
            zone=int(hh["zone"][household]),
            qpv=bool(hh["qpv"][household]),
            woman=bool(self.model.population.persons["sex"][person] == 1),
            key=person_key(person, self.model.population.persons["generation"][person]),
        )
        worker.contracts.append(contract)
        self.contracts.append(contract)
        self.table.add(contract)
        self.ever_hired[contract.zone] += first_hire

    def _unfilled(self, position: Position, reason: str) -> None:
        real = position.hours * position.weight
        self.unfilled.append((self.model.steps, real, reason))
        self.unfilled_hours.add(self.model.steps, real)

    def _pay_facilitator(self, step: int) -> None:
        """The Metropolis pays the provider monthly from a yearly line (3.5.6)."""
        ledger, line = self.model.ledger, FACILITATOR_LINE
        if line not in ledger.budget or self.model.calendar_month[1] == 1:
            ledger.open_line(*line, self.yearly_cost)
        self.paid.add(step, ledger.pay(*line, self.yearly_cost / 12, step))

    # --- accounting and indicators ----------------------------------------------------------
    def hours_balance(self) -> dict[str, float]:
        """Real hours: generated = worked + still to work + waiting for matching + unfilled +
        not worked because the worker left the territory."""
        return {
            "generated": self.generated_hours,
            "worked": self.workforce.worked_hours,
            "in_contract": self.workforce.remaining_hours(),
            "pending": self.facilitator.pending_hours,
            "unfilled": self.unfilled_hours.total(),
            "left": self.workforce.left_hours,
        }

    def indicators(self) -> dict[str, np.ndarray]:
        model, w, n = self.model, self.model.population.zone_weight, self.model.n_zones
        since = model.steps - WINDOW
        recent = self.table.since(since)
        zone = recent["zone"]
        hours = recent["hours"] * w[zone]  # real hours: each contract's persons times its hours

        def by_zone(values=None, mask=None) -> np.ndarray:
            """Per-zone sums (counts) of the window's contracts, agent units."""
            keep = slice(None) if mask is None else mask
            weights = None if values is None else values[keep]
            return np.bincount(zone[keep], weights=weights, minlength=n).astype(float)

        def mean(values) -> np.ndarray:
            """Mean over the window's contracts, real contracts pooled over zones."""
            return percent(by_zone(values) * w, by_zone() * w) / 100

        out = {"clause_hours": model.zone_values(by_zone(hours))}
        for attr, keys in (("buyer", BUYERS), ("sector", SECTORS), ("tool", TOOLS)):
            code = recent[attr]
            for k, key in enumerate(keys):
                out[f"clause_hours_{key}"] = model.zone_values(by_zone(hours, code == k))
        unfilled = self.unfilled_hours.since(since)
        out["clause_hours_unfilled"] = _territory_only(unfilled, n)

        # Distinct persons: each person's latest contract in the window (real persons).
        _, last = np.unique(recent["key"][::-1], return_index=True)
        latest = len(zone) - 1 - last
        p_zone = zone[latest]
        persons = np.bincount(p_zone, minlength=n) * w
        women = np.bincount(p_zone, weights=recent["woman"][latest], minlength=n) * w
        p_qpv = np.bincount(p_zone, weights=recent["qpv"][latest], minlength=n) * w
        zone_hours = by_zone(hours)
        out["clause_persons_employed"] = model.zone_values(persons)
        out["clause_persons_employed_total"] = model.zone_values(self.ever_hired * w)
        out["clause_hours_per_person"] = percent(zone_hours, persons) / 100
        out["clause_contract_months"] = mean(recent["months"])
        out["clause_women_share"] = percent(women, persons)
        out["clause_skilled_share"] = 100 * mean(recent["skilled"].astype(float))
        total_hours, total_persons = np.full(n, zone_hours.sum()), np.full(n, persons.sum())
        out["clause_hours_share"] = _share(zone_hours, total_hours)
        out["clause_persons_share"] = _share(persons, total_persons)
        out["clause_qpv_hours_share"] = percent(by_zone(hours, recent["qpv"]), zone_hours)
        out["clause_qpv_persons_share"] = percent(p_qpv, persons)
        for m in FOLLOW_UPS:
            out[f"clause_employed_{m}m"] = percent(
                self.workforce.employed_after[m], self.workforce.checked[m]
            )
        out["clause_wait_days"] = mean(recent["waited"])
        cost = self.paid.since(since)
        cost_per_hour = cost / zone_hours.sum() if zone_hours.sum() > 0 else np.nan
        out["clause_facilitator_cost_per_hour"] = np.full(len(out["clause_hours"]), cost_per_hour)
        out["clause_facilitator_cost_per_person"] = (
            percent(zone_hours * cost_per_hour, persons) / 100
        )
        out.update(self._additional())
        working = self.workforce.working()
        out["clause_workers_in_contract"] = model.zone_values(
            np.bincount(self.workforce.zone[working], minlength=n) * w
        )
        return out

    def _additional(self) -> dict[str, np.ndarray]:
        """Additional employment net of deadweight (the shadow chain) and displacement, now and
        summed over the months so far (each month counted once, however often this is called)."""
        model, w = self.model, self.model.population.zone_weight
        net = 1 - model.params["social_clauses.displacement"]
        per_person = net * self.workforce.additional_employment(model.steps)
        now = np.bincount(self.workforce.zone, weights=per_person, minlength=model.n_zones)
        if self._counted_through < model.steps:
            self.additional_years += now / 12
            self._counted_through = model.steps
        return {
            "clause_additional_employed": model.zone_values(now * w),
            "clause_additional_employment_years": model.zone_values(self.additional_years * w),
        }


def person_key(slot: int, generation: int) -> int:
    """A person's identity over the run: a slot holds successive occupants."""
    return int(slot) * 2**20 + int(generation)


def _territory_only(value: float, n_zones: int) -> np.ndarray:
    """A value known for the whole territory only (zones NaN)."""
    return np.append(np.full(n_zones, np.nan), value) if n_zones > 1 else np.array([value])


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """100 * part / whole per zone, and 100 for the total (NaN when nothing happened)."""
    share = percent(part, whole)
    if len(part) > 1:
        share[-1] = 100.0 if whole[0] > 0 else np.nan
    return share


__all__ = ["SocialClauses", "BACKLOG", "NO_CANDIDATE"]
