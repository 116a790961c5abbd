import numpy as np
import pytest

from inclusion_sim import Parameters, synthesize, zone_marginals


@pytest.fixture(scope="session")
def params():
    return Parameters()


@pytest.fixture(scope="session")
def marginals(params):
    return zone_marginals(params)


@pytest.fixture(scope="session")
def metropolis(marginals, params):
    """The whole Metropolis at scale 1.0: one synthetic household per real one."""
    return synthesize(list(marginals.values()), 1.0, np.random.default_rng(11), params)
