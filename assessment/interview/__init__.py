"""The interview: the ``Interview`` facade, question selection, answer handling, sessions and storage."""
