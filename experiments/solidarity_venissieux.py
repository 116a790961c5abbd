"""What does a second Space for Solidarity Making in Vénissieux bring, and at what cost?"""

from policy import answer

if __name__ == "__main__":  # worker processes import this file: run only once
    answer(
        __doc__,
        ["solidarity_2017.toml", "solidarity_venissieux.toml"],
        indicators=[
            "solidarity_members_social",
            "solidarity_grocery_members_year",
            "solidarity_people_welcomed",
            "solidarity_gave_up",
            "solidarity_food_saving",
            "solidarity_basket_fill",
            "solidarity_supported",
            "solidarity_support_gave_up",
            "solidarity_projects_achieved_total",
            "households_in_arrears",
        ],
    )
