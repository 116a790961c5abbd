"""What would energy prices 25% higher do to energy poverty and arrears in the pilot communes?"""

from policy import answer

if __name__ == "__main__":  # worker processes import this file: run only once
    answer(
        __doc__,
        ["pilot.toml", "pilot_energy_prices_up.toml"],
        indicators=[
            "energy_poverty_document",
            "energy_poverty_onpe",
            "energy_effort",
            "households_in_arrears",
        ],
    )
