"""The console in a real browser against a real engine process: find, see, fix, watch.

An ops user opens an instance with an incident, sees it marked on the diagram, retries it and
watches it complete without reloading; filters a list of 3,000 instances; edits a variable.
A read-only role sees neither actions nor personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.engine.console.browser import ARGS, CHROMIUM, require_chromium
from tests.engine.console.harness import DEMO_BPMN, HEALTH, OPS, ConsoleEngine, Zeebe
from tests.engine.e2e import models
from tests.engine.e2e.harness import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def wait_ready(page: Any) -> None:
    """Every console page marks <body data-ready="true"> once its controls are filled from the
    server and the URL; before that they are disabled, and input would be undone."""
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def goto(page: Any, url: str) -> None:
    page.goto(url)
    wait_ready(page)


def follow(page: Any, link: Any, url: str | re.Pattern[str]) -> None:
    """Click a link to another console page and wait until that page is ready (not the old
    one, which carries the mark too)."""
    link.click()
    page.wait_for_url(url)
    wait_ready(page)


def open_page(browser: Any, engine: ConsoleEngine, token: str) -> Any:
    """A fresh browser context (own cookies) logged in through the login form."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    page.goto(f"{engine.console_url}/login")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/console/instances$"))
    wait_ready(page)
    return page


def incident_instance(zeebe: Zeebe, engine: ConsoleEngine) -> int:
    key = zeebe.create("console-demo", {"caseId": "C-1", "deceased": {"name": "张三"}})
    zeebe.complete(zeebe.job_of("console.check", key).key)
    zeebe.fail(zeebe.job_of("console.certify", key).key, 0, "hospital system timed out")
    engine.wait_search("incidents", {"processInstanceKey": str(key), "state": "ACTIVE"})
    return key


def test_incident_is_marked_retried_and_the_instance_completes_live(
    browser: Any, console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    key = incident_instance(zeebe, console_engine)
    page = open_page(browser, console_engine, OPS)
    page.check("input[name=state][value=incident]")  # find the stuck one from the list
    page.click("#filters button[type=submit]")
    stuck = page.locator(f'#instances tbody tr[data-key="{key}"]')
    expect(stuck).to_contain_text("INCIDENT")
    follow(page, stuck.get_by_role("link"), f"**/console/instances/{key}")

    expect(page.get_by_test_id("state")).to_have_text("INCIDENT")
    expect(page.locator('.incident-mark[data-element="certify"]')).to_be_visible()
    expect(page.locator('.token-count[data-element="certify"]')).to_have_text("1")
    incident = page.locator("#incidents tr[data-incident]")
    expect(incident).to_contain_text("JOB_NO_RETRIES")
    expect(incident).to_contain_text("hospital system timed out")
    expect(page.locator("#live")).to_have_text("● live")
    page.evaluate("window.__sameDocument = true")

    incident.get_by_role("button", name=re.compile("Retry")).click()
    expect(page.locator("#toast")).to_contain_text("Retried")
    expect(page.locator("#incidents")).to_contain_text("No open incidents.")
    expect(page.locator(".incident-mark")).to_have_count(0)

    zeebe.complete(zeebe.job_of("console.certify", key).key, {"certificate": "N-1"})
    expect(page.get_by_test_id("state")).to_have_text("COMPLETED")  # pushed, not reloaded
    expect(page.locator('.djs-element.taken[data-element-id="end"]')).to_have_count(1)
    assert page.evaluate("window.__sameDocument") is True
    audit = page.locator("#audit tbody tr")
    expect(audit).to_have_count(1)
    expect(audit).to_contain_text("ops:alice")
    expect(audit).to_contain_text("RETRY_INCIDENT")
    expect(audit).to_contain_text("DONE")
    assert page.console_errors == []
    page.context.close()


def test_the_filter_form_takes_no_input_until_it_is_filled_from_the_url(
    browser: Any, console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    """The page reads the URL into the form after it has fetched the definitions; a tick given
    before that was silently undone ("Clicking the checkbox did not change its state", or a
    list that ignored the tick). The list of definitions is held back here until a user quicker
    than the page has tried to tick a box."""
    page = open_page(browser, console_engine, OPS)
    box = page.locator("input[name=state][value=incident]")
    seen: dict[str, bool] = {}

    def quick_user(route: Any) -> None:
        seen["enabled"] = box.is_enabled()
        if seen["enabled"]:
            box.check()
        route.continue_()

    page.route("**/console/api/definitions", quick_user)
    page.goto(f"{console_engine.console_url}/instances")
    expect(page.get_by_test_id("summary")).to_contain_text(" of ")  # the first list is there
    assert "enabled" in seen, "the definitions were never asked for"
    if seen["enabled"]:
        expect(box).to_be_checked()  # a tick the page took must not be undone
    assert seen == {"enabled": False}, "the form took input before it was filled from the URL"

    wait_ready(page)
    page.check("input[name=state][value=incident]")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]state=incident"))
    expect(box).to_be_checked()
    page.unroute("**/console/api/definitions")
    page.context.close()


def test_the_move_form_shows_only_once_its_lists_are_filled(
    browser: Any, console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    """The instance page showed "Move a token" before the target list had arrived, so a quick
    "Move" sent no target. The target list is held back until the panel has been looked at."""
    key = zeebe.create("console-demo", {"caseId": "C-12"})
    page = open_page(browser, console_engine, OPS)
    seen: dict[str, bool] = {}

    def quick_user(route: Any) -> None:
        seen["visible"] = page.locator("#modify-panel").is_visible()
        route.continue_()

    page.route("**/console/api/definitions/*/elements", quick_user)
    goto(page, f"{console_engine.console_url}/instances/{key}")
    assert seen == {"visible": False}, "the move form was shown before its target list was filled"
    expect(page.locator("#modify-panel")).to_be_visible()
    expect(page.locator("#modify-to option[value=certify]")).to_have_count(1)
    page.context.close()


def test_a_count_on_the_processes_page_links_to_the_filtered_list(
    browser: Any, console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    key = incident_instance(zeebe, console_engine)
    page = open_page(browser, console_engine, OPS)
    goto(page, f"{console_engine.console_url}/processes")
    row = page.locator("#definitions tbody tr", has_text="console-demo")
    follow(page, row.locator("td.incident a"), re.compile(r"/console/instances\?.*state=incident"))
    expect(page.locator("input[name=state][value=incident]")).to_be_checked()
    expect(page.locator("#f-process")).to_have_value("console-demo")
    expect(page.locator(f'#instances tbody tr[data-key="{key}"]')).to_contain_text("INCIDENT")
    expect(page.locator("#instances tbody tr", has_text="ACTIVE")).to_have_count(0)
    assert page.console_errors == []
    page.context.close()


def test_filter_and_page_through_three_thousand_instances(
    browser: Any, console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    zeebe.deploy("bulk.bpmn", models.one_task("console-bulk", "console.bulk"))
    keys = zeebe.create_many("console-bulk", 3_000, lambda i: {"n": i, "batch": f"b{i % 3}"})
    done = zeebe.activate("console.bulk", max_jobs=7)
    for job in done:
        zeebe.complete(job.key)
    wait_for(
        lambda: (
            len(
                console_engine.search(
                    "process-instances",
                    {"processDefinitionId": "console-bulk", "state": "COMPLETED"},
                )
            )
            == len(done)
        ),
        what="completed bulk instances",
    )
    page = open_page(browser, console_engine, OPS)
    goto(page, f"{console_engine.console_url}/instances?process=console-bulk")
    summary = page.get_by_test_id("summary")
    expect(summary).to_contain_text("1–50 of 3,000")
    expect(page.locator("#instances tbody tr")).to_have_count(50)

    page.click("#next")
    expect(summary).to_contain_text("51–100 of 3,000")

    page.check("input[name=state][value=completed]")
    page.click("#filters button[type=submit]")
    expect(summary).to_contain_text(f"1–{len(done)} of {len(done)}")
    expect(page.locator("#instances tbody tr")).to_have_count(len(done))

    page.click("#reset")
    page.select_option("#f-process", "console-bulk")
    page.fill("#f-var-name", "n")
    page.fill("#f-var-value", "1234")
    page.click("#filters button[type=submit]")
    expect(summary).to_contain_text("1–1 of 1")
    row = page.locator("#instances tbody tr")
    expect(row).to_have_attribute("data-key", str(keys[1234]))

    page.fill("#f-var-name", "batch")
    page.fill("#f-var-value", "b2")
    page.click("#filters button[type=submit]")
    expect(summary).to_contain_text("of 1,000")
    assert "var_value=b2" in page.url  # the filtered list is a link to share

    row = page.locator(f'#instances tbody tr[data-key="{keys[2]}"]')
    page.fill("#f-var-name", "n")
    page.fill("#f-var-value", "2")
    page.click("#filters button[type=submit]")
    expect(row).to_have_count(1)
    follow(page, row.get_by_role("link"), f"**/console/instances/{keys[2]}")
    expect(page.locator('#variables tr[data-variable="n"]')).to_contain_text("2")
    # this model has no drawing (no BPMNDI): the page says so and still follows the instance
    expect(page.locator("#diagram-error")).to_contain_text("cannot be drawn")
    expect(page.locator("#live")).to_have_text("● live")

    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    answer = httpx.get(
        f"{console_engine.console_url}/api/instances",
        params={"process": "console-bulk", "state": "active", "sort": "start"},
        cookies=cookies,
    ).json()
    assert answer["total"] == 3_000 - len(done)
    assert answer["tookMs"] < 500, answer["tookMs"]
    assert page.console_errors == []
    page.context.close()


def test_edit_a_variable(browser: Any, console_engine: ConsoleEngine, zeebe: Zeebe) -> None:
    key = zeebe.create("console-demo", {"caseId": "C-7", "township": "跃龙街道"})
    page = open_page(browser, console_engine, OPS)
    goto(page, f"{console_engine.console_url}/instances/{key}")
    row = page.locator('#variables tr[data-variable="caseId"]')
    expect(row).to_contain_text('"C-7"')

    row.get_by_role("button", name="Edit").click()
    row.locator("textarea").fill('"C-8"')
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#toast")).to_contain_text("Variable caseId saved")
    expect(row).to_contain_text('"C-8"')

    stored = console_engine.search("variables", {"processInstanceKey": str(key), "name": "caseId"})
    assert [v["value"] for v in stored] == ['"C-8"']
    expect(page.locator("#audit tbody tr")).to_contain_text("SET_VARIABLE")

    row.get_by_role("button", name="Edit").click()
    row.locator("textarea").fill("not json")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#toast")).to_contain_text("Not valid JSON")
    assert page.console_errors == []
    page.context.close()


def test_move_a_token_see_its_timer_then_cancel(
    browser: Any, console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    key = zeebe.create("console-demo", {"caseId": "C-11"})
    page = open_page(browser, console_engine, OPS)
    goto(page, f"{console_engine.console_url}/instances/{key}")
    expect(page.locator('.token-count[data-element="check"]')).to_have_text("1")
    expect(page.locator("#timers")).to_contain_text("No timers.")

    page.select_option("#modify-to", "certify")
    page.click("#modify button[type=submit]")
    expect(page.locator("#toast")).to_contain_text("Token moved to certify")
    expect(page.locator('.token-count[data-element="certify"]')).to_have_text("1")
    expect(page.locator('.token-count[data-element="check"]')).to_have_count(0)
    timer = page.locator("#timers tbody tr", has_text="reminder")  # the 24 h boundary timer
    expect(timer).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"))  # due

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#cancel")
    expect(page.get_by_test_id("state")).to_have_text("CANCELED")
    expect(page.locator("#cancel")).to_be_hidden()
    actions = page.locator("#audit tbody tr")
    expect(actions).to_have_count(2)
    expect(actions.first).to_contain_text("CANCEL_INSTANCE")
    expect(actions.last).to_contain_text("MODIFY_INSTANCE")
    page.context.close()


def test_a_read_only_role_sees_no_actions_and_no_personal_data(
    browser: Any, console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    key = incident_instance(zeebe, console_engine)
    page = open_page(browser, console_engine, HEALTH)
    expect(page.get_by_test_id("who")).to_contain_text("(read-only)")
    goto(page, f"{console_engine.console_url}/instances/{key}")
    expect(page.locator('.incident-mark[data-element="certify"]')).to_be_visible()
    incident = page.locator("#incidents tr[data-incident]")
    expect(incident).to_contain_text("hidden for your role")
    expect(incident.get_by_role("button")).to_have_count(0)
    expect(page.locator('#variables tr[data-variable="deceased"]')).to_contain_text("hidden")
    expect(page.locator("#variables button")).to_have_count(0)
    expect(page.locator("#cancel")).to_be_hidden()
    assert "张三" not in page.content()
    page.context.close()


def test_without_bpmn_js_the_page_says_so_and_shows_everything_else(
    browser: Any, tmp_path: Path
) -> None:
    """Where Node.js was missing at setup there is no bpmn-js bundle: no diagram, all else."""
    engine = ConsoleEngine(
        tmp_path / "data", env={"ENGINE_CONSOLE_BPMN_JS": str(tmp_path / "no-node-modules")}
    ).start()
    zeebe = Zeebe(engine.grpc_address)
    try:
        zeebe.deploy("console_demo.bpmn", DEMO_BPMN.read_bytes())
        key = incident_instance(zeebe, engine)
        page = open_page(browser, engine, OPS)
        goto(page, f"{engine.console_url}/instances/{key}")
        expect(page.locator("#no-diagram")).to_be_visible()
        expect(page.get_by_test_id("diagram")).to_be_hidden()
        incident = page.locator("#incidents tr[data-incident]")
        expect(incident).to_contain_text("JOB_NO_RETRIES")
        incident.get_by_role("button", name=re.compile("Retry")).click()
        expect(page.locator("#incidents")).to_contain_text("No open incidents.")
        zeebe.complete(zeebe.job_of("console.certify", key).key)
        expect(page.get_by_test_id("state")).to_have_text("COMPLETED")
        page.context.close()
    finally:
        zeebe.close()
        assert engine.stop() == 0
