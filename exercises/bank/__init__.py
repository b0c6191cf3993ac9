"""Exercise families, one per module; each module defines ``EXERCISES``."""
