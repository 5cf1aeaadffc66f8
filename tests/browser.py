"""Load a page in headless Chromium and report what happened, over the DevTools protocol.

Chromium is driven through ``--remote-debugging-pipe`` (JSON messages separated by NUL bytes
on file descriptors 3 and 4), so no websocket or browser-automation package is needed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    """The path of a Chromium-family browser, from $CHROMIUM or the PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named)
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


@dataclass
class PageVisit:
    """What loading a page did: console messages, uncaught errors, requests, evaluations."""

    console: list[dict] = field(default_factory=list)  # Runtime.consoleAPICalled + Log entries
    exceptions: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    screenshot: bytes = b""

    @property
    def errors(self) -> list[str]:
        found = [json.dumps(e) for e in self.exceptions]
        for entry in self.console:
            level = entry.get("type") or entry.get("level")
            if level in ("error", "assert"):
                found.append(json.dumps(entry))
        return found


class _Pipe:
    def __init__(self, browser: str, profile: str, width: int, height: int):
        to_browser_r, self._write = os.pipe()
        self._read, from_browser_w = os.pipe()
        self.process = subprocess.Popen(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=lambda: (os.dup2(to_browser_r, 3), os.dup2(from_browser_w, 4)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._id = 0
        self.events: list[dict] = []

    def send(self, method: str, session: str | None = None, **params: object) -> dict:
        self._id += 1
        message: dict = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._next()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._next()
            self.events.append(event)
            if event.get("method") == method:
                return event

    def _next(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._write)
        os.close(self._read)


def visit(
    page: Path,
    *,
    evaluate: dict[str, str],
    width: int = 1280,
    height: int = 900,
    shot_height: int | None = None,
) -> PageVisit:
    """Open ``page`` (a file) in headless Chromium; evaluate each JavaScript expression of
    ``evaluate`` after load; capture a screenshot of the page's top ``shot_height`` pixels
    (default: the whole page)."""
    browser = find_chromium()
    if browser is None:
        raise RuntimeError("no Chromium found")
    with tempfile.TemporaryDirectory() as profile:
        pipe = _Pipe(browser, profile, width, height)
        try:
            target = pipe.send("Target.createTarget", url="about:blank")["targetId"]
            session = pipe.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                pipe.send(f"{domain}.enable", session)
            pipe.send("Page.navigate", session, url=page.resolve().as_uri())
            pipe.wait_for("Page.loadEventFired")
            result = PageVisit()
            for name, expression in evaluate.items():
                reply = pipe.send("Runtime.evaluate", session, expression=expression,
                                  returnByValue=True)  # fmt: skip
                result.values[name] = reply.get("result", {}).get("value")
            metrics = pipe.send("Page.getLayoutMetrics", session)["cssContentSize"]
            shot = pipe.send(
                "Page.captureScreenshot",
                session,
                format="png",
                captureBeyondViewport=True,
                clip={
                    "x": 0,
                    "y": 0,
                    "width": width,
                    "height": shot_height or metrics["height"],
                    "scale": 1,
                },
            )
            result.screenshot = base64.b64decode(shot["data"])
            for event in pipe.events:
                method, params = event.get("method"), event.get("params", {})
                if method == "Runtime.consoleAPICalled":
                    result.console.append({"type": params.get("type"), "args": params.get("args")})
                elif method == "Log.entryAdded":
                    result.console.append(params.get("entry", {}))
                elif method == "Runtime.exceptionThrown":
                    result.exceptions.append(params.get("exceptionDetails", {}))
                elif method == "Network.requestWillBeSent":
                    result.requests.append(params.get("request", {}).get("url", ""))
            return result
        finally:
            pipe.close()
