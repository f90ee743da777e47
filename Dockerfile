# Eerste Stap on Telegram: slim Python, non-root, data and keys on volumes.
#   docker build -t eerstestap .
#   docker run -d --name eerstestap -e TELEGRAM_BOT_TOKEN=123456:ABC... \
#     -v eerstestap-data:/data -v eerstestap-keys:/keys eerstestap
FROM python:3.12-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY conversations ./conversations
COPY content ./content
COPY storage ./storage
RUN python -m venv /opt/eerstestap && /opt/eerstestap/bin/pip install .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/eerstestap/bin:$PATH \
    EERSTESTAP_DB=/data/eerstestap.db \
    EERSTESTAP_KEY_FILE=/keys/eerstestap.key \
    EERSTESTAP_LISTEN=0.0.0.0 \
    EERSTESTAP_PORT=8443
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin eerstestap \
    && mkdir -p /data /keys \
    && chown eerstestap:eerstestap /data /keys \
    && chmod 0700 /keys
COPY --from=build /opt/eerstestap /opt/eerstestap
USER eerstestap
WORKDIR /home/eerstestap
VOLUME ["/data", "/keys"]
# Only used in webhook mode (--webhook-url); long polling needs no open port.
EXPOSE 8443
STOPSIGNAL SIGTERM
ENTRYPOINT ["eerstestap"]
CMD ["run"]
