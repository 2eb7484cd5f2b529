-- check: inbox_files_readable
-- asset: marts.sources
-- severity: warn
-- Every file in data_raw/inbox/ and data_raw/strategies/ was recognised and read. A warning: the other files
-- still load.
-- Returns the files that could not be read, with the reason.
SELECT path, error
FROM marts.sources
WHERE status = 'unreadable'
ORDER BY path
