"""Entry point for gunicorn (`gunicorn 'wsgi:app'`) and the flask CLI (`flask --app wsgi ...`)."""

from wfld import create_app
from wfld.core.runtime import tune_garbage_collector

app = create_app()
tune_garbage_collector()
