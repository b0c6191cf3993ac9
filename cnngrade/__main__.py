"""``python -m cnngrade`` runs the command-line interface."""

from cnngrade.grader.cli.main import main

main()
