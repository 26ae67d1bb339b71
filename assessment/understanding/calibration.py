"""Calibration of the reader on the validation split: a temperature, then abstention thresholds.

Pure functions over lists of probabilities, so they are testable without the model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Labels that would make the report look better than the truth if wrong: held to a stricter bar.
UPWARD_LABELS = frozenset({"yes", "not_applicable"})
UPWARD_TARGET = 0.985
DOWNWARD_TARGET = 0.97
MIN_THRESHOLD = 0.5
MIN_KEPT = 5


def softmax(logits: Sequence[float], temperature: float) -> list[float]:
    """Softmax of ``logits / temperature``."""
    scaled = [x / temperature for x in logits]
    top = max(scaled)
    exps = [math.exp(x - top) for x in scaled]
    total = sum(exps)
    return [x / total for x in exps]


def fit_temperature(logits: Sequence[Sequence[float]], targets: Sequence[int]) -> float:
    """The temperature minimising validation negative log-likelihood (grid search, deterministic)."""
    best_t, best_nll = 1.0, math.inf
    for step in range(5, 81):
        t = step / 20  # 0.25 .. 4.0
        nll = -sum(math.log(max(softmax(row, t)[y], 1e-12)) for row, y in zip(logits, targets, strict=True))
        if nll < best_nll:
            best_t, best_nll = t, nll
    return best_t


def choose_threshold(confidences: Sequence[float], correct: Sequence[bool], target: float) -> float:
    """Lowest confidence bar at which the readings kept are right at least ``target`` of the time.

    Readings are sorted by confidence, most confident first; the bar is the confidence of the
    longest prefix (at least ``MIN_KEPT`` readings) whose precision reaches the target.
    """
    pairs = sorted(zip(confidences, correct, strict=True), key=lambda p: -p[0])
    kept_right = 0
    bar = 1.0
    for index, (confidence, right) in enumerate(pairs, start=1):
        kept_right += int(right)
        if index >= MIN_KEPT and kept_right / index >= target:
            bar = confidence
    return max(MIN_THRESHOLD, bar)


def choose_thresholds(
    probabilities: Sequence[Sequence[float]],
    targets: Sequence[int],
    classes: Sequence[str],
    recorded: Sequence[str],
) -> dict[str, float]:
    """Per recorded label, the confidence bar for recording without asking (stricter for upward labels)."""
    thresholds: dict[str, float] = {}
    for label in recorded:
        index = classes.index(label)
        confidences: list[float] = []
        correct: list[bool] = []
        for row, y in zip(probabilities, targets, strict=True):
            predicted = max(range(len(row)), key=row.__getitem__)
            if predicted == index:
                confidences.append(row[index])
                correct.append(y == index)
        target = UPWARD_TARGET if label in UPWARD_LABELS else DOWNWARD_TARGET
        thresholds[label] = choose_threshold(confidences, correct, target)
    return thresholds
