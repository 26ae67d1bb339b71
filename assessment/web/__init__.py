"""The Streamlit shell's widgets and state, one module per screen part; ``app.py`` routes to them.

``support`` holds the pure helpers (no Streamlit import); the other modules draw with Streamlit and
pass what the founder did to the engine, nothing else.
"""
