"""Action 4: preventing energy poverty in housing (document 3.4).

Households with unpaid energy bills apply, with a take-up probability, to their social centre;
the Solidarity Housing Fund (FSL) pays energy aid from monthly envelopes of its annual budget
(`fsl.py`); social workers refer private-stock applicants of the covered zones to SOLIHA, whose
technicians visit, give eco-gestures and a kit, recommend and finance works or offer relocation,
and follow the household up after 12 months (`soliha.py`, `renovation.py`). Counts are weighted
(real households) and money is booked in real EUR.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...codes import SOCIAL
from ...declarations import Indicator
from ...indicators import energy_poor_document, energy_poor_onpe, per_zone, ratio, with_total
from ..base import Action, register
from . import fsl, renovation
from .fsl import FslLevers, SolidarityHousingFund
from .records import COMPLETED, Records
from .renovation import RenovationLevers
from .soliha import CONVENTION, Soliha, SolihaLevers

# Record flows that are sums to divide (means over the last 12 months), not indicators themselves.
DIVIDED = (
    "soliha_wait_days",
    "soliha_effort_change",
    "soliha_effort_followups",
    "soliha_relocation_wait",
)


def _flow(name: str, unit: str, description: str, **kw) -> Indicator:
    return Indicator(name, unit, "flow", description, **kw)


@register
class EnergyPoverty(Action):
    name = "energy_poverty"
    lever_groups = (FslLevers, SolihaLevers, RenovationLevers)
    budget_lines = ((fsl.FUNDER, fsl.LINE), CONVENTION, renovation.RENOVATION, renovation.TOP_UP)
    outputs = (
        _flow("fsl_applications", "households", "FSL energy-aid sheets filled by social workers"),
        _flow(
            "fsl_grants",
            "households",
            "FSL energy-aid grants",
            figure=("action4.fsl_households", 1.0),
            headline=True,
        ),
        _flow(
            "fsl_grants_private_tenants",
            "households",
            "FSL energy-aid grants to private tenants (the tenure mix of beneficiaries)",
        ),
        _flow("fsl_aid_paid", "EUR", "FSL energy aid paid"),
        Indicator(
            "fsl_average_aid",
            "EUR",
            "rate",
            "mean FSL aid per grant this month",
            figure=("action4.fsl_average_aid", 1.0),
        ),
        _flow(
            "fsl_refused",
            "households",
            "applications refused (income over the ceiling, no debt, or month's envelope "
            "exhausted under 'refuse')",
        ),
        _flow(
            "fsl_unpaid_for_budget",
            "households",
            "eligible applications the month's envelope could not pay (queued or refused), "
            "counted every month they wait; none all year: the budget does not bind, more money "
            "buys nothing unless the rules (ceiling, cap) change",
            headline=True,
        ),
        Indicator(
            "fsl_budget_used",
            "%",
            "year_to_date",
            "share of the year's FSL budget paid so far this year",
            headline=True,
        ),
        Indicator(
            "fsl_waiting_for_budget",
            "households",
            "stock",
            "applications waiting for a later month's FSL envelope (end of month)",
        ),
        _flow("soliha_referrals", "households", "households reported to SOLIHA by social workers"),
        _flow(
            "soliha_visits",
            "households",
            "SOLIHA home visits made",
            figure=("action4.soliha_target", 1.0),
            headline=True,
        ),
        Indicator("soliha_queue", "households", "stock", "referred households waiting for a visit"),
        Indicator(
            "soliha_wait_days",
            "days",
            "trailing_year",
            "mean days from referral to visit, last 12 months' visits",
        ),
        _flow("soliha_kits", "households", "equipment kits installed and eco-gestures adopted"),
        _flow("soliha_works_recommended", "households", "visits recommending works"),
        _flow("soliha_works_started", "households", "works financed and started"),
        _flow("soliha_works_completed", "households", "works completed"),
        _flow("soliha_relocations", "households", "households relocated to social housing"),
        _flow(
            "social_vacancies",
            "dwellings",
            "social dwellings falling vacant this month in the simulated zones (shared by "
            "ordinary applicants and relocations)",
        ),
        Indicator(
            "relocation_queue",
            "households",
            "stock",
            "households SOLIHA relocates waiting for a social dwelling (end of month)",
        ),
        Indicator(
            "relocation_wait_months",
            "months",
            "trailing_year",
            "mean months from accepting relocation to moving, last 12 months' relocations",
        ),
        _flow("soliha_social_concerns", "households", "social concerns reported to social workers"),
        _flow("soliha_followups", "households", "12-month follow-up contacts"),
        _flow(
            "soliha_kwh_saved",
            "kWh/yr",
            "annual energy need (normal comfort) saved by kits, habits and works (after the "
            "prebound gap), follow-ups of the month",
        ),
        _flow(
            "soliha_eur_saved",
            "EUR/yr",
            "annual bill at normal comfort saved, at current prices, follow-ups of the month",
        ),
        _flow(
            "soliha_consumption_saved",
            "kWh/yr",
            "annual energy actually consumed saved, follow-ups of the month: below the need "
            "saved when households take part of the gain as comfort (rebound), negative when "
            "heating returns (debt cleared, supply restored)",
        ),
        Indicator(
            "soliha_effort_change",
            "points",
            "trailing_year",
            "mean change in energy effort (% of income) at the 12-month follow-up, last 12 "
            "months' follow-ups",
        ),
        Indicator(
            "energy_poor_households",
            "households",
            "stock",
            "households below the poverty line spending over 35% of income on housing and "
            "energy, net of the allowance and the cheque (3.4.2)",
            outcome="decrease",
            headline=True,
        ),
        Indicator(
            "energy_households_lifted",
            "households",
            "stock",
            "visited households that the document's test counts energy-poor at their visit's "
            "housing costs and not at their current ones (current income and prices)",
        ),
        Indicator(
            "energy_cost_per_household_lifted",
            "EUR",
            "cumulative",
            "visits and works spending since the start (all visited households) per household "
            "lifted",
        ),
        *(
            Indicator(
                f"energy_households_lifted_by_works_{test}",
                "households",
                "stock",
                f"households with completed works, not relocated, energy-poor under {reading} "
                "at their need before the works and not now (current income and prices)",
            )
            for test, reading in (("document", "the document's test"), ("onpe", "ONPE's test"))
        ),
        *(
            Indicator(
                f"energy_cost_per_household_lifted_by_works_{test}",
                "EUR",
                "cumulative",
                f"subsidies and top-ups of all completed works per household lifted by works "
                f"({reading})",
            )
            for test, reading in (("document", "the document's test"), ("onpe", "ONPE's test"))
        ),
    )

    def __init__(self, model, **levers: Any):
        super().__init__(model, **levers)
        hh, params = model.population.households, model.params
        self.records = Records(
            model.population.n_dwellings, hh["zone"], model.n_zones, model.population.zone_weight
        )
        fsl, self.soliha_levers = self.levers(FslLevers), self.levers(SolihaLevers)
        self.renovation = self.levers(RenovationLevers)
        self.covered = np.array([z in self.soliha_levers.soliha_zones for z in model.zones])
        self.take_up = min(params["energy_poverty.take_up"] * fsl.take_up_factor, 1)
        self.fsl = SolidarityHousingFund(model, self.records, fsl, params, self._refer)
        seed = int(self.rng.integers(2**63))  # the root of every household's visit findings
        self.soliha = Soliha(
            model, self.records, self.soliha_levers, self.renovation, params, seed, self.energy_poor
        )
        self._referral_draw = np.ones(model.population.n_dwellings)

    # --- the monthly mechanism -------------------------------------------------------------------
    def step(self) -> None:
        model, rec, hh = self.model, self.records, self.model.population.households
        rec.reset_flows()
        if model.steps == 1 or model.calendar_month[1] == 1:
            self.fsl.open_year()
            self.soliha.open_year()
            renovation.open_year(model, self.renovation)
        self.fsl.open_month()  # the month's envelope; the waiting applications first
        self.soliha.pay_month()
        self.soliha.due_events()
        # Fixed-size draws every month: the stream stays aligned whatever the state.
        # Actions 1 and 2 may raise take-up (model.pathways; exactly the calibrated one without).
        applies = self.rng.random(len(rec.pending)) < model.pathways.probability(
            "fsl_take_up", self.take_up
        )
        self._referral_draw = self.rng.random(len(rec.pending))
        since_last = model.steps - rec.last_application
        can_apply = (
            (hh["arrears_energy"] > model.params["energy_poverty.min_arrears"])
            & ~rec.pending
            & (since_last >= model.params["energy_poverty.months_between_aids"])
        )
        self.fsl.apply(np.flatnonzero(can_apply & applies))

    def forget(self, households: np.ndarray, persons: np.ndarray) -> None:
        """Households gone: their applications, visits and relocation requests are dropped
        (a SimPy process under way for one checks the dwelling's `generation`)."""
        self.records.forget(households)
        self.fsl.forget(households)
        self.soliha.social_housing.forget(households)

    def _refer(self, i: int) -> None:
        """After the sheet: private-stock households of covered zones may be sent to SOLIHA."""
        hh, rec = self.model.population.households, self.records
        if (
            hh["tenure"][i] != SOCIAL
            and self.covered[hh["zone"][i]]
            and not rec.visited[i]
            and self._referral_draw[i]
            < self.model.pathways.probability(
                "soliha_referral", self.soliha_levers.referral_rate, i
            )
        ):
            self.soliha.refer(i)

    # --- indicators ------------------------------------------------------------------------------
    def energy_poor(self, idx, housing=None, energy=None) -> np.ndarray:
        """The document's test (3.4.2) for households `idx`, optionally at other annual net
        housing and energy costs."""
        return energy_poor_document(self.model, idx, housing, energy)

    def indicators(self) -> dict[str, np.ndarray]:
        model, rec = self.model, self.records
        zones, w = model.household_slices, rec.zone_weight
        flows = rec.flows
        out = {
            name: model.zone_values(values) for name, values in flows.items() if name not in DIVIDED
        }
        out["fsl_average_aid"] = _ratio(flows["fsl_aid_paid"], flows["fsl_grants"])
        budget = self.fsl.levers.fsl_budget
        used = 100 * self.fsl.paid_this_year / budget if budget else np.full(model.n_zones, np.nan)
        out["fsl_budget_used"] = model.zone_values(used)
        waiting = np.zeros(len(rec.pending), dtype=bool)
        waiting[self.fsl.waiting] = True
        out["fsl_waiting_for_budget"] = model.zone_values(per_zone(waiting, zones) * w)
        queue = rec.visited & (rec.visit_month < 0)
        out["soliha_queue"] = model.zone_values(per_zone(queue, zones) * w)
        # Visits and follow-ups are few a month: their means are over the last 12 months.
        out["soliha_wait_days"] = _ratio(
            rec.last_year("soliha_wait_days"), rec.last_year("soliha_visits")
        )
        out["soliha_effort_change"] = _ratio(
            rec.last_year("soliha_effort_change"), rec.last_year("soliha_effort_followups")
        )
        # The core reports the same test as a rate (and computed it this month, `territorial`);
        # the outcome of cost comparisons is the count.
        out["energy_poor_households"] = model.zone_values(
            per_zone(model.month["energy_poor_document"], zones) * w
        )
        seen = np.flatnonzero(rec.visit_month >= 0)
        housing_then = 12 * model.net_housing_cost(
            seen, rent=rec.rent_at_visit[seen], gross=rec.housing_at_visit[seen]
        )
        energy_then = model.net_energy_cost(seen, rec.kwh_at_visit[seen])
        lifted = np.zeros(len(rec.pending), dtype=bool)
        lifted[seen] = self.energy_poor(seen, housing_then, energy_then) & ~self.energy_poor(seen)
        lifted_zone = per_zone(lifted, zones) * w
        out["energy_households_lifted"] = model.zone_values(lifted_zone)
        spent = per_zone(rec.spent, zones) + rec.spent_departed
        out["energy_cost_per_household_lifted"] = _ratio(spent, lifted_zone)

        # Works alone: completed works of households not relocated, at their need before them.
        works = np.flatnonzero((rec.works == COMPLETED) & (rec.relocation_month < 0))
        before = model.net_energy_cost(works, rec.kwh_before_works[works])
        completed = per_zone(np.where(rec.works == COMPLETED, rec.works_spent, 0.0), zones)
        completed = completed + rec.works_spent_departed
        for name, test in (("document", energy_poor_document), ("onpe", energy_poor_onpe)):
            lifted = np.zeros(len(rec.pending), dtype=bool)
            lifted[works] = test(model, works, energy=before) & ~test(model, works)
            lifted_zone = per_zone(lifted, zones) * w
            out[f"energy_households_lifted_by_works_{name}"] = model.zone_values(lifted_zone)
            out[f"energy_cost_per_household_lifted_by_works_{name}"] = _ratio(
                completed, lifted_zone
            )
        queue = self.soliha.social_housing
        social = per_zone(model.population.households["tenure"] == SOCIAL, zones)
        out["social_vacancies"] = model.zone_values(queue.vacancies * social / max(social.sum(), 1))
        queued = np.zeros(len(rec.pending), dtype=bool)
        queued[queue.waiting] = True
        out["relocation_queue"] = model.zone_values(per_zone(queued, zones) * w)
        out["relocation_wait_months"] = _ratio(
            rec.last_year("soliha_relocation_wait"), rec.last_year("soliha_relocations")
        )
        return {indicator.name: out[indicator.name] for indicator in self.outputs}


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator per zone and for the total (NaN where the denominator is 0)."""
    return ratio(with_total(numerator), with_total(denominator))
