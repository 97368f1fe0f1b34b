"""The UI strings, one module per topic page (``ui/strings/<page>.py`` for ``app_pages/<page>.py``).

Each module defines ``STRINGS: dict[str, dict[str, str]]`` (key -> {"en": ..., "zh": ...}); ``common`` holds
what several pages share (app frame, home and about pages, sidebar, notices, lesson frame, encoder and decoder
controls, shared chart labels). ``ui.i18n`` finds every module of this package with ``pkgutil.iter_modules``
and merges them, ``common`` first, so a new page's module needs no registration. A key lives in exactly one
module: a key defined twice is an error at import, and a key used by several pages belongs in ``common``.
"""
