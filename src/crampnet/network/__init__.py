"""The network file and what it means.

The lowest layer of crampnet's model (below it only :mod:`crampnet.exceptions`
and the bounded file reading of :mod:`crampnet._files`): reading and validating a network file (:mod:`~crampnet.network.spec`,
its records in :mod:`~crampnet.network.records`, where the shipped file is
in :mod:`~crampnet.network.loading`), building each node's table from its
model (:mod:`~crampnet.network.cpd`), findings nested by definition
(:mod:`~crampnet.network.entailment`) and the hidden parts of a condition
(:mod:`~crampnet.network.parts`), the provenance table of every number
(:mod:`~crampnet.network.provenance`), parameter ranges, and turning a
user's evidence (one case or a DataFrame) into likelihood vectors
(:mod:`~crampnet.network.evidence`, :mod:`~crampnet.network.batch`).

It may use numpy, pandas and the standard library; it imports nothing of
crampnet but :mod:`crampnet.exceptions` and :mod:`crampnet._files` (which
reads a network file within its size limit). Nothing here runs code from a file.
"""
