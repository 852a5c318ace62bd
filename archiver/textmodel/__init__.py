"""How Chinese page text reads: the plausibility models that decode and repair consult."""
