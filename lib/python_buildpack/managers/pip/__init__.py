"""pip: the manager (manager.py) and its whole story.

- What a build depends on: the requirement files' lines and pip's settings
  (inputs.py), the URLs and index pages whose answer can move (moving.py,
  index_pages.py), and the check of those pages against the saved answer
  (index.py wires it in, index_check.py asks the index, page_files.py hashes the
  answer).
- How it changes the environment: pip's own commands (commands.py), pip installed
  from its hashed pin (tool.py), the update of a pinned app from the changed lines
  alone (pinned.py). The warning for unpinned packages is worded in
  errors/build_warnings.py.

The package re-exports nothing: the lockfile managers run the buildpack's own pip
(tool.py) without loading pip's manager and its requirement parser.
"""
