"""Does renovation first lift more households out of energy poverty per euro than bill aid?"""

from policy import answer

if __name__ == "__main__":  # worker processes import this file: run only once
    answer(
        __doc__,
        ["energy_baseline.toml", "energy_renovation_first.toml"],
        indicators=[
            "energy_poor_households",
            "energy_poverty_document",
            "energy_poverty_onpe",
            "households_in_arrears",
        ],
    )
