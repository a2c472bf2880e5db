"""Chat robots (企业微信, 钉钉, 飞书 group webhooks): a report cut into messages each robot
accepts, and a careful POST of them in order. Only the standard library speaks HTTP here."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from http.client import HTTPException
from typing import Any

from shopscore.errors import ShopscoreError

KINDS = ("wecom", "dingtalk", "feishu")

#: bytes of text one message may carry: 企业微信 markdown content ≤ 4096 UTF-8 bytes; 钉钉
#: markdown text ≤ 20000 bytes (with a margin); 飞书 post ≤ 30 KB a request (for 飞书 the
#: measure is the JSON of the post's lines, escapes and per-line wrapping included)
LIMITS = {"wecom": 4096, "dingtalk": 18000, "feishu": 20000}
#: the longest title (钉钉 notification title, 飞书 post title)
MAX_TITLE = 60
#: robot answers meaning "too fast, try later" (retried like an HTTP 429): 企业微信 45009,
#: 钉钉 130101 (send too fast), 飞书 11232 (frequency limited)
RATE_LIMITED = {"wecom": {45009}, "dingtalk": {130101}, "feishu": {11232}}
#: the longest wait a Retry-After header may ask for (a wrong header must not hang a run)
MAX_RETRY_AFTER = 60.0
#: the longest robot answer read, and the longest errmsg shown
_MAX_ANSWER = 1 << 20
_MAX_ERRMSG = 200

_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_SEPARATOR_CELL = re.compile(r"^:?-+:?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
#: a path segment that looks like a secret (飞书 puts its token in the path: /bot/v2/hook/<uuid>)
_TOKEN_SEGMENT = re.compile(r"^[A-Za-z0-9_.~-]{16,}$")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ShopscoreError(f"--post: unknown robot kind {kind!r}; one of {', '.join(KINDS)}")


# --- messages ---------------------------------------------------------------------------------


def _table_line(line: str) -> str | None:
    """A Markdown table row as a plain ``a · b`` line, None for a separator row (``|---|``),
    the line itself when it is no table row: none of the robots renders tables."""
    m = _TABLE_ROW.match(line)
    if m is None:
        return line
    cells = [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(m.group(1))]
    if all(_SEPARATOR_CELL.match(c) for c in cells if c) and any(cells):
        return None
    return " · ".join(cells)


def _lines(block: str, kind: str) -> list[str]:
    """A block's lines as the robot shows them (tables flattened; plain text for 飞书 posts)."""
    out: list[str] = []
    for raw in block.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n"):
        line = _table_line(raw)
        if line is None:
            continue
        if kind == "feishu":
            line = _HEADING.sub("", line.replace("**", ""))
        out.append(line)
    return out


def _json(value: Any) -> bytes:
    """The compact UTF-8 JSON sent to a robot (the sizes of 飞书 posts are measured in it)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _cost(line: str, kind: str) -> int:
    """Bytes a line takes in a message (the newline joining it to the next one not counted)."""
    if kind == "feishu":
        return len(_json([{"tag": "text", "text": line}]))
    return len(line.encode())


def _cut(line: str, kind: str, limit: int) -> list[str]:
    """A line longer than a message cut into pieces that fit, at character boundaries."""
    pieces: list[str] = []
    rest = line
    while _cost(rest, kind) > limit:
        lo, hi = 1, min(len(rest), limit)  # the longest prefix that fits (a character ≥ 1 byte)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _cost(rest[:mid], kind) <= limit:
                lo = mid
            else:
                hi = mid - 1
        pieces.append(rest[:lo])
        rest = rest[lo:]
    pieces.append(rest)
    return pieces


def _pack(blocks: list[str], kind: str) -> list[list[str]]:
    """Whole blocks into as few messages as fit (a blank line between blocks); a block bigger
    than a message starts a new one and runs on over as many as it needs, split between lines."""
    limit = LIMITS[kind]
    done: list[list[str]] = []
    current: list[str] = []
    size = 0  # cost of current, the newlines between its lines included
    blank = _cost("", kind)

    def add(line: str) -> None:
        nonlocal current, size
        cost = _cost(line, kind)
        if current and size + 1 + cost > limit:
            done.append(current)
            current, size = [], 0
        size += cost + (1 if current else 0)
        current.append(line)

    for block in blocks:
        lines = _lines(block, kind)
        if not lines:
            continue
        whole = sum(_cost(x, kind) for x in lines) + len(lines) - 1
        joined = size + 1 + blank + 1 + whole  # current, a blank line, the block
        if current and joined <= limit:
            current.append("")
            current.extend(lines)
            size = joined
        elif whole <= limit:
            if current:
                done.append(current)
            current, size = list(lines), whole
        else:
            if current:
                done.append(current)
                current, size = [], 0
            for line in lines:
                for piece in _cut(line, kind, limit):
                    add(piece)
    if current:
        done.append(current)
    return done


def _title(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def messages(blocks: list[str], kind: str, title: str) -> list[dict[str, Any]]:
    """The robot payloads carrying ``blocks`` (Markdown, one per shop, in order), packed into
    as few messages as the robot's size limit allows; no text is lost or reordered.

    Tables become ``a · b`` lines (no robot renders them); 飞书 posts are plain text, so their
    ``**`` and heading marks are dropped. An empty list of blocks gives no message."""
    _check_kind(kind)
    head = _title(title)
    out: list[dict[str, Any]] = []
    for lines in _pack(blocks, kind):
        if kind == "wecom":
            out.append({"msgtype": "markdown", "markdown": {"content": "\n".join(lines)}})
        elif kind == "dingtalk":
            out.append({"msgtype": "markdown", "markdown": {"title": head, "text": "\n".join(lines)}})
        else:
            content = [[{"tag": "text", "text": line}] for line in lines]
            out.append(
                {"msg_type": "post", "content": {"post": {"zh_cn": {"title": head, "content": content}}}}
            )
    return out


# --- post -------------------------------------------------------------------------------------


def safe_url(url: str) -> str:
    """``url`` as it may be shown: no query (企业微信 key, 钉钉 access_token), no user info, and
    token-like path segments (飞书 /hook/<token>) hidden."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None:
        host += f":{port}"
    path = "/".join("…" if _TOKEN_SEGMENT.match(s) else s for s in parts.path.split("/"))
    return f"{parts.scheme}://{host}{path}" if parts.scheme else path


def _secrets(url: str) -> list[str]:
    """The parts of ``url`` that must never be shown, longest first."""
    parts = urllib.parse.urlsplit(url)
    found = [parts.query, parts.netloc.rpartition("@")[0], parts.fragment]
    found += [v for _, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    found += [s for s in parts.path.split("/") if _TOKEN_SEGMENT.match(s)]
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def _scrub(text: str, secrets: list[str]) -> str:
    """A text from the network as one short line, with no secret of the URL in it."""
    for s in secrets:
        text = text.replace(s, "…")
    text = " ".join(text.split())
    return text if len(text) <= _MAX_ERRMSG else text[:_MAX_ERRMSG] + "…"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: urllib would resend a POST as a GET and drop the message."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (seconds or an HTTP date), capped."""
    if not value:
        return None
    try:
        wait = float(value.strip())
    except ValueError:
        try:
            wait = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if wait != wait:  # NaN
        return None
    return min(max(wait, 0.0), MAX_RETRY_AFTER)


def _refusal(answer: bytes, kind: str) -> tuple[int, str] | None:
    """The robot's error code and message when its 2xx answer says it refused the message."""
    try:
        data = json.loads(answer.decode("utf-8", "replace"))
    except ValueError:
        return None  # not JSON: nothing says it was refused
    if not isinstance(data, dict):
        return None
    if kind == "feishu":
        code, msg = data.get("code", data.get("StatusCode", 0)), data.get("msg", data.get("StatusMessage"))
    else:
        code, msg = data.get("errcode", 0), data.get("errmsg")
    if code in (0, None, "0"):
        return None
    try:
        number = int(code)
    except (TypeError, ValueError):
        number = -1
    return number, str(msg if msg is not None else "")


def post(
    url: str,
    payloads: list[dict[str, Any]],
    kind: str,
    *,
    timeout: float = 10,
    retries: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST each payload to the robot at ``url`` in order, as UTF-8 JSON, and return how many
    were sent. HTTP 429, 5xx, a network error or a robot's rate-limit answer is retried
    ``retries`` times with exponential backoff (0.5 s, 1, 2…, or what Retry-After says); a
    refusal or another HTTP error stops the run with a one-line :class:`ShopscoreError`
    naming the message (the ones before it were delivered). No message shows the URL's key."""
    _check_kind(kind)
    shown = safe_url(url)
    secrets = _secrets(url)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ShopscoreError(f"--post: the robot URL must start with http:// or https://, not {shown!r}")
    n = len(payloads)
    for i, payload in enumerate(payloads, 1):
        body = _json(payload)
        for attempt in range(retries + 1):
            wait: float | None = None
            problem: str
            request = urllib.request.Request(
                url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
            )
            try:
                with _OPENER.open(request, timeout=timeout) as response:
                    answer = response.read(_MAX_ANSWER)
            except urllib.error.HTTPError as e:
                status = e.code
                e.close()
                if status != 429 and not 500 <= status <= 599:
                    raise ShopscoreError(
                        f"--post: the {kind} robot at {shown} answered HTTP {status} to message {i} of {n}"
                    ) from None
                problem = f"HTTP {status}"
                wait = _retry_after(e.headers.get("Retry-After") if e.headers else None)
            except (urllib.error.URLError, OSError, HTTPException) as e:
                reason = e.reason if isinstance(e, urllib.error.URLError) else e
                problem = _scrub(str(reason) or type(reason).__name__, secrets)
            else:
                refused = _refusal(answer, kind)
                if refused is None:
                    break
                code, errmsg = refused
                if code not in RATE_LIMITED[kind]:
                    raise ShopscoreError(
                        f"--post: the {kind} robot refused message {i} of {n}: "
                        f"errcode {code} ({_scrub(errmsg, secrets)})"
                    )
                problem = f"errcode {code} ({_scrub(errmsg, secrets)})"
            if attempt == retries:
                raise ShopscoreError(
                    f"--post: the {kind} robot at {shown} did not take message {i} of {n} "
                    f"after {retries + 1} tries: {problem}"
                )
            sleep(wait if wait is not None else 0.5 * 2**attempt)
    return n
