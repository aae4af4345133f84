"""gunicorn settings for production: `gunicorn app:app` reads this file from the working directory.

Every value can be overridden from the environment (GUNICORN_*), so a deploy changes no file.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # behind a reverse proxy on the same host
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then: bounded memory over months of uptime
max_requests_jitter = 200
# Heartbeat files in RAM, not on a possibly slow disk (gunicorn's documented advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = "-"
errorlog = "-"
# The access log carries the request id the app assigns (X-Request-ID), to join it with app logs.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
# Password-reset links carry their token in the path: the logger masks it ("/password-reset/***").
logger_class = "kimadmin.gunicorn_logger.MaskingLogger"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
