"""A plugin whose import fails (a missing dependency)."""

import kimadmin_no_such_dependency  # noqa: F401
