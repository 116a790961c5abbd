"""What does extending the dropout scheme to all of Vénissieux cost per dropout avoided?"""

from policy import answer

if __name__ == "__main__":  # worker processes import this file: run only once
    answer(
        __doc__,
        ["dropout_pilot.toml", "dropout_venissieux.toml"],
        indicators=["dropouts"],
    )
