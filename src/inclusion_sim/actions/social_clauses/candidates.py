"""This month's clause candidates, kept so that one matching draw costs O(log n).

The facilitator matches about 230 positions a month (whole Metropolis, scale 1.0) against some
90,000 candidates; rebuilding masks and a cumulative distribution over the whole pool for each
position cost 83% of a run with every action (issue 17). Here the candidates' weights sit in a
Fenwick tree with one column per group (clause pathway first or not, diploma or not, woman or
not), so a draw and a removal each walk log2(n) nodes.

The draw is the one `Generator.choice(n, p=p)` makes: one uniform `u`, and the first candidate
in pool order whose cumulative probability exceeds it, so the same seed picks the same person
(up to the rounding of the sums, which moves a pick only when `u` falls within about 1e-16 of a
boundary).
"""

from __future__ import annotations

import numpy as np

FIRST, DIPLOMA, WOMAN = 4, 2, 1  # bits of a candidate's group
GROUPS = 8
_GROUP = np.arange(GROUPS)
IS_FIRST, HAS_DIPLOMA, IS_WOMAN = (_GROUP & FIRST) > 0, (_GROUP & DIPLOMA) > 0, (_GROUP & WOMAN) > 0


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
        self.group = (
            FIRST * np.asarray(first, dtype=np.int64)
            + DIPLOMA * np.asarray(diploma, dtype=np.int64)
            + WOMAN * np.asarray(woman, dtype=np.int64)
        )
        free = self.weight > 0
        self.count = np.bincount(self.group[free], minlength=GROUPS)
        self.total = np.bincount(self.group, weights=self.weight, minlength=GROUPS)
        self.tree = _fenwick(self.group, self.weight)

    def __len__(self) -> int:
        return len(self.pool)

    def chances(self, skilled: bool, woman_share: float) -> np.ndarray | None:
        """Each group's chance per unit of weight for one position (None: nobody is free)."""
        groups = HAS_DIPLOMA.copy() if skilled else np.ones(GROUPS, dtype=bool)
        if self.count[groups & IS_FIRST].any():
            groups &= IS_FIRST
        women_groups, men_groups = groups & IS_WOMAN, groups & ~IS_WOMAN
        has_women, has_men = self.count[women_groups].any(), self.count[men_groups].any()
        if not (has_women or has_men):
            return None
        share = woman_share if has_women and has_men else float(has_women)
        chance = np.zeros(GROUPS)
        if has_women:
            chance[women_groups] = share / self.total[women_groups].sum()
        if has_men:
            chance[men_groups] = (1 - share) / self.total[men_groups].sum()
        return chance

    def probabilities(self, chance: np.ndarray) -> np.ndarray:
        """Every candidate's probability under `chance` (O(n): for tests and rare fall-backs)."""
        p = chance[self.group] * self.weight
        return p / p.sum()

    def draw(self, chance: np.ndarray, u: float) -> int:
        """Index (in the pool) of the candidate the uniform `u` picks: the first whose
        cumulative probability, in pool order, exceeds `u`."""
        tree, n = self.tree, len(self.pool)
        remaining = u * float(self.total @ chance)
        position, step = 0, 1 << (n.bit_length() - 1) if n else 0
        while step:
            node = position + step
            if node <= n:
                mass = float(tree[node] @ chance)
                if mass <= remaining:
                    position, remaining = node, remaining - mass
            step >>= 1
        if position < n and chance[self.group[position]] * self.weight[position] > 0:
            return position
        # Rounding put u past the last candidate or on a removed one: the exact O(n) search.
        cdf = np.cumsum(self.probabilities(chance))
        return int(np.searchsorted(cdf / cdf[-1], u, side="right"))

    def remove(self, k: int) -> None:
        """The candidate at pool index k is hired: no second contract at once."""
        weight, group = self.weight[k], self.group[k]
        if weight <= 0:
            return
        self.weight[k] = 0.0
        self.count[group] -= 1
        self.total[group] -= weight
        tree, n, node = self.tree, len(self.pool), k + 1
        while node <= n:
            tree[node, group] -= weight
            node += node & -node


def _fenwick(group: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Fenwick tree (1-based rows) of the weights, one column per group: row i holds the sums
    of the rows i - lowbit(i) + 1 .. i. Built level by level: the rows whose lowest bit is
    `step` (step, 3 step, 5 step...) each add into their parent (2 step, 4 step...)."""
    n = len(weight)
    tree = np.zeros((n + 1, GROUPS))
    tree[np.arange(1, n + 1), group] = weight
    step = 1
    while 2 * step <= n:
        parents = tree[2 * step :: 2 * step]
        parents += tree[step :: 2 * step][: len(parents)]
        step *= 2
    return tree
