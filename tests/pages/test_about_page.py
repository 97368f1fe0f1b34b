"""AppTest of the About page: every model listed with its package and licence, in both languages."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from apptest_helpers import exceptions, open_app

from tf_core.models.catalog import MODELS
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_about_lists_every_model_with_its_licence(lang):
    at = open_app(lang=lang)
    at.switch_page("app_pages/about.py").run()
    assert not exceptions(at), exceptions(at)
    assert at.title[0].value == t("about.title", lang)
    text = "\n".join(md.value for md in at.markdown)
    for m in MODELS.values():
        assert m.name.replace("-", "\\-") in text or m.name in text
        assert f"{t('about.col.licence', lang)}: {m.licence}" in text.replace("\\", "")
        assert f"`{m.pip_name}`" in text
        architecture = m.architecture_zh if lang == "zh" else m.architecture
        assert f"{t('about.col.architecture', lang)}: {architecture}" in text.replace("\\", "")
    missing = [m for m in MODELS.values() if not m.installed()]
    assert bool(at.info) == bool(missing)  # a missing model is explained


def test_catalog_matches_the_installed_minilm_package():
    from tf_core.models import minilm

    assert MODELS["minilm"].installed()
    assert minilm.model_dir().is_dir()


def test_about_page_does_not_import_torch():
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py', default_timeout=60)\n"
        "at.run()\n"
        "at.switch_page('app_pages/about.py').run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "assert len(at.markdown) > 3, 'no model listed'\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
