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


@pytest.fixture
def scenario_error(tmp_path):
    """Load a scenario text that must fail; returns its one-line error message."""
    from inclusion_sim import ScenarioError, load_scenario

    def error(text: str) -> str:
        path = tmp_path / "bad.toml"
        path.write_text(text)
        with pytest.raises(ScenarioError) as raised:
            load_scenario(path)
        message = str(raised.value)
        assert "\n" not in message
        return message

    return error
