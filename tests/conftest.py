pytest_plugins = ["kimadmin.testing.fixtures"]
