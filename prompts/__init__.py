"""Every prompt and user-facing text, as package data (read through ``importlib.resources``)."""
