"""The ``soc2-ready`` command line: thin shells over the engine and the knowledge index."""
