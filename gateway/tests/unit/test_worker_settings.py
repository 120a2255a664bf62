"""gateway.worker.settle_config: after the fork a worker reads gunicorn's settings as plain
attributes, with the values Config itself gives."""

from gunicorn.config import Config

from gateway.worker import settle_config


def test_every_setting_reads_the_same_value_as_an_attribute_and_properties_stay_properties():
    cfg = Config()
    cfg.set("keepalive", 7)
    cfg.set("threads", 8)
    cfg.set("bind", ["127.0.0.1:8123"])
    before = {name: getattr(cfg, name) for name in cfg.settings}
    settle_config(cfg)
    assert "keepalive" in vars(cfg) and "threads" in vars(cfg)
    assert {name: getattr(cfg, name) for name in cfg.settings} == before
    assert cfg.keepalive == 7 and cfg.threads == 8
    assert "is_ssl" not in vars(cfg) and not cfg.is_ssl
    assert cfg.address == [("127.0.0.1", 8123)]  # (a property of Config, computed as before)
