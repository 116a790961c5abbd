"""The social and solidarity grocery (3.5.9): members, baskets, supply and double pricing.

Social members are households admitted by the committee for a membership of
`membership_months`, set by their project and extendable. Each month a member buys a basket
(market value per consumption unit) at `social_price_ratio` of its price; the saving, (1 - ratio)
of the basket, is food the household no longer pays for, so it lowers the living floor of the
household budget rule (`budget_relief`, core 7.12) from the next month on, and the money goes to
rent, energy and arrears. Baskets come first from the food bank's and supermarkets' donations (a
monthly supply: the constraint) and then from purchases the site's accounts can pay; when money is
short, every member's basket is filled in the same proportion.

Solidarity members (households the resources rule would not admit) buy local and organic products
at market price; the margin on what the grocery bought at cost funds part of the social price
(double pricing, 3.5.14).
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from ...checks import COUNT, RATE, Number
from ...declarations import Levers, lever
from ...indicators import energy_poor_document
from ...territory.figures import figure
from .records import GROCERY


@dataclass(frozen=True)
class GroceryLevers(Levers):
    """The grocery's places, its social price and how long a membership lasts."""

    grocery_places: int = lever(
        86,
        unit="households per site",
        check=COUNT,
        range=(0, 400),
        source="fitted: 250 grocery members in 2017 (3.5.10), social and solidarity, with the "
        "membership duration and solidarity places below (docs/odd_solidarity_space.md 7.10); "
        "the document does not give the places",
        description="social members a site's grocery can have at a time",
    )
    solidarity_places: int = lever(
        20,
        unit="households per site",
        check=COUNT,
        range=(0, 100),
        source="prior, not in the document (3.5.9: the grocery is 'also open to solidarity "
        "members' for a social mix): about a fifth of the members",
        description="solidarity members (market price) a site's grocery can have at a time",
    )
    social_price_ratio: float = lever(
        default_factory=lambda: figure("action6.grocery_price_share") / 100,
        unit="share of the market price",
        check=RATE,
        range=(0.1, 0.5),
        source="document 3.5.9: about 20% of the average selling price (literature.md: 10-30%)",
        description="price social members pay, as a share of the market price",
    )
    membership_months: int = lever(
        6,
        unit="months",
        check=Number(1, 36, integer=True),
        range=(3, 12),
        source="literature.md: time-limited card, ~3-9 months tied to a project (3.5.9: the "
        "project determines the duration); GESRA groceries 6-12 months",
        description="length of a social membership before any extension",
    )
    extension_months: int = lever(
        3,
        unit="months",
        check=Number(0, 36, integer=True),
        range=(0, 6),
        source="assumption: 3.5.9 says the membership 'can be extended', not by how much; "
        "cards are commonly renewed by a quarter (Rennes: 3-6 months, renewable)",
        description="months added when a membership is extended (0: no extension)",
    )
    max_extensions: int = lever(
        1,
        unit="extensions",
        check=COUNT,
        range=(0, 3),
        source="assumption: 3.5.9 says the membership can be extended; once",
        description="extensions a membership may get at most",
    )


class Grocery(mesa.Agent):
    """The grocery of every site: places, memberships, baskets and takings."""

    def __init__(self, model, records, levers: GroceryLevers, params, sites, projects, rng):
        super().__init__(model)
        self.records, self.levers, self.params = records, levers, params
        self.stream = rng  # the grocery's own child stream (mesa.Agent owns `rng`)
        self.sites = sites  # zone -> Site (accounts, places)
        self.projects = projects  # the project a new member defines
        self.members = np.zeros(model.n_zones, dtype=int)  # social members now, agents

    @property
    def first_member(self) -> np.ndarray:
        """Each household's registered adult."""
        return self.projects.first_member

    # --- places --------------------------------------------------------------------------------
    def places(self, zone: int) -> int:
        """Social places (agents) this month: the site's places at the share the accounts paid."""
        return self.sites[zone].open_places("grocery")

    def has_place(self, zone: int) -> bool:
        return self.members[zone] < self.places(zone)

    # --- memberships ---------------------------------------------------------------------------
    def admit(self, household: int, referred_day: float) -> None:
        model, rec = self.model, self.records
        zone = rec.zone[household]
        rec.pending[household] = False
        rec.member_since[household] = model.steps
        rec.member_until[household] = model.steps + self.levers.membership_months
        rec.extensions[household] = 0
        rec.ever_member[household] = True
        rec.achieved[household] = False
        rec.energy_poor_at_admission[household] = energy_poor_document(model, [household])[0]
        self.members[zone] += 1
        rec.count("admissions", zone)
        rec.count("wait_days", zone, model.env.now - referred_day)
        rec.welcome(GROCERY, self.first_member[[household]], model.calendar_month[0])
        self.projects.start(household)

    def end_memberships(self) -> None:
        """Memberships due this month end, unless an unfinished project gets an extension."""
        model, rec, levers = self.model, self.records, self.levers
        due = np.flatnonzero(rec.member_until == model.steps)
        extend = self.stream.random(len(due)) < self.params["solidarity_space.extension_rate"]
        extend &= ~rec.achieved[due] & (rec.extensions[due] < levers.max_extensions)
        extend &= levers.extension_months > 0
        rec.member_until[due[extend]] += levers.extension_months
        rec.extensions[due[extend]] += 1
        leaving = due[~extend]
        rec.member_until[leaving] = -1
        rec.last_decision[leaving] = model.steps
        np.subtract.at(self.members, rec.zone[leaving], 1)

    def solidarity_turnover(self, eligible: np.ndarray) -> None:
        """Solidarity memberships end after their term; free places go to households of the
        zone that the resources rule would not admit (`eligible` is that rule's mask)."""
        model, rec = self.model, self.records
        rec.solidarity_until[rec.solidarity_until == model.steps] = -1
        months = self.params["solidarity_space.solidarity_months"]
        for zone, site in self.sites.items():
            rows = model.household_slices[zone]
            taken = np.count_nonzero(rec.solidarity_until[rows] >= 0)
            places = site.open_places("solidarity", "grocery")
            occupied = model.population.households["occupied"][rows]
            free = occupied & ~eligible[rows] & ~rec.members[rows] & ~rec.pending[rows]
            candidates = np.flatnonzero(free & (rec.solidarity_until[rows] < 0)) + rows.start
            n = min(max(places - taken, 0), len(candidates))
            if n:
                new = self.stream.choice(candidates, size=n, replace=False)
                rec.solidarity_until[new] = model.steps + months
                rec.welcome(GROCERY, self.first_member[new], model.calendar_month[0])

    # --- the month's shopping ------------------------------------------------------------------
    def shop(self) -> None:
        """Baskets for the month, from donations then purchases; the saving becomes next month's
        budget relief; the takings and purchases go through the site's accounts."""
        model, rec, p = self.model, self.records, self.params
        hh = model.population.households
        ratio, cost = self.levers.social_price_ratio, p["solidarity_space.purchase_cost_share"]
        relief = np.zeros_like(rec.relief)
        for zone, site in self.sites.items():
            w = rec.zone_weight[zone]
            accounts = site.accounts
            solidarity = np.count_nonzero(rec.solidarity_members[model.household_slices[zone]])
            takings = solidarity * p["solidarity_space.solidarity_basket"] * w
            accounts.credit_sales(takings)  # market price
            accounts.pay(cost * takings)  # the products they bought, bought at cost
            members = np.flatnonzero(rec.members[model.household_slices[zone]])
            members += model.household_slices[zone].start
            basket = p["solidarity_space.basket_per_cu"] * hh["cu"][members]
            demand = basket.sum() * w
            donated = min(p["solidarity_space.donated_supply"], demand)
            accounts.credit_sales(ratio * donated)
            rest = demand - donated
            margin = cost - ratio  # what each euro of bought goods costs the site, net
            bought = rest if margin <= 0 else min(rest, accounts.goods_envelope() / margin)
            accounts.credit_sales(ratio * bought)
            accounts.pay(cost * bought)
            fill = (donated + bought) / demand if demand > 0 else 1.0
            relief[members] = fill * (1 - ratio) * basket
            rec.add("basket_demand", zone, demand)
            rec.add("basket_supplied", zone, donated + bought)
            rec.add("food_saving", zone, relief[members].sum() * w)
            sessions = p["solidarity_space.grocery_sessions"] * p["solidarity_space.attendance"]
            rec.count("attendance_grocery", zone, (len(members) + solidarity) * sessions)
        budget = model.population.households["budget_relief"]
        budget -= rec.relief  # only this action's share changes
        budget += relief
        rec.relief = relief
