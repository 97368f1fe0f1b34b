"""Lessons moved out of their topic page when the page passed ~500 lines: ``app_pages/lessons/<id>.py``
(the curriculum id with ``-`` as ``_``) holds one lesson's body, as the page would have held it.

A lesson module declares ``PARAMS`` (its parameters, which the page puts in ``LESSONS``) and
``body(qid, lang, lab)``, which the page's ``lesson_body()`` calls with the lesson id, the language and the
lab module ``lesson.open_page`` imported. It imports no lab module and no torch itself (the page's
lessons are all imported when the page runs, and torch loads later, under open_page's spinner), and it
holds no per-run state at module level: unlike a page script, which Streamlit runs afresh for every
rerun, a module is imported once per process and shared by every session, so the language and the
lesson's id travel as arguments.
"""
