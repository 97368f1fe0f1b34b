"""Chart builders: lab results in, charts out; pages only place them.

``shared`` holds what every page uses (the ``VegaChart`` type, colours, token heatmaps, layer x
head grids, per-token curves); each topic page has its own module named after it
(``ui/charts/masks.py`` for app_pages/masks.py), imported by that page as ``charts``.
"""
