"""One module per API area; each exposes ``router`` (see ``pulumi_governance.emulator``)."""
