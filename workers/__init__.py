"""Report workers (SPEC §7). ``workers.render`` is the entry point: a ``ReportRequest`` is
checked, computed from the read models by its kind (``statistics_report``,
``rankings_report``, ``bottleneck_report``, ``process_mining``) into a ``document.Document``,
and written by its format (``xlsx``, ``csv_file``, ``html``, ``pdf``). Nothing here knows of
the queue that runs it."""
