"""The package managers, behind one interface (base.py).

registry.py lists them, one entry each: what each one is, as data. Their behaviour
is a class per manager on that interface: pip (pip/); uv, Poetry and Pipenv on one
lockfile base (lockfile/). selection.py picks the app's from its one package
manager file (app/checks.py), as Heroku's classic buildpack does.

This package's own module holds nothing, so that bin/detect and the lockfile
parsers read the registry without loading a manager.
"""
