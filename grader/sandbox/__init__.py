"""Run untrusted student code in an isolated child process (see api.py for the contract)."""
