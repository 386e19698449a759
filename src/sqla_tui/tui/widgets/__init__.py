"""One module per reusable widget; screens compose them, they never reach into the app."""

__all__: list[str] = []
