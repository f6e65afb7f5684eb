"""Renderers: each is a pure function of a :class:`~dataaudit.model.Report`."""
