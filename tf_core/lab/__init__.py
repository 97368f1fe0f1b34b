"""One module per lesson: the experiment behind a page, as pure functions (no Streamlit).

Each lab function takes hashable scalars and a ``seed`` and returns a frozen dataclass of NumPy
arrays and floats, so the page can cache it with ``st.cache_data`` and the tests can check it.
"""
