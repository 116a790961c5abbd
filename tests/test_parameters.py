import pytest

from inclusion_sim import Parameters
from inclusion_sim.parameters import ParameterError, load_parameter_table


def test_every_parameter_states_its_source_and_unit():
    for p in load_parameter_table().values():
        assert p.source.strip() and p.unit.strip(), p.name


def test_behavioural_parameters_are_ranges_containing_their_value():
    for p in load_parameter_table().values():
        if "behavioural" in p.source or "calibrate" in p.source:
            assert p.range is not None, p.name
        if p.range is not None:
            values = p.value if isinstance(p.value, list) else [p.value]
            assert all(p.range[0] <= v <= p.range[1] for v in values), p.name


def test_overrides_are_checked():
    assert Parameters({"job_finding_rate": 0.1})["job_finding_rate"] == 0.1
    with pytest.raises(ParameterError, match="did you mean 'job_finding_rate'"):
        Parameters({"job_findng_rate": 0.1})
    with pytest.raises(ParameterError, match="list of 7 numbers"):
        Parameters({"dpe_intensity": [1, 2]})
    with pytest.raises(ParameterError, match="got 'high', expected a number >= 0"):
        Parameters({"living_floor": "high"})


def test_whole_number_parameters_reject_fractions():
    with pytest.raises(ParameterError, match="whole number"):
        Parameters({"benefit_duration": 12.5})
    assert Parameters({"benefit_duration": 12})["benefit_duration"] == 12


def test_every_action_lever_states_its_source():
    from inclusion_sim.actions import REGISTRY

    assert REGISTRY  # the built-in actions are registered on import
    for name, action in REGISTRY.items():
        for lever in action.declared_levers():
            assert lever.source.strip(), f"{name}.{lever.name}"
