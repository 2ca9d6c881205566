"""The Pulumi Cloud backend of ordinary stacks: what ``pulumi login <emulator URL>`` then uses.

``state`` (deployments, updates, history, secrets keys: rules on the store), ``policies``
(required policies of an update, policy events to violations), ``crypto`` (the service secrets
provider), ``routes`` (the HTTP endpoints), ``gzip_body`` (compressed request bodies),
``unsupported`` (501 for Deployments, ESC, Insights). Decisions are in each module's docstring.
"""
