from treffpunkt.plugins import PluginConfig


class DummyPluginConfig(PluginConfig):
    default = True
    name = "treffpunkt_dummy"
    label = "dummy"
    verbose_name = "Dummy"
    description = "Says hello; exists to test the plugin machinery."
    version = "1.0.0"
    requires = ">=0.1"
    default_enabled = True
    url_prefix = "dummy"
    default_settings = {"GREETING": "Hallo", "SHOUT": False}

    def ready(self):
        super().ready()
        from . import receivers  # noqa: F401
