FROM python:3.12-slim
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY domain ./domain
COPY services ./services
COPY projections ./projections
COPY api ./api
COPY tracker ./tracker
RUN pip install --no-cache-dir --no-deps .
ENV PYTHONUNBUFFERED=1
CMD ["tracker", "summary"]
