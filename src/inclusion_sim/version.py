"""The installed package's version (`inclusion_sim.__version__`), as recorded in run manifests
and result files."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("inclusion-sim")
except PackageNotFoundError:  # a source tree on sys.path, never installed
    __version__ = "0+unknown"
