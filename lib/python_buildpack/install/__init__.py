"""Installing the app's environment: the pure cache decision (plan), carrying it out
(strategies), the runtime, and the installed environment as files (site)."""
