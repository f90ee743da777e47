# Eerste Stap on Telegram: slim Python, non-root, data and keys on a volume.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    EERSTESTAP_DB=/data/eerstestap.db

RUN useradd --create-home --uid 10001 eerstestap \
    && mkdir -p /data && chown eerstestap:eerstestap /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY conversations ./conversations
COPY content ./content
COPY storage ./storage
RUN pip install --no-cache-dir .

USER eerstestap
VOLUME ["/data"]
CMD ["eerstestap", "run"]
