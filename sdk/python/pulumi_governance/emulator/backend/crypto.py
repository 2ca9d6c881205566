"""The service secrets provider: per-stack keys, authenticated encryption from the standard library.

The CLI's default secrets provider against a Pulumi Cloud backend is the service one: it sends
every secret to ``POST .../encrypt`` / ``.../decrypt`` (and the batch variants) and stores only
the ciphertext. The emulator gives each stack a random 256-bit key, kept in its SQLite file, and
encrypts with a SHA-256-HMAC keystream (counter mode over a random 16-byte nonce) followed by an
HMAC-SHA256 tag over nonce and ciphertext (encrypt-then-MAC, separate derived keys). That keeps
the emulator free of native crypto dependencies; it is sound for an emulator, not a KMS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import Any

from ..errors import BadRequest

_NONCE = 16
_TAG = 32
_VERSION = b"\x01"


def new_key() -> bytes:
    return secrets.token_bytes(32)


def _derive(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, purpose, hashlib.sha256).digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
        counter += 1
    return bytes(out[:length])


def encrypt(key: bytes, plaintext: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    stream = _keystream(_derive(key, b"enc"), nonce, len(plaintext))
    body = bytes(a ^ b for a, b in zip(plaintext, stream, strict=True))
    tag = hmac.new(_derive(key, b"mac"), _VERSION + nonce + body, hashlib.sha256).digest()
    return _VERSION + nonce + body + tag


class DecryptError(ValueError):
    pass


def decrypt(key: bytes, ciphertext: bytes) -> bytes:
    if len(ciphertext) < 1 + _NONCE + _TAG or ciphertext[:1] != _VERSION:
        raise DecryptError("not a ciphertext of this stack")
    nonce, tag = ciphertext[1 : 1 + _NONCE], ciphertext[-_TAG:]
    body = ciphertext[1 + _NONCE : -_TAG]
    expected = hmac.new(_derive(key, b"mac"), _VERSION + nonce + body, hashlib.sha256).digest()
    if not hmac.compare_digest(tag, expected):
        raise DecryptError("ciphertext was not encrypted for this stack or was altered")
    stream = _keystream(_derive(key, b"enc"), nonce, len(body))
    return bytes(a ^ b for a, b in zip(body, stream, strict=True))


# Wire fields: the CLI sends and receives bytes as base64 strings (Go's []byte in JSON).
def field_list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadRequest(f"{field} must be a list")
    return value


def _field_bytes(value: Any, field: str) -> bytes:
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be base64 bytes")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadRequest(f"{field} must be base64 bytes") from exc


def encrypt_field(key: bytes, value: Any, field: str) -> str:
    return base64.b64encode(encrypt(key, _field_bytes(value, field))).decode()


def decrypt_field(key: bytes, value: Any, field: str) -> str:
    try:
        plaintext = decrypt(key, _field_bytes(value, field))
    except DecryptError as exc:
        raise BadRequest(f"cannot decrypt {field}: {exc}") from exc
    return base64.b64encode(plaintext).decode()
