"""Other tools: pgmpy, exchange formats and Dask.

:mod:`~crampnet.interop._pgmpy` is the only module of crampnet that
imports pgmpy (it builds ``model.network``); :mod:`~crampnet.interop.export`
writes BIF, XMLBIF, XDSL and UAI; :mod:`~crampnet.interop.cohorts` scores
Dask DataFrames. Every third-party import here is lazy, so ``import
crampnet`` stays fast.

It may use :mod:`crampnet.network`, :mod:`crampnet.inference` and the
model core (:mod:`crampnet.base`); it does not import the reasoning or
trust layers, nor the :class:`crampnet.Model` facade.
"""
