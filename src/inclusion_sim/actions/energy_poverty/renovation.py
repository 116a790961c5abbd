"""Financing recommended works (document 3.4.2).

Works need the owner's agreement (owner-occupiers agree by definition; a private tenant's
landlord agrees with a probability), a renovation-aid grant at a subsidy rate set by income
(Anah's 'very modest' and 'modest' households), and a household share under the cost cap
(100 EUR in the document); above the cap SOLIHA looks for other funding, which it finds with a
probability and pays from its own budget line. Every grant is booked in real EUR (aid times the
household's zone weight) and is refused when its line cannot pay it.

Prebound: the works' saving (`works_saving`) is the gain Anah's calculation expects; the
dwelling's actual use was already below its calculation by the prebound gap, and the calculated
gain is realised on the part actually used, so the need falls by works_saving x (1 - prebound_gap)
(39% expected vs about 28% measured, literature.md). Rebound: a household that restricted its
heating takes part of the gain as comfort, since its restriction follows its effort
(`strain.py`): its consumption falls by less than its need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...checks import AMOUNT, RATE
from ...codes import OWNER
from ...declarations import Levers, lever
from ...territory.figures import figure
from .ranges import draw

RENOVATION = ("Anah/Metropolis", "renovation aid")
TOP_UP = ("Other funders", "renovation top-up")


@dataclass(frozen=True)
class RenovationLevers(Levers):
    """Renovation aid: its budgets, subsidy rates and the household's share."""

    renovation_budget: float = lever(
        150_000.0,
        unit="EUR/yr",
        check=AMOUNT,
        range=(0.0, 2_000_000.0),
        source="assumption, not in the document (3.4.1: the Metropolis 'makes funds available'): "
        "some 20 grants a year at ~8,000 EUR (half of 11,700-20,000 EUR works, literature.md)",
        description="annual renovation-aid budget (Anah/Metropolis)",
    )
    subsidy_rate_very_low_income: float = lever(
        0.5,
        unit="share of works cost",
        check=RATE,
        range=(0.0, 1.0),
        source="literature.md: MaPrimeRénov' Sérénité, 50% for very modest households (D1-D2)",
        description="renovation aid for households below the 2nd income decile",
    )
    subsidy_rate_low_income: float = lever(
        0.35,
        unit="share of works cost",
        check=RATE,
        range=(0.0, 1.0),
        source="literature.md: MaPrimeRénov' Sérénité, 35% for modest households (D3-D4)",
        description="renovation aid for households between the 2nd and 4th income deciles",
    )
    household_cost_cap: float = lever(
        default_factory=lambda: figure("action4.household_share_cap"),
        unit="EUR per household",
        check=AMOUNT,
        range=(0.0, 2000.0),
        source="document 3.4.2: household's share under 100 EUR",
        description="largest share of the works a household pays; above it SOLIHA seeks top-ups",
    )
    top_up_budget: float = lever(
        100_000.0,
        unit="EUR/yr",
        check=AMOUNT,
        range=(0.0, 1_000_000.0),
        source="assumption, not in the document (3.4.2: SOLIHA 'tries to find other funding'): "
        "energy-saving certificates, pension funds, local top-ups",
        description="annual budget of other funders topping up renovation aid",
    )


def open_year(model, levers: RenovationLevers) -> None:
    model.ledger.open_line(*RENOVATION, levers.renovation_budget)
    model.ledger.open_line(*TOP_UP, levers.top_up_budget)


def subsidy_rate(model, levers: RenovationLevers, params, i: int) -> float:
    """The renovation aid's share of the works cost for this household's income."""
    hh = model.population.households
    income_cu = 12 * hh["income"][i] / hh["cu"][i]
    if income_cu < params["energy_poverty.income_decile_2"]:
        return levers.subsidy_rate_very_low_income
    if income_cu < params["energy_poverty.income_decile_4"]:
        return levers.subsidy_rate_low_income
    return 0.0


def finance_works(
    model, rec, levers: RenovationLevers, params, i: int, rng: np.random.Generator
) -> bool:
    """Try to finance the recommended works; on success schedule them and return True."""
    agrees = rng.random() < params["energy_poverty.owner_agreement"]
    cost = draw(params, "energy_poverty.works_cost", rng)
    saving = draw(params, "energy_poverty.works_saving", rng)
    months = draw(params, "energy_poverty.works_months", rng)
    other_funding = rng.random() < params["energy_poverty.other_funding_found"]

    rec.owner_agreed[i] = model.population.households["tenure"][i] == OWNER or agrees
    if not rec.owner_agreed[i]:
        return False
    subsidy = subsidy_rate(model, levers, params, i) * cost
    top_up = max(cost - subsidy - levers.household_cost_cap, 0.0)
    ledger, weight = model.ledger, rec.weight(i)
    if ledger.remaining(*RENOVATION) < subsidy * weight:
        return False
    if top_up > 0 and not (other_funding and ledger.remaining(*TOP_UP) >= top_up * weight):
        return False
    ledger.pay(*RENOVATION, subsidy * weight, model.steps)
    if top_up > 0:
        ledger.pay(*TOP_UP, top_up * weight, model.steps)
    rec.spent[i] += (subsidy + top_up) * weight
    rec.works_spent[i] = (subsidy + top_up) * weight
    rec.works_saving[i] = saving * (1 - params["prebound_gap"])
    rec.works_done_month[i] = model.steps + max(int(round(months)), 1)
    return True
