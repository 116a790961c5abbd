"""Which unknowns of action 2 (community action training, 3.2) move its results, and action 4's?

No source gives the size of any effect of community organising in social housing
(literature.md): its behaviours are ranged priors. This screens them (Morris) with the action at
its 2017-2018 settings alongside action 4's 2017 baseline, whole Metropolis."""

from screening import screen

if __name__ == "__main__":  # worker processes import this file: run only once
    screen(
        __doc__,
        "community",
        {"energy_poverty": {}, "community": {}},
        {
            "community actions by the landlord (3 years)": ("community_actions_landlord", "sum"),
            "community actions by residents (3 years)": ("community_actions_residents", "sum"),
            "participation rate, year 3 (%)": ("community_participation_rate", "last12"),
            "participation, no diploma, year 3 (%)": (
                "community_participation_rate_no_diploma",
                "last12",
            ),
            "teams' capacity index, month 36": ("community_capacity_index", "end"),
            "wellbeing index, month 36": ("community_wellbeing_index", "end"),
            "management cost avoided (EUR, 3 years)": ("community_management_cost_avoided", "sum"),
            "households adopting eco-gestures (3 years)": ("community_eco_households", "sum"),
            "FSL applications (3 years)": ("fsl_applications", "sum"),
            "energy-poor households (mean of year 3)": ("energy_poor_households", "last12"),
        },
    )
