# The shenhou image: the case API, the department workers and the `shenhou` command.
# Used by docker-compose.yml against Camunda 8; the embedded engine is in it too
# (`shenhou engine`), but with Camunda you run Camunda's own image instead.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY engine ./engine
COPY domain ./domain
COPY workers ./workers
COPY api ./api
COPY shenhou ./shenhou
COPY bpmn ./bpmn
RUN pip install . && useradd --uid 1001 --create-home shenhou && mkdir -p /app/data \
    && chown shenhou /app/data
USER shenhou
EXPOSE 8000
CMD ["shenhou", "api"]
