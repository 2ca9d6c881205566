"""Webhook deliveries (ping, redeliver) that never leave the machine.

A delivery is made over HTTP only when the payload URL's host is a loopback literal
(``localhost``, 127.0.0.0/8, ``::1``); no name is resolved and redirects are not followed, so
no request can reach another machine. Any other URL, and ``pulumi_deployments`` hooks (which
would start a deployment), are recorded as a failed delivery with ``responseCode`` 0 and the
reason in ``responseBody``. With a secret, ``Pulumi-Webhook-Signature`` carries the HMAC-SHA256
hex digest of the body, keyed by the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_S = 5.0
BODY_MAX = 4096


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ping_payload(now: int) -> str:
    return json.dumps({"timestamp": now, "message": "🍹 Just a friendly ping from Pulumi 🍹"})


def _header_text(headers: dict[str, str]) -> str:
    return "".join(f"{k}: {v}\r\n" for k, v in headers.items())


def deliver(hook: dict[str, Any], kind: str, payload: str) -> dict[str, Any]:
    """Send (or refuse to send) one event; returns the WebhookDelivery record."""
    delivery_id = str(uuid.uuid4())
    url = hook["payloadUrl"]
    headers = {
        "Content-Type": "application/json",
        "Pulumi-Webhook-Id": delivery_id,
        "Pulumi-Webhook-Kind": kind,
    }
    secret = hook.get("secret")
    if secret:
        digest = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        headers["Pulumi-Webhook-Signature"] = digest
    record: dict[str, Any] = {
        "id": delivery_id,
        "kind": kind,
        "payload": payload,
        "timestamp": int(time.time()),
        "requestUrl": url,
        "requestHeaders": _header_text(headers),
        "responseCode": 0,
        "responseHeaders": "",
        "responseBody": "",
        "duration": 0,
    }
    if hook.get("format") == "pulumi_deployments":
        record["responseBody"] = "not delivered: the emulator does not run deployments"
        return record
    parts = urlsplit(url)
    if not is_loopback(parts.hostname):
        record["responseBody"] = (
            f"not delivered: the emulator only delivers to loopback hosts, not {parts.hostname!r}"
        )
        return record
    started = time.monotonic()
    try:
        record.update(
            _post(parts.scheme, parts.hostname or "", parts.port, parts, headers, payload)
        )
    except (OSError, http.client.HTTPException) as error:
        record["responseBody"] = f"delivery failed: {error.__class__.__name__}: {error}"
    record["duration"] = int((time.monotonic() - started) * 1000)
    return record


def _post(
    scheme: str, host: str, port: int | None, parts: Any, headers: dict[str, str], body: str
) -> dict[str, Any]:
    conn_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = conn_class(host, port, timeout=TIMEOUT_S)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("POST", target, body=body.encode(), headers=headers)
        response = conn.getresponse()
        data = response.read(BODY_MAX + 1)
        return {
            "responseCode": response.status,
            "responseHeaders": _header_text(dict(response.getheaders())),
            "responseBody": data[:BODY_MAX].decode("utf-8", "replace"),
        }
    finally:
        conn.close()
