"""Several app servers behind one nginx, for a class larger than one Streamlit process serves well.

    .venv/bin/python scripts/replicas.py [-n 2] [--port 8080] [--host 127.0.0.1] [--workdir DIR]
                                         [--cookie-secret S] [--nginx /usr/sbin/nginx] [--timeout 120]

Starts ``-n`` copies of ``streamlit run app.py`` (through ``python -m ui.serve``, which adds ui/failover.py) on free loopback ports and Debian's nginx in front of
them on ``--host:--port`` (``--port 0``: a free port), waits until every replica and nginx answer
``/_stcore/health``, prints the address and keeps running; Ctrl+C or SIGTERM stops nginx, then the
replicas, and exits. ``bash scripts/install.sh test`` installs nginx.

Why each piece is there:
- Affinity by cookie. A learner's Streamlit session (widget state, the drill's progress, files offered
  for download) lives in the memory of the replica that holds its websocket, so every request of one
  learner must reach one replica. ``ip_hash`` would send every learner behind one address (loopback, a
  school's NAT) to one replica, and open-source nginx has no ``sticky``: nginx hashes a cookie instead
  (``hash ... consistent``), and on a learner's first request, which has none, hashes the request's id
  and sets the cookie to it, so the second request lands where the first did.
- One ``server.cookieSecret`` for all replicas (``--cookie-secret``, else $TDL_COOKIE_SECRET, else one
  generated per run): Streamlit signs its cookies with it, and a cookie signed by one replica must
  verify on another after a failover. It reaches the replicas through their environment, which other
  users cannot read, not their command line, which ``ps`` shows to everyone.
- Failover. A replica that refuses a connection is skipped (``proxy_next_upstream``) and left alone
  for a while (``max_fails``/``fail_timeout``); consistent hashing moves only its learners, to the next
  replica on the ring. They lose their session state, not their lesson: its settings are in the
  address, and a reload opens it there as it was (the browser reconnects by itself, but the new
  replica ignores the lesson's controls until that reload: README, "Deployment").
- Every response names the replica that answered in ``X-Replica`` (r1, r2, ...), and the access log
  names it too, so a teacher or a test can see where a learner went.

The working directory (default: a new folder under the system's temporary directory) holds
``nginx.conf``, nginx's pid, temp and log files (nginx runs as the user who started the script and
needs nothing in /etc/nginx or /var/log/nginx, so no root), one log per replica under ``logs/``, and, once everything answers,
``state.json``: the address, each replica's name, port and process id (stop one with
``kill -TERM -<pid>`` to watch its learners move). It is kept after the run, for the logs.
"""
from __future__ import annotations

import argparse
import grp
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COOKIE = "tdl_replica"  # the affinity cookie nginx sets and hashes
STATE = "state.json"
# A websocket carries a learner's whole lesson. Streamlit pings it every 30 s, but a replica whose event
# loop is held up by a long computation may stay silent longer; an hour without a byte is a closed tab.
WS_TIMEOUT_S = 3600
# Matches Streamlit's default server.maxUploadSize (200 MB); nginx's own default of 1 MB would refuse
# larger uploads before the app could.
MAX_BODY = "200m"


def find_nginx(given: str | None) -> str:
    """The nginx binary: --nginx, else PATH, else /usr/sbin/nginx (not on an ordinary user's PATH)."""
    for candidate in (given, shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("nginx not found: `bash scripts/install.sh test` installs Debian's package, "
             "or pass --nginx PATH")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def nginx_conf(work: Path, host: str, port: int, replicas: dict[str, int]) -> str:
    """nginx.conf for one run: everything it writes stays in ``work``."""
    # As root, nginx would hand its workers to the compiled-in user (www-data), who cannot write the
    # temp folders of this run; the workers keep the user who started the script instead. Unprivileged,
    # nginx ignores the directive with a warning, so it is left out then.
    user = ""
    if os.geteuid() == 0:
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in replicas.values()
    )
    # $upstream_addr lists every replica tried ("127.0.0.1:A, 127.0.0.1:B" after a failover): the last
    # one answered.
    names = "\n".join(
        f"        ~(^|\\s)127\\.0\\.0\\.1:{p}$ {name};" for name, p in replicas.items()
    )
    temp = work / "temp"
    logs = work / "logs"
    return f"""\
# Written by scripts/replicas.py for one run; rewritten on the next.
# In the foreground (daemon off): the script starts, watches and stops nginx like its replicas.
daemon off;
master_process on;
worker_processes 1;
{user}
pid {work}/nginx.pid;
error_log {logs}/nginx-error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    # Debian's compiled-in paths (/var/lib/nginx, /var/log/nginx) need root: this run's own folders.
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;

    log_format replicas '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                        'replica=$tdl_replica upstream="$upstream_addr" key=$tdl_key rt=$request_time';
    access_log {logs}/nginx-access.log replicas;

    # The affinity key: the learner's cookie, or on first contact this request's id, which the
    # response then sets as the cookie, so that the next request hashes to the same replica.
    map $cookie_{COOKIE} $tdl_key {{
        ""      $request_id;
        default $cookie_{COOKIE};
    }}
    map $cookie_{COOKIE} $tdl_set_cookie {{
        ""      "{COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    map $upstream_addr $tdl_replica {{
        default "-";
{names}
    }}
    # Streamlit's /_stcore/stream is a websocket: pass the upgrade on, close other connections.
    map $http_upgrade $tdl_connection {{
        default upgrade;
        ""      close;
    }}

    upstream tdl_app {{
        # ip_hash would put every learner behind one address on one replica; hash the cookie instead.
        # "consistent": when a replica leaves, only its own learners move.
        hash $tdl_key consistent;
        # On loopback, one refused connection means the replica is down: skip it for 10 s, then try
        # it again with one request (which fails over at once if it is still down).
{servers}
    }}

    server {{
        listen {f"[{host}]" if ":" in host else host}:{port};
        client_max_body_size {MAX_BODY};

        location / {{
            proxy_pass http://tdl_app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $tdl_connection;
            # With its port: Streamlit accepts a websocket only when its Origin names the same host
            # and port as Host.
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A replica that is down refuses at once; one that hangs is given 2 s before the next.
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout;
            proxy_read_timeout {WS_TIMEOUT_S}s;
            proxy_send_timeout {WS_TIMEOUT_S}s;
            add_header X-Replica $tdl_replica always;
            # Empty (so not sent) when the learner already has the cookie.
            add_header Set-Cookie $tdl_set_cookie always;
        }}
    }}
}}
"""


def _child_setup() -> None:
    """In each child: a session of its own, so Ctrl+C in the terminal reaches only this script, which
    then stops nginx before the replicas; and on Linux, SIGTERM when this script dies, even by SIGKILL,
    so no replica outlives it."""
    os.setsid()
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with open(log, "wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, env=env, preexec_fn=_child_setup)


# Straight to the address: an http_proxy in the environment must not carry loopback health checks away.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def healthy(url: str) -> bool:
    try:
        with _DIRECT.open(f"{url}/_stcore/health", timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the child's process group (Streamlit may have children of its own), wait, then SIGKILL what is
    left of the group (tests/browser/browser_helpers.py stops its servers with this too)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            pass
    # The group may outlive its leader (a child it started): kill whatever is left.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.wait(timeout=timeout)


class Stop(Exception):
    """Raised by the SIGINT/SIGTERM handler, so that start-up and the watch loop end the same way."""


def _on_signal(signum, _frame):
    raise Stop(signal.Signals(signum).name)


def log_tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--replicas", type=int, default=2, help="app servers to start (default 2)")
    ap.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080; 0: a free one)")
    ap.add_argument("--host", default="127.0.0.1",
                    help="nginx's address (default 127.0.0.1; 0.0.0.0 serves other machines, a classroom)")
    ap.add_argument("--workdir", type=Path, help="folder for nginx.conf, pid, temp and log files "
                    "(default: a new one under the system's temporary directory)")
    ap.add_argument("--cookie-secret", default=os.environ.get("TDL_COOKIE_SECRET"),
                    help="server.cookieSecret shared by every replica (default: $TDL_COOKIE_SECRET, "
                         "else one generated for this run)")
    ap.add_argument("--nginx", help="the nginx binary (default: PATH, then /usr/sbin/nginx)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds to wait for every replica and nginx to answer (default 120)")
    args = ap.parse_args(argv)
    if args.replicas < 1:
        ap.error("-n must be at least 1")

    nginx = find_nginx(args.nginx)
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="tdl-replicas-"))).resolve()
    # Two runs in one folder would share nginx's pid and temp files, and the first to stop would delete
    # the other's state file: refuse while the folder's nginx is alive.
    try:
        os.kill(int((work / "nginx.pid").read_text()), 0)
        sys.exit(f"{work} belongs to a running set (its nginx.pid is alive): stop it or choose another --workdir")
    except (OSError, ValueError):
        pass
    for sub in ("logs", "temp"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    (work / STATE).unlink(missing_ok=True)  # a state file only ever describes a running set
    port = args.port or free_port()  # --port 0: a port free on loopback, which nginx then takes on --host
    ports: dict[str, int] = {}
    while len(ports) < args.replicas:  # distinct free ports (the OS may hand one out twice)
        p = free_port()
        if p not in ports.values() and p != port:
            ports[f"r{len(ports) + 1}"] = p
    conf = work / "nginx.conf"
    conf.write_text(nginx_conf(work, args.host, port, ports))
    nginx_cmd = [nginx, "-p", str(work), "-c", str(conf), "-e", str(work / "logs" / "nginx-error.log")]
    # Check the configuration before starting anything: a mistake then costs no replica start-up.
    check = subprocess.run([*nginx_cmd, "-t", "-q"], capture_output=True, text=True)
    if check.returncode:
        sys.exit(f"nginx rejects {conf}:\n{check.stderr}")

    secret = args.cookie_secret or secrets.token_hex(32)
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret}
    procs: dict[str, subprocess.Popen] = {}
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    code = 0
    try:
        for name, p in ports.items():
            procs[name] = spawn(
                [sys.executable, "-m", "ui.serve", "run", "app.py", "--server.port", str(p),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                work / "logs" / f"{name}.log", env,
            )
        procs["nginx"] = spawn(nginx_cmd, work / "logs" / "nginx-stderr.log")

        # The address to print and check: loopback when nginx listens on every interface.
        local = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(args.host, args.host)
        if ":" in local and not local.startswith("["):
            local = f"[{local}]"
        url = f"http://{local}:{port}"
        pending = {name: f"http://127.0.0.1:{p}" for name, p in ports.items()}
        deadline = time.monotonic() + args.timeout
        while True:  # every replica directly, then nginx once they all answer
            for name, proc in procs.items():
                if proc.poll() is not None:
                    log = work / "logs" / (f"{name}.log" if name != "nginx" else "nginx-error.log")
                    raise RuntimeError(f"{name} exited with code {proc.returncode} during start-up; "
                                       f"{log}:\n{log_tail(log)}")
            pending = {name: u for name, u in pending.items() if not healthy(u)}
            if not pending and healthy(url):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer from {', '.join(pending) or 'nginx'} within "
                                   f"{args.timeout:.0f} s; logs in {work / 'logs'}")
            time.sleep(0.2)

        state = {
            "url": url,
            "workdir": str(work),
            "cookie": COOKIE,
            "nginx": {"pid": procs["nginx"].pid, "port": port},
            "replicas": {name: {"port": p, "pid": procs[name].pid} for name, p in ports.items()},
        }
        tmp = work / (STATE + ".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        tmp.replace(work / STATE)  # whole or absent: a reader never sees half a file
        print(f"[replicas] {len(ports)} replicas behind nginx: open {url}/", flush=True)
        if args.host in ("0.0.0.0", "::"):
            print(f"[replicas] nginx listens on {args.host}:{port}: other machines use this machine's address",
                  flush=True)
        for name, p in ports.items():
            print(f"[replicas]   {name}: http://127.0.0.1:{p} (pid {procs[name].pid}, log "
                  f"{work / 'logs' / (name + '.log')})", flush=True)
        print(f"[replicas] working directory {work}; Ctrl+C stops everything", flush=True)

        gone: set[str] = set()
        while True:
            if procs["nginx"].poll() is not None:
                raise RuntimeError(f"nginx exited with code {procs['nginx'].returncode}:\n"
                                   f"{log_tail(work / 'logs' / 'nginx-error.log')}")
            for name in ports:
                if name not in gone and procs[name].poll() is not None:
                    gone.add(name)
                    # Not fatal: nginx already sends this replica's learners to the others.
                    print(f"[replicas] {name} exited (code {procs[name].returncode}); its learners "
                          f"move to the other replicas", flush=True)
            if len(gone) == len(ports):
                raise RuntimeError("every replica has exited")
            time.sleep(0.5)
    except Stop as why:
        print(f"[replicas] {why}: stopping", flush=True)
    except RuntimeError as e:
        print(f"[replicas] {e}", file=sys.stderr, flush=True)
        code = 1
    finally:
        # A second Ctrl+C must not cut the clean-up short: every stop below is bounded anyway.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        (work / STATE).unlink(missing_ok=True)
        # nginx first, so no learner is sent to a replica that is going away.
        for name in ["nginx", *ports]:
            if name in procs:
                stop(procs[name])
        print("[replicas] stopped", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
