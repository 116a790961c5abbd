"""inclusion_sim: agent-based simulation of the Metropolis of Lyon's social-inclusion actions."""

from .actions import REGISTRY as ACTIONS
from .actions import Action, register
from .catalogue import levers
from .comparison import Comparison, compare
from .errors import InclusionSimError
from .experiment import run_experiment
from .ledger import Ledger
from .model import InclusionModel
from .parameters import Parameters
from .report import write_report
from .scenario import Scenario, ScenarioError, load_scenario
from .simulation import run, simulate, summary
from .store import open_experiment
from .territory.figures import figure, load_figures
from .territory.marginals import zone_marginals
from .territory.population import synthesize
from .version import __version__

__all__ = [
    "__version__",
    "ACTIONS",
    "Action",
    "Comparison",
    "InclusionModel",
    "InclusionSimError",
    "Ledger",
    "Parameters",
    "Scenario",
    "ScenarioError",
    "compare",
    "figure",
    "levers",
    "load_figures",
    "load_scenario",
    "open_experiment",
    "register",
    "run",
    "run_experiment",
    "simulate",
    "summary",
    "synthesize",
    "write_report",
    "zone_marginals",
]
