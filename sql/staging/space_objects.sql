-- staging.space_objects
-- Grain: one row per object (satellite or other payload) per satellite catalogue edition, as published: a row of
-- a UCS Satellite Database edition, of GCAT's payload catalogue or of a CelesTrak export, read from data_raw/inbox/
-- by the reader its content matches, after the SpaceObject contract. The same satellite appears once per
-- catalogue and edition that lists it; marts.space_objects matches them by COSPAR and NORAD numbers.
-- Units: dates are UTC dates; altitudes km; inclination degrees; lifetime years.
-- Columns: the space object, declared once in pipelines/shapes.py (SPACE_OBJECT_COLUMNS): the warehouse writes its
-- columns where @columns(space_object) stands, with their types and descriptions (units included) as comments.
CREATE OR REPLACE TABLE staging.space_objects (@columns(space_object));
