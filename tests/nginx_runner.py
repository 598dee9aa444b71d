"""Debian's nginx with deploy/nginx.conf, its upstreams and port rewritten for this machine.

Only addresses are rewritten (the compose service names and port 80); every directive the
production file has is checked and run as it is. `make nginx` installs nginx.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot import settings
from bot.serve import free_port

DEPLOY = settings.ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
IN_CONTAINER = "/etc/nginx/nginx-locations.conf"


def nginx_available() -> bool:
    return Path(NGINX).exists()


def _replace(text: str, old: str, new: str, count: int) -> str:
    found = text.count(old)
    if found != count:  # the production file changed shape: the rewrite must follow it
        raise AssertionError(f"expected {count} x {old!r} in deploy/, found {found}")
    return text.replace(old, new)


def render(folder: Path, upstream: str, listen: str, tls_example: bool = False) -> Path:
    """deploy/nginx.conf (+ locations) in `folder`, upstreams -> `upstream`, port 80 -> `listen`.

    With tls_example, nginx-tls.conf.example replaces the port-80 server, with a self-signed
    certificate made here for chat.example.com.
    """
    folder.mkdir(parents=True, exist_ok=True)
    locations = folder / "nginx-locations.conf"
    shutil.copyfile(DEPLOY / "nginx-locations.conf", locations)
    conf = (DEPLOY / "nginx.conf").read_text()
    conf = _replace(conf, "rasa-1:5005", upstream, 2)
    conf = _replace(conf, "rasa-2:5005", upstream, 2)
    server = f"  server {{\n    listen 80;\n    include {IN_CONTAINER};\n  }}\n"
    if tls_example:
        tls = (DEPLOY / "nginx-tls.conf.example").read_text()
        live = "/etc/letsencrypt/live/chat.example.com"
        key, cert = str(folder / "privkey.pem"), str(folder / "fullchain.pem")
        openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        subprocess.run(
            [*openssl, "-subj", "/CN=chat.example.com", "-keyout", key, "-out", cert],
            check=True,
            capture_output=True,
            timeout=60,
        )
        tls = _replace(tls, live, str(folder), 2)
        tls = _replace(tls, "listen 80;", f"listen {listen};", 1)
        tls = _replace(tls, "listen 443 ssl", f"listen 127.0.0.1:{free_port()} ssl", 1)
        (folder / "nginx-tls.conf").write_text(tls.replace(IN_CONTAINER, str(locations)))
        conf = _replace(conf, server, f"  include {folder / 'nginx-tls.conf'};\n", 1)
    else:
        conf = _replace(conf, server, server.replace("listen 80;", f"listen {listen};"), 1)
    conf = _replace(conf, IN_CONTAINER, str(locations), 1 if not tls_example else 0)
    path = folder / "nginx.conf"
    path.write_text(conf)
    return path


def _args(conf: Path) -> list[str]:
    pid = conf.parent / "nginx.pid"
    return [NGINX, "-p", str(conf.parent), "-c", str(conf), "-g", f"pid {pid}; daemon off;"]


def check(conf: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on the rendered file."""
    return subprocess.run([*_args(conf), "-t"], capture_output=True, text=True, timeout=60)


@contextmanager
def running(folder: Path, upstream: str) -> Iterator[str]:
    """nginx in front of `upstream` (host:port) until the block ends; yields its base URL."""
    port = free_port()
    conf = render(folder, upstream, f"127.0.0.1:{port}")
    log = open(folder / "nginx.log", "wb")
    proc = subprocess.Popen(_args(conf), stdout=log, stderr=subprocess.STDOUT)
    try:
        import requests

        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/nginx-health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {(folder / 'nginx.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
