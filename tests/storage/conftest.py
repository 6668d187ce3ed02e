"""Store factories for the storage tests live in tests/conftest.py, shared with every suite."""
