"""Password hashing with argon2 (pwdlib's recommended parameters)."""

from pwdlib import PasswordHash

HASHER = PasswordHash.recommended()


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def check_password(password: str, hashed: str) -> bool:
    return HASHER.verify(password, hashed)
