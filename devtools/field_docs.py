"""Print the `Args:` docstring section of resource kinds, rendered from their field tables.

python -m devtools.field_docs PolicyGroup PolicyPack   # no names: every kind
"""

from __future__ import annotations

import sys
import textwrap

from pulumi_governance.logic import KINDS
from pulumi_governance.logic.docs import args_section


def main(names: list[str]) -> None:
    for name in names or sorted(KINDS):
        print(f"{name}:\n{textwrap.indent(args_section(KINDS[name].fields), ' ' * 8)}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
