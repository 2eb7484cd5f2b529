"""Reports: chart builders (frame -> Altair chart, pure), page rendering, and the report build."""
