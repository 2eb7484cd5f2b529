-- check: inbox_files_readable
-- asset: marts.sources
-- severity: warn
-- Every file dropped into data_raw/inbox/ was recognised and read. A warning: the other files still load.
-- Returns the files that could not be read, with the reason.
SELECT path, error
FROM marts.sources
WHERE status = 'unreadable'
ORDER BY path
