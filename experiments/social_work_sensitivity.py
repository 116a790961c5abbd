"""Which unknowns of action 1 (action research, 3.1) move its results, and the other actions'?

No source gives the size of any effect of the action research (literature.md): its behaviours are
ranged priors. This screens them (Morris) with the action at its 2017 settings alongside the
actions it acts through (action 4's 2017 baseline, action 3's pilot, action 6's Saint-Fons site),
whole Metropolis."""

from screening import screen

if __name__ == "__main__":  # worker processes import this file: run only once
    screen(
        __doc__,
        "social_work",
        {"energy_poverty": {}, "dropout": {}, "solidarity_space": {}, "social_work": {}},
        {
            "volunteers attending (sum of months)": ("social_work_participants", "sum"),
            "practice index, month 36 (0-100)": ("social_work_practice_index", "end"),
            "casework hours lost": ("social_work_casework_hours_lost", "sum"),
            "FSL applications (3 years)": ("fsl_applications", "sum"),
            "SOLIHA referrals (3 years)": ("soliha_referrals", "sum"),
            "energy-poor households (mean of year 3)": ("energy_poor_households", "last12"),
            "families' agreement to an educator, change (%, month 36)": (
                "social_work_agreement_change",
                "end",
            ),
            "pupils supported by an educator (month 36)": ("dropout_supported", "end"),
            "referrals to the Space for Solidarity Making (3 years)": (
                "solidarity_referrals",
                "sum",
            ),
        },
    )
