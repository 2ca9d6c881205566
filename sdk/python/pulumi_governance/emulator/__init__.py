"""Pulumi Cloud emulator: an independent server-side implementation written from the API documents.

Run it with ``python -m pulumi_governance.emulator --org ORG --token TOKEN [--db PATH] [--port 0]``;
it prints one line containing ``http://HOST:PORT`` when ready. It never imports
``pulumi_governance.api`` (the client): both sides are written from the documents, so a
misunderstanding in one is caught by tests of the other.

Layout: one package per API area (``stacks``, ``policy_packs``, ``policy_groups``,
``policy_results``, ``tokens``, ``webhooks``, ``schedules``, ``oidc``, ``user``, ``admin``, and
``backend``: updates, state and secrets of app stacks, with ``policies`` and ``crypto`` beside its
``models``, and ``unsupported``: the 501 areas), each
with ``models.py`` (the area's state and rules: plain functions over a store transaction, no HTTP)
and ``routes.py`` (the HTTP handlers: read the request, call ``models``, shape the answer).
Shared by every area: ``app`` (``create_app`` and the ``ROUTERS`` list), ``store`` (SQLite),
``deps`` (FastAPI dependencies), ``errors`` (named errors), ``routing`` (``Router``: answers
rendered straight to JSON, paths pre-checked per area), ``wire`` (reading body fields,
timestamps, pages), ``lookups`` (what one area reads of another's state), ``faults``,
``request_log`` (``/_emulator/requests``), ``__main__`` (CLI).

Rules of the layout:

- Areas never import one another (neither their routes nor their models). A look-up that several
  areas need (a stack, a policy pack version, a token's name) lives in ``lookups``.
- ``models`` never sees a request: it takes a ``Tx`` and plain values and raises named errors.
  ``routes`` holds no rule: path/query/body in, one ``with store.tx() as tx:`` around the model
  calls, the result out.
- Errors are raised by name from ``errors``: ``BadRequest`` (400), ``Unauthorized`` (401),
  ``Forbidden`` (403), ``NotFound`` (404), ``Conflict`` (409); each renders as the service's
  ``{"code": N, "message": "..."}``. Request validation errors become 400 in that shape.

An area looks like this (``tokens``)::

    # tokens/models.py
    def create(tx: Tx, org: str, fields: dict[str, Any], created_by: str, reason: str):
        if tx.get(KIND + "-name", org, fields["name"]) is not None:
            raise Conflict(f"an access token named {name!r} already exists (or existed)")
        tx.put(KIND, org, token_id, doc)
        tx.register_token(org, value, token_id, kind="org", expires_at=expires)
        return token_id, value

    # tokens/routes.py
    router = Router()                              # routing.Router, not FastAPI's APIRouter

    @router.post("/api/orgs/{orgName}/tokens")
    def create_token(ctx: OrgDep, store: StoreDep, body: Json, reason: str | None = None):
        models.require_admin(ctx.principal)
        fields = models.check_new(body)            # 400 before anything is stored
        with store.tx() as tx:                     # one serialised transaction, committed
            token_id, value = models.create(...)   # before the response, rolled back on error
        return {"id": token_id, "tokenValue": value}

- ``OrgDep`` reads ``orgName`` from the path and checks the caller: 401 without/with an invalid
  token, 404 for an unknown org, 403 when the token has no access to it; ``ctx.principal`` has
  ``token_id``, ``orgs``, ``kind`` ("admin" for CLI tokens) and ``is_admin``. ``PrincipalDep``,
  ``AdminDep`` (CLI admin token), ``StoreDep`` and ``SettingsDep`` are the other dependencies.
- Handlers are plain ``def``; ``Router`` runs them on the event loop (a handler is a few SQLite
  statements under the store's lock). One that waits on anything else, such as a webhook
  delivery over HTTP, is marked ``@in_thread`` and runs in the thread pool.
  Path parameters use the OpenAPI document's names (``orgName``, ``projectName``, ``stackName``).
- Documents: ``tx.get/put/delete(kind, org, key)`` and ``tx.list(kind, org, prefix="")`` store
  JSON objects per kind (one kind name per object type); ``tx.next_counter(name)`` hands out
  increasing integers. Keep what the API returns in the document, strip internals on output.
- Tokens: ``tx.register_token(org, value, token_id, kind, expires_at)`` makes ``value``
  authenticate (only its SHA-256 is stored); ``tx.revoke_token(token_id)`` removes it.
- Requests are read as the service reads them: an explicit ``null`` is the field left out, and a
  field the emulator does not know is ignored (pydantic bodies derive from ``wire.RequestBody``,
  dict bodies go through ``wire.text``/``integer``/``strings``). A field that would change
  behaviour and is not implemented is refused with a 400 saying so, only when it is set.
- Faults (429/5xx/latency/drop) apply to every ``/api`` path automatically; emulator-only
  endpoints live under ``/_emulator`` and take ``AdminDep``.

Adding an area: create ``<area>/__init__.py`` (a one-line docstring), ``<area>/models.py`` and
``<area>/routes.py`` (exposing ``router``) as above, append ``<area>.routes.router`` to ``ROUTERS``
in ``app.py``, and add ``tests/emulator/test_<area>.py`` whose responses go through the OpenAPI
check (``tests/emulator/helpers.py``'s ``ok``).
"""
