"""A public page on a phone on Fast 3G (issue 16 §1), as bench/light_page.py measures it and
tests/e2e/test_light_page.py asserts it: one cold load at 390 px in Chromium, through the DevTools
protocol."""

# DevTools' "Fast 3G" preset (front_end/core/sdk/NetworkManager.ts): 562.5 ms, 1.6 Mbps down and
# 750 kbps up, each at 90 %.
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,
    "uploadThroughput": 750 * 1000 / 8 * 0.9,
}

# Every h2 of the page, stamped with the first animation frame in which it is laid out and visible.
# Frames are not produced before the render-blocking CSS has arrived, so this is when it is seen.
WATCH_SECTIONS = """
window.__seen = {};
(function tick() {
  document.querySelectorAll("h2").forEach(function (h) {
    var text = h.textContent.trim();
    if (!(text in window.__seen) && h.getClientRects().length && h.checkVisibility({visibilityProperty: true})) {
      window.__seen[text] = performance.now();
    }
  });
  requestAnimationFrame(tick);
})();
"""

# Classic scripts that block rendering: in the head, or with a src, and neither defer nor async.
BLOCKING_SCRIPTS = """() => Array.from(document.querySelectorAll("script")).filter(s => {
  const type = (s.type || "text/javascript").toLowerCase();
  const code = ["text/javascript", "application/javascript", "module", ""].includes(type);
  return code && type !== "module" && !s.defer && !s.async && (s.src || s.closest("head"));
}).length"""


def load_on_fast_3g(browser, url):
    """One cold load (no HTTP cache) at 390 px on Fast 3G: ``(context, page, wire, seen)``, where
    ``wire`` is every response as it crossed the wire (``{url: (bytes, response)}``) and ``seen``
    when each h2 was first drawn (ms from navigation). The caller closes the context."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    responses, sizes = {}, {}
    cdp.on("Network.responseReceived", lambda e: responses.__setitem__(e["requestId"], e["response"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.add_init_script(WATCH_SECTIONS)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    wire = {responses[r]["url"]: (size, responses[r]) for r, size in sizes.items() if r in responses}
    return context, page, wire, page.evaluate("() => window.__seen")
