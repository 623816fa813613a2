"""In Chromium on a 360 by 740 px phone: the citizen form's photo button is worded in the page's language
(Chromium's own file button says "Choose File" and "No file chosen" in English whatever the page's)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack
from tests.evidence_images import scene_jpeg

pytestmark = pytest.mark.e2e


def _phone_form(web_stack: LocalStack, browser: Any) -> Any:
    """Jakarta's citizen form on a 360 by 740 px phone, ready, its photo field shown."""
    page = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta").new_page()
    # File choosers intercepted from the start: ``expect_file_chooser`` alone turns interception on as
    # the tap is sent, and a tap that reaches Chromium first opens an unseen picker (a CI failure)
    page.on("filechooser", lambda chooser: None)
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#photo-field")).to_be_visible()
    return page


def test_the_photo_button_is_a_label_in_the_page_s_language_and_opens_from_the_keyboard(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone_form(web_stack, browser)
    # The button the citizen sees is a real <label> of the input, in Indonesian; the native one is not seen
    button = page.locator("label.file-button[for='photo']")
    expect(button).to_be_visible()
    expect(button).to_have_text("Pilih foto")
    expect(page.get_by_label("Pilih foto")).to_have_attribute("type", "file")
    expect(page.get_by_label("Foto (opsional)")).to_have_attribute("type", "file")
    native = page.locator("#photo").bounding_box()
    assert native is not None and native["width"] <= 1 and native["height"] <= 1, native
    expect(page.locator("#photo-name")).to_have_text("Belum ada foto dipilih.")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 360, box
    # Tapping the label opens the picker
    with page.expect_file_chooser() as tapped:
        button.click()
    assert tapped.value.element.get_attribute("id") == "photo"
    # (a picker the test intercepted stays pending in its tab, and Chromium opens one at a time: a new tab)
    page.context.close()
    page = _phone_form(web_stack, browser)
    button = page.locator("label.file-button[for='photo']")
    # From the keyboard: Tab reaches the input, its focus ring is drawn on the button, Enter opens the picker
    page.locator("#photo").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#photo")).to_be_focused()
    outline = button.evaluate("node => getComputedStyle(node).outlineStyle")
    assert outline == "solid", outline
    with page.expect_file_chooser() as pressed:
        page.keyboard.press("Enter")
    pressed.value.set_files(
        {"name": "lubang.jpg", "mimeType": "image/jpeg", "buffer": scene_jpeg(random.getrandbits(48))}
    )
    # The file chosen is named (the native button's text did that), and the words follow a language switch
    expect(page.locator("#photo-name")).to_have_text("lubang.jpg")
    page.get_by_role("button", name="English").click()
    expect(button).to_have_text("Choose photo")
    expect(page.locator("#photo-name")).to_have_text("lubang.jpg")
