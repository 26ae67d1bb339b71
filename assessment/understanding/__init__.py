"""The answer reader: exact rules in front, a trained model behind, calibrated abstention."""
