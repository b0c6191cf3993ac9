"""Instructor solutions and realistic wrong ones for the code exercises."""
