"""The question bank: YAML files beside this module, loaded and validated."""
