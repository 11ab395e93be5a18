"""CACHE_DIR/python: the store (lock, atomic save, restore), the manifest, the typed
fingerprint (inputs) and its differences in words (changes)."""

from .manifest import FORMAT, Distribution, Manifest
from .store import CacheStore

__all__ = ["FORMAT", "CacheStore", "Distribution", "Manifest"]
