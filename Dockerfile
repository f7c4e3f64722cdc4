# Vanguard: the app with its compiled catalogs; migrates the database, then serves.
# Configure with VANGUARD_* variables (README.md); VANGUARD_SECRET_KEY and VANGUARD_ID_KEY are
# required in production, and VANGUARD_DATABASE_URL should point at PostgreSQL; VANGUARD_WORKERS
# server processes (default 1: or one container per core).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VANGUARD_ENV=production \
    VANGUARD_HOST=0.0.0.0 \
    VANGUARD_PORT=8000

# Chinese in the report PDFs and images (app/services/report_documents.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/vanguard
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY alembic.ini ./
COPY migrations ./migrations
COPY static ./static
COPY app ./app
RUN pybabel compile -d app/translations -D messages \
    && useradd --system --uid 10001 vanguard \
    && mkdir data && chown vanguard data

USER vanguard
EXPOSE 8000
CMD ["sh", "-c", "python -m app.cli migrate && exec python -m app.cli serve"]
