"""In Chromium: a form sent before its script runs puts nothing the citizen typed into an address.

The pages' scripts are modules, run after the page is shown (and the report form's handler after
its translations load): a citizen quick enough, or on a slow line, can send a form natively before.
A form sent by GET would put a description, a contact, a report's secret or an agency token into the
URL (browser history, the web server's and any proxy's logs); every form is POST.
"""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.stack import LocalStack

pytestmark = pytest.mark.e2e

TYPED = "RAHASIA-7319"
FORMS = [
    ("index.html", "#report-form", "#description"),
    ("index.html", "#report-form", "#reporter-phone"),
    ("track.html", "#track-form", "#report-secret"),
    ("console.html", "#token-form", "#token"),
]


@pytest.mark.parametrize(("page_name", "form", "field"), FORMS)
def test_a_form_sent_before_its_script_runs_leaves_the_address_clean(
    web_stack: LocalStack, browser: Any, page_name: str, form: str, field: str
) -> None:
    # Given a page whose scripts never arrive (a slow line, a blocked file)
    page = browser.new_context().new_page()
    page.route("**/*.js", lambda route: route.abort())
    page.goto(f"{web_stack.web_url}/jakarta/{page_name}")
    # When the citizen types into a field and the form is sent natively (as Enter would)
    page.locator(field).fill(TYPED, force=True)
    with page.expect_navigation():
        page.locator(form).evaluate("form => form.requestSubmit()")
    # Then what they typed is in no address the browser went to
    assert TYPED not in page.url
    assert page.url.split("?")[0].endswith(page_name)
    page.context.close()
