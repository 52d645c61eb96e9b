"""Results formats: ``.eval_results/*.yaml`` files and the README's legacy ``model-index``.

``base`` holds what both share: the :class:`~.base.Format` interface, the one merge loop
:func:`~.base.merge` and its typed :class:`~.base.Plan`; ``eval_results`` and ``model_index`` are the two
formats, each with its reading, writing and validation.
"""
