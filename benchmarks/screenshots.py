"""Screenshots of what a reviewer sees, taken by headless Chromium, with assertions on the pages' DOM.

Run by hand (needs Debian ``chromium`` and ``fonts-noto-cjk``)::

    .venv/bin/python benchmarks/screenshots.py            # PNGs into docs/img/

1. builds a demo warehouse in a temp folder: the sample batch plus a second year of 川汇区人民政府
   with a planted identity error (tests/test_review_pages.py), ``ogi run`` twice: a real run, then
   a run where nothing changed, both recorded in a temp ``DAGSTER_HOME``;
2. ``ogi audit`` and ``ogi card`` on it, and the site ``out_review__site`` built;
3. the Dagster UI (``dagster-webserver``, the UI ``dagster dev`` serves; no daemon, so no sensor
   run interferes) on that instance: the checks of ``core_ogi__facts`` after the no-op run;
4. a screenshot of every page, and the DOM text of each checked: the failed check is still failed
   after the no-op run and names the planted agency and file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = REPO / "docs" / "img"
PORT = 3377
sys.path.insert(0, str(REPO / "tests"))


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        sys.exit("chromium is not installed: apt-get install -y chromium fonts-noto-cjk")
    return found


def browse(url: str, png: Path | None, size: str = "1400,1000", wait_ms: int = 0) -> str:
    """Screenshot ``url`` into ``png`` (if given) and return its DOM after scripts ran."""
    profile = tempfile.mkdtemp(prefix="chromium-")
    base = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={size}",
    ]
    if wait_ms:
        base.append(f"--virtual-time-budget={wait_ms}")
    try:
        if png is not None:
            subprocess.run([*base, f"--screenshot={png}", url], check=True, capture_output=True, timeout=180)
        return subprocess.run(
            [*base, "--dump-dom", url], check=True, capture_output=True, text=True, timeout=180
        ).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def expect(dom: str, *needles: str, where: str) -> None:
    missing = [n for n in needles if n not in dom]
    if missing:
        raise SystemExit(f"{where}: the page does not show {missing}")
    print(f"ok  {where}: {', '.join(needles)}")


def build(tmp: Path, env: dict[str, str]) -> None:
    from test_review_pages import SEED, plant_second_year

    raw = tmp / "raw"
    shutil.copytree(SEED.parent, raw / "sample")
    plant_second_year(raw)
    # a real run, then one where nothing changed (the fingerprint covers the code: in a checkout
    # someone is editing, a run may rebuild again, so run until one is a no-op)
    for i in range(1, 6):
        out = subprocess.run([str(BIN / "ogi"), "run"], env=env, capture_output=True, text=True, cwd=REPO)
        print(out.stdout.splitlines()[0] if out.stdout else out.stderr[-2000:])
        if out.returncode != 0:
            raise SystemExit(f"ogi run #{i} failed")
        if i > 1 and "up to date" in out.stdout:
            print(f"run #{i} was a no-op: nothing changed")
            return
    raise SystemExit("no run was a no-op: the code keeps changing under the runs")


def wait_for(url: str, seconds: float = 120) -> None:
    t0 = time.time()
    while time.time() - t0 < seconds:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"{url} did not answer in {seconds:.0f} s")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="ogi-shots-"))
    home = tmp / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    with (home / "dagster.yaml").open("a", encoding="utf-8") as fh:  # no "join the community" modal
        fh.write("\nnux:\n  enabled: false\n")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "OGI_RAW_DIR": str(tmp / "raw"),
        "OGI_WAREHOUSE_DIR": str(tmp / "wh"),
        "OGI_CORRECTIONS_DIR": str(tmp / "corrections"),
        "OGI_LOG_LEVEL": "WARNING",
    }
    build(tmp, env)
    wh = tmp / "wh" / "ogi.duckdb"
    ogi = str(BIN / "ogi")
    subprocess.run(
        [
            ogi,
            "audit",
            "--region",
            "河南省",
            "--year",
            "2022",
            "--out",
            str(tmp / "audit"),
            "--warehouse",
            str(wh),
        ],
        check=True,
        env=env,
    )
    subprocess.run(
        [ogi, "card", "川汇区人民政府", "--out", str(tmp / "cards"), "--warehouse", str(wh)],
        check=True,
        env=env,
    )

    dom = browse((tmp / "audit" / "河南省_2022.html").as_uri(), OUT / "audit.png", "1400,700")
    expect(
        dom,
        "河南省2022年度政府信息公开工作年度报告审核情况",
        "henan_2022/chuanhui_2022.txt",
        "第92行",
        where="audit page",
    )
    card = next((tmp / "cards").glob("*_2022.html"))
    dom = browse(card.as_uri(), OUT / "card.png", "1300,2300")
    expect(dom, "与同类机关比较", "申请数量趋势", 'class="num fail"', "<svg", where="report card")
    dom = browse(
        (tmp / "wh" / "site" / "quality" / "河南省.html").as_uri(), OUT / "quality_report.png", "1200,1400"
    )
    expect(dom, "河南省 · 数据质量问题明细", "第92行", "（一）予以公开 8 0 0 0 0 0 9", where="quality report")

    web = subprocess.Popen(
        [str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(PORT), "-m", "pipeline.definitions"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{PORT}/server_info")
        time.sleep(5)  # the code location loads after the server answers
        base = f"http://127.0.0.1:{PORT}"
        dom = browse(
            f"{base}/assets/core_ogi__facts?view=checks", OUT / "dagit_checks.png", "1500,1000", 20000
        )
        expect(dom, "t3_row_total", "t3_disposition_sum", "narrative_applications", where="Dagit checks")
        dom = browse(
            f"{base}/assets/core_ogi__facts?view=checks&checkDetail=t3_row_total",
            OUT / "dagit_check_detail.png",
            "1500,1100",
            20000,
        )
        expect(
            dom,
            "t3_row_total",
            "Failed",
            "henan_2022/chuanhui_2022.txt",
            "published warehouse in force",
            where="Dagit check detail after a no-op run",
        )
        dom = browse(f"{base}/assets/out_quality__in_force", OUT / "dagit_in_force.png", "1500,1100", 20000)
        expect(dom, "out_quality__in_force", where="Dagit in-force asset")
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)
    print(f"screenshots in {OUT}; work folder {tmp}")


if __name__ == "__main__":
    main()
