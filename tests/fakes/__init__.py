"""Shared test helpers and hand-written fakes (the LLM is the only thing faked)."""
