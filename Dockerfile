FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# The translation catalogues (issue 18 §2; *.mo are not committed), compiled into the image so web, worker and
# beat all have them. The command reads only LOCALE_PATHS: DEBUG spares it the production settings' key checks.
RUN DEBUG=true python manage.py compile_catalogues
EXPOSE 8000
# Static files are collected (hashed, gzip-compressed) when the container starts, before serving
# (issue 16 §1): settings need the runtime environment (database, keys), which a build does not have.
CMD ["sh", "-c", "python manage.py collectstatic --noinput && exec gunicorn portal.wsgi -b 0.0.0.0:8000"]
