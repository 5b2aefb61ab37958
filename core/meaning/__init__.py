"""Search by meaning: a small sentence model and the vectors it gives passages and queries."""

from .model import MODEL_ID, SentenceModel, from_blobs, to_blob

__all__ = ["MODEL_ID", "SentenceModel", "from_blobs", "to_blob"]
