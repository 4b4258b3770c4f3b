"""Numbers about the numbers: how sure, for whom, and how well.

Posterior intervals over the parameters' ranges
(:mod:`~crampnet.trust.uncertainty`, by Monte Carlo through the exact
engine), sensitivity (the tornado table), the parameter space those draws
come from, synthetic cohorts and Bayesian updating from data
(:mod:`~crampnet.trust.simulate`, with EM), and evaluation on labelled
cases (:mod:`~crampnet.trust.evaluate`).

It may use :mod:`crampnet.network`, :mod:`crampnet.inference` and the
model core (:mod:`crampnet.base`); it does not import the reasoning or
interop layers, nor the :class:`crampnet.Model` facade.
"""
