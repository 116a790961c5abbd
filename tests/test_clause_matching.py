"""The facilitator after issue 17: the Fenwick-tree draw of `Candidates` follows the rule of the
former O(n) draw, candidate for candidate and in distribution, and the advisers' queue gives
the times and order of the former process per position on a SimPy resource."""

import numpy as np
import pytest
import simpy
from scipy.stats import chisquare

from inclusion_sim import InclusionModel
from inclusion_sim.actions.social_clauses.candidates import Candidates
from inclusion_sim.actions.social_clauses.contracts import Position
from inclusion_sim.actions.social_clauses.facilitator import BACKLOG


def former_rule(weight, first, diploma, woman, skilled, woman_share):
    """The rule as `Facilitator._choose` wrote it before issue 17: each candidate's
    probability, or None when nobody is free."""
    free = weight > 0
    if skilled:
        free &= diploma
    if (free & first).any():
        free &= first
    w = np.where(free, weight, 0.0)
    women, men = w[woman].sum(), w[~woman].sum()
    if women + men == 0:
        return None
    share = woman_share if women > 0 and men > 0 else float(women > 0)
    p = np.where(woman, share * w / max(women, 1e-12), (1 - share) * w / max(men, 1e-12))
    return p / p.sum()


def random_pool(seed, n, first_share=0.05, zero_share=0.1):
    rng = np.random.default_rng(seed)
    weight = rng.choice([1.0, 2.5, 5.0], n) * (rng.random(n) > zero_share)
    first = rng.random(n) < first_share
    diploma = rng.random(n) < 0.6
    woman = rng.random(n) < 0.4
    return weight, first, diploma, woman


def candidates(weight, first, diploma, woman):
    return Candidates(np.arange(len(weight)) + 1000, weight, first, diploma, woman)


@pytest.mark.parametrize("seed", range(8))
def test_the_same_seed_picks_the_same_persons_as_the_former_rule(seed):
    """Sequential draws without replacement (hired candidates leave the pool): the new draw
    and Generator.choice under the former rule, on twin generators, pick the same sequence."""
    n = [1, 7, 64, 1000, 3001, 5000, 257, 12][seed]
    weight, first, diploma, woman = random_pool(seed, n)
    pool = candidates(weight, first, diploma, woman)
    free_weight = weight.copy()
    new, old = np.random.default_rng(seed), np.random.default_rng(seed)
    positions = np.random.default_rng(100 + seed)
    for _ in range(min(n + 5, 400)):
        skilled, share = bool(positions.random() < 0.3), float(positions.choice([0.1, 0.5, 0.9]))
        p = former_rule(free_weight, first, diploma, woman, skilled, share)
        chance = pool.chances(skilled, share)
        assert (p is None) == (chance is None)
        if p is None:
            continue
        np.testing.assert_allclose(pool.probabilities(chance), p, atol=1e-12)
        k = pool.draw(chance, new.random())
        assert k == int(old.choice(n, p=p))
        pool.remove(k)
        free_weight[k] = 0.0


def test_the_draw_maps_every_uniform_to_the_cumulative_distribution():
    """For many uniforms, including the edges, the tree finds the candidate the cumulative
    probabilities in pool order give (Generator.choice's searchsorted)."""
    weight, first, diploma, woman = random_pool(42, 2049, first_share=0.0)
    pool = candidates(weight, first, diploma, woman)
    chance = pool.chances(False, 0.3)
    cdf = np.cumsum(former_rule(weight, first, diploma, woman, False, 0.3))
    cdf /= cdf[-1]
    uniforms = np.concatenate([[0.0, 1 - 2**-53], np.random.default_rng(1).random(5000)])
    for u in uniforms:
        assert pool.draw(chance, u) == np.searchsorted(cdf, u, side="right")


@pytest.mark.parametrize(
    ("case", "skilled", "share"),
    [("everyone", False, 0.3), ("skilled", True, 0.3), ("first", False, 0.2), ("men", False, 0.2)],
)
def test_who_is_chosen_follows_the_rule_chi_square(case, skilled, share):
    """Counts of who is chosen over 40,000 draws (fixed seed) against the rule's exact
    probabilities; a wrong rule (e.g. women not given the sector's share, or the clause pathway
    not coming first) fails by far."""
    rng = np.random.default_rng(7)
    n = 30
    weight = rng.choice([1.0, 3.0], n)
    diploma, woman = rng.random(n) < 0.5, rng.random(n) < 0.4
    first = np.zeros(n, dtype=bool)
    if case == "first":
        first[[2, 5, 11, 17]] = True
        woman[[2, 5]], woman[[11, 17]] = True, False
    if case == "men":
        woman[:] = False
    p = former_rule(weight, first, diploma, woman, skilled, share)
    pool = candidates(weight, first, diploma, woman)
    chance = pool.chances(skilled, share)
    draws = np.random.default_rng(11).random(40_000)
    counts = np.bincount([pool.draw(chance, u) for u in draws], minlength=n)
    assert counts[p == 0].sum() == 0
    support = p > 0
    result = chisquare(counts[support], 40_000 * p[support])
    assert result.pvalue > 1e-3
    if case == "men":
        return
    uniform_sex = np.where(support, weight / weight[support].sum(), 0.0)  # a wrong rule
    assert chisquare(counts[support], 40_000 * uniform_sex[support]).pvalue < 1e-6


def test_hired_and_unweighted_candidates_are_never_drawn_and_an_empty_pool_gives_none():
    weight = np.array([1.0, 0.0, 2.0, 1.0])
    first = np.zeros(4, dtype=bool)
    diploma = np.array([True, True, False, True])
    woman = np.array([True, False, False, False])
    pool = candidates(weight, first, diploma, woman)
    rng = np.random.default_rng(3)
    chosen = []
    while (chance := pool.chances(True, 0.5)) is not None:
        k = pool.draw(chance, rng.random())
        pool.remove(k)
        chosen.append(k)
    assert sorted(chosen) == [0, 3]  # person 1 weighs 0; person 2 has no diploma
    assert pool.chances(False, 0.5) is not None  # person 2 is still free for unskilled work
    assert (
        candidates(*(np.empty(0, dtype=t) for t in (float, bool, bool, bool))).chances(False, 0.5)
        is None
    )


def test_the_tree_holds_the_prefix_sums_of_each_set_and_sex():
    """Node i of column 2 s + w sums the weights of candidates 1..i in set s (everyone, clause
    pathway first, diploma, both) of sex w, after removals too."""
    weight, first, diploma, woman = random_pool(5, 1000)
    pool = candidates(weight, first, diploma, woman)
    for k in (0, 17, 999, 500):
        pool.remove(k)
        weight[k] = 0.0
    requires = {0: True, 1: first, 2: diploma, 3: first & diploma}
    for i in (1, 2, 3, 64, 511, 512, 1000):
        prefix, node = np.zeros(8), i
        while node:
            prefix += pool.tree[:, node]
            node -= node & -node
        for s, member in requires.items():
            for sex in (0, 1):
                chosen = (member & (woman == sex))[:i]
                assert prefix[2 * s + sex] == pytest.approx(weight[:i][chosen].sum(), abs=1e-9)


def former_match(env, team, max_wait, service_days, position, log):
    """The facilitator's queue before issue 17: a SimPy process per position on a resource."""
    yield env.timeout(position.created - env.now)
    if team is None:
        log.append((position.buyer, "backlog", env.now))
        return
    with team.request() as request:
        granted = yield request | env.timeout(max_wait)
        if request not in granted:
            log.append((position.buyer, "backlog", env.now))
            return
        waited = env.now - position.created
        yield env.timeout(service_days)
    log.append((position.buyer, "match", env.now, waited))


@pytest.mark.parametrize(("advisers", "per_month"), [(3, 40), (1, 5), (8, 30), (0, 4)])
def test_the_advisers_queue_gives_the_times_and_order_of_a_simpy_resource(advisers, per_month):
    """Positions over 12 months, awarded at random days: which are matched or given up, when,
    after what wait, in what order, are those of the former process-per-position queue."""
    model = InclusionModel(zones=["saint_fons"], scale=0.02, seed=1, actions={"social_clauses": {}})
    facilitator = model.actions[0].facilitator
    facilitator.free_at = [0.0] * advisers
    facilitator.service_days, facilitator.max_wait = 9.5, 20.0
    facilitator._choose = lambda position: position.buyer  # the outcome, not the draw
    model.env = new_env = simpy.Environment()
    old_env = simpy.Environment()
    team = simpy.Resource(old_env, advisers) if advisers else None
    rng = np.random.default_rng(advisers)
    old_log, new_log = [], []

    def hired(person, position, waited):
        new_log.append((person, "match", new_env.now, waited))

    def unfilled(position, reason):
        assert reason == BACKLOG
        new_log.append((position.buyer, "backlog", new_env.now))

    serial = 0
    for month in range(12):
        start = 30.0 * month
        positions = []
        for _ in range(rng.poisson(per_month)):
            created = start + rng.uniform(0, 30)
            positions.append(Position(serial, 0, 0, 3, 100.0, False, 0.2, created))
            serial += 1
        for position in positions:
            old_env.process(former_match(old_env, team, 20.0, 9.5, position, old_log))
        facilitator.receive(positions, hired, unfilled)
        old_env.run(until=start + 30)
        new_env.run(until=start + 30)
    assert len(new_log) > 0.8 * serial
    assert new_log == old_log  # exactly: the same days and waits, in the same order
    if advisers == 1:
        assert any(e[1] == "backlog" for e in new_log)  # the queue is long enough to give up
    assert facilitator.pending_hours == pytest.approx(300.0 * (serial - len(new_log)), abs=1e-6)
