"""The code that runs in the warm worker and the sandboxed child.

Imports only the standard library, numpy and torch — never reference/, exercises/ or grader/ — so the
worker can load it by file path (``grader/sandbox/pool.py``) with nothing of the grader in memory.
"""
