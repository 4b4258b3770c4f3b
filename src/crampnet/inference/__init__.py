"""Exact inference.

From the bottom up: the clique tree of a network (triangulation in
``_triangulation``, cliques, spanning tree and homes in ``_cliques``); the
numpy passes (``_passplan``, ``_numpypass``) and the numba kernel
(:mod:`~crampnet.inference._kernel`, the only module that imports numba and
the loops of ``_loops`` and ``_quickloops``, which it compiles once per
installation into numba's on-disk cache; its flat arrays are in
``_arrays``, and ``_kerneltree`` runs batches through it); the junction tree itself
(:mod:`~crampnet.inference.engine`: marginals, and the family marginals EM
needs); Quickscore, findings as signed sums of one-parent factors
(:mod:`~crampnet.inference.quickscore`, expanded per batch in
``_expansion``); and the compiled network that routes each case to the
cheapest exact path (:mod:`~crampnet.inference.compiled`, with ``_routing``
and ``_quickscore_path``; the pruned trees it runs on are chosen in
``_pruning``, and the "no" answers it absorbs into their parents in
``_absorption``). A second import-linter contract in
pyproject.toml keeps that order.

It may use :mod:`crampnet.network` (the records and tables of a network)
and nothing above it; it knows nothing of diagnoses, intervals or pgmpy.
"""
