"""The clinical layer: what a clinician asks of a case.

The differential and its ranking (:mod:`~crampnet.reasoning.ranking`), the
diagnosis object (:mod:`~crampnet.reasoning.diagnosis`), explanations
(:mod:`~crampnet.reasoning.explain`), the next questions
(:mod:`~crampnet.reasoning.questions`), red flags
(:mod:`~crampnet.reasoning.redflags`), management notes and the report.

It may use :mod:`crampnet.network`, :mod:`crampnet.inference` and the
model core (:mod:`crampnet.base`); it does not import the trust or interop
layers, nor the :class:`crampnet.Model` facade.
"""
