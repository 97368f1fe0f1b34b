"""Shared Streamlit pieces: strings, the Q&A card, charts, the sidebar, URL parameters.

Only ``ui.sidebar``, ``ui.params`` and ``ui.lesson`` import Streamlit; ``ui.i18n``, ``ui.curriculum``,
``ui.qa`` (parsing) and ``ui.text`` are plain Python so tests and the home page stay light.
"""
