"""Financing recommended works, and relocation when no work can be done (document 3.4.2).

Works need the owner's agreement (owner-occupiers agree by definition; a private tenant's
landlord agrees with a probability), a renovation-aid grant at a subsidy rate set by income
(Anah's 'very modest' and 'modest' households), and a household share under the cost cap
(100 EUR in the document); above the cap SOLIHA looks for other funding, which it finds with a
probability and pays from its own budget line. Every grant is booked in real EUR (aid times the
population weight) and is refused when its line cannot pay it.
"""

from __future__ import annotations

import numpy as np

from ...codes import OWNER
from .ranges import draw

RENOVATION = ("Anah/Metropolis", "renovation aid")
TOP_UP = ("Other funders", "renovation top-up")


def open_year(model, settings) -> None:
    model.ledger.open_line(*RENOVATION, settings["renovation_budget"])
    model.ledger.open_line(*TOP_UP, settings["top_up_budget"])


def subsidy_rate(model, settings, params, i: int) -> float:
    """The renovation aid's share of the works cost for this household's income."""
    hh = model.population.households
    income_cu = 12 * hh["income"][i] / hh["cu"][i]
    if income_cu < params["energy_poverty.income_decile_2"]:
        return settings["subsidy_rate_very_low_income"]
    if income_cu < params["energy_poverty.income_decile_4"]:
        return settings["subsidy_rate_low_income"]
    return 0.0


def finance_works(model, rec, settings, params, i: int, rng: np.random.Generator) -> bool:
    """Try to finance the recommended works; on success schedule them and return True."""
    agrees = rng.random() < params["energy_poverty.owner_agreement"]
    cost = draw(params, "energy_poverty.works_cost", rng)
    saving = draw(params, "energy_poverty.works_saving", rng)
    months = draw(params, "energy_poverty.works_months", rng)
    other_funding = rng.random() < params["energy_poverty.other_funding_found"]

    rec.owner_agreed[i] = model.population.households["tenure"][i] == OWNER or agrees
    if not rec.owner_agreed[i]:
        return False
    subsidy = subsidy_rate(model, settings, params, i) * cost
    top_up = max(cost - subsidy - settings["household_cost_cap"], 0.0)
    ledger, weight = model.ledger, rec.weight
    if ledger.remaining(*RENOVATION) < subsidy * weight:
        return False
    if top_up > 0 and not (other_funding and ledger.remaining(*TOP_UP) >= top_up * weight):
        return False
    ledger.pay(*RENOVATION, subsidy * weight, model.steps)
    if top_up > 0:
        ledger.pay(*TOP_UP, top_up * weight, model.steps)
    rec.spent[i] += (subsidy + top_up) * weight
    rec.works_saving[i] = saving
    rec.works_done_month[i] = model.steps + max(int(round(months)), 1)
    return True


def relocate(model, rec, params, i: int, rng: np.random.Generator) -> None:
    """Offer relocation to social housing; if accepted, the move happens after the wait."""
    accepts = rng.random() < params["energy_poverty.relocation_acceptance"]
    wait = draw(params, "energy_poverty.relocation_wait_months", rng)
    if accepts:
        rec.relocation_month[i] = model.steps + max(int(round(wait)), 1)
