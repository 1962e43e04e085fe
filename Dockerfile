FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.txt
COPY domain ./domain
COPY services ./services
COPY projections ./projections
COPY api ./api
COPY tracker ./tracker
RUN pip install --no-cache-dir --no-deps .
ENV PYTHONUNBUFFERED=1
CMD ["tracker", "summary"]
