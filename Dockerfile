FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 8000
# Static files are collected (hashed, gzip-compressed) when the container starts, before serving
# (issue 16 §1): settings need the runtime environment (database, keys), which a build does not have.
CMD ["sh", "-c", "python manage.py collectstatic --noinput && exec gunicorn portal.wsgi -b 0.0.0.0:8000"]
