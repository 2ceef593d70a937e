"""ankibuild: compile Markdown study notes into stable, versioned Anki decks."""

__version__ = "0.1.0"
