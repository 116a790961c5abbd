"""The Solidarity Housing Fund (FSL, document 3.4.1): energy aid under an annual budget.

A household that cannot pay its energy bills goes to its zone's social centre; a social worker
fills the income and energy-cost sheet (a shared SimPy resource, so the sheet waits for a free
worker); the FSL then pays a share of the energy debt, up to the aid cap, if the household's
income is under the resource ceiling and the year's budget can pay it. An exhausted budget
refuses the application or queues it to next year's budget (the `fsl_when_exhausted` lever).

Money is booked in real EUR: one agent's grant books its aid times the population weight, so
the real budget (800,000 EUR a year) binds at any scale.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np

FUNDER, LINE = "Metropolis", "FSL"


class SolidarityHousingFund(mesa.Agent):
    """The FSL: decides on application sheets and pays aid from its annual budget line."""

    def __init__(self, model, records, settings, params, on_sheet: Callable[[int], None]):
        super().__init__(model)
        self.records, self.settings, self.params = records, settings, params
        self.on_sheet = on_sheet  # called once a sheet is filled (the SOLIHA referral)
        self.waiting: list[int] = []  # applications queued to next year's budget
        self.paid_this_year = np.zeros(model.n_zones)  # real EUR by zone since January

    def open_year(self) -> None:
        """Renew the annual budget, then decide the applications queued from last year."""
        self.model.ledger.open_line(FUNDER, LINE, self.settings["fsl_budget"])
        self.paid_this_year[:] = 0.0
        waiting, self.waiting = self.waiting, []
        for household in waiting:
            self.decide(household, queue=False)

    def apply(self, household: int):
        """SimPy process: the social worker's sheet, then the FSL decision and the referral."""
        self.records.pending[household] = True
        self.records.last_application[household] = self.model.steps
        zone = self.model.population.households["zone"][household]
        yield self.model.env.process(self.model.social_centres[zone].case_work())
        self.records.count("fsl_applications", household)
        self.decide(household, queue=self.settings["fsl_when_exhausted"] == "queue")
        self.on_sheet(household)

    def decide(self, household: int, queue: bool) -> None:
        """Grant, queue or refuse one application.

        A grant clears the energy debt and so prevents a supply cut: the FSL pays its share (up to
        the cap) and the supplier writes off the rest, as under the suppliers' FSL agreements.
        """
        households, records = self.model.population.households, self.records
        ceiling = self.settings["fsl_resource_ceiling"] * households["cu"][household]
        debt = households["arrears_energy"][household]
        # The FSL considers the unpaid bills of the last year at most (older debt is the
        # supplier's): a share of them, up to the annual cap.
        year_of_bills = households["annual_kwh"][household] * households["energy_price"][household]
        aid = min(
            self.params["energy_poverty.fsl_share_of_arrears"] * min(debt, year_of_bills),
            self.settings["fsl_aid_cap"],
        )
        if households["income"][household] > ceiling or aid <= 0:
            records.count("fsl_refused", household)
            records.pending[household] = False
            return
        cost = aid * records.weight
        if self.model.ledger.remaining(FUNDER, LINE) < cost:
            if queue:
                self.waiting.append(household)  # stays pending until next year's budget
            else:
                records.count("fsl_refused", household)
                records.pending[household] = False
            return
        self.model.ledger.pay(FUNDER, LINE, cost, self.model.steps)
        households["arrears_energy"][household] = 0.0  # the supplier writes off the rest
        records.pending[household] = False
        records.count("fsl_grants", household)
        records.count("fsl_aid_paid", household, aid)
        self.paid_this_year[households["zone"][household]] += cost
