"""What would doubling clause hours cost per person employed?"""

from policy import answer

if __name__ == "__main__":  # worker processes import this file: run only once
    answer(
        __doc__,
        ["clauses_baseline_2017.toml", "clauses_double_hours.toml"],
        indicators=["clause_persons_employed", "unemployment_rate"],
    )
