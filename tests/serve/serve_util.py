"""Helpers for the end-to-end tests of `meetlat serve`: start the service on a free port with a
temporary decision log, talk to it over HTTP (stdlib only), stop it."""
import http.client
import json
import re
import subprocess
import threading
import time

START_TIMEOUT = 120  # seconds; sanitizer builds on a busy machine start slowly


class Server:
    def __init__(self, meetlat, db, *args, env=None):
        self.cmd = [meetlat, "serve", "--port", "0", "--db", str(db), *args]
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, env=env)
        self.lines = []
        self.url = None
        ready = threading.Event()

        def drain():
            for line in self.proc.stderr:
                self.lines.append(line)
                m = re.search(r"luistert op (http://\S+)", line)
                if m:
                    self.url = m.group(1)
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=drain, daemon=True)
        self.reader.start()
        if not ready.wait(START_TIMEOUT) or self.url is None:
            self.proc.kill()
            raise AssertionError("meetlat serve did not start:\n" + "".join(self.lines))

    def stderr(self):
        return "".join(self.lines)

    def stop(self, timeout=60):
        """SIGTERM, and the exit status (a graceful stop exits 0)."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            return self.proc.wait(timeout)
        finally:
            self.reader.join(5)

    def kill(self):
        self.proc.kill()
        self.proc.wait(30)
        self.reader.join(5)

    def request(self, method, path, body=None, headers=None, timeout=120):
        """(status, headers, parsed JSON or text). http.client rather than urllib.request:
        urllib would add a Content-Type to every body, and the service's sniffing of a body
        without one is under test."""
        m = re.match(r"http://([^:/]+):(\d+)", self.url)
        conn = http.client.HTTPConnection(m.group(1), int(m.group(2)), timeout=timeout)
        try:
            data = body.encode() if isinstance(body, str) else body
            if method == "POST" and data is None:
                data = b""
            conn.request(method, path, body=data, headers=headers or {})
            r = conn.getresponse()
            status, hdrs, raw = r.status, r.headers, r.read()
        finally:
            conn.close()
        ctype = hdrs.get("Content-Type", "")
        if ctype.startswith("application/json"):
            return status, hdrs, json.loads(raw)
        return status, hdrs, raw.decode("utf-8", "replace")


def wait_until(predicate, timeout=60, interval=0.1):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(interval)
    return False
