"""What users of Heroku's classic Python buildpack rely on, built as they build:
bin/detect's message, NLTK corpora, and a buildpack used by its git URL."""

from __future__ import annotations

from pathlib import Path

from support.buildpack import run_bin

# --- bin/detect ----------------------------------------------------------------------


def test_detect_on_a_non_python_app_fails_in_the_format_of_every_error(
    tmp_path: Path, base_env: dict[str, str]
) -> None:
    site = tmp_path / "site"
    (site / "js").mkdir(parents=True)
    (site / "index.html").write_text("<html></html>\n", encoding="utf-8")

    result = run_bin("detect", site, env=base_env)

    assert result.returncode == 1, str(result)
    lines = result.output.splitlines()
    assert lines[:2] == ["", " !     Error: This app was not detected as a Python app."]
    assert all(line.startswith(" !") for line in lines[1:-1] if line), str(result)
    assert " !       requirements.txt, .python-version, runtime.txt, " in result.output
    assert " !       index.html\n !       js/\n" in result.output
    assert "Python" not in lines
    assert "Traceback" not in result.output
