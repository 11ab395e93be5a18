"""The app's own files: detect, the checks before a build, hooks, Django's
collectstatic, the profile.d script, bin/release's YAML (and the report)."""
