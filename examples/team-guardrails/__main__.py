"""An app team puts its stacks under policy: every stack tagged `team=<team>` joins one group.

The tag selection is resolved through the Pulumi Cloud API while the program runs, so a stack
tagged later joins the group on the next `pulumi up`, and the preview shows it.
"""

import pulumi

import pulumi_governance as governance

config = pulumi.Config()
team = config.require("team")

guardrails = governance.StackGuardrails(
    team,
    group_name=f"{team}-guardrails",
    mode="audit",
    stack_tags={"team": team},
    packs=[
        {
            "name": "baseline",
            "version_tag": config.require("pack-version"),
            "enforcement": {"required-tags": "mandatory"},
            "config": {"max-resources": {"maxResources": 200}},
        }
    ],
    drift_schedule={"cron": "30 2 * * *", "auto_remediate": False},
    failure_webhook={"url": f"https://hooks.example.com/{team}", "format": "slack"},
)

pulumi.export("group", guardrails.group_name)
pulumi.export("stacks", guardrails.stacks)
pulumi.export("drift_schedules", guardrails.schedule_ids)
pulumi.export("failure_webhooks", guardrails.webhook_ids)
