"""Train the answer reader from the repository's data: ``soc2-ready train-reader`` / ``make train-reader``.

Seeded and deterministic on one machine: the same files give the same weights. Fine-tunes the
bundled all-MiniLM-L6-v2 as a cross-encoder over (question, answer) with the embeddings and the
lowest layers frozen (they are not stored in the artifact), calibrates a temperature and the
abstention thresholds on the validation split, and writes ``artifact/reader.safetensors`` and
``artifact/reader.json``.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessment.understanding.calibration import choose_thresholds, fit_temperature, softmax
from assessment.understanding.dataset import (
    READER_CLASSES,
    Example,
    load_dir,
    split,
    train_dir,
    training_data_hash,
)
from assessment.understanding.model import ARTIFACT_NAME, artifact_dir, build_network

RECORDED = ("yes", "partial", "no", "unknown", "not_applicable")


@dataclass(frozen=True)
class TrainSettings:
    """Training hyper-parameters (chosen on the validation split; see docs/understanding.md)."""

    epochs: int = 4
    batch_size: int = 16
    learning_rate: float = 6e-5
    head_learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_share: float = 0.1
    max_length: int = 128
    frozen_layers: int = 2  # the lowest encoder layers stay as in MiniLM: faster, and less to overfit
    seed: int = 13
    validation_share: float = 0.15


def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(2)


def _batches(examples: Sequence[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Shuffled batches of similar length (less padding: about twice as fast on CPU)."""
    order = list(examples)
    rng.shuffle(order)
    batches: list[list[Example]] = []
    pool = size * 20
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda e: len(e.question) + len(e.answer))
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches


def _encode(tokenizer: Any, batch: Sequence[Example], max_length: int) -> Any:
    return tokenizer(
        [e.question for e in batch],
        [e.answer for e in batch],
        truncation=True,
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )


def predict_logits(
    network: Any, tokenizer: Any, examples: Sequence[Example], max_length: int
) -> list[list[float]]:
    """Raw logits for examples, in order (batched, no gradients)."""
    import torch

    network.eval()
    rows: list[list[float]] = []
    with torch.inference_mode():
        for i in range(0, len(examples), 64):
            batch = examples[i : i + 64]
            rows.extend(network(**_encode(tokenizer, batch, max_length)).logits.tolist())
    return rows


def fine_tune(train: Sequence[Example], settings: TrainSettings, log: Any = print) -> tuple[Any, Any]:
    """Fine-tune the cross-encoder on ``train``; returns (network, tokenizer)."""
    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    from assessment.understanding.model import base_model_path

    _seed_everything(settings.seed)
    tokenizer = AutoTokenizer.from_pretrained(str(base_model_path()))
    network = build_network(len(READER_CLASSES))
    network.bert.embeddings.requires_grad_(False)
    for layer in network.bert.encoder.layer[: settings.frozen_layers]:
        layer.requires_grad_(False)
    head = [p for n, p in network.named_parameters() if n.startswith("classifier")]
    body = [p for n, p in network.named_parameters() if p.requires_grad and not n.startswith("classifier")]
    optimizer = torch.optim.AdamW(
        [
            {"params": body, "lr": settings.learning_rate},
            {"params": head, "lr": settings.head_learning_rate},
        ],
        weight_decay=settings.weight_decay,
    )
    rng = random.Random(settings.seed)
    steps = settings.epochs * math.ceil(len(train) / settings.batch_size)
    schedule = get_linear_schedule_with_warmup(optimizer, int(steps * settings.warmup_share), steps)
    index = {label: i for i, label in enumerate(READER_CLASSES)}
    started = time.monotonic()
    for epoch in range(settings.epochs):
        network.train()
        total = 0.0
        batches = _batches(train, settings.batch_size, rng)
        for batch in batches:
            inputs = _encode(tokenizer, batch, settings.max_length)
            labels = torch.tensor([index[e.label] for e in batch])
            loss = network(**inputs, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += float(loss.detach())
        elapsed = time.monotonic() - started
        log(f"epoch {epoch + 1}/{settings.epochs}: loss {total / len(batches):.4f} ({elapsed:.0f} s)")
    return network, tokenizer


def evaluate(probabilities: Sequence[Sequence[float]], targets: Sequence[int]) -> dict[str, float]:
    """Accuracy and per-class recall of argmax readings."""
    predicted = [max(range(len(row)), key=row.__getitem__) for row in probabilities]
    figures: dict[str, float] = {
        "accuracy": round(
            sum(p == y for p, y in zip(predicted, targets, strict=True)) / max(1, len(targets)), 4
        )
    }
    for i, label in enumerate(READER_CLASSES):
        rows = [p for p, y in zip(predicted, targets, strict=True) if y == i]
        if rows:
            figures[f"recall_{label}"] = round(sum(p == i for p in rows) / len(rows), 4)
    return figures


def save_artifact(network: Any, meta: dict[str, Any], directory: Path) -> None:
    """Write the fine-tuned weights (half precision; the frozen ones come from MiniLM) and the metadata."""
    from safetensors.torch import save_file

    directory.mkdir(parents=True, exist_ok=True)
    state = {
        name: parameter.detach().to("cpu").half().contiguous()
        for name, parameter in network.named_parameters()
        if parameter.requires_grad
    }
    save_file(state, str(directory / f"{ARTIFACT_NAME}.safetensors"))
    (directory / f"{ARTIFACT_NAME}.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def train_reader(
    data: Path | None = None,
    out: Path | None = None,
    settings: TrainSettings | None = None,
    log: Any = print,
) -> dict[str, Any]:
    """Train, calibrate on the validation split and save; returns the metadata written."""
    settings = settings or TrainSettings()
    folder = data or train_dir()
    examples = load_dir(folder)
    train, validation = split(examples, settings.validation_share)
    log(f"{len(examples)} examples: {len(train)} train, {len(validation)} validation")
    log("labels: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(e.label for e in examples).items())))
    started = time.monotonic()
    network, tokenizer = fine_tune(train, settings, log)
    index = {label: i for i, label in enumerate(READER_CLASSES)}
    targets = [index[e.label] for e in validation]
    logits = predict_logits(network, tokenizer, validation, settings.max_length)
    temperature = fit_temperature(logits, targets)
    probabilities = [softmax(row, temperature) for row in logits]
    thresholds = choose_thresholds(probabilities, targets, READER_CLASSES, RECORDED)
    figures = {
        "validation": evaluate(probabilities, targets),
        "train_examples": len(train),
        "validation_examples": len(validation),
        "train_seconds": round(time.monotonic() - started, 1),
        "settings": settings.__dict__,
    }
    meta = {
        "classes": list(READER_CLASSES),
        "max_length": settings.max_length,
        "temperature": temperature,
        "thresholds": thresholds,
        "data_hash": training_data_hash(folder),
        "figures": figures,
    }
    save_artifact(network, meta, out or artifact_dir())
    log(f"temperature {temperature}; thresholds {thresholds}; validation {figures['validation']}")
    return meta


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m assessment.understanding.train [--data DIR] [--out DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="train-reader", description=__doc__)
    parser.add_argument(
        "--data", type=Path, default=None, help="folder of training *.jsonl (default: shipped)"
    )
    parser.add_argument("--out", type=Path, default=None, help="artifact folder (default: shipped artifact)")
    parser.add_argument("--epochs", type=int, default=TrainSettings.epochs)
    parser.add_argument("--frozen-layers", type=int, default=TrainSettings.frozen_layers)
    args = parser.parse_args(argv)
    train_reader(args.data, args.out, TrainSettings(epochs=args.epochs, frozen_layers=args.frozen_layers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
