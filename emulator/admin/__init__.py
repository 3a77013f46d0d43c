"""The admin API under ``/_emulator/`` (main port, loopback clients only)."""
