"""Exact inference.

A junction tree over numpy arrays (:mod:`~crampnet.inference.engine`, with
its triangulation and pass plans), Quickscore (findings as signed sums of
one-parent factors, :mod:`~crampnet.inference.quickscore`), the compiled
network that routes each case to the cheapest exact path
(:mod:`~crampnet.inference.compiled`) and the numba kernel that runs the
same passes in compiled loops (:mod:`~crampnet.inference._kernel`, the only
module that imports :mod:`~crampnet.inference._loops` and numba).

It may use :mod:`crampnet.network` (the records and tables of a network)
and nothing above it; it knows nothing of diagnoses, intervals or pgmpy.
"""
