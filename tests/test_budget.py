import numpy as np
import pytest

from inclusion_sim.budget import settle_month, settle_month_one
from inclusion_sim.energy import heating_month_shares
from inclusion_sim.ledger import Ledger


def test_vectorised_rule_equals_per_household_rule():
    rng = np.random.default_rng(5)
    n = 500
    args = [
        rng.uniform(0, 3000, n),
        rng.uniform(0, 1000, n),
        rng.uniform(0, 900, n),
        rng.uniform(0, 300, n),
        rng.uniform(0, 500, n) * (rng.random(n) < 0.3),
        rng.uniform(0, 500, n) * (rng.random(n) < 0.3),
    ]
    rent_arrears, energy_arrears = settle_month(*args, 0.5)
    for i in range(n):
        one = settle_month_one(*(float(a[i]) for a in args), 0.5)
        assert one == pytest.approx((rent_arrears[i], energy_arrears[i]))


def test_shortfall_goes_to_energy_before_rent_and_surplus_repays():
    rent_arrears, energy_arrears = settle_month(
        np.array([900.0, 2000.0]),
        400.0,
        400.0,
        np.array([150.0, 150.0]),
        np.array([0.0, 100.0]),
        np.array([0.0, 300.0]),
        0.5,
    )
    # first household: 500 available, rent 400 paid, 100 of 150 energy paid
    assert rent_arrears[0] == 0 and energy_arrears[0] == pytest.approx(50)
    # second: surplus 1050, half repays rent arrears then energy arrears
    assert rent_arrears[1] == 0 and energy_arrears[1] == 0


def test_arrears_never_negative_and_no_income_accumulates_everything():
    rent_arrears, energy_arrears = settle_month(0.0, 300.0, 500.0, 80.0, 10.0, 5.0, 0.8)
    assert (rent_arrears, energy_arrears) == (510.0, 85.0)


def test_heating_month_shares_sum_to_one_and_peak_in_winter():
    shares = heating_month_shares([460, 380, 310, 200, 100, 25, 5, 5, 60, 190, 330, 430])
    assert shares.sum() == pytest.approx(1.0)
    assert shares[0] > 50 * shares[6]


def test_ledger_never_pays_more_than_the_budget():
    ledger = Ledger()
    ledger.open_line("Metropolis", "FSL", 1000.0)
    paid = [ledger.pay("Metropolis", "FSL", 300.0, month) for month in range(5)]
    assert paid == [300.0, 300.0, 300.0, 100.0, 0.0]
    assert ledger.remaining("Metropolis", "FSL") == 0
    assert ledger.entries()["amount"].sum() == 1000.0
    with pytest.raises(ValueError, match=">= 0"):
        ledger.open_line("Metropolis", "FSL", -1.0)
