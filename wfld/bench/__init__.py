"""The benchmark (`flask --app wsgi bench`): how fast the main pages answer on the loaded data.

``scenarios.py`` lists what is measured and the issue's targets (data, one line per page);
``measure.py`` holds the measuring tools (statistics, SQL recording and replay, memory);
``runner.py`` signs the personas in and runs a scenario; ``command.py`` is the CLI.

The load test (``load.py``, ``locustfile.py``) lives here too but is a separate tool.
"""
