"""Chat robots: reports cut into messages each robot accepts (size, shape, nothing lost) and
posted in order to a local webhook that can be scripted to fail, throttle or refuse."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopscore.errors import ShopscoreError
from shopscore.report.robots import KINDS, LIMITS, messages, post, safe_url

OK = (200, {}, {"errcode": 0, "errmsg": "ok"})
KEY = "3f2a9c1e-SECRET-KEY-77b0"


@dataclass
class Robot:
    """A local webhook: records every request, answers from ``script`` then with OK."""

    url: str
    bodies: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    script: list[tuple[int, dict[str, str], Any]] = field(default_factory=list)

    def received(self) -> list[Any]:
        return [json.loads(b.decode("utf-8")) for b in self.bodies]


@pytest.fixture
def robot() -> Iterator[Robot]:
    state = Robot(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state.bodies.append(body)
                state.headers.append(dict(self.headers))
                status, headers, answer = state.script.pop(0) if state.script else OK
            data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key={KEY}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def no_sleep(seconds: float) -> None:
    pass


def shop_block(i: int, size: int = 600) -> str:
    """A shop's Markdown text of about ``size`` bytes of Chinese."""
    head = f"## 店铺{i:02d} — 商家体验分\n\n- 体验分: **4.{i % 10}** / 5\n"
    body = []
    while len((head + "\n".join(body)).encode()) < size:
        body.append(f"- 商品体验 {i}-{len(body)}: 差评率偏高，请关注售后响应")
    return head + "\n".join(body)


def texts(payloads: list[dict[str, Any]], kind: str) -> list[str]:
    if kind == "feishu":
        return ["\n".join(p[0]["text"] for p in m["content"]["post"]["zh_cn"]["content"]) for m in payloads]
    return [m["markdown"]["content" if kind == "wecom" else "text"] for m in payloads]


# --- messages -----------------------------------------------------------------------------------


def test_forty_shops_fill_few_wecom_messages_in_order() -> None:
    blocks = ["# 40 家店铺体验分 2026-10-01"] + [shop_block(i) for i in range(40)]
    out = messages(blocks, "wecom", "体验分")
    sizes = [len(t.encode()) for t in texts(out, "wecom")]
    assert all(s <= 4096 for s in sizes)
    assert len(out) == pytest.approx(sum(sizes) / 4096, abs=2)  # packed, not one per shop
    assert all(m == {"msgtype": "markdown", "markdown": {"content": m["markdown"]["content"]}} for m in out)
    whole = "\n\n".join(texts(out, "wecom"))
    at = 0
    for block in blocks:
        found = whole.find(block, at)
        assert found >= 0, block[:20]
        at = found + len(block)


def test_a_long_line_is_cut_between_characters() -> None:
    block = "体验分😀差评" * 700  # ≈ 12 KB, no line break; 3- and 4-byte characters
    out = messages([block], "wecom", "t")
    parts = texts(out, "wecom")
    assert len(parts) == 4
    for part in parts:
        raw = part.encode("utf-8")
        assert len(raw) <= 4096
        assert raw.decode("utf-8") == part
    assert "".join(parts) == block


def test_a_big_block_is_split_at_line_boundaries() -> None:
    block = shop_block(1, size=10_000)
    parts = texts(messages(["总览", block, "尾"], "wecom", "t"), "wecom")
    assert parts[0] == "总览"  # the big block starts its own message
    lines = set(block.split("\n"))
    assert all(line in lines for part in parts[1:] for line in part.split("\n") if line and line != "尾")
    assert "\n".join(parts[1:]) == block + "\n\n尾"


TABLE = "## 店铺A\n\n| 指标 | 值 |\n|---|:---:|\n| 差评率 | 1.2% |\n| 品退率 \\| 近30天 | 0.8% |\n"


def test_dingtalk_shape_and_tables_as_lines() -> None:
    (m,) = messages([TABLE, shop_block(2)], "dingtalk", "抖店体验分 " + "很长的标题" * 20)
    assert m["msgtype"] == "markdown"
    assert set(m["markdown"]) == {"title", "text"}
    assert len(m["markdown"]["title"]) <= 60
    text = m["markdown"]["text"]
    assert not any(line.lstrip().startswith("|") for line in text.split("\n"))
    assert "指标 · 值\n差评率 · 1.2%\n品退率 | 近30天 · 0.8%" in text
    assert "---" not in text


def test_feishu_post_shape_plain_text() -> None:
    (m,) = messages([TABLE, shop_block(3)], "feishu", "抖店体验分")
    assert m["msg_type"] == "post"
    post_ = m["content"]["post"]["zh_cn"]
    assert post_["title"] == "抖店体验分"
    lines = [p[0]["text"] for p in post_["content"]]
    assert all(p == [{"tag": "text", "text": p[0]["text"]}] for p in post_["content"])
    assert lines[:2] == ["店铺A", ""]
    assert "差评率 · 1.2%" in lines
    assert "店铺03 — 商家体验分" in lines and "- 体验分: 4.3 / 5" in lines
    assert not any("**" in x or x.startswith(("#", "|")) for x in lines)


def compact(value: Any) -> int:
    """Bytes of ``value`` as the robot receives it."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def test_feishu_and_dingtalk_limits() -> None:
    blocks = [shop_block(i, 3000) for i in range(30)]
    for kind in ("dingtalk", "feishu"):
        out = messages(blocks, kind, "t")
        assert 1 < len(out) < 30
        assert all(compact(m) <= LIMITS[kind] + 200 for m in out)
    # 飞书: short lines and JSON escapes weigh more than their text
    escapes = messages(["\n".join(['"\\"'] * 9000), '"\\' * 9000], "feishu", "t")
    assert all(compact(m) <= LIMITS["feishu"] + 200 for m in escapes)
    assert messages([], "feishu", "t") == []
    with pytest.raises(ShopscoreError):
        messages(["x"], "slack", "t")


#: big blocks, cheaply (hypothesis is slow to draw long texts): 飞书 escapes, long lines, many short lines
REPEATED = st.tuples(st.text(st.sampled_from('体a"\\\n😀'), min_size=1, max_size=30), st.integers(1, 3000))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(st.characters(codec="utf-8", exclude_characters="\r|*#"), max_size=6000)
        | REPEATED.map(lambda t: t[0] * t[1]),
        max_size=8,
    ),
    st.sampled_from(KINDS),
)
def test_nothing_lost_nothing_too_big(blocks: list[str], kind: str) -> None:
    out = messages(blocks, kind, "t")
    parts = texts(out, kind)
    for m, part in zip(out, parts, strict=True):
        if kind == "feishu":  # the JSON of the post's lines ("[" and "]" aside) is measured
            assert compact(m["content"]["post"]["zh_cn"]["content"]) <= LIMITS[kind] + 2
        else:
            assert len(part.encode()) <= LIMITS[kind]
    assert "".join(parts).replace("\n", "") == "".join(blocks).replace("\n", "")


# --- post ---------------------------------------------------------------------------------------


def test_every_message_arrives_in_order(robot: Robot) -> None:
    payloads = messages([shop_block(i) for i in range(40)], "wecom", "t")
    assert post(robot.url, payloads, "wecom", sleep=no_sleep) == len(payloads) > 1
    assert robot.received() == payloads
    assert all(h["Content-Type"].startswith("application/json") for h in robot.headers)
    assert all(b.decode("utf-8") for b in robot.bodies)


def test_retries_after_429_and_500(robot: Robot) -> None:
    robot.script = [(429, {"Retry-After": "3"}, {}), (500, {}, b"oops"), (200, {}, {"errcode": 45009})]
    waits: list[float] = []
    payload = messages(["店铺"], "wecom", "t")
    assert post(robot.url, payload, "wecom", sleep=waits.append) == 1
    assert waits == [3.0, 1.0, 2.0]  # Retry-After, then backoff 0.5·2^attempt
    assert robot.received() == payload * 4


def test_gives_up_after_retries(robot: Robot) -> None:
    robot.script = [(503, {}, {})] * 3
    with pytest.raises(ShopscoreError) as e:
        post(robot.url, messages(["a"], "dingtalk", "t"), "dingtalk", retries=2, sleep=no_sleep)
    assert "message 1 of 1 after 3 tries: HTTP 503" in str(e.value)
    assert KEY not in str(e.value) and "key=" not in str(e.value)
    assert len(robot.bodies) == 3


def test_a_refusal_names_the_message_not_the_key(robot: Robot) -> None:
    robot.script = [OK, (200, {}, {"errcode": 93000, "errmsg": f"invalid webhook url, key={KEY}"})]
    payloads = messages([shop_block(i, 3000) for i in range(3)], "wecom", "t")
    with pytest.raises(ShopscoreError) as e:
        post(robot.url, payloads, "wecom", sleep=no_sleep)
    msg = str(e.value)
    assert msg.startswith(
        "--post: the wecom robot refused message 2 of 3: errcode 93000 (invalid webhook url"
    )
    assert KEY not in msg and "\n" not in msg
    assert len(robot.bodies) == 2  # no retry, nothing after it


def test_feishu_refusal_and_token_in_path(robot: Robot) -> None:
    url = robot.url.split("?")[0].replace("/cgi-bin/webhook/send", f"/open-apis/bot/v2/hook/{KEY}")
    robot.script = [(200, {}, {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})]
    with pytest.raises(ShopscoreError, match=r"refused message 1 of 1: errcode 19001 \(param invalid") as e:
        post(url, messages(["a"], "feishu", "t"), "feishu", sleep=no_sleep)
    assert KEY not in str(e.value)
    assert KEY not in safe_url(url) and safe_url(url).endswith("/hook/…")


def test_a_client_error_is_not_retried(robot: Robot) -> None:
    robot.script = [(404, {}, {})]
    with pytest.raises(ShopscoreError, match="answered HTTP 404 to message 1 of 1") as e:
        post(robot.url, messages(["a"], "wecom", "t"), "wecom", sleep=no_sleep)
    assert KEY not in str(e.value)
    assert len(robot.bodies) == 1


def test_network_error_is_retried_then_reported() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    waits: list[float] = []
    with pytest.raises(ShopscoreError, match="after 3 tries") as e:
        post(
            f"http://127.0.0.1:{port}/send?access_token={KEY}",
            [{}],
            "dingtalk",
            retries=2,
            sleep=waits.append,
        )
    assert waits == [0.5, 1.0]
    assert KEY not in str(e.value)


@pytest.mark.parametrize("url", ["ftp://example.com/send?key=" + KEY, "file:///etc/passwd", "example.com/x"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(ShopscoreError, match="http:// or https://") as e:
        post(url, [{}], "wecom", sleep=no_sleep)
    assert KEY not in str(e.value)
