"""Streamlit app (the guided interview). Built in issue 5."""
