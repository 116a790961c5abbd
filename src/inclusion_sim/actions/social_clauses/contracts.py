"""Public buyers and the clause positions their contracts generate (document 3.5.2).

The 2017 hours of each buyer come from the document's figures; their split by sector is an
assumption kept in ``data/clauses_2017.csv`` (which also states the reading of the ambiguous
Grand Lyon Habitat sentence). A clause rate is a share of a contract's labour hours reserved for
people in integration, so a buyer's hours in a sector scale with rate / 2017 rate.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import mesa
import numpy as np

from ...checks import AMOUNT, RATE, ListOf, OneOf, TableOf
from ...declarations import LeverError, Levers, lever
from ...territory.figures import figure, load_figures

BUYERS = ("metropolis", "grand_lyon_habitat", "other_social_landlords", "other_public_buyers")
SECTORS = (
    "construction",
    "roads",
    "cleanliness",
    "communication",
    "it",
    "insurance",
    "intellectual",
)
TOOLS = ("social_clause", "integration_tender", "set_aside")
RATES_2017 = {"construction": 0.05, "roads": 0.05, "cleanliness": 0.10} | {
    sector: 0.05 for sector in SECTORS[3:]
}


@dataclass(frozen=True)
class ProcurementLevers(Levers):
    """Which public buyers use clauses, at what rates, in which sectors, with which tools."""

    buyers: tuple[str, ...] = lever(
        default_factory=lambda: BUYERS,
        unit="buyers",
        check=ListOf(OneOf(BUYERS)),
        source="document 3.5.2: the Metropolis, the public housing consortium (Grand Lyon Habitat "
        "and the other social landlords) and other public buyers, all in 2017",
        description="public buyers whose contracts carry clauses",
    )
    clause_rate: dict[str, float] = lever(
        default_factory=lambda: dict(RATES_2017),
        unit="share of labour hours, by sector",
        check=TableOf(OneOf(SECTORS), RATE),
        partial=True,
        source="share of labour hours reserved for integration; ANRU rule (literature.md): >= 5% "
        "of hours on works, >= 10% on neighbourhood management (read as cleanliness); 5% assumed "
        "for services. The 2017 hours (clauses_2017.csv) are at these rates",
        description="clause rate by sector (entries given update the 2017 rates)",
    )
    new_labour_hours: dict[str, float] = lever(
        default_factory=dict,
        unit="labour hours a year, by sector",
        check=TableOf(OneOf(SECTORS), AMOUNT),
        source="none in 2017 (3.5.2, 3.5.7: clauses mostly in construction and cleanliness)",
        description="labour hours of the Metropolis departments' contracts newly carrying clauses "
        "(the diversification lever, 3.5.7)",
    )
    tool_shares: dict[str, float] = lever(
        default_factory=lambda: {
            "social_clause": 0.75,
            "integration_tender": 0.15,
            "set_aside": 0.10,
        },
        unit="relative share, by tool",
        check=TableOf(OneOf(TOOLS), AMOUNT),
        partial=True,
        source="assumption: the document names the three tools without their shares (3.5.2); "
        "social clauses are the main tool",
        description="split of clause hours between the three tools (entries update the default)",
    )

    def __post_init__(self):
        if sum(self.tool_shares.values()) <= 0:
            raise LeverError("tool_shares", "expected at least one share > 0")


def hours_2017() -> np.ndarray:
    """Hours generated in 2017 by buyer x sector, from the figures and the assumed sector split."""
    figures = load_figures()
    table = np.zeros((len(BUYERS), len(SECTORS)))
    source = resources.files("inclusion_sim.data") / "clauses_2017.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ids = [term.strip() for term in row["buyer_hours_2017"].split(" - ")]
            total = figure(ids[0], figures) - sum(figure(i, figures) for i in ids[1:])
            b, s = BUYERS.index(row["buyer"]), SECTORS.index(row["sector"])
            table[b, s] = total * float(row["sector_share"])
    return table


@dataclass
class Position:
    """One agent-position: a worker for `months` months at `monthly_hours` hours a month.

    It stands for `weight` real positions: the mean weight of the month's candidates when it is
    awarded, the weight of the zone of the person who fills it once filled (each agent hired
    stands for as many real persons, each filling one real position)."""

    buyer: int
    sector: int
    tool: int
    months: int
    monthly_hours: float
    skilled: bool
    woman_share: float  # the sector's share of positions filled by women
    created: float  # SimPy day
    weight: float = 1.0  # real positions this agent-position stands for

    @property
    def hours(self) -> float:
        """Agent-hours (times `weight`: real hours)."""
        return self.months * self.monthly_hours


class PublicBuyer(mesa.Agent):
    """A buyer awarding, month by month, positions for its annual clause hours.

    `owed` carries real hours still to award, so the hours over a year equal the target within
    one position, whatever the scale.
    """

    def __init__(self, model, code: int, annual_hours: np.ndarray):
        super().__init__(model)
        self.code = code
        self.name = BUYERS[code]
        self.annual_hours = annual_hours  # real hours, sector x tool
        self.owed = 0.0

    def award(self, share: float, weight: float, draw_position) -> list[Position]:
        """This month's positions for the simulated zones' `share` of the buyer's hours, each
        agent-position standing for `weight` real ones."""
        total = self.annual_hours.sum()
        if total <= 0 or weight <= 0:
            return []
        self.owed += total / 12 * share
        # cumulative shares of the sector x tool cells, as Generator.choice(p=...) builds them
        cumulative = np.cumsum(self.annual_hours.ravel() / total)
        cumulative /= cumulative[-1]
        positions = []
        while self.owed > 0:
            position = draw_position(self.code, cumulative)
            position.weight = weight
            self.owed -= position.hours * weight
            positions.append(position)
        return positions
