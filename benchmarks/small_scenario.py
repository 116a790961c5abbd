"""The small scenario the experiment and plotting benchmarks share: Saint-Fons at scale 0.2 for
two years, a run of about a second, so that fixed costs (pool start-up, figures) show."""

SMALL = """name = "{name}"
seed = 3
[territory]
zones = ["Saint-Fons"]
scale = 0.2
[horizon]
months = 24
"""
