"""The local web server's front page links the sites of the stages the stack serves, and only those."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from infra.local.config import stage_names
from infra.local.stack import LocalStack

pytestmark = pytest.mark.e2e


def test_the_front_page_lists_only_the_stages_served(web_stack: LocalStack) -> None:
    # Given a stack serving some of the stages of .chalice/config.json (as `make run RUN_STAGES=...`)
    assert set(stage_names()) - set(web_stack.stages), "the config has a stage this stack does not serve"
    with urllib.request.urlopen(f"{web_stack.web_url}/", timeout=10) as response:
        front = response.read().decode("utf-8")
    # Then its front page links each served stage's site, and no other
    assert sorted(re.findall(r'<a href="([^"/]+)/">', front)) == sorted(web_stack.stages)
    for stage in set(stage_names()) - set(web_stack.stages):
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{web_stack.web_url}/{stage}/config.js", timeout=10)
        assert missing.value.code == 404
    # and a served site's neighbours are served ones (a stage not served has no API answering)
    with urllib.request.urlopen(f"{web_stack.web_url}/jakarta/config.js", timeout=10) as response:
        text = response.read().decode("utf-8")
    config = json.loads(text[text.index("{") : text.rindex("}") + 1])
    assert {n["apiBase"] for n in config["neighbours"]} <= {web_stack.api_url(s) for s in web_stack.stages}
