"""What does a second educator, on a dedicated budget, cost per dropout avoided?"""

from policy import answer

if __name__ == "__main__":  # worker processes import this file: run only once
    answer(
        __doc__,
        ["dropout_pilot.toml", "dropout_budget.toml"],
        indicators=["dropouts"],
    )
