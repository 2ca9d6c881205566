"""``python -m pulumi_governance.emulator``: serve the emulator until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

import uvicorn

from .app import create_app
from .deps import Settings
from .faults import DroppableH11Protocol, FaultConfig, Faults
from .stacks.models import create_stack, parse_stack_ref, set_tag
from .store import Store


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pulumi_governance.emulator", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--db", help="SQLite file (in memory when omitted)")
    p.add_argument("--org", action="append", default=[], help="org name; pairs with --token")
    p.add_argument("--token", action="append", default=[], help="admin token of the matching --org")
    p.add_argument("--stack", action="append", default=[], help="seed ORG/PROJECT/STACK")
    p.add_argument("--stack-tag", action="append", default=[], help="ORG/PROJECT/STACK=KEY=VALUE")
    p.add_argument("--user", default="emulator-admin", help="login of the admin tokens' user")
    p.add_argument("--page-size", type=int, default=100)
    p.add_argument("--fault-429-rate", type=float, default=0.0)
    p.add_argument("--fault-5xx-rate", type=float, default=0.0)
    p.add_argument("--fault-latency-ms", type=int, default=0)
    p.add_argument("--fault-drop-after-commit-rate", type=float, default=0.0)
    p.add_argument("--fault-seed", type=int, default=None)
    p.add_argument("--rate-limit-per-token", type=float, default=0.0, help="requests/second")
    p.add_argument("--log-level", default="warning")
    return p


def seed(store: Store, args: argparse.Namespace) -> None:
    if len(args.org) != len(args.token):
        raise SystemExit("--org and --token must come in pairs")
    with store.tx() as tx:
        for org, token in zip(args.org, args.token, strict=True):
            tx.ensure_org(org)
            tx.register_token(org, token, token_id=f"admin:{org}", kind="admin")
        for ref in args.stack:
            org, project, stack = parse_stack_ref(ref)
            tx.ensure_org(org)
            if tx.get("stack", org, f"{project}/{stack}") is None:
                create_stack(tx, org, project, stack, {})
        for spec in args.stack_tag:
            ref, _, kv = spec.partition("=")
            key, sep, value = kv.partition("=")
            if not sep:
                raise SystemExit(f"--stack-tag {spec!r}: expected ORG/PROJECT/STACK=KEY=VALUE")
            org, project, stack = parse_stack_ref(ref)
            if tx.get("stack", org, f"{project}/{stack}") is None:
                raise SystemExit(f"--stack-tag {spec!r}: unknown stack")
            set_tag(tx, org, project, stack, key, value)


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self._url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        print(f"Pulumi Cloud emulator listening on {self._url}", flush=True)

    def handle_exit(self, sig: int, frame: Any) -> None:
        super().handle_exit(sig, frame)
        # uvicorn re-raises the signal after shutting down; SIGTERM is our normal stop: exit 0.
        self._captured_signals.clear()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    faults = Faults(
        FaultConfig(
            rate_429=args.fault_429_rate,
            rate_5xx=args.fault_5xx_rate,
            latency_ms=args.fault_latency_ms,
            drop_after_commit_rate=args.fault_drop_after_commit_rate,
            rate_limit_per_token=args.rate_limit_per_token,
            seed=args.fault_seed,
        )
    )
    store = Store(args.db)
    seed(store, args)
    app = create_app(store, faults, Settings(page_size=args.page_size, user_login=args.user))

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # Lets a restarted emulator take the same port while old connections sit in TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(128)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    config: Any = uvicorn.Config(
        app, http=DroppableH11Protocol, log_level=args.log_level, access_log=False, lifespan="off"
    )
    try:
        _Server(config, f"http://{host}:{port}").run(sockets=[sock])
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
