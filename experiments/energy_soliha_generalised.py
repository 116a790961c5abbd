"""What does SOLIHA for the whole Metropolis cost per household lifted out of energy poverty?"""

from policy import answer

if __name__ == "__main__":  # worker processes import this file: run only once
    answer(
        __doc__,
        ["energy_baseline.toml", "energy_soliha_generalised.toml"],
        indicators=[
            "energy_poor_households",
            "energy_poverty_document",
            "energy_poverty_onpe",
            "households_in_arrears",
        ],
    )
