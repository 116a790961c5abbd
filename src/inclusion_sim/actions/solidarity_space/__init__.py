"""Action 6: global social support by the Space for Solidarity Making (document 3.5.8-3.5.15).

Social workers direct households in difficulty to the grocery (`referrals.py`); an admission
committee admits them by a resources rule and the places free (`committee.py`); members define a
project that sets their membership (`projects.py`) and buy food at a fifth of its price, which
lowers their living costs in the household budget rule so the saving reaches rent, energy and
arrears (`grocery.py`); solidarity members at market price fund part of the social price. The
shared gardens, the tool library (with small home repairs that lower energy use), the recycling
store and access to culture take people from the members and the public, and the social support
takes grant beneficiaries sent by the social centre (`activities.py`). Each site's accounts pay
all this from the funders' yearly grants and the grocery's sales, never more than they hold
(`association.py`). See docs/odd_solidarity_space.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...agencies import scaled_capacity
from ...clock import JANUARY
from ...declarations import Indicator
from ...indicators import (
    ARREARS_EPSILON,
    energy_poor_document,
    ratio,
    rsa_recipients,
    with_total,
)
from ..base import Action, register
from .activities import Activities, ActivityLevers, Support, SupportLevers
from .association import LINES, Accounts, AssociationLevers, Site, grant_lines
from .committee import AdmissionCommittee, CommitteeLevers, reste_a_vivre
from .grocery import Grocery, GroceryLevers
from .projects import ACHIEVED_FLOWS, Projects
from .records import ACTIVITIES, GROCERY, SUPPORT, WELCOMED, Records
from .referrals import ReferralLevers, Referrals

FIGURES = {key: f"action6.{key}_participants" for key in ACTIVITIES}
FIGURES["social_support"] = "action6.social_support_participants"
PROFILE = {  # share of the people welcomed this year -> document figure (3.5.10)
    "aged_26_49": "action6.adults_26_49_share",
    "couples_with_children": "action6.couples_with_children_share",
    "grant_beneficiaries": "action6.grant_beneficiaries_share",
}
FUNDERS = {"metropolis": "the Metropolis", "city": "the city", "private": "private funds"}
# Per-zone sums the indicators take over the sites' zones (counts, then EUR of arrears).
_SITE_SUMS = (
    "welcomed",
    *(f"seen_{a}" for a in range(len(WELCOMED))),
    *(f"profile_{key}" for key in PROFILE),
    "members",
    "solidarity",
    "comparable",
    "ever_member",
    "ever_supported",
    "supported",
    "support_waiting",
    "member_arrears",
    "comparable_arrears",
    "member_energy_arrears",
)


def _i(name: str, unit: str, kind: str, description: str, **kw) -> Indicator:
    return Indicator(f"solidarity_{name}", unit, kind, description, **kw)


def _flow(name: str, unit: str, description: str, **kw) -> Indicator:
    return _i(name, unit, "flow", description, **kw)


OUTPUTS: tuple[Indicator, ...] = (
    _i(
        "people_welcomed",
        "persons",
        "year_to_date",
        "distinct people welcomed in any activity since January (grocery members' registered "
        "adults, participants, supported people)",
        figure=("action6.people_welcomed", 1.0),
        headline=True,
    ),
    _i(
        "grocery_members_year",
        "persons",
        "year_to_date",
        "distinct grocery members (social and solidarity) since January",
        figure=("action6.grocery_participants", 1.0),
        headline=True,
    ),
    _i("members_social", "households", "stock", "social members of the grocery now"),
    _i(
        "members_total",
        "households",
        "cumulative",
        "households that were social members at some time since the start",
        outcome="increase",
    ),
    _i("members_solidarity", "households", "stock", "solidarity (market-price) members now"),
    _flow("referrals", "households", "households directed to the grocery by social workers"),
    _flow("admissions", "households", "households admitted by the admission committee"),
    _flow("refusals", "households", "files refused: reste à vivre at or above the threshold"),
    _flow("gave_up", "households", "applicants who left after waiting too long"),
    _i(
        "waiting",
        "households",
        "stock",
        "applications waiting for review or, approved, for a place (end of month)",
    ),
    _i(
        "wait_days",
        "days",
        "trailing_year",
        "mean days from referral to admission, last 12 months' admissions",
    ),
    _flow("projects_started", "projects", "projects defined by new members"),
    _flow("projects_achieved", "projects", "members' projects achieved"),
    _flow("debts_paid", "projects", "debt projects achieved (arrears cleared)"),
    _flow("jobs_found", "projects", "job projects achieved (the member is employed)"),
    _flow("housing_changes", "projects", "housing projects achieved (moved to social housing)"),
    _flow("licences", "projects", "driving-licence projects achieved"),
    _i(
        "projects_achieved_total",
        "projects",
        "cumulative",
        "members' projects achieved since the start",
        outcome="increase",
        headline=True,
    ),
    _flow(
        "food_saving",
        "EUR",
        "members' food spending saved (basket value less the social price), lowering next "
        "month's living costs in their budgets",
        headline=True,
    ),
    _i("basket_fill", "%", "rate", "share of the members' baskets the supply could fill"),
    _i("member_arrears", "EUR", "rate", "mean rent and energy arrears of social members now"),
    _i(
        "comparable_arrears",
        "EUR",
        "rate",
        "mean rent and energy arrears of households of served zones in difficulty, under the "
        "admission threshold and never members",
    ),
    _i("member_energy_arrears", "EUR", "rate", "mean energy arrears of social members now"),
    *(
        _i(
            f"participants_{key}",
            "persons",
            "year_to_date",
            f"distinct participants since January: {key.replace('_', ' ')}",
            figure=(FIGURES[key], 1.0),
        )
        for key in (*ACTIVITIES, "social_support")
    ),
    *(
        _flow(
            f"attendance_{key}",
            "person-sessions",
            f"expected sessions attended this month: {key.replace('_', ' ')}",
        )
        for key in WELCOMED
    ),
    _flow(
        "support_referrals",
        "persons",
        "grant beneficiaries directed to the social support by the social centre",
    ),
    _flow("support_gave_up", "persons", "referred people who left after waiting too long"),
    _i("supported", "persons", "stock", "grant beneficiaries in social support now"),
    _i(
        "supported_total",
        "persons",
        "cumulative",
        "grant beneficiaries supported at some time since the start",
        outcome="increase",
    ),
    _i("supported_places_used", "%", "rate", "supported people per support place"),
    _i(
        "support_waiting",
        "persons",
        "stock",
        "grant beneficiaries referred to social support and waiting for a place",
    ),
    *(
        _i(
            f"share_{key}",
            "%",
            "year_to_date",
            f"share of the people welcomed since January: {key.replace('_', ' ')}",
            figure=(figure_id, 1.0),
        )
        for key, figure_id in PROFILE.items()
    ),
    _flow("home_repairs", "households", "households repairing at home after the tool library"),
    _flow("kwh_saved", "kWh/yr", "annual energy use saved by this month's home repairs"),
    _flow("sales", "EUR", "grocery takings: social price and solidarity members' purchases"),
    *(
        _flow(f"funding_{key}", "EUR", f"the site's spending paid by {who}")
        for key, who in (*FUNDERS.items(), ("sales", "the grocery's own sales"))
    ),
    _i(
        "cost_per_member",
        "EUR",
        "cumulative",
        "spending of the Metropolis, the city and private funds since the start per household "
        "that was a social member (solidarity_members_total)",
    ),
    _i(
        "cost_per_project",
        "EUR",
        "cumulative",
        "spending of the Metropolis, the city and private funds since the start per project "
        "achieved",
    ),
)
# Indicators that are a month's flow as counted (the others are computed in `indicators`).
_FLOWS = (
    "referrals",
    "admissions",
    "refusals",
    "gave_up",
    "projects_started",
    "projects_achieved",
    *ACHIEVED_FLOWS,
    "food_saving",
    *(f"attendance_{key}" for key in WELCOMED),
    "support_referrals",
    "support_gave_up",
    "home_repairs",
    "kwh_saved",
    "sales",
    *(f"funding_{key}" for key in LINES),
)


@register
class SolidaritySpace(Action):
    name = "solidarity_space"
    lever_groups = (
        AssociationLevers,
        GroceryLevers,
        CommitteeLevers,
        ReferralLevers,
        ActivityLevers,
        SupportLevers,
    )
    outputs = OUTPUTS
    budget_lines = grant_lines()

    def __init__(self, model, **levers: Any):
        super().__init__(model, **levers)
        params = model.params
        self.records = rec = Records(model)
        association, grocery = self.levers(AssociationLevers), self.levers(GroceryLevers)
        activities, support = self.levers(ActivityLevers), self.levers(SupportLevers)
        committee = self.levers(CommitteeLevers)
        self.threshold = committee.admission_threshold
        # A child stream per concern: more places in one never reshuffles another's draws.
        streams = self.rng.spawn(6)
        real_places = {
            "grocery": grocery.grocery_places,
            "solidarity": grocery.solidarity_places,
            **{key: getattr(activities, f"{key}_places") for key in ACTIVITIES},
            "social_support": support.supported_places,
        }
        running = {
            "grocery": params["solidarity_space.grocery_cost"],
            **{key: params[f"solidarity_space.{key}_cost"] for key in ACTIVITIES},
            "social_support": params["solidarity_space.support_cost_per_place"]
            * support.supported_places,
        }

        def places(zone: int) -> dict[str, int]:
            """The site's real places as agents of its zone."""
            w = rec.zone_weight[zone]
            return {k: scaled_capacity(v / w).servers for k, v in real_places.items()}

        self.sites = {
            zone: Site(zone, places(zone), Accounts(model, rec, zone, association, running))
            for zone, zid in enumerate(model.zones)
            if zid in association.zones_served
        }
        self.places_real = real_places
        self.projects = Projects(model, rec, params, streams[0])
        self.grocery = Grocery(model, rec, grocery, params, self.sites, self.projects, streams[1])
        wait = params["solidarity_space.max_wait_days"]
        self.committees = {
            zone: AdmissionCommittee(model, rec, zone, committee, self.grocery, wait)
            for zone in self.sites
        }
        self.referrals = Referrals(
            model, rec, params, self.levers(ReferralLevers), self.committees, streams[2]
        )
        self.activities = Activities(model, rec, activities, params, self.sites, streams[3])
        self.support = Support(model, rec, params, self.sites, wait, streams[4])
        self._running_since_before(grocery, streams[5])

    def forget(self, households: np.ndarray, persons: np.ndarray) -> None:
        """Households and persons who left: their memberships, files, places and projects end
        (their places are free again; the core emptied their budget relief with the dwelling);
        what they were stays counted in their zone."""
        rec = self.records
        members = households[rec.members[households]]
        np.subtract.at(self.grocery.members, rec.zone[members], 1)
        gone = set(households.tolist())
        for committee in self.committees.values():
            committee.forget(gone)
        self.support.forget(set(persons.tolist()))
        rec.forget(households, persons, self.model.calendar_month[0])

    def couples_with_children(self, rows=slice(None)) -> np.ndarray:
        """Households (of `rows`) of a couple with dependents."""
        hh = self.model.population.households
        return (hh["adults"][rows] == 2) & (hh["size"][rows] > hh["adults"][rows])

    def _running_since_before(self, grocery: GroceryLevers, rng: np.random.Generator) -> None:
        """The association has run since 1986: at the start, each site's grocery places are taken,
        social ones by households the rule admits, solidarity ones by others, part-way through
        their membership, and its support places by grant beneficiaries (the activities fill in
        the first month)."""
        model, rec = self.model, self.records
        eligible = (reste_a_vivre(self.model) < self.threshold) & self.in_difficulty()
        occupied = model.population.households["occupied"]
        grant = rsa_recipients(model)
        year = model.calendar_month[0]
        for zone, site in self.sites.items():
            rows = model.household_slices[zone]
            pool = np.flatnonzero(eligible[rows]) + rows.start
            members = rng.choice(pool, size=min(site.places["grocery"], len(pool)), replace=False)
            rec.member_since[members] = 0
            rec.member_until[members] = 1 + rng.integers(
                grocery.membership_months, size=len(members)
            )
            rec.ever_member[members] = True
            self.grocery.members[zone] = len(members)
            for household in members:
                self.projects.start(household, counted=False)
            rec.energy_poor_at_admission[members] = energy_poor_document(model, members)
            rec.welcome(GROCERY, self.projects.first_member[members], year)
            others = np.flatnonzero(occupied[rows] & ~eligible[rows] & ~rec.members[rows])
            others += rows.start
            n = min(site.places["solidarity"], len(others))
            solidarity = rng.choice(others, size=n, replace=False)
            months = self.model.params["solidarity_space.solidarity_months"]
            rec.solidarity_until[solidarity] = 1 + rng.integers(months, size=n)
            rec.welcome(GROCERY, self.projects.first_member[solidarity], year)
            people = model.person_slices[zone]
            pool = np.flatnonzero(grant[people]) + people.start
            supported = rng.choice(
                pool, size=min(site.places["social_support"], len(pool)), replace=False
            )
            rec.supported[supported] = rec.ever_supported[supported] = True
            rec.welcome(SUPPORT, supported, year)

    # --- the monthly mechanism -------------------------------------------------------------------
    def step(self) -> None:
        model, rec = self.model, self.records
        rec.reset_flows()
        if model.steps == 1 or model.calendar_month[1] == JANUARY:
            for site in self.sites.values():
                site.accounts.open_year()
        eligible = self._on_sites(lambda rows: reste_a_vivre(model, rows) < self.threshold)
        difficulty = self._on_sites(self.in_difficulty)
        self.grocery.end_memberships()
        self.projects.month()
        for site in self.sites.values():
            site.accounts.pay_running()
        self.grocery.solidarity_turnover(eligible)
        self.grocery.shop()
        first = self.projects.first_member
        registered = first[rec.members | rec.solidarity_members]
        rec.welcome(GROCERY, registered, model.calendar_month[0])
        member_adults = np.zeros(model.population.n_slots, dtype=bool)
        member_adults[first[rec.members]] = True
        self.activities.month(difficulty, member_adults)
        self.support.month(self._on_sites(lambda people: rsa_recipients(model, people), True))
        self.referrals.month(eligible, difficulty)

    def in_difficulty(self, rows=slice(None)) -> np.ndarray:
        """Households (of `rows`) below the poverty line or in arrears: those social workers
        see (nobody in a vacant dwelling)."""
        hh = self.model.population.households
        poor = 12 * hh["income"][rows] / hh["cu"][rows] < self.model.params["poverty_line"]
        owing = hh["arrears_rent"][rows] + hh["arrears_energy"][rows] > ARREARS_EPSILON
        return hh["occupied"][rows] & (poor | owing)

    def _on_sites(self, mask: Callable[[slice], np.ndarray], persons: bool = False) -> np.ndarray:
        """A household (or person) mask computed on the sites' zones only, False elsewhere:
        nothing of the action happens outside them, and most households live outside."""
        model = self.model
        slices = model.person_slices if persons else model.household_slices
        n = model.population.n_slots if persons else model.population.n_dwellings
        out = np.zeros(n, dtype=bool)
        for zone in self.sites:
            out[slices[zone]] = mask(slices[zone])
        return out

    # --- indicators ------------------------------------------------------------------------------
    def indicators(self) -> dict[str, np.ndarray]:
        """Per zone; the sums run over the sites' zones only (zero elsewhere, where nobody is
        welcomed, a member or supported)."""
        model, rec = self.model, self.records
        hh, persons = model.population.households, model.population.persons
        hz, pz, w = model.household_slices, model.person_slices, rec.zone_weight
        zv = model.zone_values
        out = {f"solidarity_{name}": zv(rec.flows[name]) for name in _FLOWS}
        sums = {name: np.zeros(model.n_zones) for name in _SITE_SUMS}
        year = model.calendar_month[0]
        for zone in self.sites:
            rows, people = hz[zone], pz[zone]
            seen = rec.seen_year[:, people] == year
            welcomed = seen.any(axis=0)
            age = persons["age"][people]
            profile = {
                "aged_26_49": (age >= 26) & (age <= 49),
                "couples_with_children": self.couples_with_children(persons["household"][people]),
                "grant_beneficiaries": rsa_recipients(model, people),
            }
            members, arrears = (
                rec.members[rows],
                hh["arrears_rent"][rows] + hh["arrears_energy"][rows],
            )
            comparable = (
                self.in_difficulty(rows)
                & (reste_a_vivre(model, rows) < self.threshold)
                & ~rec.ever_member[rows]
            )
            counts = {
                "welcomed": welcomed,
                **{f"seen_{a}": seen[a] for a in range(len(WELCOMED))},
                **{f"profile_{key}": welcomed & mask for key, mask in profile.items()},
                "members": members,
                "solidarity": rec.solidarity_members[rows],
                "comparable": comparable,
                "ever_member": rec.ever_member[rows],
                "ever_supported": rec.ever_supported[people],
                "supported": rec.supported[people],
                "support_waiting": rec.support_waiting[people],
            }
            for name, mask in counts.items():
                sums[name][zone] = np.count_nonzero(mask)
            sums["member_arrears"][zone] = (arrears * members).sum()
            sums["comparable_arrears"][zone] = (arrears * comparable).sum()
            sums["member_energy_arrears"][zone] = (hh["arrears_energy"][rows] * members).sum()

        # This year's welcomed persons who have since left the territory still count.
        gone = rec.departed_seen if rec.departed_year == year else 0 * rec.departed_seen
        n_welcomed = sums["welcomed"]
        out["solidarity_people_welcomed"] = zv((n_welcomed + gone[-1]) * w)
        out["solidarity_grocery_members_year"] = zv((sums[f"seen_{GROCERY}"] + gone[GROCERY]) * w)
        for a, key in enumerate(WELCOMED):
            if key != "grocery":
                out[f"solidarity_participants_{key}"] = zv((sums[f"seen_{a}"] + gone[a]) * w)
        for key in PROFILE:  # among the welcomed still living in the territory
            out[f"solidarity_share_{key}"] = 100 * _ratio(
                sums[f"profile_{key}"] * w, n_welcomed * w
            )

        n_members = sums["members"]
        out["solidarity_members_social"] = zv(n_members * w)
        out["solidarity_members_solidarity"] = zv(sums["solidarity"] * w)
        waiting = np.zeros(model.n_zones)
        for zone, committee in self.committees.items():
            waiting[zone] = committee.waiting
        out["solidarity_waiting"] = zv(waiting * w)
        out["solidarity_wait_days"] = _ratio(
            rec.last_year("wait_days"), rec.last_year("admissions")
        )
        out["solidarity_projects_achieved_total"] = zv(rec.since_start("projects_achieved"))
        out["solidarity_basket_fill"] = 100 * _ratio(
            rec.flows["basket_supplied"], rec.flows["basket_demand"]
        )
        out["solidarity_member_arrears"] = _ratio(sums["member_arrears"] * w, n_members * w)
        out["solidarity_comparable_arrears"] = _ratio(
            sums["comparable_arrears"] * w, sums["comparable"] * w
        )
        out["solidarity_member_energy_arrears"] = _ratio(
            sums["member_energy_arrears"] * w, n_members * w
        )

        ever_member = sums["ever_member"] + rec.departed["ever_member"]
        out["solidarity_members_total"] = zv(ever_member * w)
        out["solidarity_supported_total"] = zv(
            (sums["ever_supported"] + rec.departed["ever_supported"]) * w
        )
        supported = sums["supported"]
        out["solidarity_supported"] = zv(supported * w)
        places = np.zeros(model.n_zones)
        places[list(self.sites)] = self.places_real["social_support"]
        out["solidarity_supported_places_used"] = 100 * _ratio(supported * w, places)
        out["solidarity_support_waiting"] = zv(sums["support_waiting"] * w)

        spent = sum(rec.since_start(f"funding_{key}") for key in FUNDERS)
        out["solidarity_cost_per_member"] = _ratio(spent, ever_member * w)
        out["solidarity_cost_per_project"] = _ratio(spent, rec.since_start("projects_achieved"))
        return {indicator.name: out[indicator.name] for indicator in self.outputs}


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator per zone and for the total (NaN where the denominator is 0)."""
    return ratio(with_total(numerator), with_total(denominator))
