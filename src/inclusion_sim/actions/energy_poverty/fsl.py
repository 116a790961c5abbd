"""The Solidarity Housing Fund (FSL, document 3.4.1): energy aid under an annual budget.

A household that cannot pay its energy bills goes to its zone's social centre; a social worker
fills the income and energy-cost sheet (a shared SimPy resource, so the sheet waits for a free
worker); the FSL then pays a share of the energy debt, up to the aid cap, if the household's
income is under the resource ceiling and the month's envelope can pay it. The grant clears the
debt, so it ends a supply cut or power reduction at once and lets heating return (`strain.py`);
an applicant refused, or waiting for an envelope, stays exposed to the supplier's intervention.
An eligible application the envelope cannot pay counts in `fsl_unpaid_for_budget`: a year
without any means the budget did not bind, and more money buys nothing unless the rules change.

Pacing. Real FSL commissions meet through the year and spend a yearly envelope; a budget that
pays applications first come, first served from January would be spent by the first months'
applications (or by last year's queue) and leave the rest of the year without aid. So each month
the FSL may commit at most the year's remaining budget divided by the months left in the budget
year (this month included, the budget year ending in December): money unspent in a month carries
over to the later months of the same year, and the annual ledger line still caps the year. An
application that the month's envelope cannot pay waits for the next month's envelope, oldest
first, or is refused (the `fsl_when_exhausted` lever, "queue" or "refuse"). Waiting applications
are decided at the start of each month before the month's new ones, and new applications join the
back of a non-empty queue; at the end of the budget year the queue carries over to January.

Money is booked in real EUR: one agent's grant books its aid times its zone's weight, so the
real budget (800,000 EUR a year) binds at any scale, whatever each zone's scale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mesa
import numpy as np

from ...checks import AMOUNT, Number, OneOf
from ...clock import DECEMBER
from ...codes import PRIVATE_TENANT
from ...declarations import Levers, lever
from ...strain import reconnect
from ...territory.figures import figure

FUNDER, LINE = "Metropolis", "FSL"  # the budget year is the calendar year


@dataclass(frozen=True)
class FslLevers(Levers):
    """The FSL's budget and rules, and how many indebted households apply."""

    fsl_budget: float = lever(
        default_factory=lambda: figure("action4.fsl_budget"),
        unit="EUR/yr",
        check=AMOUNT,
        range=(0.0, 3_000_000.0),
        source="document 3.4.1: 800,000 EUR a year",
        description="annual FSL budget for energy aid (Metropolis)",
    )
    fsl_resource_ceiling: float = lever(
        1272.0,
        unit="EUR/month per consumption unit",
        check=AMOUNT,
        range=(800.0, 2500.0),
        source="literature.md: Métropole de Lyon FSL page, 1,272 EUR a month for a single person "
        "(applied per consumption unit)",
        description="income ceiling of FSL eligibility",
    )
    fsl_aid_cap: float = lever(
        500.0,
        unit="EUR/yr per household",
        check=AMOUNT,
        range=(100.0, 1500.0),
        source="literature.md: FSL energy aid cap in Lyon, 500 EUR a year (local press)",
        description="largest FSL energy aid a household receives in a year",
    )
    fsl_when_exhausted: str = lever(
        "queue",
        unit="rule",
        check=OneOf(("queue", "refuse")),
        source="assumption, the document is silent: the FSL spends its annual budget in monthly "
        "envelopes (remaining budget / months left in the year); applications the month's "
        "envelope cannot pay wait for a later month's, oldest first ('queue'), rather than "
        "being refused ('refuse')",
        description="what happens to an application the month's envelope cannot pay",
    )
    take_up_factor: float = lever(
        1.0,
        unit="factor",
        check=Number(0.0, 100.0),
        range=(0.0, 5.0),
        source="1 = the take-up of parameter energy_poverty.take_up (its grid fit); an outreach "
        "campaign raises it; capped so the monthly probability stays <= 1",
        description="multiplier of the monthly probability that an indebted household applies",
    )


class SolidarityHousingFund(mesa.Agent):
    """The FSL: decides on application sheets and pays aid from monthly envelopes of its annual
    budget line."""

    def __init__(self, model, records, levers: FslLevers, params, on_sheet: Callable[[int], None]):
        super().__init__(model)
        self.records, self.levers, self.params = records, levers, params
        self.on_sheet = on_sheet  # called once a sheet is filled (the SOLIHA referral)
        self.queue = levers.fsl_when_exhausted == "queue"
        self.waiting: list[int] = []  # applications waiting for a later envelope, oldest first
        self.paid_this_year = np.zeros(model.n_zones)  # real EUR by zone since January
        self.envelope = 0.0  # real EUR the FSL may commit this month
        self.committed = 0.0  # real EUR committed this month

    def open_year(self) -> None:
        """Renew the annual budget line (the queue carries over)."""
        self.model.ledger.open_line(FUNDER, LINE, self.levers.fsl_budget)
        self.paid_this_year[:] = 0.0

    def open_month(self) -> None:
        """Set the month's envelope, then decide the waiting applications, oldest first.

        The envelope is the year's remaining budget over the months left in the budget year, so
        it spreads the budget evenly and carries unspent money forward. The queue is served in
        order until the envelope cannot pay the application at its head.
        """
        months_left = DECEMBER - self.model.calendar_month[1] + 1
        self.envelope = self.model.ledger.remaining(FUNDER, LINE) / months_left
        self.committed = 0.0
        waiting, self.waiting = self.waiting, []
        for k, household in enumerate(waiting):
            aid = self.aid(household)
            if aid is None:
                self.refuse(household)
            elif not self.pay(household, aid):
                self.waiting = waiting[k:]  # the head and everyone behind it wait again
                for still in self.waiting:
                    self.records.count("fsl_unpaid_for_budget", still)
                return

    def forget(self, households: np.ndarray) -> None:
        """Applications of households that left wait no more."""
        gone = set(households.tolist())
        self.waiting = [h for h in self.waiting if h not in gone]

    def apply(self, households: np.ndarray) -> None:
        """This month's applications: each is a case for the household's social centre (its
        social worker fills the sheet), then the FSL decides and may refer (`_sheet_filled`).

        One SimPy process hands every sheet to the centres, in household order, and each
        decision is a callback of its case: the same cases in the same order, at the same
        times, as a process per application waiting on its case (issue 17). A household that
        leaves while its sheet waits is no longer decided (its dwelling's `generation` moved)."""
        self.records.pending[households] = True
        self.records.last_application[households] = self.model.steps
        if len(households):
            self.model.env.process(self._hand_over(households))

    def _hand_over(self, households: np.ndarray):
        """SimPy process: start each application's case (the centres take them in this order)."""
        env, centres = self.model.env, self.model.social_centres
        hh = self.model.population.households
        zones, generations = hh["zone"][households], hh["generation"][households]
        for household, zone, generation in zip(
            households.tolist(), zones.tolist(), generations.tolist(), strict=True
        ):
            case = env.process(centres[zone].case_work())
            case.callbacks.append(lambda _, h=household, g=generation: self._sheet_filled(h, g))
        yield from ()  # a process that waits for nothing: its cases carry on

    def _sheet_filled(self, household: int, generation: int) -> None:
        if self.model.population.households["generation"][household] != generation:
            return  # the household left the territory while its sheet waited
        self.records.count("fsl_applications", household)
        self.decide(household)
        self.on_sheet(household)

    def decide(self, household: int) -> None:
        """Grant, queue or refuse a new application (behind the queue if there is one)."""
        aid = self.aid(household)
        if aid is None:
            self.refuse(household)
        elif self.waiting or not self.pay(household, aid):
            self.records.count("fsl_unpaid_for_budget", household)
            if self.queue:
                self.waiting.append(household)  # stays pending until an envelope pays it
            else:
                self.refuse(household)

    def aid(self, household: int) -> float | None:
        """The aid the FSL would pay the household now (None: not eligible).

        The FSL considers the unpaid bills of the last year at most (older debt is the
        supplier's): a share of them, up to the annual cap.
        """
        households = self.model.population.households
        ceiling = self.levers.fsl_resource_ceiling * households["cu"][household]
        debt = households["arrears_energy"][household]
        year_of_bills = float(self.model.annual_energy_cost(household))
        aid = min(
            self.params["energy_poverty.fsl_share_of_arrears"] * min(debt, year_of_bills),
            self.levers.fsl_aid_cap,
        )
        if households["income"][household] > ceiling or aid <= 0:
            return None
        return aid

    def refuse(self, household: int) -> None:
        self.records.count("fsl_refused", household)
        self.records.pending[household] = False

    def pay(self, household: int, aid: float) -> bool:
        """Pay the grant if the month's envelope (and the year's line) can pay it in full.

        A grant clears the energy debt: the FSL pays its share (up to the cap) and the supplier
        writes off the rest, as under the suppliers' FSL agreements. So it ends a cut or a power
        reduction in the month it is paid, and since suppliers act at the month's end it
        prevents the intervention the debt would have brought this month; the household's
        heating returns to what its effort allows (no arrears restriction).
        """
        households, records, ledger = (
            self.model.population.households,
            self.records,
            self.model.ledger,
        )
        cost = aid * records.weight(household)
        if self.committed + cost > self.envelope + 1e-9 or ledger.remaining(FUNDER, LINE) < cost:
            return False
        ledger.pay(FUNDER, LINE, cost, self.model.steps)
        self.committed += cost
        households["arrears_energy"][household] = 0.0  # the supplier writes off the rest
        reconnect(households, household)  # supply restored, reminders stopped, from this month
        records.pending[household] = False
        records.count("fsl_grants", household)
        if households["tenure"][household] == PRIVATE_TENANT:
            records.count("fsl_grants_private_tenants", household)
        records.count("fsl_aid_paid", household, aid)
        self.paid_this_year[households["zone"][household]] += cost
        return True
