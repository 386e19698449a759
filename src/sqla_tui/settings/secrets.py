"""Passwords in the OS keyring, when there is one: the config file only ever says ``password = "keyring"``.

``keyring`` is optional (``pip install 'sqla-tui[keyring]'``) and imported
only when a saved connection needs it; a keyring without a usable backend
(a headless Linux box) counts as absent, so the caller falls back to an
environment variable or a prompt.
"""

from __future__ import annotations

from sqla_tui.core.errors import UserError

SERVICE = "sqla-tui"
"""The keyring service every saved connection's password is filed under, by connection name."""


def keyring_available() -> bool:
    """True when keyring is installed and has a backend that really stores secrets."""
    try:
        import keyring
    except ImportError:
        return False
    try:
        return keyring.get_keyring().priority > 0  # the fail and null backends rank 0 and below
    except Exception:  # noqa: BLE001 - a backend that cannot even say its priority is no keyring
        return False


def store(name: str, password: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, name, password)
    except KeyringError as error:
        raise UserError(f"the keyring refused the password for {name!r}: {error}; use --password-env VAR instead") from None


def fetch(name: str) -> str | None:
    """The stored password, or None when the keyring (or the entry) is not there."""
    if not keyring_available():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, name)
    except KeyringError as error:
        raise UserError(f"cannot read the password for {name!r} from the keyring: {error}") from None


def forget(name: str) -> None:
    """Delete the stored password; one already gone (or no keyring) is fine."""
    if not keyring_available():
        return
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        pass
    except KeyringError as error:
        raise UserError(f"cannot delete the password for {name!r} from the keyring: {error}") from None
