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
from ...indicators import energy_poor_document, per_zone, with_total
from ...territory.figures import figure
from ...territory.zones import zone_id
from ..base import Action, LeverError, register
from . import renovation
from .fsl import SolidarityHousingFund
from .records import Records
from .soliha import Soliha

SHARES = ("referral_rate", "subsidy_rate_very_low_income", "subsidy_rate_low_income")
WHEN_EXHAUSTED = ("queue", "refuse")


@register
class EnergyPoverty(Action):
    name = "energy_poverty"
    levers = {
        "fsl_budget": figure("action4.fsl_budget"),
        "fsl_resource_ceiling": 1272.0,
        "fsl_aid_cap": 500.0,
        "fsl_when_exhausted": "queue",
        "take_up_factor": 1.0,
        "soliha_technicians": 0.5,
        "soliha_zones": ["saint_fons", "venissieux"],
        "referral_rate": 0.5,
        "renovation_budget": 150_000.0,
        "subsidy_rate_very_low_income": 0.5,
        "subsidy_rate_low_income": 0.35,
        "household_cost_cap": figure("action4.household_share_cap"),
        "top_up_budget": 100_000.0,
        "relocation": True,
    }
    sources = {
        "fsl_budget": "document 3.4.1: 800,000 EUR a year",
        "fsl_resource_ceiling": "literature.md: Métropole de Lyon FSL page, 1,272 EUR a month for "
        "a single person (applied per consumption unit)",
        "fsl_aid_cap": "literature.md: FSL energy aid cap in Lyon, 500 EUR a year (local press)",
        "fsl_when_exhausted": "assumption, the document is silent: the FSL spends its annual "
        "budget in monthly envelopes (remaining budget / months left in the year); applications "
        "the month's envelope cannot pay wait for a later month's, oldest first ('queue'), "
        "rather than being refused ('refuse')",
        "take_up_factor": "1 = the calibrated take-up (parameter energy_poverty.take_up); "
        "an outreach campaign raises it; capped so the monthly probability stays <= 1",
        "soliha_technicians": "document 3.4.2: target 50 households a year, divided by "
        "energy_poverty.visits_per_technician_year (100)",
        "soliha_zones": "document 3.4.2: Vénissieux and Saint-Fons since 2018",
        "referral_rate": "assumption: 3.4.6 says social workers do not yet systematically report "
        "households (1 = systematic); half of the private-stock applicants",
        "renovation_budget": "assumption, not in the document (3.4.1: the Metropolis 'makes "
        "funds available'): some 20 grants a year at ~8,000 EUR (half of 11,700-20,000 EUR works, "
        "literature.md)",
        "subsidy_rate_very_low_income": "literature.md: MaPrimeRénov' Sérénité, 50% for very "
        "modest households (D1-D2)",
        "subsidy_rate_low_income": "literature.md: MaPrimeRénov' Sérénité, 35% for modest "
        "households (D3-D4)",
        "household_cost_cap": "document 3.4.2: household's share under 100 EUR",
        "top_up_budget": "assumption, not in the document (3.4.2: SOLIHA 'tries to find other "
        "funding'): energy-saving certificates, pension funds, local top-ups",
        "relocation": "document 3.4.2: relocation is offered when no work can be done",
    }
    outcomes = {"energy_poor_households": "decrease"}
    figures = {
        "fsl_grants": ("action4.fsl_households", 1 / 12),  # 3,000 a year, reported monthly
        "fsl_average_aid": ("action4.fsl_average_aid", 1.0),
        "soliha_visits": ("action4.soliha_target", 1 / 12),  # 50 a year in the pilot communes
    }
    units = {
        "fsl_applications": ("households", "FSL energy-aid sheets filled by social workers"),
        "fsl_grants": ("households", "FSL energy-aid grants"),
        "fsl_aid_paid": ("EUR", "FSL energy aid paid"),
        "fsl_average_aid": ("EUR", "mean FSL aid per grant this month"),
        "fsl_refused": (
            "households",
            "applications refused (income over the ceiling, no "
            "debt, or month's envelope exhausted under 'refuse')",
        ),
        "fsl_budget_used": ("%", "share of the year's FSL budget paid so far this year"),
        "fsl_waiting_for_budget": (
            "households",
            "applications waiting for a later month's FSL envelope (end of month)",
        ),
        "soliha_referrals": ("households", "households reported to SOLIHA by social workers"),
        "soliha_visits": ("households", "SOLIHA home visits made"),
        "soliha_queue": ("households", "referred households waiting for a visit"),
        "soliha_wait_days": ("days", "mean days from referral to visit, last 12 months' visits"),
        "soliha_kits": ("households", "equipment kits installed and eco-gestures adopted"),
        "soliha_works_recommended": ("households", "visits recommending works"),
        "soliha_works_started": ("households", "works financed and started"),
        "soliha_works_completed": ("households", "works completed"),
        "soliha_relocations": ("households", "households relocated to social housing"),
        "soliha_social_concerns": ("households", "social concerns reported to social workers"),
        "soliha_followups": ("households", "12-month follow-up contacts"),
        "soliha_kwh_saved": ("kWh/yr", "annual energy use saved, follow-ups of the month"),
        "soliha_eur_saved": ("EUR/yr", "annual bill saved, follow-ups of the month"),
        "soliha_effort_change": (
            "points",
            "mean change in energy effort (% of income) at the 12-month follow-up, last 12 "
            "months' follow-ups",
        ),
        "energy_poor_households": (
            "households",
            "households below the poverty line spending "
            "over 35% of income on rent and energy (3.4.2)",
        ),
        "energy_households_lifted": (
            "households",
            "visited households that the document's test "
            "counts energy-poor at their visit's housing costs and not "
            "at their current ones (current income)",
        ),
        "energy_cost_per_household_lifted": (
            "EUR",
            "visits and works spending (all visited households) per household lifted",
        ),
    }

    @classmethod
    def validate_levers(cls, levers: dict[str, Any]) -> None:
        super().validate_levers(levers)
        for key in SHARES:
            if key in levers and levers[key] > 1:
                raise LeverError(key, f"got {levers[key]!r}, expected a share from 0 to 1")
        when = levers.get("fsl_when_exhausted", "queue")
        if when not in WHEN_EXHAUSTED:
            raise LeverError("fsl_when_exhausted", f"got {when!r}, expected 'queue' or 'refuse'")
        for zone in levers.get("soliha_zones", []):
            if not isinstance(zone, str):
                raise LeverError("soliha_zones", f"got {zone!r}, expected a zone name")
            try:
                zone_id(zone)
            except ValueError as exc:
                raise LeverError("soliha_zones", str(exc)) from None

    def __init__(self, model, **levers: Any):
        super().__init__(model, **levers)
        hh, params = model.population.households, model.params
        self.records = Records(
            model.population.n_households, hh["zone"], model.n_zones, model.population.weight
        )
        covered = {zone_id(z) for z in self.settings["soliha_zones"]}
        self.covered = np.array([z in covered for z in model.zones])
        self.take_up = min(params["energy_poverty.take_up"] * self.settings["take_up_factor"], 1)
        self.fsl = SolidarityHousingFund(model, self.records, self.settings, params, self._refer)
        seed = int(self.rng.integers(2**63))  # the root of every household's visit findings
        self.soliha = Soliha(model, self.records, self.settings, params, seed, self.energy_poor)
        self._referral_draw = np.ones(model.population.n_households)

    # --- the monthly mechanism -------------------------------------------------------------------
    def step(self) -> None:
        model, rec, hh = self.model, self.records, self.model.population.households
        rec.reset_flows()
        if model.steps == 1 or model.calendar_month[1] == 1:
            self.fsl.open_year()
            self.soliha.open_year()
            renovation.open_year(model, self.settings)
        self.fsl.open_month()  # the month's envelope; the waiting applications first
        self.soliha.pay_month()
        self.soliha.due_events()
        # Fixed-size draws every month: the stream stays aligned whatever the state.
        applies = self.rng.random(len(rec.pending)) < self.take_up
        self._referral_draw = self.rng.random(len(rec.pending))
        since_last = model.steps - rec.last_application
        can_apply = (
            (hh["arrears_energy"] > model.params["energy_poverty.min_arrears"])
            & ~rec.pending
            & (since_last >= model.params["energy_poverty.months_between_aids"])
        )
        for i in np.flatnonzero(can_apply & applies):
            model.env.process(self.fsl.apply(i))

    def _refer(self, i: int) -> None:
        """After the sheet: private-stock households of covered zones may be sent to SOLIHA."""
        hh, rec = self.model.population.households, self.records
        if (
            hh["tenure"][i] != SOCIAL
            and self.covered[hh["zone"][i]]
            and not rec.visited[i]
            and self._referral_draw[i] < self.settings["referral_rate"]
        ):
            self.soliha.refer(i)

    # --- indicators ------------------------------------------------------------------------------
    def energy_poor(self, idx, rent=None, energy=None) -> np.ndarray:
        """The document's test (3.4.2) for households `idx`, optionally at other housing costs."""
        return energy_poor_document(self.model, idx, rent, energy)

    def indicators(self) -> dict[str, np.ndarray]:
        model, rec = self.model, self.records
        zones, w = model.household_slices, rec.weight
        flows = rec.flows
        out = {
            name: model.zone_values(values)
            for name, values in flows.items()
            if name not in ("soliha_wait_days", "soliha_effort_change")
        }
        out["fsl_average_aid"] = _ratio(flows["fsl_aid_paid"], flows["fsl_grants"])
        budget = self.settings["fsl_budget"]
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
            rec.last_year("soliha_effort_change"), rec.last_year("soliha_followups")
        )
        # The core reports the same test as a rate; the outcome of cost comparisons is the count.
        out["energy_poor_households"] = model.zone_values(
            per_zone(energy_poor_document(model), zones) * w
        )
        seen = np.flatnonzero(rec.visit_month >= 0)
        before = self.energy_poor(
            seen, rec.rent_at_visit[seen], rec.kwh_at_visit[seen] * rec.price_at_visit[seen]
        )
        lifted = np.zeros(len(rec.pending), dtype=bool)
        lifted[seen] = before & ~self.energy_poor(seen)
        lifted_zone = per_zone(lifted, zones) * w
        out["energy_households_lifted"] = model.zone_values(lifted_zone)
        out["energy_cost_per_household_lifted"] = _ratio(per_zone(rec.spent, zones), lifted_zone)
        return {name: out[name] for name in self.units}


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator per zone and for the total (NaN where the denominator is 0)."""
    num, den = with_total(numerator), with_total(denominator)
    return np.divide(num, den, out=np.full(len(den), np.nan), where=den > 0)
