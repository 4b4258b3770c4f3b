"""Numbers about the numbers: how sure, for whom, and how well.

Posterior intervals over the parameters' ranges
(:mod:`~crampnet.trust.uncertainty`, by Monte Carlo through the exact
engine), sensitivity (the tornado table), the parameter space those draws
come from, synthetic cohorts and Bayesian updating from data
(:mod:`~crampnet.trust.simulate`, with EM), and evaluation on labelled
cases (:mod:`~crampnet.trust.evaluate`).

It may use :mod:`crampnet.network`, :mod:`crampnet.inference`, the
model core (:mod:`crampnet.base`) and, in :mod:`~crampnet.trust.evaluate`,
the reasoning layer (it scores the differential that reasoning orders, and
its red flags); it does not import the interop or display layers, nor the
:class:`crampnet.Model` facade.
"""
