# Leadwell: `bot serve` (HTTP mode, scheduler in-process) on port 3000.
#   docker build -t leadwell .
#   docker run -e SLACK_BOT_TOKEN -e SLACK_SIGNING_SECRET -p 3000:3000 -v leadwell-data:/data leadwell
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/leadwell.db

# Install the package (non-editable) from a throw-away copy of the source, so the only
# `bot` package in the image is the installed one.
COPY pyproject.toml README.md /tmp/src/
COPY bot /tmp/src/bot
RUN pip install --no-cache-dir /tmp/src && rm -rf /tmp/src

# bot/core/migrate.py looks for migrations/ in the working directory when the package is
# installed, so the working directory is where migrations/ lives.
WORKDIR /app
COPY migrations /app/migrations
COPY alembic.ini /app/alembic.ini

# A non-root user; /data holds the SQLite database (unused when DATABASE_URL is PostgreSQL).
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin leadwell \
    && mkdir -p /data \
    && chown leadwell:leadwell /data
VOLUME ["/data"]
USER leadwell

EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % (os.environ.get('PORT') or '3000'), timeout=4)"]

# Python ignores SIGTERM when it runs as PID 1; SIGINT stops waitress cleanly.
STOPSIGNAL SIGINT

CMD ["sh", "-c", "bot db upgrade && exec bot serve"]
