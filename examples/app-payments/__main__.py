"""The payments team's application stack: one storage bucket, as a dynamic resource of its own.

No cloud provider is needed: the bucket "exists" in the stack's state only. What matters is what
the organization's policy packs see: its `tags` and `acl`. With `payments/prod` in the production
policy group, the baseline pack's `required-tags` policy is mandatory, so a bucket without the
required tags is refused before anything is created.

Stack config: `bucket-tags` (an object: `pulumi config set --path bucket-tags.owner payments`).
"""

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult


class BucketProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"bucket-{props['name']}", outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in ("tags", "acl") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=news)


class Bucket(Resource):
    def __init__(
        self, name: str, tags: dict[str, str], acl: str = "private", opts: Any = None
    ) -> None:
        super().__init__(BucketProvider(), name, {"name": name, "tags": tags, "acl": acl}, opts)


config = pulumi.Config()
bucket = Bucket("invoices", tags=config.get_object("bucket-tags") or {})

pulumi.export("bucket", bucket.id)
