"""The association's sites and accounts (3.5.13, 3.5.14): where it works and who pays for it.

Each served zone has a site: its own grocery, activities and social support, paid from four budget
lines in the funders' ledger: the Metropolis, the city, private funds (yearly grants, renewed
each January, unspent money lost), and the grocery's own sales (the social price paid by members
and the market price paid by solidarity members: the double pricing, 3.5.14), which carry over.

Each month the site first pays the running cost of each component (staff, premises), in the
order of `PRIORITY`: from the grocery's sales first, the rest from the three grants in proportion
to what each has left (the association pools its grants, so cutting any of them leaves less for
everything); a component whose month cannot be paid in full runs at the paid share of its
places. Goods are bought with what is left: the sales, plus the grants' money beyond the running
costs still due this year, spread over the months left (so goods never crowd out staff). A line
never pays more than it holds (the ledger), so budgets are never overspent: money that is short
shows up as fewer places and thinner baskets.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...checks import AMOUNT, ListOf, Zone
from ...clock import DECEMBER
from ...declarations import Levers, lever
from ...territory.zones import ZONES
from .records import ACTIVITIES

PRIORITY = ("grocery", "social_support", *ACTIVITIES)  # components paid first to last
LINES = ("sales", "city", "metropolis", "private")  # the site's budget lines
PUBLIC = ("city", "metropolis", "private")  # yearly grants
SALES_FUNDER = "Grocery sales (double pricing)"


def funders(name: str) -> dict[str, str]:
    """Budget line key -> funder in the ledger, for the site of the zone called `name`."""
    return {
        "sales": SALES_FUNDER,
        "city": f"City of {name}",
        "metropolis": "Metropolis",
        "private": "Private funds",
    }


def site_line(name: str) -> str:
    """The ledger line of the site of the zone called `name` (one line, four funders)."""
    return f"Space for Solidarity Making ({name})"


def grant_lines() -> tuple[tuple[str, str], ...]:
    """(funder, line) of every possible site's yearly grants: what the action costs its funders
    (the grocery's sales are the members' own money, spent again)."""
    return tuple(
        (funder, site_line(name))
        for name in ZONES.values()
        for key, funder in funders(name).items()
        if key in PUBLIC
    )


@dataclass(frozen=True)
class AssociationLevers(Levers):
    """Where the association has a site, and each funder's yearly grant to a site."""

    zones_served: tuple[str, ...] = lever(
        default_factory=lambda: ("saint_fons",),
        unit="zones",
        check=ListOf(Zone()),
        source="document 3.5.9: the grocery is accessible to the inhabitants of Saint-Fons",
        description="zones with a site of the Space for Solidarity Making (grocery, activities "
        "and social support; each site has the places and budgets of the other levers)",
    )
    metropolis_budget: float = lever(
        125_000.0,
        unit="EUR/yr per site",
        check=AMOUNT,
        range=(0.0, 400_000.0),
        source="prior, not in the document (3.5.13: the Metropolis supports it financially, and "
        "pays the social support places by convention, 3.5.9): the support convention "
        "(40 places x solidarity_space.support_cost_per_place) and part of the grocery; with "
        "the city's and private funds it covers the baseline's costs",
        description="yearly grant of the Metropolis to a site",
    )
    city_budget: float = lever(
        115_000.0,
        unit="EUR/yr per site",
        check=AMOUNT,
        range=(0.0, 400_000.0),
        source="prior, not in the document (3.5.8: created by the municipality; 3.5.13: "
        "operatively and financially supported by it): premises and part of the staff",
        description="yearly grant of the city to its site",
    )
    private_funds: float = lever(
        40_000.0,
        unit="EUR/yr per site",
        check=AMOUNT,
        range=(0.0, 200_000.0),
        source="prior, not in the document (3.5.14: private funds are sought but 'remain "
        "limited'): foundations' grants for activities",
        description="yearly private grants (foundations) to a site",
    )


@dataclass
class Site:
    """One served zone: its places (in agents: each agent weighs 1/scale) and its accounts."""

    zone: int
    places: dict[str, int]  # "grocery", "solidarity", each activity, "social_support"
    accounts: Accounts

    def open_places(self, key: str, component: str | None = None) -> int:
        """Places of `key` open this month: all of them at the share of the month's running
        cost that the accounts could pay for their component (default: `key` itself)."""
        funded = self.accounts.funded[component or key]
        return int(self.places[key] * funded + 1e-9)  # a month paid in parts is paid in full


class Accounts:
    """One site's budget lines in the ledger, and how its month is paid."""

    def __init__(self, model, records, zone: int, levers: AssociationLevers, running: dict):
        self.model, self.records, self.zone = model, records, zone
        name = ZONES[model.zones[zone]]
        self.line = site_line(name)
        self.funders = funders(name)
        self.grants = {
            "city": levers.city_budget,
            "metropolis": levers.metropolis_budget,
            "private": levers.private_funds,
        }
        self.running = running  # component -> real EUR a year
        self.funded = dict.fromkeys(PRIORITY, 1.0)  # share of each component's month paid
        model.ledger.open_line(SALES_FUNDER, self.line, 0.0)

    def remaining(self, key: str) -> float:
        return self.model.ledger.remaining(self.funders[key], self.line)

    def open_year(self) -> None:
        """January (and the first month): the yearly grants are renewed; sales carry over."""
        for key, amount in self.grants.items():
            self.model.ledger.open_line(self.funders[key], self.line, amount)

    def credit_sales(self, euros: float) -> None:
        """The grocery's takings join its own line (the ledger's line is reopened with them)."""
        self.model.ledger.open_line(SALES_FUNDER, self.line, self.remaining("sales") + euros)
        self.records.add("sales", self.zone, euros)

    def pay(self, euros: float) -> float:
        """Pay up to `euros`: from the grocery's sales first, the rest from the yearly grants in
        proportion to what each has left (the association pools its grants); returns what was
        paid."""
        paid = self._pay_from("sales", euros)
        left = {key: max(self.remaining(key), 0.0) for key in PUBLIC}
        total = sum(left.values())
        if euros - paid > 0 and total > 0:
            share = min((euros - paid) / total, 1.0)
            for key, amount in left.items():
                paid += self._pay_from(key, amount * share)
        return paid

    def _pay_from(self, key: str, euros: float) -> float:
        part = self.model.ledger.pay(self.funders[key], self.line, euros, self.model.steps)
        self.records.add(f"funding_{key}", self.zone, part)
        return part

    def pay_running(self) -> None:
        """Pay each component's month in priority order; record the share paid."""
        for component in PRIORITY:
            cost = self.running[component] / 12
            self.funded[component] = self.pay(cost) / cost if cost > 0 else 1.0

    def goods_envelope(self) -> float:
        """Real EUR the grocery may spend on goods this month (see the module's docstring)."""
        months_left = DECEMBER - self.model.calendar_month[1] + 1  # this month included
        due = sum(self.running.values()) / 12 * (months_left - 1)
        public = sum(self.remaining(key) for key in PUBLIC)
        return self.remaining("sales") + max(public - due, 0.0) / months_left
