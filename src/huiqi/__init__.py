"""huiqi (惠企): a government incentive policy, end to end."""

__version__ = "0.1.0"
