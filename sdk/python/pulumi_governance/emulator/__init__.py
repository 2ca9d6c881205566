"""Pulumi Cloud emulator: an independent server-side implementation written from the API documents.

Run it with ``python -m pulumi_governance.emulator --org ORG --token TOKEN [--db PATH] [--port 0]``;
it prints one line containing ``http://HOST:PORT`` when ready. It never imports
``pulumi_governance.api`` (the client): both sides are written from the documents, so a
misunderstanding in one is caught by tests of the other.

Modules: ``__main__`` (CLI), ``app`` (``create_app`` and the ``ROUTERS`` list), ``store`` (SQLite),
``deps`` (FastAPI dependencies), ``errors`` (``ApiError``), ``faults`` (fault injection),
``routes/*`` (one router per API area).

Convention for a router module (e.g. ``routes/tokens.py``)::

    from fastapi import APIRouter
    from ..deps import OrgDep, StoreDep          # also PrincipalDep, AdminDep, SettingsDep
    from ..errors import ApiError

    router = APIRouter()

    @router.post("/api/orgs/{orgName}/tokens")
    def create_token(ctx: OrgDep, store: StoreDep, body: NewTokenBody) -> dict[str, Any]:
        # ctx.org: the org in the path, already checked: 401 without/with an invalid token,
        # 404 for an unknown org, 403 when the token has no access to it.
        # ctx.principal: token_id, orgs, kind ("admin" for CLI tokens), is_admin.
        with store.tx() as tx:                     # one serialised transaction,
            if tx.get("token", ctx.org, name):     # committed before the response is sent,
                raise Conflict("exists")      # rolled back on any exception
            tx.put("token", ctx.org, token_id, doc)
            tx.register_token(ctx.org, value, token_id, kind="org", expires_at=expires)
        return {...}

- Register the router by appending ``<module>.router`` to ``ROUTERS`` in ``app.py``.
- Handlers are plain ``def`` (FastAPI runs them in a thread pool; the store serialises them).
- Path parameters use the OpenAPI document's names (``orgName``, ``projectName``, ``stackName``);
  ``OrgDep`` reads ``orgName`` from the path.
- Errors: ``raise ApiError(status, message)``; it is rendered as
  ``{"code": status, "message": message}``. Request validation errors become 400 in that shape.
- Documents: ``tx.get/put/delete(kind, org, key)`` and ``tx.list(kind, org, prefix="")`` store
  JSON objects per kind (pick a new kind name per object type); ``tx.next_counter(name)`` hands
  out increasing integers. Keep what the API returns in the document, strip internals on output.
- Tokens: ``tx.register_token(org, value, token_id, kind, expires_at)`` makes ``value``
  authenticate (only its SHA-256 is stored); ``tx.revoke_token(token_id)`` removes it;
  ``tx.authenticate(value)`` is the one place every request is checked (expiry included).
- Stacks: ``routes.stacks.require_stack(tx, org, project, stack)`` returns the stack or raises 404.
- Faults (429/5xx/latency/drop) apply to every ``/api`` path automatically; emulator-only
  endpoints live under ``/_emulator`` (``AdminDep`` requires a CLI admin token).
"""
