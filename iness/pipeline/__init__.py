"""Sources to clean records: fetching, raw files, a researcher's survey file and
its template, the cleaning (one adapter per source, one shared pipeline)."""
