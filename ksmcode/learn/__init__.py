"""Learning from a researcher's own coding: a trained second stage over the rule engine."""
