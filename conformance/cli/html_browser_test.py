"""The HTML scorecard and the explain SVG, rendered by a real browser (headless Chromium).

Runs `bufconf run --html` on a faulty adapter (bug-zoo entries failing rules of both sides), and
`bufconf explain --svg` on a descriptor, then loads each page in Chromium with a probe script that
measures what a person sees and writes a JSON verdict into the DOM (--dump-dom). Checks: the
failure rows and articles are there and visible, the pictures are drawn with a non-zero size,
nothing sticks out of the page horizontally (long text wraps or scrolls inside its box; measured
with every <details> closed and open, at two window widths), the totals show the failure count of
the JSON scorecard. Screenshots go to $TEST_UNDECLARED_OUTPUTS_DIR for humans.

Usage: html_browser_test.py BUFCONF ADAPTER_SO
"""

import html
import json
import os
import shutil
import signal
import subprocess
import sys
import time

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_TIMEOUT = 30  # seconds per browser run; the whole test stays well under a minute

# Rules the adapter breaks by construction (conformance/cli/html_browser_test_adapter.cc).
EXPECTED_FAILING = {"MEMORY-SPAN", "ALGO-GET-POINTER", "ALGO-TO-CONTIGUOUS"}

# Measures the page as a person sees it and writes the verdict as JSON into <pre id=probe-verdict>.
PROBE = r"""
<script>
(function () {
  function describe(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className) s += '.' + el.className.split(' ').join('.');
    return s;
  }
  function visible(el) {
    var r = el.getBoundingClientRect();
    var cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility === 'visible' && cs.display !== 'none' &&
           parseFloat(cs.opacity) > 0;
  }
  // Does a person see `el`: non-empty box inside the page width, and on top at its centre
  // once scrolled to.
  function seen(el, width) {
    el.scrollIntoView({block: 'center'});
    var r = el.getBoundingClientRect();
    if (!visible(el) || r.left < 0 || r.right > width + 0.5) return false;
    var hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 20), r.top + r.height / 2);
    return hit !== null && (hit === el || el.contains(hit));
  }
  function clipped(el, width) {
    // An ancestor that clips or scrolls horizontally and itself fits in the page.
    for (var a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      var ox = getComputedStyle(a).overflowX;
      var r = a.getBoundingClientRect();
      if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') &&
          r.right <= width + 0.5 && r.left >= -0.5) {
        return true;
      }
    }
    return false;
  }
  function overflow(width) {
    var out = [];
    var all = document.body.querySelectorAll('*');
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (el.closest('#probe-verdict')) continue;
      var r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if ((r.right > width + 0.5 || r.left < -0.5) && !clipped(el, width)) {
        out.push(describe(el) + ' right=' + Math.round(r.right) + ' left=' + Math.round(r.left));
      }
    }
    return out.slice(0, 20);
  }
  function measure() {
    var doc = document.documentElement;
    var width = doc.clientWidth;
    var v = {width: width, scroll_width: doc.scrollWidth, height: doc.scrollHeight};
    v.overflow = overflow(width);
    var rows = document.querySelectorAll('tr.rule');
    v.rules = [];
    for (var i = 0; i < rows.length; i++) {
      v.rules.push({rule: rows[i].getAttribute('data-rule'),
                    status: rows[i].getAttribute('data-status'), seen: seen(rows[i], width)});
    }
    var badges = document.querySelectorAll('tr.rule .badge');
    v.badge_colours = {};
    for (var i = 0; i < badges.length; i++) {
      v.badge_colours[badges[i].textContent] = getComputedStyle(badges[i]).backgroundColor;
    }
    var articles = document.querySelectorAll('article.failure');
    v.failures = [];
    for (var i = 0; i < articles.length; i++) {
      var a = articles[i];
      var msg = a.querySelector('pre.message');
      var code = a.querySelector('code.replay');
      v.failures.push({rule: a.getAttribute('data-rule'), status: a.getAttribute('data-status'),
                       seen: seen(a, width), message_seen: msg !== null && seen(msg, width),
                       message: msg ? msg.textContent : null,
                       replay: code ? code.textContent : null,
                       replay_seen: code !== null && seen(code, width)});
    }
    var svgs = document.querySelectorAll('figure.picture svg');
    v.pictures = [];
    for (var i = 0; i < svgs.length; i++) {
      var s = svgs[i];
      var r = s.getBoundingClientRect();
      var box = s.getBBox();
      v.pictures.push({width: r.width, height: r.height, drawn_width: box.width,
                       drawn_height: box.height, shapes: s.querySelectorAll('rect,path,line,polygon,polyline,circle,text').length,
                       seen: seen(s.parentElement, width)});
    }
    var totals = document.querySelectorAll('li.total');
    v.totals = {};
    for (var i = 0; i < totals.length; i++) {
      var t = totals[i];
      v.totals[t.getAttribute('data-status')] = {
        shown: t.querySelector('.count').textContent, data: t.getAttribute('data-count'),
        seen: seen(t, width)};
    }
    var verdict = document.getElementById('verdict');
    v.verdict = verdict ? verdict.textContent : null;
    v.verdict_seen = verdict !== null && seen(verdict, width);
    return v;
  }
  var result = {};
  try {
    result.closed = measure();
    var details = document.querySelectorAll('details');
    for (var i = 0; i < details.length; i++) details[i].open = true;
    result.details = details.length;
    result.open = measure();
  } catch (e) {
    result.error = String(e) + ' ' + (e.stack || '');
  }
  var pre = document.createElement('pre');
  pre.id = 'probe-verdict';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
})();
</script>
"""

# The explain SVG as a browser sees it: as an image (a valid standalone SVG document loads) and
# inline (its shapes are drawn inside its box).
SVG_PROBE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>svg probe</title>
</head><body style="margin:8px">
<img id="as-image" src="explain.svg" alt="explain">
<div id="inline">%s</div>
<script>
window.addEventListener('load', function () {
  var v = {};
  try {
    var img = document.getElementById('as-image');
    v.image = {complete: img.complete, natural_width: img.naturalWidth,
               natural_height: img.naturalHeight};
    var svg = document.querySelector('#inline svg');
    v.inline_found = svg !== null;
    if (svg) {
      var r = svg.getBoundingClientRect();
      var box = svg.getBBox();
      v.inline = {width: r.width, height: r.height, drawn_width: box.width,
                  drawn_height: box.height,
                  shapes: svg.querySelectorAll('rect,path,line,polygon,polyline,circle,text').length,
                  texts: svg.querySelectorAll('text').length};
      // Shapes drawn outside the picture's own box (cut off when shown).
      var out = [];
      var all = svg.querySelectorAll('rect,path,line,polygon,polyline,circle,text');
      for (var i = 0; i < all.length; i++) {
        var b = all[i].getBoundingClientRect();
        if (b.width === 0 && b.height === 0) continue;
        if (b.right > r.right + 1 || b.bottom > r.bottom + 1 || b.left < r.left - 1 ||
            b.top < r.top - 1) {
          out.push(all[i].tagName + ' ' + Math.round(b.left) + ',' + Math.round(b.top) + '-' +
                   Math.round(b.right) + ',' + Math.round(b.bottom));
        }
      }
      v.outside = out.slice(0, 20);
    }
  } catch (e) {
    v.error = String(e);
  }
  var pre = document.createElement('pre');
  pre.id = 'probe-verdict';
  pre.textContent = JSON.stringify(v);
  document.body.appendChild(pre);
});
</script></body></html>
"""

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL: " + what, flush=True)
    return condition


def run_chromium(args, workdir, label):
    """Runs headless Chromium; kills its whole process group on a hang. Returns stdout."""
    profile = os.path.join(workdir, "chromium-profile-" + label)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--no-default-browser-check", "--disable-extensions",
           "--hide-scrollbars", "--user-data-dir=" + profile] + args
    env = dict(os.environ, HOME=os.path.join(workdir, "home"))
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=workdir, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=CHROMIUM_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise SystemExit("chromium (%s) did not finish within %d s" % (label, CHROMIUM_TIMEOUT))
    print("chromium %s: exit %d in %.1f s" % (label, proc.returncode, time.monotonic() - start),
          flush=True)
    if proc.returncode != 0:
        sys.stderr.write(err.decode("utf-8", "replace")[-3000:])
        raise SystemExit("chromium (%s) failed with exit status %d" % (label, proc.returncode))
    return out.decode("utf-8", "replace")


def verdict_of(dom):
    start = dom.find('<pre id="probe-verdict">')
    end = dom.find("</pre>", start)
    if start < 0 or end < 0:
        raise SystemExit("the probe wrote no verdict into the DOM:\n" + dom[-2000:])
    return json.loads(html.unescape(dom[start + len('<pre id="probe-verdict">'):end]))


def reddish(css_colour):
    # "rgb(255, 235, 233)" -> red is the largest component and clearly above blue.
    try:
        r, g, b = [int(float(x)) for x in css_colour[css_colour.find("(") + 1:-1].split(",")[:3]]
    except ValueError:
        return False
    return r > g and r > b + 8


def check_scorecard(v, score, label):
    """One measurement of the scorecard page against the JSON scorecard."""
    width = v["width"]
    check(v["scroll_width"] <= width,
          "%s: the page scrolls horizontally (%d > %d)" % (label, v["scroll_width"], width))
    check(not v["overflow"], "%s: elements stick out of the page: %s" % (label, v["overflow"]))

    results = {r["rule"]: r for r in score["results"]}
    rows = {r["rule"]: r for r in v["rules"]}
    check(set(rows) == set(results), "%s: the rule rows are not the run's rules" % label)
    for rule, r in results.items():
        row = rows.get(rule)
        if not check(row is not None, "%s: no row for %s" % (label, rule)):
            continue
        check(row["status"] == r["status"], "%s: %s shows %s, the run says %s" %
              (label, rule, row["status"], r["status"]))
        if r["status"] == "fail":
            check(row["seen"], "%s: the failure row of %s is not visible" % (label, rule))
    check(reddish(v["badge_colours"].get("fail", "")),
          "%s: the fail badge is not red: %s" % (label, v["badge_colours"].get("fail")))

    failing = [r for r in score["results"] if r["status"] == "fail"]
    expected_articles = sum(max(1, len(r.get("failures", []))) for r in failing)
    articles = [f for f in v["failures"] if f["status"] == "fail"]
    check(len(articles) == expected_articles, "%s: %d failure articles, expected %d" %
          (label, len(articles), expected_articles))
    for f in articles:
        check(f["seen"] and f["message_seen"],
              "%s: the failure of %s or its message is not visible" % (label, f["rule"]))
        check(f["replay"] is not None and f["replay"].startswith("bufconf replay ") and
              f["replay_seen"], "%s: the replay command of %s is missing or hidden" %
              (label, f["rule"]))
    for r in failing:
        texts = [f["message"] for f in articles if f["rule"] == r["rule"]]
        check(any(r["reason"] in (t or "") for t in texts),
              "%s: the message of %s is not on the page" % (label, r["rule"]))

    # Every failure here has a counterexample with a layout: each is drawn.
    check(len(v["pictures"]) == expected_articles, "%s: %d pictures, expected %d" %
          (label, len(v["pictures"]), expected_articles))
    for i, p in enumerate(v["pictures"]):
        check(p["width"] > 0 and p["height"] > 0 and p["drawn_width"] > 0 and
              p["drawn_height"] > 0 and p["shapes"] > 0 and p["seen"],
              "%s: picture %d is not drawn: %s" % (label, i, p))

    for status, count in score["totals"].items():
        t = v["totals"].get(status)
        if not check(t is not None, "%s: no total for %s" % (label, status)):
            continue
        check(t["shown"] == str(count) and t["data"] == str(count) and t["seen"],
              "%s: the %s total shows %s, the run counted %d" % (label, status, t, count))
    n = score["totals"]["fail"]
    check(v["verdict_seen"] and ("%d rule%s failed" % (n, "" if n == 1 else "s")) in v["verdict"],
          "%s: the verdict does not say %d rules failed: %r" % (label, n, v["verdict"]))


def main():
    bufconf = os.path.abspath(sys.argv[1])
    adapter = os.path.abspath(sys.argv[2])
    workdir = os.environ.get("TEST_TMPDIR") or "/tmp/html_browser_test"
    outputs = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR") or workdir
    os.makedirs(os.path.join(workdir, "home"), exist_ok=True)
    os.makedirs(outputs, exist_ok=True)
    started = time.monotonic()

    # A long failures directory: replay commands and file names must wrap, not stick out.
    failures_dir = "failures-" + "a-rather-long-directory-name-without-spaces" * 3
    run = subprocess.run([bufconf, "run", "--adapter", adapter, "--quiet", "--json", "score.json",
                          "--html", "score.html", "--failures-dir", failures_dir],
                         cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    check(run.returncode == 1, "bufconf run exited %d, expected 1 (rules fail):\n%s" %
          (run.returncode, run.stderr.decode("utf-8", "replace")))
    with open(os.path.join(workdir, "score.json")) as f:
        score = json.load(f)
    failing = {r["rule"] for r in score["results"] if r["status"] == "fail"}
    check(EXPECTED_FAILING <= failing, "the run did not fail %s (failed: %s)" %
          (sorted(EXPECTED_FAILING - failing), sorted(failing)))
    with open(os.path.join(workdir, "score.html"), encoding="utf-8") as f:
        page = f.read()
    if os.path.realpath(outputs) != os.path.realpath(workdir):
        shutil.copy(os.path.join(workdir, "score.html"), os.path.join(outputs, "scorecard.html"))
    check("<script" not in page.lower(), "the scorecard has a script")
    check(page.count("<figure class=\"picture\"") > 0, "the scorecard has no picture")
    probe = page.replace("</body>", PROBE + "</body>")
    with open(os.path.join(workdir, "probe.html"), "w", encoding="utf-8") as f:
        f.write(probe)

    height = 2000
    for window in ("1280,900", "760,900"):
        dom = run_chromium(["--window-size=" + window, "--virtual-time-budget=5000", "--dump-dom",
                            "file://" + os.path.join(workdir, "probe.html")], workdir,
                           "scorecard-" + window.split(",")[0])
        v = verdict_of(dom)
        if not check("error" not in v, "the probe failed: %s" % v.get("error")):
            continue
        check(v["details"] > 0, "no <details> on the page")
        check_scorecard(v["closed"], score, "width %s, details closed" % window)
        check_scorecard(v["open"], score, "width %s, details open" % window)
        if window.startswith("1280"):
            height = v["closed"]["height"]

    # Screenshots for humans: the whole page, and the explain SVG.
    run_chromium(["--window-size=1280,%d" % min(max(height, 600), 16000),
                  "--screenshot=" + os.path.join(outputs, "scorecard.png"),
                  "file://" + os.path.join(workdir, "score.html")], workdir, "screenshot")
    check(os.path.getsize(os.path.join(outputs, "scorecard.png")) > 10000,
          "the scorecard screenshot is empty")

    # `bufconf explain DESC --svg FILE` on the view of the first algorithm counterexample.
    algo = [r for r in score["results"] if r["rule"] == "ALGO-GET-POINTER"][0]
    with open(os.path.join(workdir, algo["counterexample_file"])) as f:
        descriptor = json.load(f)["case"]["view"]
    with open(os.path.join(workdir, "view.json"), "w") as f:
        json.dump(descriptor, f)
    explain = subprocess.run([bufconf, "explain", "view.json", "--svg", "explain.svg"],
                             cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=60)
    if check(explain.returncode in (0, 1) and os.path.exists(os.path.join(workdir, "explain.svg")),
             "bufconf explain --svg failed (exit %d): %s" %
             (explain.returncode, explain.stderr.decode("utf-8", "replace")[-2000:])):
        with open(os.path.join(workdir, "explain.svg"), encoding="utf-8") as f:
            svg = f.read()
        if os.path.realpath(outputs) != os.path.realpath(workdir):
            shutil.copy(os.path.join(workdir, "explain.svg"), os.path.join(outputs, "explain.svg"))
        body = svg[svg.find("<svg"):]
        with open(os.path.join(workdir, "svg_probe.html"), "w", encoding="utf-8") as f:
            f.write(SVG_PROBE_PAGE % body)
        dom = run_chromium(["--window-size=1280,900", "--virtual-time-budget=5000", "--dump-dom",
                            "file://" + os.path.join(workdir, "svg_probe.html")], workdir,
                           "explain-svg")
        v = verdict_of(dom)
        check("error" not in v, "the SVG probe failed: %s" % v.get("error"))
        image = v.get("image", {})
        check(image.get("complete") and image.get("natural_width", 0) > 0 and
              image.get("natural_height", 0) > 0,
              "explain.svg does not load as an image: %s" % image)
        inline = v.get("inline") or {}
        check(v.get("inline_found") and inline.get("width", 0) > 0 and
              inline.get("height", 0) > 0 and inline.get("drawn_width", 0) > 0 and
              inline.get("shapes", 0) > 0 and inline.get("texts", 0) > 0,
              "explain.svg is not drawn: %s" % inline)
        check(not v.get("outside"), "explain.svg draws outside its box: %s" % v.get("outside"))
        run_chromium(["--window-size=%d,%d" % (max(int(inline.get("width", 800)) + 20, 200),
                                               max(int(inline.get("height", 600)) + 20, 200)),
                      "--screenshot=" + os.path.join(outputs, "explain.png"),
                      "file://" + os.path.join(workdir, "explain.svg")], workdir,
                     "explain-screenshot")

    print("%.1f s; screenshots in %s" % (time.monotonic() - started, outputs))
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
