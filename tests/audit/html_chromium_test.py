#!/usr/bin/env python3
"""The `sotto audit --html` page in headless Chromium (Debian `chromium`), in a network namespace of its own.

  tests/audit/html_chromium_test.py [--real] [--screenshot OUT.png]      # SOTTO_BUILD_DIR=build/default

Checks, from the DOM Chromium builds (--dump-dom) and its console log (--enable-logging=stderr):
  - the page loads with no console message at all (no CSP violation, no script, no blocked resource);
  - it shows one section per call and per registration of the report, each with its ladder arrows;
  - a report whose every string carries HTML/JS payloads renders to the same structure, with no <script>,
    <img> or event-handler attribute in the DOM and the payload visible as text;
  - a positive control: a page with a script that logs an error IS caught, so "no console message" means
    something.
With --real (run under flock /tmp/sotto-interop.lock) it also records a real baresip call
(tests/audit/captures.py plain-udp), renders it with `sotto audit FILE --html`, and checks it the same way.
A missing chromium FAILS.
"""
import argparse
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "interop"))
import harness as h  # noqa: E402

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def chromium(page, *args):
    """Runs chromium on file://page in a loopback-only network namespace; returns (stdout, console lines)."""
    exe = shutil.which("chromium")
    if exe is None:
        raise AssertionError("chromium is not installed (scripts/setup installs it)")
    profile = tempfile.mkdtemp(prefix="sotto-chromium-")
    try:
        r = subprocess.run(["unshare", "-n", exe, *FLAGS, f"--user-data-dir={profile}", *args,
                            "file://" + os.path.abspath(page)], capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    console = [l for l in r.stderr.splitlines() if ":CONSOLE" in l]
    assert r.returncode == 0, f"chromium exit {r.returncode}: {r.stderr[-800:]}"
    return r.stdout, console


class Dom(html.parser.HTMLParser):
    """Counts what matters in the dumped DOM."""

    def __init__(self):
        super().__init__()
        self.tags, self.sections, self.arrows, self.handlers, self.text = {}, [], 0, [], []
        self._section = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.handlers += [k for k in a if k.startswith("on")]
        cls = (a.get("class") or "").split()
        if tag == "section":
            self._section = {"kind": cls[0] if cls else "", "id": a.get("id"), "arrows": 0}
            self.sections.append(self._section)
        if tag == "g" and "message" in cls and self._section is not None:
            self._section["arrows"] += 1

    def handle_data(self, data):
        self.text.append(data)


def dom_of(page):
    out, console = chromium(page, "--dump-dom")
    assert not console, f"console messages for {page}:\n" + "\n".join(console)
    d = Dom()
    d.feed(out)
    d.text = "".join(d.text)
    return d


def check_page(page, report):
    d = dom_of(page)
    calls, regs = report.get("calls") or [], report.get("registrations") or []
    got_calls = [s for s in d.sections if s["kind"] == "call"]
    got_regs = [s for s in d.sections if s["kind"] == "registration"]
    assert len(got_calls) == len(calls) and len(got_regs) == len(regs), \
        f"{page}: {len(got_calls)} call / {len(got_regs)} registration sections for {len(calls)} / {len(regs)}"
    for s, c in zip(got_calls + got_regs, calls + regs):
        assert s["arrows"] == min(len(c.get("messages") or []), 400), f"{s['id']}: {s['arrows']} arrows, {len(c['messages'])} messages"
    for forbidden in ("script", "img", "iframe", "object", "embed", "link"):
        assert forbidden not in d.tags, f"{page}: <{forbidden}> in the DOM"
    assert not d.handlers, f"{page}: event handler attributes {d.handlers}"
    return d


def render(report_path, page):
    subprocess.run([os.path.join(h.build_dir(), "tests", "audit_html"), report_path, page], check=True)


def hostile(report):
    payload = "<script>console.error('xss')</script>\"><img src=x onerror=console.error(1)>"

    def walk(j):
        if isinstance(j, str):
            return j + payload
        if isinstance(j, list):
            return [walk(v) for v in j]
        if isinstance(j, dict):
            return {k: walk(v) for k, v in j.items()}
        return j
    return walk(report), payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", action="store_true", help="also audit a real baresip call (needs the interop lock)")
    ap.add_argument("--screenshot", help="write a screenshot of the real (or sample) report here")
    a = ap.parse_args()
    wd = h.Workdir("audit-html")
    ok = False
    try:
        # Positive control: the console check catches an error logged by a page.
        probe = wd.file("probe.html")
        open(probe, "w").write("<!DOCTYPE html><html><body><script>console.error('probe')</script></body></html>")
        _, console = chromium(probe, "--dump-dom")
        assert any("probe" in l for l in console), "chromium's console log is not captured: the check would be blind"
        print("PASS console control: a page's console.error is seen")

        sample_path = os.path.join(HERE, "sample_report.json")
        sample = json.load(open(sample_path))
        page = wd.file("sample.html")
        render(sample_path, page)
        check_page(page, sample)
        print(f"PASS sample report: {len(sample['calls'])} call and {len(sample['registrations'])} registration sections, no console message")

        bad, payload = hostile(sample)
        bad_path = wd.file("hostile.json")
        json.dump(bad, open(bad_path, "w"))
        page_bad = wd.file("hostile.html")
        render(bad_path, page_bad)
        d = check_page(page_bad, bad)
        assert payload in d.text, "the payload is not shown as text"
        print("PASS hostile report: payloads in every string stay text (no script, img or handler in the DOM)")

        shot_page = page
        if a.real:
            import captures
            cap = wd.file("plain-udp.pcapng")
            captures.make("plain-udp", cap, wd=wd)
            real_page = wd.file("real.html")
            r = subprocess.run([h.sotto_bin(), "audit", cap, "--json", "--html", real_page], capture_output=True,
                               text=True, timeout=120)
            assert r.returncode in (0, 1), f"sotto audit exit {r.returncode}: {r.stderr[-800:]}"
            report = json.loads(r.stdout)
            assert report["calls"], "no call in the real capture's report"
            check_page(real_page, report)
            print(f"PASS real capture: {len(report['calls'])} call section(s) with their ladders, no console message")
            shot_page = real_page
        if a.screenshot:
            chromium(shot_page, "--window-size=1280,1600", f"--screenshot={os.path.abspath(a.screenshot)}")
            assert os.path.getsize(a.screenshot) > 10000, "screenshot is (nearly) empty"
            print(f"screenshot: {a.screenshot}")
        ok = True
    finally:
        wd.cleanup(keep=not ok)
    print("all passed")


if __name__ == "__main__":
    main()
