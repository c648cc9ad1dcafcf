"""The docs site as a BI user sees it: `make demo` leaves `dbt docs generate`'s output in
target/ (index.html, manifest.json, catalog.json); served over HTTP and opened in headless
Chromium, it renders the models, a model's page, and the lineage graph from the sources to
send_queue. The lineage screenshot is kept in python_tests/artifacts/ (git-ignored).

The docs directory is target/ unless OUTREACH_DOCS_TARGET names another (a docs build of
a scratch database, say). Without Chromium or without the docs this test skips locally,
saying why; under CI=true it fails, since `make test` installs Chromium (.ci/ensure-chromium)
and builds the docs.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zlib
from pathlib import Path

import pytest

import support

DOCS_DIR = Path(os.environ.get("OUTREACH_DOCS_TARGET", support.PROJECT_DIR / "target"))
ARTIFACTS = support.PROJECT_DIR / "python_tests" / "artifacts"
DOCS_FILES = ("index.html", "manifest.json", "catalog.json")
QUEUE = "model.pressure_outreach.send_queue"
MART = "model.pressure_outreach.rpt_slot_fill"
LINEAGE = f"#!/model/{QUEUE}?g_v=1&g_i=%2Bsend_queue"
SOURCE_GREEN = (0x5F, 0xB8, 0x25)  # the docs site's colour of a source node
# Test harness only, served as probe.html next to the untouched index.html: records
# script errors, and once the full-screen lineage graph is drawn writes its nodes and
# edges into a hidden <pre> that --dump-dom prints (the graph itself is a canvas).
ERROR_HOOK = (
    "<script>window.__pytestErrors=[];window.addEventListener('error',"
    "function(e){window.__pytestErrors.push(String(e.message||e));});</script>"
)
GRAPH_PROBE = """<script>
(function () {
  function write(id, value) {
    var pre = document.createElement('pre');
    pre.id = id; pre.style.display = 'none'; pre.textContent = JSON.stringify(value);
    document.body.appendChild(pre);
  }
  function probe() {
    try {
      var graph = angular.element(document.body).injector().get('graph');
      var elements = graph.graph.elements || [];
      if (!elements.length || graph.orientation !== 'fullscreen') { return setTimeout(probe, 250); }
      var out = {errors: window.__pytestErrors, nodes: [], edges: []};
      elements.forEach(function (e) {
        var d = e.data || {};
        if (d.source && d.target) { out.edges.push([d.source, d.target]); } else { out.nodes.push(d.unique_id || d.id); }
      });
      write('pytest-lineage', out);
    } catch (err) { setTimeout(probe, 250); }
  }
  window.addEventListener('load', function () {
    setTimeout(probe, 250);
    setTimeout(function () { write('pytest-errors', window.__pytestErrors); }, 5000);
  });
})();
</script>"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: `make test` must provide it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _unavailable("chromium is not installed; run `bash .ci/ensure-chromium` (or `make browser`)")
    return path


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory):
    """The docs directory served over HTTP (the site fetches its JSON, so file:// fails)."""
    missing = [name for name in DOCS_FILES if not (DOCS_DIR / name).is_file()]
    if missing:
        _unavailable(f"{', '.join(missing)} missing in {DOCS_DIR}; run `make demo` (it runs `dbt docs generate`)")
    site = tmp_path_factory.mktemp("docs_site")
    for name in DOCS_FILES:
        shutil.copyfile(DOCS_DIR / name, site / name)
    index = (site / "index.html").read_text(encoding="utf-8")
    probe = index.replace("<head>", "<head>" + ERROR_HOOK, 1).replace("</body>", GRAPH_PROBE + "</body>", 1)
    (site / "probe.html").write_text(probe, encoding="utf-8")

    served: list[tuple[str, int]] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-"):
            served.append((self.path, int(code) if str(code).isdigit() else 0))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()
        server.server_close()


def _chromium(binary: str, url: str, *extra: str) -> str:
    with tempfile.TemporaryDirectory(prefix="pytest-chromium-") as profile:
        result = subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--window-size=1920,1200",
                "--virtual-time-budget=30000",
                *extra,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _visible_text(dom: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _manifest() -> dict:
    return json.loads((DOCS_DIR / "manifest.json").read_text(encoding="utf-8"))


def _png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, color, interlace = header[8], header[9], header[12]
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up, corner = previous[x], previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def _colour_counts(path: Path) -> tuple[int, int, int]:
    """Pixels in all, pixels of a source node's green, and distinct colours."""
    width, height, rows = _png_pixels(path)
    bpp = len(rows[0]) // width
    green, colours = 0, set()
    for row in rows:
        for x in range(0, len(row), bpp):
            pixel = (row[x], row[x + 1], row[x + 2])
            colours.add(pixel)
            if all(abs(a - b) <= 6 for a, b in zip(pixel, SOURCE_GREEN, strict=True)):
                green += 1
    return width * height, green, len(colours)


def test_docs_generate_output_exists():
    missing = [name for name in DOCS_FILES if not (DOCS_DIR / name).is_file()]
    if missing:
        _unavailable(f"{', '.join(missing)} missing in {DOCS_DIR}; run `make demo`")
    manifest = _manifest()
    catalog = json.loads((DOCS_DIR / "catalog.json").read_text(encoding="utf-8"))
    assert QUEUE in manifest["nodes"] and MART in manifest["nodes"]
    assert QUEUE in catalog["nodes"] and MART in catalog["nodes"], "catalog.json lacks the built tables"


def test_documented_columns_are_the_built_columns():
    """Every column the YAML documents exists in the built relation (a renamed column leaves
    a stale description and a warning on every build), and every column of a built model is
    documented, so the docs site explains all of it."""
    missing = [name for name in DOCS_FILES if not (DOCS_DIR / name).is_file()]
    if missing:
        _unavailable(f"{', '.join(missing)} missing in {DOCS_DIR}; run `make demo`")
    manifest = _manifest()
    catalog = json.loads((DOCS_DIR / "catalog.json").read_text(encoding="utf-8"))["nodes"]
    stale, undocumented = {}, {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed") or unique_id not in catalog:
            continue
        documented = {name.lower() for name in node["columns"]}
        built = {name.lower() for name in catalog[unique_id]["columns"]}
        if documented - built:
            stale[node["name"]] = sorted(documented - built)
        if node["resource_type"] == "model" and built - documented:
            undocumented[node["name"]] = sorted(built - documented)
    assert not stale, f"documented but not built: {stale}"
    assert not undocumented, f"built but not documented: {undocumented}"
    built_models = [
        n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["unique_id"] in catalog
    ]
    assert len(built_models) >= 30, "the catalog should hold every model of the demo build"


def test_model_pages_render_without_errors(chromium, docs_site):
    base, served = docs_site
    manifest = _manifest()
    for node in (QUEUE, MART):
        dom = _chromium(chromium, f"{base}/probe.html#!/model/{node}", "--dump-dom")
        text = _visible_text(dom)
        assert len(text) > 2_000, f"the page of {node} is (nearly) blank"
        name = manifest["nodes"][node]["name"]
        relation = manifest["nodes"][node]["relation_name"].replace('"', "")
        description = manifest["nodes"][node]["description"]
        assert f"Relation {relation}" in text, f"{node}: the model page did not render"
        assert description[:60] in text, f"{node}: its description is not on its page"
        assert re.search(rf"\b{name}\b", text), name
        # The sidebar lists every model: both are found whichever page is open.
        assert "send_queue" in dom and "rpt_slot_fill" in dom
        errors = re.search(r'<pre id="pytest-errors"[^>]*>(.*?)</pre>', dom, flags=re.S)
        assert errors, "the page never finished loading"
        assert json.loads(html.unescape(errors.group(1))) == [], f"{node}: script errors"
    fetched = {(path.split("?")[0], code) for path, code in served}
    assert ("/manifest.json", 200) in fetched and ("/catalog.json", 200) in fetched, served
    assert not [path for path, code in fetched if code >= 400 and path.endswith(".json")], served


def test_lineage_graph_runs_from_the_sources_to_send_queue(chromium, docs_site):
    base, _ = docs_site
    dom = _chromium(chromium, f"{base}/probe.html{LINEAGE}", "--dump-dom")
    found = re.search(r'<pre id="pytest-lineage"[^>]*>(.*?)</pre>', dom, flags=re.S)
    assert found, "the lineage graph was never drawn"
    graph = json.loads(html.unescape(found.group(1)))
    assert graph["errors"] == [], graph["errors"]
    nodes, edges = set(graph["nodes"]), {tuple(edge) for edge in graph["edges"]}
    assert QUEUE in nodes

    # Every source send_queue reads, directly or not, is drawn and connected to it.
    manifest = _manifest()
    upstream, stack = set(), [QUEUE]
    while stack:
        for parent in manifest["parent_map"].get(stack.pop(), []):
            if parent not in upstream:
                upstream.add(parent)
                stack.append(parent)
    sources = {node for node in upstream if node.startswith("source.")}
    assert "source.pressure_outreach.people.people_master" in sources
    assert sources <= nodes, sources - nodes
    reaches_queue, frontier = {QUEUE}, [QUEUE]
    while frontier:
        target = frontier.pop()
        for source_node, target_node in edges:
            if target_node == target and source_node not in reaches_queue:
                reaches_queue.add(source_node)
                frontier.append(source_node)
    assert sources <= reaches_queue, sources - reaches_queue

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "lineage_send_queue.png"
    screenshot.unlink(missing_ok=True)
    _chromium(chromium, f"{base}/index.html{LINEAGE}", f"--screenshot={screenshot}")
    assert screenshot.is_file()
    pixels, green, colours = _colour_counts(screenshot)
    assert colours > 50, "the screenshot is blank"
    assert green > pixels // 2_000, "no source node (green) in the lineage screenshot"
