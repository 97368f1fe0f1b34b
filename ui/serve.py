"""``python -m ui.serve run app.py [streamlit options]``: ``streamlit run`` with ui/failover.py installed before the
server starts, for a server behind a load balancer (scripts/replicas.py, the README's Kubernetes example).

The plain ``streamlit run app.py`` installs it too, but only when app.py first runs in that process: a replica
no learner has opened yet would still drop the first control a learner moved there after a failover.
"""
from __future__ import annotations

import sys

from streamlit.web import cli

from ui import failover


def main() -> None:
    failover.install()
    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
