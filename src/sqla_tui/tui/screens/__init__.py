"""One module per screen, named ``*_screen.py``."""

__all__: list[str] = []
