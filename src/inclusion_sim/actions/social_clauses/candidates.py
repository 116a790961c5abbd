"""This month's clause candidates, kept so that one matching draw costs O(log n).

The facilitator matches about 230 positions a month (whole Metropolis, scale 1.0) against some
90,000 candidates; rebuilding masks and a cumulative distribution over the whole pool for each
position cost 83% of a run with every action (issue 17). Here the candidates' weights sit in a
Fenwick tree with one column per set of candidates the rule may choose among (everyone, those
whose pathway is another clause contract, those with a diploma, both) and sex, so a draw reads
two columns along one path of log2(n) nodes and a removal updates at most four columns.

The draw is the one `Generator.choice(n, p=p)` makes: one uniform `u`, and the first candidate
in pool order whose cumulative probability exceeds it, so the same seed picks the same person
(up to the rounding of the sums, which moves a pick only when `u` falls within about 1e-16 of a
boundary).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

FIRST, DIPLOMA = 1, 2  # a candidate's properties; a set requires some of them
SETS = 4  # everyone (0), FIRST, DIPLOMA, FIRST | DIPLOMA
COLUMNS = 2 * SETS  # column 2 * set + 1 holds the set's women, 2 * set its men


class Chances(NamedTuple):
    """One position's draw: the columns of the chosen set's women and men, and each one's
    chance per unit of weight."""

    women: int
    men: int
    woman: float
    man: float


class Candidates:
    """Candidates in pool order with their relative chances (targeting weights).

    The matching rule: among free candidates (weight > 0), with a diploma when the position is
    skilled, those whose pathway is another clause contract come first if there are any; women
    as a group get the sector's share of the chance (all of it, or none, when only one sex is
    left), and within a sex each candidate a chance proportional to their weight.
    """

    def __init__(
        self,
        pool: np.ndarray,
        weight: np.ndarray,
        first: np.ndarray,
        diploma: np.ndarray,
        woman: np.ndarray,
    ):
        self.pool = pool
        self.weight = np.asarray(weight, dtype=float).copy()
        self.properties = FIRST * np.asarray(first, dtype=np.int64) + DIPLOMA * np.asarray(
            diploma, dtype=np.int64
        )
        self.woman = np.asarray(woman, dtype=bool)
        values = np.zeros((COLUMNS, len(pool)))  # each column's weights, in pool order
        for chosen in range(SETS):
            in_set = (self.properties & chosen) == chosen
            for sex, of_sex in ((1, self.woman), (0, ~self.woman)):
                np.multiply(self.weight, in_set & of_sex, out=values[2 * chosen + sex])
        self.count = [int(np.count_nonzero(column)) for column in values]
        self.total = [float(column.sum()) for column in values]
        self.tree = _fenwick(values)
        self._nodes = memoryview(self.tree)  # Python floats, fast one at a time

    def __len__(self) -> int:
        return len(self.pool)

    def chances(self, skilled: bool, woman_share: float) -> Chances | None:
        """The rule for one position (None: nobody is free)."""
        count, total = self.count, self.total
        chosen = DIPLOMA if skilled else 0
        first = chosen | FIRST
        if count[2 * first] + count[2 * first + 1]:
            chosen = first
        women, men = 2 * chosen + 1, 2 * chosen
        has_women, has_men = count[women] > 0, count[men] > 0
        if not (has_women or has_men):
            return None
        share = woman_share if has_women and has_men else float(has_women)
        return Chances(
            women,
            men,
            share / total[women] if has_women else 0.0,
            (1 - share) / total[men] if has_men else 0.0,
        )

    def probabilities(self, chances: Chances) -> np.ndarray:
        """Every candidate's probability (O(n): for tests and the rare fall-back)."""
        chosen = chances.men // 2
        in_set = (self.properties & chosen) == chosen
        p = np.where(self.woman, chances.woman, chances.man) * self.weight * in_set
        return p / p.sum()

    def draw(self, chances: Chances, u: float) -> int:
        """Index (in the pool) of the candidate the uniform `u` picks: the first whose
        cumulative probability, in pool order, exceeds `u`."""
        nodes, n = self._nodes, len(self.pool)
        women, men, woman, man = chances
        remaining = u * (woman * self.total[women] + man * self.total[men])
        position, step = 0, 1 << (n.bit_length() - 1) if n else 0
        while step:
            node = position + step
            if node <= n:
                mass = woman * nodes[women, node] + man * nodes[men, node]
                if mass <= remaining:
                    position, remaining = node, remaining - mass
            step >>= 1
        if position < n and self._chance(chances, position) > 0:
            return position
        # Rounding put u past the last candidate or on a removed one: the exact O(n) search.
        cdf = np.cumsum(self.probabilities(chances))
        return int(np.searchsorted(cdf / cdf[-1], u, side="right"))

    def _chance(self, chances: Chances, k: int) -> float:
        chosen = chances.men // 2
        if self.properties[k] & chosen != chosen:
            return 0.0
        return self.weight[k] * (chances.woman if self.woman[k] else chances.man)

    def remove(self, k: int) -> None:
        """The candidate at pool index k is hired: no second contract at once."""
        weight = float(self.weight[k])
        if weight <= 0:
            return
        self.weight[k] = 0.0
        properties, sex = int(self.properties[k]), int(self.woman[k])
        nodes, n = self._nodes, len(self.pool)
        for chosen in range(SETS):
            if properties & chosen != chosen:
                continue
            column = 2 * chosen + sex
            self.count[column] -= 1
            self.total[column] -= weight
            node = k + 1
            while node <= n:
                nodes[column, node] -= weight
                node += node & -node


def _fenwick(values: np.ndarray) -> np.ndarray:
    """Fenwick trees (columns x 1-based nodes) of each row of `values` (columns x candidates):
    node i holds the sum of candidates i - lowbit(i) + 1 .. i. Built level by level: the nodes
    whose lowest bit is `step` (step, 3 step, 5 step...) each add into their parent (2 step,
    4 step...)."""
    n = values.shape[1]
    tree = np.zeros((values.shape[0], n + 1))
    tree[:, 1:] = values
    step = 1
    while 2 * step <= n:
        parents = tree[:, 2 * step :: 2 * step]
        parents += tree[:, step :: 2 * step][:, : parents.shape[1]]
        step *= 2
    return tree
