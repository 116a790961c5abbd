import numpy as np
import pytest

from inclusion_sim.territory.ipf import Margin, integerise, ipf


def test_ipf_matches_margins_and_keeps_odds_ratio():
    seed = np.array([[1.0, 3.0], [1.0, 1.0]])  # odds ratio 3
    fitted = ipf(seed, [Margin(0, np.array([60.0, 40.0])), Margin(1, np.array([30.0, 70.0]))])
    np.testing.assert_allclose(fitted.sum(axis=1), [60, 40])
    np.testing.assert_allclose(fitted.sum(axis=0), [30, 70])
    odds = fitted[0, 1] * fitted[1, 0] / (fitted[0, 0] * fitted[1, 1])
    assert odds == pytest.approx(3.0)


def test_weighted_margin_counts_persons_in_a_household_table():
    sizes = np.array([1.0, 2.0, 3.0])
    seed = np.ones((3, 2))
    fitted = ipf(
        seed,
        [
            Margin(0, np.array([50.0, 30.0, 20.0])),
            Margin(1, np.array([120.0, 50.0]), weight=sizes[:, None]),
        ],
    )
    np.testing.assert_allclose(fitted.sum(axis=1), [50, 30, 20])
    np.testing.assert_allclose((fitted * sizes[:, None]).sum(axis=0), [120, 50])


def test_structural_zeros_stay_zero():
    seed = np.array([[1.0, 0.0], [1.0, 1.0]])
    fitted = ipf(seed, [Margin(0, np.array([10.0, 10.0])), Margin(1, np.array([15.0, 5.0]))])
    assert fitted[0, 1] == 0


def test_inconsistent_margins_do_not_converge():
    seed = np.array([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(RuntimeError, match="did not converge"):
        ipf(
            seed, [Margin(0, np.array([10.0, 10.0])), Margin(1, np.array([15.0, 5.0]))], max_iter=50
        )


def test_integerise_keeps_total_and_stays_within_one_of_expected():
    rng = np.random.default_rng(0)
    expected = rng.random((4, 5)) * 7
    counts = integerise(expected, rng, total=int(round(expected.sum())))
    assert counts.sum() == round(expected.sum())
    assert np.all(counts >= np.floor(expected)) and np.all(counts <= np.floor(expected) + 1)


def test_integerise_is_unbiased_over_draws():
    expected = np.array([0.2, 0.5, 1.3])
    rng = np.random.default_rng(1)
    draws = np.array([integerise(expected, rng, total=2) for _ in range(4000)])
    np.testing.assert_allclose(draws.mean(axis=0), expected * 2 / expected.sum(), atol=0.05)
